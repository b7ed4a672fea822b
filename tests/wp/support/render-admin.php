<?php
/**
 * Child process of BootstrapTest: loads the test WordPress with the plugin (and WooCommerce when
 * the first argument is 1) as an administrator on an admin page, prints what admin_notices
 * printed, then SITE-OK once WordPress answered a front-end query.
 */

declare(strict_types=1);

require dirname(__DIR__) . '/wp-tests-config.php';
define('WP_ADMIN', true);
define('WP_USE_THEMES', false);
$_SERVER['HTTP_HOST'] = 'example.org';
$_SERVER['REQUEST_URI'] = '/wp-admin/index.php';
$_SERVER['SERVER_NAME'] = 'example.org';
$_SERVER['REQUEST_METHOD'] = 'GET';
$withWooCommerce = ($argv[1] ?? '1') === '1';

if (getenv('SCS_CHILD_FFI_LIB')) {
    // The test hands a broken library: the bootstrap must explain it, not crash on it.
    $GLOBALS['scs_child_ffi_lib'] = getenv('SCS_CHILD_FFI_LIB');
}

$GLOBALS['wp_filter']['muplugins_loaded'][10][] = [
    'function' => static function () use ($withWooCommerce): void {
        if ($withWooCommerce) {
            require_once ABSPATH . 'wp-content/plugins/woocommerce/woocommerce.php';
        }
        if (isset($GLOBALS['scs_child_ffi_lib'])) {
            add_filter('shopcaisse_sync_library_path', static fn (string $path, string $kind) => $kind === 'ffi' ? $GLOBALS['scs_child_ffi_lib'] : $path, 10, 2);
        }
        wp_register_plugin_realpath(WP_PLUGIN_DIR . '/shopcaisse-sync/shopcaisse-sync.php');
        require_once WP_PLUGIN_DIR . '/shopcaisse-sync/shopcaisse-sync.php';
    },
    'accepted_args' => 0,
];

require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

$admins = get_users(['role' => 'administrator', 'number' => 1, 'fields' => 'ID']);
wp_set_current_user($admins !== [] ? (int) $admins[0] : 1);
if (!current_user_can('manage_options')) {
    $user = wp_get_current_user();
    $user->add_role('administrator');
}
do_action('admin_notices');
echo "\n";
$posts = get_posts(['numberposts' => 1, 'post_status' => 'any']);
echo is_array($posts) ? "SITE-OK\n" : "SITE-BROKEN\n";
