<?php
/**
 * The tier really runs each order-storage class on both storages: an order created here lands in
 * the HPOS tables when SCS_HPOS=yes and in the posts table when SCS_HPOS=no.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use Automattic\WooCommerce\Utilities\OrderUtil;

/** @group order-storage */
final class OrderStorageTest extends PluginTestCase
{
    public function test_orders_are_stored_where_the_run_says(): void
    {
        $order = wc_create_order();
        $order->set_billing_email('buyer@example.fr');
        $order->save();
        global $wpdb;
        if (getenv('SCS_HPOS') === 'no') {
            $this->assertFalse(OrderUtil::custom_orders_table_usage_is_enabled());
            $this->assertSame('shop_order', get_post_type($order->get_id()));
        } else {
            $this->assertTrue(OrderUtil::custom_orders_table_usage_is_enabled());
            $table = OrderUtil::get_table_for_orders();
            $this->assertSame('buyer@example.fr', $wpdb->get_var($wpdb->prepare("SELECT billing_email FROM {$table} WHERE id = %d", $order->get_id())));
        }
    }
}
