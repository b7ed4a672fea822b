<?php
/** The label of every settings field, as the form shows it and as errors name it. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

final class FieldLabels
{
    public static function label(string $field): string
    {
        return self::all()[$field] ?? $field;
    }

    /** @return array<string,string> */
    public static function all(): array
    {
        return [
            'base_url' => __('API address', 'shopcaisse-sync'),
            'token' => __('Access key (AppToken)', 'shopcaisse-sync'),
            'company_id' => __('Company', 'shopcaisse-sync'),
            'store_id' => __('Store', 'shopcaisse-sync'),
            'pos_id' => __('Point of sale', 'shopcaisse-sync'),
            'price_list_id' => __('Price list', 'shopcaisse-sync'),
            'debug' => __('Debug mode', 'shopcaisse-sync'),
            'auto_products' => __('Automatic product import', 'shopcaisse-sync'),
            'matching_method' => __('Matching method', 'shopcaisse-sync'),
            'auto_stock' => __('Automatic stock import', 'shopcaisse-sync'),
            'auto_orders' => __('Automatic order push', 'shopcaisse-sync'),
            'subtract_reserved' => __('Subtract quantities reserved for customers', 'shopcaisse-sync'),
            'zero_missing' => __('Set to 0 the items missing from the POS stock', 'shopcaisse-sync'),
            'max_drop_percent' => __('Hold a stock run that drops this share of products to 0 (%)', 'shopcaisse-sync'),
            'min_drop_count' => __('… and at least this many products', 'shopcaisse-sync'),
            'min_answer_percent' => __('Hold a stock answer smaller than this share of the previous one (%)', 'shopcaisse-sync'),
            'log_max_rows' => __('Log rows kept', 'shopcaisse-sync'),
            'log_max_age_days' => __('Days of logs kept', 'shopcaisse-sync'),
            'job_budget_seconds' => __('Time budget of a cron call (seconds)', 'shopcaisse-sync'),
            'schedule_enabled' => __('Fallback schedule', 'shopcaisse-sync'),
            'schedule_minutes' => __('Schedule interval (minutes)', 'shopcaisse-sync'),
            'delete_data_on_uninstall' => __('Delete all data on uninstall', 'shopcaisse-sync'),
            'alerts_enabled' => __('E-mail alerts', 'shopcaisse-sync'),
            'alert_late_intervals' => __('Alert when a cron URL is late by more than (intervals)', 'shopcaisse-sync'),
            'order_prefix' => __('Order prefix', 'shopcaisse-sync'),
            'payment_type' => __('Payment type', 'shopcaisse-sync'),
            'status_map' => __('Statuses that send the order', 'shopcaisse-sync'),
            'cancel_statuses' => __('Statuses that cancel the order', 'shopcaisse-sync'),
        ];
    }
}
