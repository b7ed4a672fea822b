<?php
/** The commands' output through WP-CLI. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Cli;

final class WpCliOutput implements Output
{
    public function line(string $text): void
    {
        \WP_CLI::line($text);
    }

    public function success(string $text): void
    {
        \WP_CLI::success($text);
    }

    public function error(string $text): never
    {
        \WP_CLI::error($text);
        exit(1);
    }
}
