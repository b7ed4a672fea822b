<?php
/** What one run of a job did: how it ended, where the next run resumes, and its counts. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

final class JobResult
{
    public const COMPLETED = 'completed';
    public const PARTIAL = 'partial';
    public const HELD = 'held';
    public const FAILED = 'failed';

    /** @param array<string,mixed> $summary */
    public function __construct(
        public readonly string $outcome,
        public readonly array $summary,
        public readonly ?string $cursor = null,
    ) {
    }

    /** @param array<string,mixed> $summary */
    public static function finished(array $summary, bool $timeLeft, ?string $cursorIfNot): self
    {
        return $timeLeft
            ? new self(self::COMPLETED, $summary)
            : new self(self::PARTIAL, $summary, $cursorIfNot);
    }
}
