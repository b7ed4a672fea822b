<?php
/**
 * Web orders to the till through real WooCommerce, on both order storages: the hooks only queue
 * (no HTTP), the background action delivers, each order reaches the sandbox once whatever fires
 * twice, and its POS id, state and notes land on the order.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Cli\Commands;
use ShopcaisseSync\Plugin\Orders\OrderScreen;
use ShopcaisseSync\Plugin\Orders\OrdersList;
use ShopcaisseSync\Plugin\Orders\OrderStates;
use ShopcaisseSync\Plugin\Orders\OrderSync;

require_once __DIR__ . '/../support/OrderFixtures.php';

/** @group order-storage */
final class OrdersToPosTest extends PluginTestCase
{
    use OrderFixtures;

    private function state(\WC_Order $order): array
    {
        return OrderStates::stored(wc_get_order($order->get_id()));
    }

    private function click(\WC_Order $order): ?array
    {
        return $this->ajax(OrderScreen::AJAX_ACTION, ['nonce' => wp_create_nonce(OrderScreen::NONCE_ACTION), 'order_id' => (string) $order->get_id()]);
    }

    public function test_a_paid_order_is_queued_without_any_http_then_delivered_once_in_the_background(): void
    {
        $sandbox = $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $sandbox->control('DELETE', 'log');

        $order = $this->paidOrder([[$plate, 2]]);
        $this->assertSame(0, $this->apiRequests(), 'no HTTP call in the request that paid the order');
        $this->assertSame('queued', $this->state($order)['state']);
        $this->assertTrue($this->pushScheduled(), 'an async action delivers it');

        // The hook fires again (another plugin, a retried request): still one queued order.
        do_action('woocommerce_order_status_changed', $order->get_id(), 'pending', 'processing', $order);
        do_action('woocommerce_order_status_changed', $order->get_id(), 'processing', 'completed', $order);
        $this->assertSame(1, $this->plugin()->engines->engine()->listOutbox([])['total']);

        $this->assertSame(1, $this->runScheduled(OrderSync::PUSH_ACTION), 'one action for the order');
        $this->runPushAction();
        $held = $this->posOrders($this->reference($order));
        $this->assertCount(1, $held, 'the sandbox holds the order once');
        $this->assertSame(4980, (int) round($held[0]['total'] * 100));
        $state = $this->state($order);
        $this->assertSame('pushed', $state['state']);
        $this->assertSame($held[0]['id'], $state['pos_order_id']);
        $notes = implode("\n", $this->notes($order));
        $this->assertStringContainsString('Shopcaisse: queued for the POS.', $notes);
        $this->assertStringContainsString('Shopcaisse: order created in the POS (' . $held[0]['id'] . ').', $notes);
    }

    public function test_an_order_created_already_paid_through_the_rest_api_is_queued(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        wp_set_current_user(self::factory()->user->create(['role' => 'administrator']));
        global $wp_rest_server;
        $wp_rest_server = null;
        $request = new \WP_REST_Request('POST', '/wc/v3/orders');
        $request->set_body_params([
            'status' => 'processing',
            'set_paid' => true,
            'currency' => 'EUR',
            'billing' => ['first_name' => 'Luc', 'last_name' => 'Rest', 'email' => 'luc@example.org'],
            'line_items' => [['product_id' => $plate->get_id(), 'quantity' => 1]],
        ]);
        $response = rest_do_request($request);
        $this->assertSame(201, $response->get_status(), wp_json_encode($response->get_data()));
        $order = wc_get_order($response->get_data()['id']);
        $this->assertSame('queued', $this->state($order)['state']);
        $this->runPushAction();
        $this->assertCount(1, $this->posOrders($this->reference($order)));
    }

    public function test_an_order_created_in_the_admin_with_its_final_status_is_queued(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        // As the admin order form does: the order exists, its status is set without a transition.
        $order = wc_create_order(['status' => 'processing']);
        $order->add_product($plate, 1);
        $order->set_billing_email('admin-made@example.org');
        $order->calculate_totals();
        $order->save();
        do_action('woocommerce_process_shop_order_meta', $order->get_id(), $order);
        $this->assertSame('queued', $this->state($order)['state'], $this->state($order)['problem']);
    }

