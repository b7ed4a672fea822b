<?php
/**
 * A shopper's checkout through WooCommerce's Store API (the blocks checkout's endpoint), served
 * in-process by the REST server: the paid order is queued without any HTTP call to the POS in
 * the checkout request, then reaches the sandbox once, with its prefix and number, its lines,
 * the amount paid to the cent and the customer matched by email.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Orders\OrderStates;

require_once __DIR__ . '/../support/OrderFixtures.php';

/** @group order-storage */
final class ShopperCheckoutTest extends PluginTestCase
{
    use OrderFixtures;

    public function set_up(): void
    {
        parent::set_up();
        update_option('woocommerce_cod_settings', ['enabled' => 'yes', 'title' => 'Paiement à la livraison', 'enable_for_methods' => [], 'enable_for_virtual' => 'yes']);
        WC()->payment_gateways()->init();
        add_filter('woocommerce_store_api_disable_nonce_check', '__return_true');
        global $wp_rest_server;
        $wp_rest_server = null;
        rest_get_server();
        wp_set_current_user(0);
    }

    private function store(string $method, string $route, array $body = []): \WP_REST_Response
    {
        $request = new \WP_REST_Request($method, '/wc/store/v1/' . $route);
        $request->set_header('Content-Type', 'application/json');
        if ($body !== []) {
            $request->set_body(wp_json_encode($body));
        }
        return rest_do_request($request);
    }

    public function test_a_shopper_pays_through_the_store_api_and_the_pos_holds_the_order_once(): void
    {
        $sandbox = $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $plate->set_virtual(true);
        $plate->save();
        $cup = $this->product('Tasse à café', '9.90', self::CUP);
        $cup->set_virtual(true);
        $cup->save();
        $sandbox->control('DELETE', 'log');

        foreach ([[$plate, 2], [$cup, 1]] as [$product, $quantity]) {
            $added = $this->store('POST', 'cart/add-item', ['id' => $product->get_id(), 'quantity' => $quantity]);
            $this->assertSame(201, $added->get_status(), wp_json_encode($added->get_data()));
        }
        $address = ['first_name' => 'Jeanne', 'last_name' => 'Martin', 'address_1' => '3 rue des Mûriers', 'city' => 'Lyon',
            'postcode' => '69001', 'country' => 'FR', 'email' => 'JEANNE@example.fr', 'phone' => '0600000000'];
        $checkout = $this->store('POST', 'checkout', ['billing_address' => $address, 'shipping_address' => array_diff_key($address, ['email' => 1]),
            'payment_method' => 'cod']);
        $this->assertSame(200, $checkout->get_status(), wp_json_encode($checkout->get_data()));
        $order = wc_get_order($checkout->get_data()['order_id']);
        $this->assertSame('processing', $order->get_status());
        $this->assertSame(0, $this->apiRequests(), 'no call to the POS in the checkout request');
        $this->assertSame('queued', OrderStates::stored($order)['state']);

        $this->runPushAction();
        $held = $this->posOrders('WEB-' . $order->get_order_number());
        $this->assertCount(1, $held);
        $this->assertSame(5970, (int) round($held[0]['total'] * 100));
        $this->assertSame(5970, (int) round(((float) $order->get_total()) * 100));
        $lines = array_map(static fn ($l) => [$l['item'], $l['quantity'], (int) round($l['unitPrice'] * 100)], $held[0]['lines']);
        $this->assertSame([[self::PLATE, 2, 2490], [self::CUP, 1, 990]], $lines);
        $this->assertSame('ecf7d65f-71fd-427b-acc1-0514d127e375', $held[0]['customer'], 'Jeanne Martin, matched by email');
        $this->assertSame('pushed', OrderStates::stored(wc_get_order($order->get_id()))['state']);
    }
}
