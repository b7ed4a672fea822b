<?php
/**
 * What each kind of engine error means for a merchant, in plain words: the engine's own messages
 * are English and technical; the admin screens show these, translated (fr_FR shipped).
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin;

final class ErrorMessages
{
    /**
     * The explanation for an error kind (the `kind` of an engine error, or of an exception's
     * code through fromCode()); an unknown kind gets the internal-error text.
     */
    public static function forKind(string $kind): string
    {
        $messages = self::all();
        return $messages[$kind] ?? $messages['internal'];
    }

    /** The explanation for an exception thrown by the engine. */
    public static function forException(\Throwable $error): string
    {
        return self::forKind(self::kindOfCode((int) $error->getCode()));
    }

    /** The kind for an error code (see php-shim/shopcaisse_sync.h). */
    public static function kindOfCode(int $code): string
    {
        return self::CODES[$code] ?? 'internal';
    }

    /** Every kind's code, as the core numbers them. */
    public const CODES = [
        10 => 'invalid_token', 11 => 'order_module_missing', 12 => 'permission_denied',
        13 => 'not_found', 20 => 'rate_limited', 21 => 'server', 22 => 'network', 23 => 'timeout',
        24 => 'unexpected_payload', 30 => 'conflict', 40 => 'invalid_input', 50 => 'state',
        51 => 'busy', 60 => 'not_configured', 99 => 'internal',
    ];

    /** @return array<string,string> kind => translated explanation */
    public static function all(): array
    {
        return [
            'invalid_token' => self::t('The Shopcaisse access key is invalid, expired or revoked. Generate a new one in the Shopcaisse back office (External Applications) and paste it here.'),
            'order_module_missing' => self::t('This point of sale lacks the Shopcaisse "Gestion des commandes" module, so orders cannot be sent to it. Activate the module or choose another point of sale.'),
            'permission_denied' => self::t('The access key lacks the permission this operation needs. Add it to the External Application in the Shopcaisse back office.'),
            'not_found' => self::t('Shopcaisse does not know this item or order; it may have been deleted.'),
            'rate_limited' => self::t('Shopcaisse asked to slow down. The operation will be retried automatically.'),
            'server' => self::t('The Shopcaisse API is failing for now. The operation will be retried automatically.'),
            'network' => self::t('Shopcaisse could not be reached (network, DNS or TLS failure). Check that this server can reach the Shopcaisse API.'),
            'timeout' => self::t('Shopcaisse did not answer in time. The operation will be retried automatically.'),
            'unexpected_payload' => self::t('Shopcaisse answered something this plugin does not understand. Turn on debug mode and send the log to support.'),
            'conflict' => self::t('Shopcaisse refused a duplicate.'),
            'invalid_input' => self::t('A value is invalid.'),
            'state' => self::t('The plugin\'s local data file cannot be used (unreadable, locked, damaged, or the disk is full).'),
            'busy' => self::t('The same synchronisation is already running; this call was skipped.'),
            'not_configured' => self::t('A setting is missing: the access key, the company, the store or the point of sale.'),
            'internal' => self::t('An internal error occurred in Shopcaisse Sync. Nothing was lost; please report it with the log.'),
        ];
    }

    private static function t(string $text): string
    {
        return function_exists('__') ? __($text, 'shopcaisse-sync') : $text;
    }
}
