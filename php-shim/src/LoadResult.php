<?php

declare(strict_types=1);

namespace ShopcaisseSync\Shim;

/**
 * What the loader found: the backend in use, or why none could be used and how to fix it.
 */
final class LoadResult
{
    public const EXTENSION = 'extension';
    public const FFI = 'ffi';

    /**
     * @param string|null $backend  'extension', 'ffi', or null when nothing is usable.
     * @param string      $reason   Why nothing is usable (empty when a backend is in use).
     * @param string[]    $fixes    php.ini lines that would make a backend usable.
     */
    private function __construct(
        public readonly ?string $backend,
        public readonly string $reason,
        public readonly array $fixes
    ) {
    }

    public static function loaded(string $backend): self
    {
        return new self($backend, '', []);
    }

    /** @param string[] $fixes */
    public static function unavailable(string $reason, array $fixes): self
    {
        return new self(null, $reason, $fixes);
    }

    public function isLoaded(): bool
    {
        return $this->backend !== null;
    }
}
