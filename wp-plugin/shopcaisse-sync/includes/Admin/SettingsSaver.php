<?php
/**
 * The Settings API's sanitize callback for the settings option: the whole submitted form is
 * validated, every wrong field is reported by name, and a form with any wrong field saves
 * nothing (the saved value is kept as it was).
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Settings\Options;

final class SettingsSaver
{
    /**
     * @param mixed $input what the form posted
     * @return array<string,mixed> the value WordPress stores
     */
    public static function sanitize(mixed $input): array
    {
        $current = Options::all();
        if (!is_array($input)) {
            add_settings_error(Options::OPTION, 'invalid', __('The settings form was not understood; nothing was saved.', 'shopcaisse-sync'));
            return self::stored();
        }
        $result = Options::validate($input, $current);
        if ($result['errors'] !== []) {
            foreach ($result['errors'] as $field => $message) {
                add_settings_error(Options::OPTION, 'invalid-' . $field, sprintf(
                    /* translators: 1: the field's label, 2: what is wrong */
                    __('%1$s: %2$s', 'shopcaisse-sync'),
                    FieldLabels::label($field),
                    $message
                ));
            }
            add_settings_error(Options::OPTION, 'not-saved', __('Nothing was saved: correct the fields named above.', 'shopcaisse-sync'));
            return self::stored();
        }
        return $result['values'];
    }

    /** The option as stored now: what a refused save leaves in place. */
    private static function stored(): array
    {
        $saved = get_option(Options::OPTION, []);
        return is_array($saved) ? $saved : [];
    }
}
