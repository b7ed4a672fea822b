<?php
/**
 * The plugin's settings: one WordPress option holding every field, their defaults, and the
 * validation a save goes through.
 *
 * Fields the core reads are validated by the core itself (one throw-away Engine per field, which
 * opens nothing), so a range or a format is defined once, in Rust, and every wrong field is named
 * at once. Fields only the plugin reads (automation switches, the time budget) are checked here.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Settings;

final class Options
{
    public const OPTION = 'shopcaisse_sync_settings';

    /** Fields handed to the core, with the default the form shows (the core's own defaults). */
    public const ENGINE_DEFAULTS = [
        'base_url' => '',
        'token' => '',
        'company_id' => '',
        'store_id' => '',
        'pos_id' => '',
        'price_list_id' => '',
        'debug' => false,
        'matching_method' => 'reference',
        'subtract_reserved' => true,
        'zero_missing' => false,
        'max_drop_percent' => 50,
        'min_drop_count' => 10,
        'min_answer_percent' => 50,
        'log_max_rows' => 50000,
        'log_max_age_days' => 30,
        'order_prefix' => 'WEB-',
        'payment_type' => 'ONLINE',
    ];

    /** Fields only the plugin reads. */
    public const PLUGIN_DEFAULTS = [
        'auto_products' => false,
        'auto_stock' => true,
        'auto_orders' => true,
        'job_budget_seconds' => 20,
        'schedule_enabled' => false,
        'schedule_minutes' => 15,
        'delete_data_on_uninstall' => false,
        'alerts_enabled' => false,
        'alert_late_intervals' => 3,
    ];

    /** The order settings that are lists: status => sends, and the statuses that cancel. */
    public const ORDER_LISTS = [
        'status_map' => ['processing' => true, 'completed' => true],
        'cancel_statuses' => ['cancelled', 'refunded'],
    ];

    public const BOOLEANS = ['debug', 'subtract_reserved', 'zero_missing', 'auto_products', 'auto_stock',
        'auto_orders', 'schedule_enabled', 'delete_data_on_uninstall', 'alerts_enabled'];

    public const INTEGERS = ['max_drop_percent', 'min_drop_count', 'min_answer_percent', 'log_max_rows',
        'log_max_age_days', 'job_budget_seconds', 'schedule_minutes', 'alert_late_intervals'];

    /** Longest time budget a cron call may have: kept under PHP's max_execution_time. */
    public const MAX_BUDGET_SECONDS = 300;

    /** @return array<string,mixed> every field, saved or default */
    public static function all(): array
    {
        $saved = get_option(self::OPTION, []);
        return array_merge(self::defaults(), is_array($saved) ? $saved : []);
    }

    /** @return array<string,mixed> */
    public static function defaults(): array
    {
        return array_merge(self::ENGINE_DEFAULTS, self::PLUGIN_DEFAULTS, self::ORDER_LISTS);
    }

    public static function get(string $field): mixed
    {
        return self::all()[$field] ?? null;
    }

    /**
     * The settings array the core takes: the engine's fields, empty ones left out so the core
     * applies its own defaults.
     *
     * @return array<string,mixed>
     */
    public static function engineSettings(?array $values = null): array
    {
        $values ??= self::all();
        $settings = [];
        foreach (array_keys(self::ENGINE_DEFAULTS) as $field) {
            $value = $values[$field] ?? null;
            if ($value === null || $value === '') {
                continue;
            }
            $settings[$field] = $value;
        }
        foreach (['status_map', 'cancel_statuses'] as $field) {
            if (isset($values[$field]) && is_array($values[$field])) {
                $settings[$field] = $values[$field];
            }
        }
        return apply_filters('shopcaisse_sync_engine_settings', $settings);
    }

    /** Whether an access key is saved. */
    public static function hasToken(): bool
    {
        return (string) self::get('token') !== '';
    }

    /** The last 4 characters of the saved key, the most the screens ever show of it. */
    public static function tokenHint(): string
    {
        $token = (string) self::get('token');
        return strlen($token) >= 12 ? substr($token, -4) : '';
    }

    /**
     * Validates a submitted form against the saved values. Nothing is saved unless every field
     * is valid: the answer is either the complete new value, or the errors by field.
     *
     * @param array<string,mixed> $input  the submitted fields (raw, unslashed)
     * @return array{values:array<string,mixed>,errors:array<string,string>}
     */
    public static function validate(array $input, array $current): array
    {
        $values = $current;
        $errors = [];
        foreach (self::defaults() as $field => $default) {
            if (isset(self::ORDER_LISTS[$field])) {
                continue; // orderLists() below
            }
            if (in_array($field, self::BOOLEANS, true)) {
                // A checkbox left unticked is absent; only fields rendered on the form are judged.
                if (array_key_exists($field . '__present', $input) || array_key_exists($field, $input)) {
                    $values[$field] = !empty($input[$field]) && $input[$field] !== '0';
                }
                continue;
            }
            if (!array_key_exists($field, $input)) {
                continue;
            }
            $raw = $input[$field];
            if (!is_scalar($raw)) {
                $errors[$field] = __('This field must be a single value.', 'shopcaisse-sync');
                continue;
            }
            $text = trim((string) $raw);
            if ($field === 'token') {
                // The key is never printed back: an empty field keeps the saved one.
                if ($text !== '') {
                    $values['token'] = $text;
                }
                continue;
            }
            if ($field === 'order_prefix') {
                $text = (string) $raw; // a prefix may end with a space or a dash
            }
            if (in_array($field, self::INTEGERS, true)) {
                if ($text === '' || !preg_match('/^\d+$/', $text)) {
                    $errors[$field] = __('Enter a whole number.', 'shopcaisse-sync');
                    continue;
                }
                $values[$field] = (int) $text;
                continue;
            }
            $values[$field] = $text;
        }
        $errors += self::orderLists($input, $values);
        $errors += self::pluginErrors($values);
        $errors += self::engineErrors($values, $errors);
        return ['values' => $values, 'errors' => $errors];
    }

    /**
     * The status mapping (status => "1" or "0", every status of the form) and the cancelling
     * statuses (a list), read only when their form posted them.
     *
     * @param array<string,mixed> $values updated in place
     * @return array<string,string>
     */
    private static function orderLists(array $input, array &$values): array
    {
        $errors = [];
        if (array_key_exists('status_map', $input)) {
            $map = [];
            foreach (is_array($input['status_map']) ? $input['status_map'] : [false] as $status => $sends) {
                if (!is_string($status) || !preg_match('/^[a-z0-9_-]{1,40}$/i', $status) || !is_scalar($sends)) {
                    $errors['status_map'] = __('This list holds a value that is not an order status.', 'shopcaisse-sync');
                    break;
                }
                $map[strtolower($status)] = (string) $sends === '1';
            }
            $values['status_map'] = $map;
        }
        if (array_key_exists('cancel_statuses__present', $input) || array_key_exists('cancel_statuses', $input)) {
            $list = $input['cancel_statuses'] ?? [];
            $cancel = [];
            foreach (is_array($list) ? $list : [false] as $status) {
                if (!is_string($status) || !preg_match('/^[a-z0-9_-]{1,40}$/i', $status)) {
                    $errors['cancel_statuses'] = __('This list holds a value that is not an order status.', 'shopcaisse-sync');
                    break;
                }
                $cancel[] = strtolower($status);
            }
            $values['cancel_statuses'] = array_values(array_unique($cancel));
        }
        return $errors;
    }

    /** @return array<string,string> */
    private static function pluginErrors(array $values): array
    {
        $errors = [];
        $limit = self::maxBudgetSeconds();
        if ($values['job_budget_seconds'] < 1 || $values['job_budget_seconds'] > $limit) {
            /* translators: %d: the longest allowed time budget, in seconds */
            $errors['job_budget_seconds'] = sprintf(__('Enter between 1 and %d seconds (kept under PHP\'s max_execution_time).', 'shopcaisse-sync'), $limit);
        }
        if ($values['schedule_minutes'] < 5 || $values['schedule_minutes'] > 1440) {
            $errors['schedule_minutes'] = __('Enter between 5 and 1440 minutes.', 'shopcaisse-sync');
        }
        if ($values['alert_late_intervals'] < 1 || $values['alert_late_intervals'] > 100) {
            $errors['alert_late_intervals'] = __('Enter between 1 and 100 intervals.', 'shopcaisse-sync');
        }
        return $errors;
    }

    /** The longest budget this PHP allows: under max_execution_time with a margin. */
    public static function maxBudgetSeconds(): int
    {
        $max = (int) ini_get('max_execution_time');
        if ($max <= 0) {
            return self::MAX_BUDGET_SECONDS;
        }
        return max(1, min(self::MAX_BUDGET_SECONDS, $max - 5));
    }

    /**
     * Each engine field checked by the core on its own, so every wrong field is named.
     *
     * @param array<string,string> $already fields already refused
     * @return array<string,string>
     */
    private static function engineErrors(array $values, array $already): array
    {
        $errors = [];
        foreach (self::engineSettings($values) as $field => $value) {
            if (isset($already[$field])) {
                continue;
            }
            try {
                new \ShopcaisseSync\Engine([$field => $value], sys_get_temp_dir());
            } catch (\ShopcaisseSync\Exception $e) {
                $errors[$field] = $e->getMessage();
            }
        }
        return $errors;
    }

    public static function save(array $values): void
    {
        update_option(self::OPTION, $values, false);
    }
}
