<?php
/**
 * POS stock into real WooCommerce: a cycle writes exactly the products that changed (counted by
 * WooCommerce's own stock actions), a till sale shows after one stock call, weighed items get
 * their whole units, an empty answer is held and zeroes nothing, and two calls at once never
 * write twice.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Products\Importer;
use ShopcaisseSync\Tests\Sandbox;

final class StockSyncTest extends PluginTestCase
{
    private const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';
    private const SHIRT = '4d99cb70-cc1f-4f88-aeaa-868bbf7e53df';
    private const SHIRT_M = '9fc6990a-fbaa-4ee1-a243-bc3ad375ede8';
    private const COFFEE = '210f22f4-cac1-4554-a5bd-c4293c303767';
    private const MIEL = '37fd894b-fecd-42fc-a47e-bc713bb9e6fd';

    /** @var array{product:int[],variation:int[]} */
    private array $written = ['product' => [], 'variation' => []];

    public function set_up(): void
    {
        parent::set_up();
        add_action('woocommerce_product_set_stock', function ($product) {
            $this->written['product'][] = $product->get_id();
        });
        add_action('woocommerce_variation_set_stock', function ($product) {
            $this->written['variation'][] = $product->get_id();
        });
    }

    private function imported(): \ShopcaisseSync\Engine
    {
        $this->configureForSandbox();
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        Importer::make(false)->import($engine, [self::PLATE, self::SHIRT, self::COFFEE, self::MIEL]);
        $this->written = ['product' => [], 'variation' => []];
        return $engine;
    }

    private function wcId(\ShopcaisseSync\Engine $engine, string $item): int
    {
        return (int) $engine->catalogItem($item)['row']['wc_id'];
    }

    private function stockCall(): array
    {
        return $this->plugin()->jobs->run('stock', 20.0, true);
    }

    public function test_a_cycle_writes_exactly_the_products_that_changed_and_a_till_sale_shows_after_one_call(): void
    {
        $engine = $this->imported();
        $first = $this->stockCall();
        $this->assertSame('completed', $first['status'], wp_json_encode($first));
        $this->assertSame(0, $first['summary']['written'], 'created with the planned stock: nothing to write');
        $this->assertSame(['product' => [], 'variation' => []], $this->written);

        Sandbox::get()->control('POST', 'sales', ['lines' => [['item' => self::SHIRT_M, 'quantity' => 1], ['item' => self::PLATE, 'quantity' => 4]]]);
        $before = wc_get_product($this->wcId($engine, self::SHIRT_M))->get_stock_quantity();
        $run = $this->stockCall();
        $this->assertSame(2, $run['summary']['written']);
        $this->assertSame([$this->wcId($engine, self::PLATE)], $this->written['product']);
        $this->assertSame([$this->wcId($engine, self::SHIRT_M)], $this->written['variation']);
        $this->assertSame(6, wc_get_product($this->wcId($engine, self::PLATE))->get_stock_quantity(), '10 available, 4 sold at the till');
        $this->assertSame($before - 1, wc_get_product($this->wcId($engine, self::SHIRT_M))->get_stock_quantity());

        $this->written = ['product' => [], 'variation' => []];
        $this->assertSame(0, $this->stockCall()['summary']['written']);
        $this->assertSame(['product' => [], 'variation' => []], $this->written);
    }

    public function test_a_weighed_item_gets_its_whole_units(): void
    {
        $engine = $this->imported();
        Sandbox::get()->control('POST', 'stock', ['item' => self::COFFEE, 'stock' => 7.85]);
        $run = $this->stockCall();
        $this->assertSame(1, $run['summary']['written']);
        $this->assertSame(7, wc_get_product($this->wcId($engine, self::COFFEE))->get_stock_quantity());
    }

    public function test_an_empty_answer_is_held_and_nothing_is_zeroed(): void
    {
        $demo = json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/fixtures/demo-catalog.json'), true);
        $engine = $this->imported();
        $withoutStock = $demo;
        unset($withoutStock['stocks']);
        Sandbox::get()->control('POST', 'fixture', $withoutStock);
        try {
            $run = $this->stockCall();
            $this->assertSame('held', $run['status'], wp_json_encode($run));
            $this->assertSame(['product' => [], 'variation' => []], $this->written);
            $this->assertSame(10, wc_get_product($this->wcId($engine, self::PLATE))->get_stock_quantity());
            $this->assertCount(1, $engine->heldStockRuns()['pending']);
        } finally {
            Sandbox::get()->control('POST', 'fixture', $demo);
        }
    }

    public function test_two_calls_at_once_never_write_twice(): void
    {
        $engine = $this->imported();
        Sandbox::get()->control('POST', 'sales', ['lines' => [['item' => self::PLATE, 'quantity' => 1]]]);
        // Another worker holds the stock job's lease (a call in flight): this call does nothing.
        $other = $engine->startJob('stock', 60000);
        $this->assertTrue($other['started']);
        $this->assertSame('busy', $this->stockCall()['status']);
        $this->assertSame(['product' => [], 'variation' => []], $this->written);
        $engine->finishJob('stock', $other['run_id'], 'completed', [], null);
        $this->assertSame(1, $this->stockCall()['summary']['written']);
        $this->assertSame(1, count($this->written['product']));
    }
}
