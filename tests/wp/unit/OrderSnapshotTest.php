<?php
/**
 * The order snapshot read from real WooCommerce orders: variations, decimal quantities, amounts
 * with taxes as WooCommerce computed them to the cent (coupons in the line discounts, shipping
 * and fees as free lines), the customer, the payment method; and pushed, the POS total equals
 * what the customer paid.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Orders\OrderSnapshot;

require_once __DIR__ . '/../support/OrderFixtures.php';

/** @group order-storage */
final class OrderSnapshotTest extends PluginTestCase
{
    use OrderFixtures;

    /** Prices entered tax included, 20 % VAT, as a French shop sets WooCommerce up. */
    private function frenchTaxes(): void
    {
        update_option('woocommerce_calc_taxes', 'yes');
        update_option('woocommerce_prices_include_tax', 'yes');
        update_option('woocommerce_tax_round_at_subtotal', 'no');
        update_option('woocommerce_default_country', 'FR');
        update_option('woocommerce_tax_based_on', 'base');
        \WC_Tax::_insert_tax_rate(['tax_rate_country' => 'FR', 'tax_rate' => '20.0000', 'tax_rate_name' => 'TVA',
            'tax_rate_priority' => 1, 'tax_rate_compound' => 0, 'tax_rate_shipping' => 1, 'tax_rate_order' => 1, 'tax_rate_class' => '']);
    }

    private static function coupon(string $code, string $type, float $amount): void
    {
        $coupon = new \WC_Coupon();
        $coupon->set_code($code);
        $coupon->set_discount_type($type);
        $coupon->set_amount($amount);
        $coupon->save();
    }

    /** Colissimo, 4.08 € before tax (4.90 € with 20 % VAT). */
    private static function shipping(\WC_Order $order): void
    {
        $shipping = new \WC_Order_Item_Shipping();
        $shipping->set_method_title('Colissimo');
        $shipping->set_total('4.08');
        $order->add_item($shipping);
    }

    private function variation(string $price): \WC_Product_Variation
    {
        $parent = new \WC_Product_Variable();
        $parent->set_name('T-shirt Mûrier');
        $attribute = new \WC_Product_Attribute();
        $attribute->set_name('Taille');
        $attribute->set_options(['S', 'M']);
        $attribute->set_variation(true);
        $attribute->set_visible(true);
        $parent->set_attributes([$attribute]);
        $parent->save();
        $variation = new \WC_Product_Variation();
        $variation->set_parent_id($parent->get_id());
        $variation->set_attributes(['taille' => 'M']);
        $variation->set_regular_price($price);
        $variation->save();
        return $variation;
    }