    public function test_a_new_order_is_reported_whole_at_the_end_of_the_request_not_as_first_saved(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        // calculate_totals() saves the new order, and WooCommerce fires its status hooks, before
        // it sets the total: a report then would fix a payload with a total of 0.
        $order = new \WC_Order();
        $order->set_status('processing');
        $order->add_product($plate, 2);
        $order->set_billing_email('script@example.org');
        $order->calculate_totals();
        $this->assertSame('', $this->state($order)['state'], 'not reported halfway');
        $this->endRequest();
        $this->assertSame('queued', $this->state($order)['state'], $this->state($order)['problem']);
        $this->runPushAction();
        $this->assertSame(4980, (int) round($this->posOrders($this->reference($order))[0]['total'] * 100));
    }

    public function test_a_shop_not_set_up_yet_queues_nothing_and_writes_no_note(): void
    {
        $plate = $this->product('Assiette plate', '24.90');
        $order = $this->paidOrder([[$plate, 1]]);
        $this->assertSame('', $this->state($order)['state']);
        $this->assertSame([], array_filter($this->notes($order), static fn ($n) => str_starts_with($n, 'Shopcaisse')));
    }

    public function test_the_button_pushes_now_and_a_second_click_creates_no_second_pos_order(): void
    {
        $this->configureOrders(['auto_orders' => false]);
        $cup = $this->product('Tasse à café', '9.90', self::CUP);
        $order = $this->paidOrder([[$cup, 3]]);
        $this->assertSame('', $this->state($order)['state'], 'automation off: nothing queued by the hook');
        $this->loginAsShopManager();

        $first = $this->click($order);
        $this->assertTrue($first['success'], wp_json_encode($first));
        $second = $this->click($order);
        $this->assertTrue($second['success']);
        $this->assertSame($first['data']['pos_order_id'], $second['data']['pos_order_id']);
        $this->assertCount(1, $this->posOrders($this->reference($order)));

        $html = OrderScreen::boxHtml(wc_get_order($order->get_id()));
        $this->assertMatchesRegularExpression('/<button[^>]*scs-push-order[^>]*disabled/', $html);
        $this->assertStringContainsString($first['data']['pos_order_id'], $html);
    }

    public function test_the_button_is_offered_only_once_the_order_is_paid(): void
    {
        $this->configureOrders();
        $cup = $this->product('Tasse à café', '9.90', self::CUP);
        $order = $this->paidOrder([[$cup, 1]], 'pending');
        $this->assertStringNotContainsString('<button', OrderScreen::boxHtml($order));
        $this->loginAsShopManager();
        $this->assertFalse($this->click($order)['success']);
        $this->assertCount(0, $this->posOrders($this->reference($order)));
    }

    public function test_the_button_and_a_background_push_at_the_same_time_make_one_pos_order(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        // The background worker claimed it and died mid-send: the button must not post it again
        // blindly, and the next run finds it.
        $this->loginAsShopManager();
        $this->click($order);
        $this->runPushAction();
        $this->click($order);
        $this->assertCount(1, $this->posOrders($this->reference($order)));
        $this->assertSame('pushed', $this->state($order)['state']);
    }

    public function test_a_response_lost_after_the_pos_committed_still_makes_one_order(): void
    {
        // The look-ups that find the committed order are spread over the grace window: a short
        // one keeps the test quick.
        $this->engineOverrides['push_grace_ms'] = 1000;
        $sandbox = $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        $sandbox->faults(['rules' => [['action' => 'resetAfter', 'method' => 'POST', 'path' => '/orders', 'times' => 1]]]);
        $this->runPushAction();
        $this->assertCount(1, $this->posOrders($this->reference($order)), 'the POS committed it');
        $this->assertNotSame('pushed', $this->state($order)['state'], 'the answer was lost');

        $deadline = microtime(true) + 10;
        do {
            usleep(60_000);
            $this->runPushAction();
        } while ($this->state($order)['state'] !== 'pushed' && microtime(true) < $deadline);
        $this->assertSame('pushed', $this->state($order)['state']);
        $held = $this->posOrders($this->reference($order));
        $this->assertCount(1, $held, 'found again by its reference, not posted twice');
        $this->assertSame($held[0]['id'], $this->state($order)['pos_order_id']);
    }

