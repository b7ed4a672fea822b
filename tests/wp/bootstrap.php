<?php
/**
 * Boots WordPress's PHPUnit library with WooCommerce and the plugin loaded, on the backend named by
 * SCS_BACKEND and with HPOS as SCS_HPOS says, and refuses to run on anything else: a misconfigured
 * run can never test the wrong backend and pass.
 */

declare(strict_types=1);

$testsLib = rtrim((string) getenv('WP_TESTS_DIR'), '/');
if ($testsLib === '' || !is_file($testsLib . '/includes/functions.php')) {
    fwrite(STDERR, "WP_TESTS_DIR does not name WordPress's PHPUnit library\n");
    exit(2);
}
putenv('WP_PHPUNIT__TESTS_CONFIG=' . __DIR__ . '/wp-tests-config.php');
define('WP_TESTS_CONFIG_FILE_PATH', __DIR__ . '/wp-tests-config.php');

require_once $testsLib . '/includes/functions.php';

tests_add_filter('muplugins_loaded', static function (): void {
    require_once ABSPATH . 'wp-content/plugins/woocommerce/woocommerce.php';
    require_once ABSPATH . 'wp-content/plugins/shopcaisse-sync/shopcaisse-sync.php';
});

tests_add_filter('setup_theme', static function (): void {
    // WooCommerce's tables, as its activation creates them.
    WC_Install::install();
    $hpos = getenv('SCS_HPOS') === 'no' ? 'no' : 'yes';
    update_option('woocommerce_custom_orders_table_data_sync_enabled', 'no');
    update_option('woocommerce_custom_orders_table_enabled', $hpos);
    $GLOBALS['wp_roles'] = new WP_Roles();
});

require $testsLib . '/includes/bootstrap.php';
require_once __DIR__ . '/support/PluginTestCase.php';
require_once __DIR__ . '/../php/support/Sandbox.php';

$expected = getenv('SCS_BACKEND') ?: '';
$loaded = \ShopcaisseSync\Plugin\Plugin::instance()?->backend();
if ($loaded !== $expected) {
    fwrite(STDERR, sprintf("The WordPress tier expected backend '%s' but the plugin loaded '%s'.\n", $expected, $loaded ?? 'none'));
    exit(2);
}
