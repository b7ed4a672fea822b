<?php
/**
 * The secret carried by the three cron URLs: one per site, random (32 bytes), compared in
 * constant time, regenerable. Kept in its own option, never autoloaded with the settings and
 * never part of any form.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Settings;

final class CronToken
{
    public const OPTION = 'shopcaisse_sync_cron_token';

    /** The token, created on first use. */
    public static function get(): string
    {
        $token = get_option(self::OPTION, '');
        return is_string($token) && strlen($token) >= 43 ? $token : self::regenerate();
    }

    public static function ensure(): void
    {
        self::get();
    }

    /** A new token; the old cron URLs stop working at once. */
    public static function regenerate(): string
    {
        $token = rtrim(strtr(base64_encode(random_bytes(32)), '+/', '-_'), '=');
        update_option(self::OPTION, $token, false);
        return $token;
    }

    /** Whether the given token is the site's, compared in constant time. */
    public static function matches(mixed $given): bool
    {
        if (!is_string($given) || $given === '') {
            return false;
        }
        return hash_equals(self::get(), $given);
    }
}
