<?php
/**
 * Switches of the browser tests' site (a must-use plugin there only: browser-tests.sh points
 * WPMU_PLUGIN_DIR at this folder). Each reads an option the tests set through wp.php, so the
 * pages, admin-ajax.php, the REST routes and php-cli all see the same site.
 *
 * - scs_test_order_storage = "posts": WooCommerce keeps orders in the posts table (legacy
 *   storage) instead of HPOS, through the same pre_option_ filters as the WordPress tier, so a
 *   test can open the same screens under both storages without WooCommerce's data migration.
 * - scs_test_background_runner = "off": Action Scheduler's async queue runner is never started
 *   (as on a host whose loopback requests fail, with WP-cron off): queued orders then reach the
 *   POS only through the cron URLs, which is what the HTTP delivery tests measure.
 */

declare(strict_types=1);

if (get_option('scs_test_order_storage') === 'posts') {
    add_filter('pre_option_woocommerce_custom_orders_table_enabled', static fn () => 'no');
    add_filter('pre_option_woocommerce_custom_orders_table_data_sync_enabled', static fn () => 'no');
}

if (get_option('scs_test_background_runner') === 'off') {
    add_filter('action_scheduler_allow_async_request_runner', '__return_false');
}
