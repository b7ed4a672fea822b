<?php
/**
 * Plugin Name:       Shopcaisse Sync
 * Description:       Keeps WooCommerce and a Shopcaisse point of sale in step: products, stock, orders, customers.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       shopcaisse-sync
 * Domain Path:       /languages
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

/*
 * Bootstrap that never fatals: it loads the native core (extension or FFI) and, when neither
 * is usable, shows every administrator what is missing and the php.ini line that fixes it,
 * and runs no sync.
 */

const SHOPCAISSE_SYNC_FILE = __FILE__;

/** Where the shim lives: inside the plugin once packaged, beside it in a source checkout. */
function shopcaisse_sync_shim_dir(): string
{
    $packaged = __DIR__ . '/php-shim';
    return is_dir($packaged) ? $packaged : dirname(__DIR__, 2) . '/php-shim';
}

/** Absolute path of a shipped library, or the checkout's build output. */
function shopcaisse_sync_library(string $kind): string
{
    $name = $kind === 'ext' ? 'shopcaisse_sync.so' : 'libshopcaisse_sync.so';
    $packaged = __DIR__ . '/lib/' . $kind . '/' . $name;
    if (is_file($packaged)) {
        return $packaged;
    }
    return dirname(__DIR__, 2) . '/target/' . $kind . '/release/libshopcaisse_sync.so';
}

function shopcaisse_sync_boot(): void
{
    load_plugin_textdomain('shopcaisse-sync', false, dirname(plugin_basename(__FILE__)) . '/languages');
    require_once __DIR__ . '/includes/ErrorMessages.php';
    $shim = shopcaisse_sync_shim_dir() . '/bootstrap.php';
    if (!is_file($shim)) {
        shopcaisse_sync_notice(__('Shopcaisse Sync is incomplete: its php-shim folder is missing. Reinstall the plugin.', 'shopcaisse-sync'), []);
        return;
    }
    require_once $shim;
    $loaded = \ShopcaisseSync\Shim\Loader::load(shopcaisse_sync_library('ffi'), shopcaisse_sync_library('ext'));
    if (!$loaded->isLoaded()) {
        shopcaisse_sync_notice($loaded->reason, $loaded->fixes);
        return;
    }
    do_action('shopcaisse_sync_loaded', $loaded->backend);
}

/** @param string[] $fixes */
function shopcaisse_sync_notice(string $reason, array $fixes): void
{
    add_action('admin_notices', static function () use ($reason, $fixes): void {
        if (!current_user_can('manage_options')) {
            return;
        }
        echo '<div class="notice notice-error"><p><strong>Shopcaisse Sync</strong> — ';
        echo esc_html__('no synchronisation runs until this is fixed:', 'shopcaisse-sync'), ' ';
        echo esc_html($reason), '</p>';
        if ($fixes !== []) {
            echo '<p>', esc_html__('Add one of these lines to php.ini, then restart PHP:', 'shopcaisse-sync'), '</p><pre>';
            echo esc_html(implode("\n", $fixes)), '</pre>';
        }
        echo '</div>';
    });
}

add_action('plugins_loaded', 'shopcaisse_sync_boot');