    public function test_the_snapshot_has_variations_decimal_quantities_taxes_coupons_charges_and_the_customer(): void
    {
        $this->configureOrders();
        $this->frenchTaxes();
        // A weighed-goods plugin makes quantities decimal.
        remove_filter('woocommerce_stock_amount', 'intval');
        add_filter('woocommerce_stock_amount', 'floatval');
        try {
            $tshirt = $this->variation('25.00');
            $this->plugin()->engines->engine()->link(self::TSHIRT_M, $tshirt->get_id());
            $coffee = $this->product('Café en grains', '32.50', self::COFFEE);
            self::coupon('bienvenue10', 'percent', 10);
            $order = $this->paidOrder([[$tshirt, 2], [$coffee, 0.355]], 'processing', static function (\WC_Order $order) {
                self::shipping($order);
                $fee = new \WC_Order_Item_Fee();
                $fee->set_name('Emballage cadeau');
                $fee->set_total('1.25');
                $fee->set_tax_status('taxable');
                $order->add_item($fee);
                $order->set_customer_note('Sonner deux fois');
                $order->calculate_totals();
                $order->apply_coupon('bienvenue10');
            });
            $snapshot = OrderSnapshot::of(wc_get_order($order->get_id()));
        } finally {
            remove_filter('woocommerce_stock_amount', 'floatval');
            add_filter('woocommerce_stock_amount', 'intval');
        }

        $this->assertSame($order->get_id(), $snapshot['wc_order_id']);
        $this->assertSame('processing', $snapshot['status']);
        $this->assertSame('EUR', $snapshot['currency']);
        [$shirt, $grams] = $snapshot['lines'];
        $this->assertSame($tshirt->get_parent_id(), $shirt['wc_product_id']);
        $this->assertSame($tshirt->get_id(), $shirt['variation_id']);
        $this->assertSame('2', $shirt['quantity']);
        $this->assertSame(2500, $shirt['unit_price_ttc']);
        $this->assertSame(4500, $shirt['total_ttc'], '10 % off 50.00 €');
        $this->assertSame(500, $shirt['discount_ttc']);
        $this->assertSame('0.355', $grams['quantity']);
        $this->assertSame(3250, $grams['unit_price_ttc'], 'the listed price per kg, not 11.53 € / 0.355');
        $this->assertSame(1039, $grams['total_ttc']);
        $this->assertNull($grams['variation_id']);
        $this->assertSame(['Colissimo'], array_column($snapshot['shipping'], 'name'));
        $this->assertSame(490, $snapshot['shipping'][0]['total_ttc'], '4.08 € + 20 % VAT, as WooCommerce rounded it');
        $this->assertSame([['name' => 'Emballage cadeau', 'total_ttc' => 150]], $snapshot['fees']);
        $this->assertSame(['first_name' => 'Jeanne', 'last_name' => 'Martin', 'email' => 'jeanne@example.fr', 'phone' => '06 00 00 00 00'], $snapshot['customer']);
        $this->assertSame('Paiement à la livraison', $snapshot['payment_method_title']);
        $this->assertStringContainsString('Sonner deux fois', $snapshot['note']);
        $this->assertStringContainsString('bienvenue10', $snapshot['note']);
        $this->assertStringContainsString('3 rue des Mûriers, 69001, Lyon', $snapshot['note']);

        $lines = array_sum(array_column($snapshot['lines'], 'total_ttc')) + 490 + 150;
        $this->assertSame(OrderSnapshot::cents($order->get_total()), $snapshot['total_ttc']);
        $this->assertLessThanOrEqual(2, abs($lines - $snapshot['total_ttc']), 'the lines make the total up to WooCommerce\'s own rounding');

        // And the POS is handed exactly that: the weighed line by the kilo, the total to the cent.
        $this->runPushAction();
        $held = $this->posOrders($this->reference($order));
        $this->assertCount(1, $held, wp_json_encode(\ShopcaisseSync\Plugin\Orders\OrderStates::stored(wc_get_order($order->get_id()))));
        $this->assertSame($snapshot['total_ttc'], (int) round($held[0]['total'] * 100));
        $weighed = array_values(array_filter($held[0]['lines'], static fn ($l) => $l['item'] === self::COFFEE))[0];
        $this->assertSame([0.355, 3250], [$weighed['quantity'], (int) round($weighed['unitPrice'] * 100)]);
    }

    public function test_the_pos_receives_the_total_paid_to_the_cent_with_the_customer_found_by_email(): void
    {
        $this->configureOrders();
        $this->frenchTaxes();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $cup = $this->product('Tasse à café', '9.90', self::CUP);
        self::coupon('moins3', 'fixed_cart', 3.33);
        $order = $this->paidOrder([[$plate, 1], [$cup, 3]], 'processing', static function (\WC_Order $order) {
            self::shipping($order);
            $order->calculate_totals();
            $order->apply_coupon('moins3');
        });
        $this->runPushAction();
        $held = $this->posOrders($this->reference($order));
        $this->assertCount(1, $held, wp_json_encode(\ShopcaisseSync\Plugin\Orders\OrderStates::stored(wc_get_order($order->get_id()))));
        $this->assertSame(OrderSnapshot::cents($order->get_total()), (int) round($held[0]['total'] * 100));
        $this->assertSame(OrderSnapshot::cents($order->get_total()), (int) round($held[0]['payments'][0]['amount'] * 100));
        $this->assertSame('ecf7d65f-71fd-427b-acc1-0514d127e375', $held[0]['customer'], 'Jeanne Martin, found by email');
        $labels = array_column(array_values(array_filter($held[0]['lines'], static fn ($l) => $l['item'] === null)), 'label');
        $this->assertContains('Colissimo', $labels);
    }
}
