<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use PHPUnit\Framework\TestCase;
use ShopcaisseSync\Engine;

/** Shared set-up: a fresh state directory per test and an engine built on it. */
abstract class EngineTestCase extends TestCase
{
    protected string $stateDir;

    protected function setUp(): void
    {
        $this->stateDir = sys_get_temp_dir() . '/scs-php-' . bin2hex(random_bytes(6));
        mkdir($this->stateDir, 0700, true);
    }

    protected function tearDown(): void
    {
        self::removeTree($this->stateDir);
    }

    /** @param array<string,mixed> $settings */
    protected function engine(array $settings = []): Engine
    {
        return new Engine($settings + ['test_hooks' => true], $this->stateDir);
    }

    protected static function backend(): string
    {
        return (string) getenv('SCS_BACKEND');
    }

    private static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        foreach (scandir($dir) ?: [] as $entry) {
            if ($entry === '.' || $entry === '..') {
                continue;
            }
            $path = $dir . '/' . $entry;
            is_dir($path) ? self::removeTree($path) : unlink($path);
        }
        rmdir($dir);
    }
}
