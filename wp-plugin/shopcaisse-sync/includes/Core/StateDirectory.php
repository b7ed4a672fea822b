<?php
/**
 * Where the core's state file lives. It holds personal data (customers in the outbox and the
 * logs), so it must never be downloadable (docs/decisions.md, "Where the state lives"):
 *
 * 1. the constant SHOPCAISSE_SYNC_STATE_DIR, or the filter shopcaisse_sync_state_dir;
 * 2. else beside the WordPress folder, outside the web root, when that folder is writable;
 * 3. else, as a last resort, in the uploads folder under an unguessable name, with deny rules
 *    for Apache and IIS (nginx needs the rule the settings screen gives).
 *
 * Each site gets its own subfolder, named by a random key kept in an option, so two sites on
 * one host never share a state file.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Core;

final class StateDirectory
{
    public const KEY_OPTION = 'shopcaisse_sync_state_key';

    private static ?string $resolved = null;

    /** The directory, created and protected on first use. */
    public static function path(): string
    {
        if (self::$resolved !== null) {
            return self::$resolved;
        }
        $dir = self::choose();
        if (!is_dir($dir)) {
            wp_mkdir_p($dir);
        }
        self::protect($dir);
        return self::$resolved = $dir;
    }

    /** Whether the chosen directory sits inside the web root (the last-resort location). */
    public static function isInsideWebRoot(): bool
    {
        $dir = wp_normalize_path(self::path());
        return str_starts_with($dir, wp_normalize_path(ABSPATH)) || str_starts_with($dir, wp_normalize_path(WP_CONTENT_DIR));
    }

    public static function forgetResolved(): void
    {
        self::$resolved = null;
    }

    private static function choose(): string
    {
        if (defined('SHOPCAISSE_SYNC_STATE_DIR') && is_string(SHOPCAISSE_SYNC_STATE_DIR) && SHOPCAISSE_SYNC_STATE_DIR !== '') {
            return untrailingslashit(SHOPCAISSE_SYNC_STATE_DIR);
        }
        $filtered = apply_filters('shopcaisse_sync_state_dir', '');
        if (is_string($filtered) && $filtered !== '') {
            return untrailingslashit($filtered);
        }
        $key = self::siteKey();
        $outside = dirname(untrailingslashit(ABSPATH)) . '/shopcaisse-sync-data';
        if (is_dir($outside) ? wp_is_writable($outside) : wp_is_writable(dirname($outside))) {
            return $outside . '/' . $key;
        }
        $uploads = wp_upload_dir(null, false);
        return untrailingslashit($uploads['basedir']) . '/shopcaisse-sync-' . $key;
    }

    /** The site's random key: 32 hex characters, made once. */
    public static function siteKey(): string
    {
        $key = get_option(self::KEY_OPTION, '');
        if (!is_string($key) || !preg_match('/^[0-9a-f]{32}$/', $key)) {
            $key = bin2hex(random_bytes(16));
            update_option(self::KEY_OPTION, $key, true);
        }
        return $key;
    }

    /** Deny rules and an empty index, wherever the directory is: harmless outside the web root. */
    private static function protect(string $dir): void
    {
        $files = [
            '.htaccess' => "# Shopcaisse Sync state: never served.\n<IfModule mod_authz_core.c>\n    Require all denied\n</IfModule>\n<IfModule !mod_authz_core.c>\n    Deny from all\n</IfModule>\n",
            'web.config' => "<?xml version=\"1.0\"?>\n<configuration><system.webServer><authorization><deny users=\"*\" /></authorization></system.webServer></configuration>\n",
            'index.php' => "<?php\n// Silence is golden.\n",
        ];
        foreach ($files as $name => $content) {
            $path = $dir . '/' . $name;
            if (is_dir($dir) && !is_file($path)) {
                file_put_contents($path, $content);
            }
        }
    }
}
