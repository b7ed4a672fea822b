<?php
/**
 * The overselling window, on real WooCommerce: a web sale lowers WooCommerce's stock at once, the
 * POS only later (here when it acknowledges the order). Stock runs in between must not put the
 * sold units back on sale, and a cancellation gives them back.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

/** @group order-storage */
final class InflightStockTest extends PluginTestCase
{
    use OrderFixtures;

    private function stockOf(\WC_Product $product): int
    {
        return (int) wc_get_product($product->get_id())->get_stock_quantity();
    }

    private function stockRun(): array
    {
        $run = $this->plugin()->jobs->run('stock', 60.0);
        $this->assertSame('completed', $run['status'], wp_json_encode($run));
        return $run;
    }

    /** A cup with stock 5 on both sides, the POS lowering its stock when it acknowledges. */
    private function cupWithStockFive(): \WC_Product
    {
        $sandbox = $this->configureOrders();
        $sandbox->control('POST', 'order-stock', ['movesAt' => 'acknowledgement', 'pendingReserved' => false]);
        $sandbox->control('POST', 'stock', ['item' => self::CUP, 'stock' => 5]);
        $cup = $this->product('Cup', '9.90', self::CUP);
        $cup->set_manage_stock(true);
        $cup->set_stock_quantity(50);
        $cup->save();
        $this->stockRun();
        $this->assertSame(5, $this->stockOf($cup));
        return $cup;
    }

    public function test_units_sold_on_the_web_stay_off_sale_until_the_pos_absorbs_them(): void
    {
        $cup = $this->cupWithStockFive();
        $order = $this->paidOrder([[$cup, 2]]);
        $this->assertSame(3, $this->stockOf($cup), 'WooCommerce lowers its stock at checkout');

        $this->stockRun();
        $this->assertSame(3, $this->stockOf($cup), 'before the push');

        $this->runPushAction();
        $pos = $this->posOrders('WEB-' . $order->get_order_number());
        $this->assertCount(1, $pos);
        $this->stockRun();
        $this->assertSame(3, $this->stockOf($cup), 'pushed, not acknowledged');

        \ShopcaisseSync\Tests\Sandbox::get()->control('POST', 'orders/' . $pos[0]['id'] . '/ack');
        $this->stockRun();
        $this->assertSame(3, $this->stockOf($cup), 'acknowledged: the POS reads 3, nothing subtracted twice');
    }

    public function test_an_order_cancelled_before_acknowledgement_gives_its_units_back(): void
    {
        $cup = $this->cupWithStockFive();
        $order = $this->paidOrder([[$cup, 2]]);
        $this->runPushAction();
        $this->stockRun();
        $this->assertSame(3, $this->stockOf($cup));

        $order->update_status('cancelled');
        $this->endRequest();
        $this->runScheduled(\ShopcaisseSync\Plugin\Orders\OrderSync::CHANGED_ACTION);
        $this->runPushAction();
        $this->stockRun();
        $this->assertSame(5, $this->stockOf($cup));
    }
}
