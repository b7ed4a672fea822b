<?php
/**
 * Plugin Name:       Shopcaisse Sync
 * Description:       Keeps WooCommerce and a Shopcaisse point of sale in step: products, stock, orders, customers.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * WC requires at least: 8.0
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       shopcaisse-sync
 * Domain Path:       /languages
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

/*
 * Bootstrap that never fatals: it loads the native core (extension or FFI) and, when neither
 * is usable or WooCommerce is missing, shows every administrator what is missing and the exact
 * fix, and runs no sync. The rest of the site keeps working.
 */

const SHOPCAISSE_SYNC_FILE = __FILE__;
const SHOPCAISSE_SYNC_VERSION = '0.1.0';

/** Where the shim lives: inside the plugin once packaged, beside it in a source checkout. */
function shopcaisse_sync_shim_dir(): string
{
    $packaged = __DIR__ . '/php-shim';
    return is_dir($packaged) ? $packaged : dirname(__DIR__, 2) . '/php-shim';
}

/**
 * Absolute path of a shipped library (kind ext or ffi), or the checkout's build output; the
 * filter shopcaisse_sync_library_path lets a host keep the library elsewhere.
 */
function shopcaisse_sync_library(string $kind): string
{
    $name = $kind === 'ext' ? 'shopcaisse_sync.so' : 'libshopcaisse_sync.so';
    $packaged = __DIR__ . '/lib/' . $kind . '/' . $name;
    $path = is_file($packaged) ? $packaged : dirname(__DIR__, 2) . '/target/' . $kind . '/release/libshopcaisse_sync.so';
    return (string) apply_filters('shopcaisse_sync_library_path', $path, $kind);
}

/** The plugin's own classes: ShopcaisseSync\Plugin\X\Y lives in includes/X/Y.php. */
spl_autoload_register(static function (string $class): void {
    $prefix = 'ShopcaisseSync\\Plugin\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/includes/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});

/**
 * Why the shipped extension cannot load into this PHP, or null when it can (or nothing says):
 * lib/ext/build.json, written when the ZIP is built, names the PHP it was built for. An extension
 * loads only into the same PHP minor version, thread safety and debug build.
 */
function shopcaisse_sync_extension_mismatch(string $extension): ?string
{
    $facts = is_file(dirname($extension) . '/build.json') ? json_decode((string) file_get_contents(dirname($extension) . '/build.json'), true) : null;
    if (!is_array($facts) || !isset($facts['php'])) {
        return null;
    }
    $built = implode('.', array_slice(explode('.', (string) $facts['php']), 0, 2));
    $here = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
    $describe = static fn (string $version, bool $zts, bool $debug) => $version . ($zts ? ' ZTS' : ' NTS') . ($debug ? ' debug' : '');
    if ($built === $here && (bool) ($facts['zts'] ?? false) === (bool) PHP_ZTS && (bool) ($facts['debug'] ?? false) === (bool) PHP_DEBUG) {
        return null;
    }
    return sprintf(
        /* translators: 1: the PHP the extension was built for, e.g. "8.2 NTS", 2: this site's PHP */
        __('The shipped extension was built for PHP %1$s and cannot load into this PHP (%2$s); it is not loaded. Use FFI instead.', 'shopcaisse-sync'),
        $describe($built, (bool) ($facts['zts'] ?? false), (bool) ($facts['debug'] ?? false)),
        $describe($here, (bool) PHP_ZTS, (bool) PHP_DEBUG)
    );
}

function shopcaisse_sync_boot(): void
{
    load_plugin_textdomain('shopcaisse-sync', false, dirname(plugin_basename(__FILE__)) . '/languages');
    $shim = shopcaisse_sync_shim_dir() . '/bootstrap.php';
    if (!is_file($shim)) {
        shopcaisse_sync_notice(__('Shopcaisse Sync is incomplete: its php-shim folder is missing. Reinstall the plugin.', 'shopcaisse-sync'), []);
        return;
    }
    require_once $shim;
    $loaded = \ShopcaisseSync\Shim\Loader::load(shopcaisse_sync_library('ffi'), shopcaisse_sync_library('ext'));
    if (!$loaded->isLoaded()) {
        $mismatch = shopcaisse_sync_extension_mismatch(shopcaisse_sync_library('ext'));
        $fixes = $mismatch === null ? $loaded->fixes : array_values(array_filter($loaded->fixes, static fn (string $line) => !str_starts_with($line, 'extension=' . shopcaisse_sync_library('ext'))));
        shopcaisse_sync_notice($mismatch === null ? $loaded->reason : $mismatch . ' ' . $loaded->reason, $fixes);
        return;
    }
    if (!class_exists('WooCommerce', false)) {
        shopcaisse_sync_notice(__('WooCommerce is not active. Install and activate WooCommerce, then come back to Settings > Shopcaisse Sync.', 'shopcaisse-sync'), []);
        return;
    }
    \ShopcaisseSync\Plugin\Plugin::boot($loaded->backend);
    do_action('shopcaisse_sync_loaded', $loaded->backend);
}

/** @param string[] $fixes */
function shopcaisse_sync_notice(string $reason, array $fixes): void
{
    add_action('admin_notices', static function () use ($reason, $fixes): void {
        if (!current_user_can('manage_options') && !current_user_can('manage_woocommerce')) {
            return;
        }
        echo '<div class="notice notice-error shopcaisse-sync-notice"><p><strong>Shopcaisse Sync</strong> — ';
        echo esc_html__('no synchronisation runs until this is fixed:', 'shopcaisse-sync'), ' ';
        echo esc_html($reason), '</p>';
        if ($fixes !== []) {
            echo '<p>', esc_html__('Add one of these lines to php.ini, then restart PHP:', 'shopcaisse-sync'), '</p><pre>';
            echo esc_html(implode("\n", $fixes)), '</pre>';
        }
        echo '</div>';
    });
}

// HPOS: the plugin reads and writes orders only through WooCommerce's CRUD.
add_action('before_woocommerce_init', static function (): void {
    if (class_exists(\Automattic\WooCommerce\Utilities\FeaturesUtil::class)) {
        \Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility('custom_order_tables', __FILE__, true);
    }
});

register_activation_hook(__FILE__, static function (): void {
    // Only what needs no backend: the cron token exists from the first screen on.
    \ShopcaisseSync\Plugin\Settings\CronToken::ensure();
});

add_action('plugins_loaded', 'shopcaisse_sync_boot');