    public function test_a_pos_without_the_order_module_is_named_and_a_retry_after_enabling_it_works(): void
    {
        $sandbox = $this->configureOrders(['pos_id' => self::POS_WITHOUT_MODULE, 'auto_orders' => false]);
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        $this->loginAsShopManager();

        $answer = $this->click($order);
        $this->assertFalse($answer['success']);
        $this->assertSame('order_module_missing', $answer['data']['kind']);
        $this->assertStringContainsString('Gestion des commandes', $answer['data']['message']);
        $this->assertStringNotContainsString('invalid', strtolower($answer['data']['message']));
        $this->assertSame('blocked', $this->state($order)['state']);
        $this->assertStringContainsString('Gestion des commandes', OrderScreen::boxHtml(wc_get_order($order->get_id())));
        $this->assertStringContainsString('Gestion des commandes', implode("\n", $this->notes($order)));

        $sandbox->control('POST', 'pos/' . self::POS_WITHOUT_MODULE, ['orderManagement' => true]);
        $retry = $this->click($order);
        $this->assertTrue($retry['success'], wp_json_encode($retry));
        $this->assertSame('', $retry['data']['message']);
        $this->assertCount(1, $this->posOrders($this->reference($order)));
    }

    public function test_an_unlinked_product_blocks_the_order_visibly_in_the_list_and_on_the_order(): void
    {
        $sandbox = $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $honey = $this->product('Miel de lavande', '8.90');
        $sandbox->control('DELETE', 'log');
        $order = $this->paidOrder([[$plate, 1], [$honey, 1]]);
        $this->assertSame(0, $this->apiRequests());

        $state = $this->state($order);
        $this->assertSame('blocked', $state['state']);
        $this->assertStringContainsString('Miel de lavande (#' . $honey->get_id() . ')', $state['problem']);
        $cell = OrdersList::cell(wc_get_order($order->get_id()));
        $this->assertStringContainsString('Blocked', $cell);
        $this->assertStringContainsString('Miel de lavande', $cell);
        $this->assertStringContainsString('Miel de lavande', OrderScreen::boxHtml(wc_get_order($order->get_id())));

        $other = $this->paidOrder([[$plate, 1]]);
        $this->runPushAction();
        $this->assertSame('pushed', $this->state($other)['state']);
        foreach (['blocked' => [$order->get_id()], 'not_sent' => [$order->get_id()], 'pushed' => [$other->get_id()]] as $filter => $expected) {
            // What each list table runs: the HPOS order query, or WP_Query on the posts table.
            $meta = [OrdersList::metaQuery($filter)];
            $found = \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled()
                ? wc_get_orders(['return' => 'ids', 'limit' => -1, 'meta_query' => $meta])
                : get_posts(['post_type' => 'shop_order', 'post_status' => 'any', 'fields' => 'ids', 'numberposts' => -1, 'meta_query' => $meta]);
            $this->assertSame($expected, array_map('intval', $found), $filter);
        }
    }

    public function test_the_list_filter_reaches_the_query_of_either_list_table(): void
    {
        $_GET[OrdersList::FILTER] = 'not_sent';
        $list = new OrdersList();
        $args = $list->hpos_query_args(['limit' => 20]);
        $this->assertSame(OrderStates::NOT_SENT, $args['meta_query'][0]['value']);
        set_current_screen('edit-shop_order');
        $vars = $list->posts_request(['post_type' => 'shop_order']);
        $this->assertSame(OrderStates::META_STATE, $vars['meta_query'][0]['key']);
        unset($_GET[OrdersList::FILTER]);
        $this->assertSame(['limit' => 20], $list->hpos_query_args(['limit' => 20]));
        ob_start();
        $list->filter_dropdown();
        $this->assertStringContainsString('name="shopcaisse_sync_state"', (string) ob_get_clean());
        $columns = $list->columns(['cb' => '', 'order_number' => 'Order', 'order_status' => 'Status', 'order_total' => 'Total']);
        $this->assertSame(['cb', 'order_number', 'order_status', OrdersList::COLUMN, 'order_total'], array_keys($columns));
    }

