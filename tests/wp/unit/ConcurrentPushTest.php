<?php
/**
 * Exactly once under concurrency: 100 orders queued by the plugin's hooks, then four OS processes
 * delivering them at the same moment on the same state (as four calls to the orders URL, or the
 * URL and the background action, would); the sandbox holds each order once. The order storage
 * plays no part once the orders are queued, so this runs with HPOS only.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

require_once __DIR__ . '/../support/OrderFixtures.php';

final class ConcurrentPushTest extends PluginTestCase
{
    use OrderFixtures;

    public function test_four_processes_delivering_100_queued_orders_at_once_send_each_once(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        // The shop's emails take most of an order's time here, and are not what is tested.
        add_filter('woocommerce_email_enabled_new_order', '__return_false');
        add_filter('woocommerce_email_enabled_customer_processing_order', '__return_false');
        $orders = [];
        for ($i = 0; $i < 100; $i++) {
            // Saved once, already paid, as the REST API creates orders: the creation path queues it.
            $order = new \WC_Order();
            $order->set_status('processing');
            $order->set_currency('EUR');
            $order->add_product($plate, 1 + $i % 3);
            $order->set_billing_email('buyer' . $i . '@example.org');
            $order->calculate_totals();
            $order->save();
            $orders[] = $order;
        }
        $this->endRequest();
        $this->assertSame(100, $this->plugin()->engines->engine()->listOutbox(['state' => 'queued'])['total']);

        $settings = $this->stateDir . '/child-settings.json';
        file_put_contents($settings, wp_json_encode(\ShopcaisseSync\Plugin\Settings\Options::engineSettings()));
        $signal = $this->stateDir . '/go';
        $backend = $this->plugin()->backend();
        $php = [PHP_BINARY, '-d', $backend === 'extension' ? 'extension=' . shopcaisse_sync_library('ext') : 'ffi.enable=1'];
        $children = [];
        for ($i = 0; $i < 4; $i++) {
            $children[] = proc_open(array_merge($php, [dirname(__DIR__) . '/support/push-orders-child.php', $this->stateDir, $settings,
                shopcaisse_sync_library('ffi'), $signal]), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$i]);
        }
        touch($signal);
        $totals = [];
        foreach ($children as $i => $child) {
            $out = stream_get_contents($pipes[$i][1]);
            $err = stream_get_contents($pipes[$i][2]);
            $this->assertSame(0, proc_close($child), $err);
            $totals[] = json_decode((string) $out, true);
        }
        $this->assertSame(array_fill(0, 4, $backend), array_column($totals, 'backend'));
        $this->assertSame(100, array_sum(array_column($totals, 'pushed')), wp_json_encode($totals));
        $this->assertSame(0, array_sum(array_column($totals, 'adopted')));
        $this->assertGreaterThan(1, count(array_filter(array_column($totals, 'pushed'))), 'more than one process delivered');

        $held = \ShopcaisseSync\Tests\Sandbox::get()->control('GET', 'orders');
        $this->assertCount(100, $held);
        $references = array_count_values(array_column($held, 'externalReference'));
        foreach ($orders as $order) {
            $this->assertSame(1, $references[$this->reference($order)] ?? 0, $this->reference($order));
        }
        $this->runPushAction();
        $this->assertCount(100, \ShopcaisseSync\Tests\Sandbox::get()->control('GET', 'orders'));
    }
}
