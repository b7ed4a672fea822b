<?php
/**
 * The browser tests' php-cli side: seeds and reads the site through wp-load.php, and answers one
 * line of JSON.
 *
 *   php wp.php WP_DIR SITE_URL locale LOGIN LOCALE   the user's admin language (en_US clears it)
 *   php wp.php WP_DIR SITE_URL reset                  the plugin's settings back to their defaults
 *   php wp.php WP_DIR SITE_URL settings               what is saved (the key only as saved or not)
 *   php wp.php WP_DIR SITE_URL state                  where the state file is
 */

declare(strict_types=1);

[, $dir, $siteUrl, $command] = array_pad($argv, 4, '');
$args = array_slice($argv, 4);
$_SERVER['HTTP_HOST'] = (string) parse_url($siteUrl, PHP_URL_HOST) . ':' . (string) parse_url($siteUrl, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $dir . '/wp-load.php';

/** @param mixed $value */
function answer($value): void
{
    echo "\n", wp_json_encode($value), "\n";
    exit(0);
}

function fail(string $message): void
{
    fwrite(STDERR, $message . "\n");
    exit(1);
}

switch ($command) {
    case 'locale':
        [$login, $locale] = $args + ['', ''];
        $user = get_user_by('login', $login);
        if (!$user) {
            fail("no user $login");
        }
        if ($locale === '' || $locale === 'en_US') {
            delete_user_meta($user->ID, 'locale');
        } else {
            update_user_meta($user->ID, 'locale', $locale);
        }
        answer(['user' => $login, 'locale' => get_user_locale($user->ID)]);

    case 'reset':
        delete_option('shopcaisse_sync_settings');
        answer(['reset' => true]);

    case 'settings':
        $saved = get_option('shopcaisse_sync_settings', []);
        $saved = is_array($saved) ? $saved : [];
        $out = ['has_token' => isset($saved['token']) && $saved['token'] !== ''];
        foreach (['base_url', 'company_id', 'store_id', 'pos_id', 'price_list_id'] as $field) {
            $out[$field] = (string) ($saved[$field] ?? '');
        }
        answer($out);

    case 'state':
        if (!class_exists(\ShopcaisseSync\Plugin\Core\StateDirectory::class)) {
            fail('the plugin is not loaded');
        }
        $stateDir = \ShopcaisseSync\Plugin\Core\StateDirectory::path();
        $file = $stateDir . '/shopcaisse-sync.sqlite';
        $uploads = wp_upload_dir(null, false);
        answer([
            'dir' => $stateDir,
            'file' => $file,
            'exists' => is_file($file),
            'key' => \ShopcaisseSync\Plugin\Core\StateDirectory::siteKey(),
            'abspath' => realpath(ABSPATH),
            'content_dir' => realpath(WP_CONTENT_DIR),
            'uploads_dir' => $uploads['basedir'],
            'plugin_dir' => realpath(WP_PLUGIN_DIR . '/shopcaisse-sync'),
        ]);

    default:
        fail("unknown command: $command");
}