    public function test_an_order_cancelled_after_its_push_is_cancelled_in_the_pos_from_the_background(): void
    {
        $sandbox = $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        $this->runPushAction();
        $this->assertSame('pushed', $this->state($order)['state']);

        $sandbox->control('DELETE', 'log');
        $order = wc_get_order($order->get_id());
        $order->set_status('cancelled');
        $order->save();
        $this->assertSame(0, $this->apiRequests(), 'no HTTP call in the request that cancelled it');
        $this->assertTrue((bool) as_has_scheduled_action(OrderSync::CHANGED_ACTION, ['order_id' => $order->get_id(), 'status' => 'cancelled'], OrderSync::GROUP));

        $this->assertSame(1, $this->runScheduled(OrderSync::CHANGED_ACTION));
        $this->assertSame('cancelled', $this->posOrders($this->reference($order))[0]['status']);
        $this->assertSame('cancelled', $this->state($order)['state']);
        $this->assertStringContainsString('cancelled in the POS', implode("\n", $this->notes($order)));
    }

    public function test_an_order_cancelled_then_reopened_before_the_background_runs_stays_in_the_pos(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        $this->runPushAction();
        $order = wc_get_order($order->get_id());
        $order->set_status('cancelled');
        $order->save();
        $order->set_status('processing');
        $order->save();
        $this->runScheduled(OrderSync::CHANGED_ACTION);
        $this->assertNotSame('cancelled', $this->posOrders($this->reference($order))[0]['status']);
        $this->assertSame('pushed', $this->state($order)['state']);
    }

    public function test_the_orders_url_records_what_it_delivered_on_the_orders(): void
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        $run = $this->plugin()->jobs->run('orders', 30.0);
        $this->assertSame(1, $run['summary']['pushed'], wp_json_encode($run));
        $this->assertSame('pushed', $this->state($order)['state']);
    }

    public function test_wp_cli_push_order_sends_one_order_once(): void
    {
        $this->configureOrders(['auto_orders' => false]);
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $order = $this->paidOrder([[$plate, 1]]);
        $out = new RecordedOutput();
        $commands = new Commands($this->plugin()->jobs, $this->plugin()->engines, $out, $this->plugin()->orders);
        $commands->push_order([(string) $order->get_id()]);
        $commands->push_order([(string) $order->get_id()]);
        $this->assertStringStartsWith('Success: order ' . $order->get_id() . ' (' . $this->reference($order) . '): pushed as ', $out->lines[0]);
        $this->assertSame($out->lines[0], $out->lines[1]);
        $this->assertCount(1, $this->posOrders($this->reference($order)));
        $this->expectException(\RuntimeException::class);
        $commands->push_order(['999999999']);
    }

    public function test_the_box_is_on_the_order_screen_of_both_storages_and_its_script_too(): void
    {
        $this->configureOrders();
        $cup = $this->product('Tasse à café', '9.90', self::CUP);
        $order = $this->paidOrder([[$cup, 1]]);
        $this->loginAsShopManager();
        global $wp_meta_boxes;
        $screen = \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled() ? wc_get_page_screen_id('shop-order') : 'shop_order';
        set_current_screen($screen);
        do_action('add_meta_boxes', $screen, $order);
        $this->assertArrayHasKey('shopcaisse-sync-order', $wp_meta_boxes[$screen]['side']['high']);
        $box = $wp_meta_boxes[$screen]['side']['high']['shopcaisse-sync-order'];
        ob_start();
        // The posts editor hands the box a WP_Post, the HPOS screen the order itself.
        call_user_func($box['callback'], $screen === 'shop_order' ? get_post($order->get_id()) : $order);
        $html = (string) ob_get_clean();
        $this->assertStringContainsString('Importer sur Shopcaisse', $html);
        $this->assertStringContainsString('data-order="' . $order->get_id() . '"', $html);
        do_action('admin_enqueue_scripts', 'post.php');
        $this->assertTrue(wp_script_is('shopcaisse-sync-order', 'enqueued'));
        $script = (string) file_get_contents(dirname(__DIR__, 3) . '/wp-plugin/shopcaisse-sync/assets/order.js');
        $this->assertStringNotContainsString('innerHTML', $script);
    }
}
