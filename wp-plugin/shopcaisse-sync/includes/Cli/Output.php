<?php
/** Where the WP-CLI commands write: WP-CLI itself, or a recorder in tests. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Cli;

interface Output
{
    public function line(string $text): void;

    public function success(string $text): void;

    /** Ends the command with a failure (WP-CLI exits; a recorder throws). */
    public function error(string $text): never;
}
