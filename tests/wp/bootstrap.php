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
define('WP_TESTS_PHPUNIT_POLYFILLS_PATH', (string) getenv('WP_TESTS_PHPUNIT_POLYFILLS_PATH'));
define('WP_TESTS_CONFIG_FILE_PATH', __DIR__ . '/wp-tests-config.php');

require_once $testsLib . '/includes/functions.php';

tests_add_filter('muplugins_loaded', static function (): void {
    require_once ABSPATH . 'wp-content/plugins/woocommerce/woocommerce.php';
    // The plugin folder is a link to the checkout: map it as WordPress does for active plugins.
    wp_register_plugin_realpath(WP_PLUGIN_DIR . '/shopcaisse-sync/shopcaisse-sync.php');
    require_once WP_PLUGIN_DIR . '/shopcaisse-sync/shopcaisse-sync.php';
});

tests_add_filter('setup_theme', static function (): void {
    // WooCommerce's tables, as its activation creates them.
    // The HPOS tables first (a new shop has them), then WooCommerce's own, which already query orders.
    wc_get_container()->get(\Automattic\WooCommerce\Internal\DataStores\Orders\DataSynchronizer::class)->create_database_tables();
    WC_Install::install();
    $GLOBALS['wp_roles'] = new WP_Roles();
});

// The order storage under test, read by WooCommerce as if saved (saving it would run
// WooCommerce's own migration hooks before Action Scheduler is up).
$hpos = getenv('SCS_HPOS') === 'no' ? 'no' : 'yes';
tests_add_filter('pre_option_woocommerce_custom_orders_table_enabled', static fn () => $hpos);
tests_add_filter('pre_option_woocommerce_custom_orders_table_data_sync_enabled', static fn () => 'no');

require $testsLib . '/includes/bootstrap.php';
require_once __DIR__ . '/support/PluginTestCase.php';
require_once __DIR__ . '/../php/support/Sandbox.php';

$storage = \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled() ? 'yes' : 'no';
if ($storage !== $hpos) {
    fwrite(STDERR, "The WordPress tier expected HPOS '$hpos' but WooCommerce uses '$storage'.\n");
    exit(2);
}

$expected = getenv('SCS_BACKEND') ?: '';
$loaded = \ShopcaisseSync\Plugin\Plugin::instance()?->backend();
if ($loaded !== $expected) {
    fwrite(STDERR, sprintf("The WordPress tier expected backend '%s' but the plugin loaded '%s'.\n", $expected, $loaded ?? 'none'));
    exit(2);
}
