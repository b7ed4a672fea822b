<?php
/**
 * Installs WordPress + WooCommerce in the host test's tree, then the plugin from its ZIP through
 * Plugin_Upgrader (what Extensions > Ajouter > Téléverser runs), and activates it. On a site
 * installed already (the demo's, set up by scripts/wp/site.sh), only the ZIP part runs.
 * Arguments: the WordPress folder, the site URL. The ZIP path is in HOST_ZIP.
 */

declare(strict_types=1);

[, $dir, $url] = $argv;
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
function wp_new_blog_notification() {}
require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';

if (is_blog_installed()) {
    $admins = get_users(['role' => 'administrator', 'number' => 1, 'fields' => 'ID']);
    $admin = (int) ($admins[0] ?? 0);
} else {
    $installed = wp_install('Host test', 'admin', 'admin@example.com', true, '', wp_slash('host-admin-password'), 'en_US');
    if (empty($installed['user_id'])) {
        fwrite(STDERR, "wp_install failed\n");
        exit(1);
    }
    update_option('siteurl', $url);
    update_option('home', $url);
    $woo = activate_plugin('woocommerce/woocommerce.php');
    if (is_wp_error($woo)) {
        fwrite(STDERR, 'WooCommerce: ' . $woo->get_error_message() . "\n");
        exit(1);
    }
    $admin = (int) $installed['user_id'];
}
wp_set_current_user($admin);
WP_Filesystem();
$upgrader = new Plugin_Upgrader(new Automatic_Upgrader_Skin());
$result = $upgrader->install((string) getenv('HOST_ZIP'));
if ($result !== true) {
    $errors = $upgrader->skin->get_errors();
    fwrite(STDERR, 'install failed: ' . (is_wp_error($result) ? $result->get_error_message() : implode('; ', $errors->get_error_messages())) . "\n");
    exit(1);
}
$activated = activate_plugin($upgrader->plugin_info());
if (is_wp_error($activated)) {
    fwrite(STDERR, 'activation failed: ' . $activated->get_error_message() . "\n");
    exit(1);
}
echo 'installed ', $upgrader->plugin_info(), "\n";
