<?php
/**
 * Products linked to the sandbox's demo items and orders bought from them, for the order tests.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Orders\OrderSync;

trait OrderFixtures
{
    protected const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';   // 24.90 €
    protected const CUP = '97076447-2dc5-4301-a5f8-45fba77e6f05';     // 9.90 €
    protected const COFFEE = '210f22f4-cac1-4554-a5bd-c4293c303767';  // 32.50 €/kg, weighed
    protected const TSHIRT_M = '9fc6990a-fbaa-4ee1-a243-bc3ad375ede8'; // 25.00 €
    protected const POS_WITHOUT_MODULE = '4f5f6197-3e3a-492c-a303-18ac40ae7c6a';

    /** Settings for the order tests: the sandbox, retries a few milliseconds apart. */
    protected function configureOrders(array $more = []): \ShopcaisseSync\Tests\Sandbox
    {
        $this->engineOverrides += ['test_hooks' => true, 'order_retry_base_ms' => 50];
        update_option('woocommerce_currency', 'EUR');
        $sandbox = $this->configureForSandbox($more);
        $this->plugin()->engines->engine()->refreshCatalog();
        return $sandbox;
    }

    protected function product(string $name, string $price, ?string $linkTo = null): \WC_Product_Simple
    {
        $product = new \WC_Product_Simple();
        $product->set_name($name);
        $product->set_regular_price($price);
        $product->save();
        if ($linkTo !== null) {
            $this->plugin()->engines->engine()->link($linkTo, $product->get_id());
        }
        return $product;
    }

    /**
     * An order bought by Jeanne and paid (processing), built and saved as WooCommerce does.
     *
     * @param list<array{\WC_Product, int|float}> $lines
     */
    protected function paidOrder(array $lines, string $status = 'processing', ?callable $before = null): \WC_Order
    {
        $order = wc_create_order();
        foreach ($lines as [$product, $quantity]) {
            $order->add_product($product, $quantity);
        }
        $order->set_billing_first_name('Jeanne');
        $order->set_billing_last_name('Martin');
        $order->set_billing_email('jeanne@example.fr');
        $order->set_billing_phone('06 00 00 00 00');
        $order->set_billing_address_1('3 rue des Mûriers');
        $order->set_billing_postcode('69001');
        $order->set_billing_city('Lyon');
        $order->set_billing_country('FR');
        $order->set_currency('EUR');
        $order->set_payment_method('cod');
        $order->set_payment_method_title('Paiement à la livraison');
        if ($before !== null) {
            $before($order);
        }
        $order->calculate_totals();
        $order->save();
        $order->set_status($status);
        $order->save();
        $this->endRequest();
        return wc_get_order($order->get_id());
    }

    /** What the end of the request that created orders does: they are reported, whole. */
    protected function endRequest(): void
    {
        do_action(\ShopcaisseSync\Plugin\Orders\OrderHooks::FLUSH_ACTION);
    }

    /** @return list<array<string,mixed>> the sandbox's orders under a reference */
    protected function posOrders(string $reference): array
    {
        $all = \ShopcaisseSync\Tests\Sandbox::get()->control('GET', 'orders');
        return array_values(array_filter($all, static fn ($o) => $o['externalReference'] === $reference));
    }

    /** How many API requests the sandbox received (its log is cleared by a reset). */
    protected function apiRequests(): int
    {
        return count(\ShopcaisseSync\Tests\Sandbox::get()->control('GET', 'log'));
    }

    protected function runPushAction(): void
    {
        do_action(OrderSync::PUSH_ACTION);
    }

    /** Runs the pending actions of a hook as Action Scheduler's queue runner does. */
    protected function runScheduled(string $hook): int
    {
        $ids = as_get_scheduled_actions(['hook' => $hook, 'group' => OrderSync::GROUP, 'status' => \ActionScheduler_Store::STATUS_PENDING], 'ids');
        foreach ($ids as $id) {
            \ActionScheduler::runner()->process_action($id);
        }
        return count($ids);
    }

    protected function pushScheduled(): bool
    {
        return (bool) as_has_scheduled_action(OrderSync::PUSH_ACTION, [], OrderSync::GROUP);
    }

    /** @return string[] the order's notes, oldest first */
    protected function notes(\WC_Order $order): array
    {
        $notes = wc_get_order_notes(['order_id' => $order->get_id(), 'orderby' => 'date_created_gmt', 'order' => 'ASC']);
        return array_map(static fn ($n) => (string) $n->content, $notes);
    }

    protected function reference(\WC_Order $order): string
    {
        return 'WEB-' . $order->get_order_number();
    }
}
