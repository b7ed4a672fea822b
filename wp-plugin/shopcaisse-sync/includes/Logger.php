<?php
/**
 * What the shell itself has to say (an image skipped, a product WooCommerce refused), into
 * WooCommerce's log under the source "shopcaisse-sync"; the core keeps its own log of the sync.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin;

final class Logger
{
    public const SOURCE = 'shopcaisse-sync';

    public static function warning(string $message): void
    {
        if (function_exists('wc_get_logger')) {
            wc_get_logger()->warning($message, ['source' => self::SOURCE]);
        }
        do_action('shopcaisse_sync_logged', 'warning', $message);
    }
}
