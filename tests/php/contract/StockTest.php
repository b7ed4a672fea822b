<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\Engine;

/** POS stock onto the shop through the PHP API, against the sandbox, on either backend. */
final class StockTest extends EngineTestCase
{
    private const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';
    private const BOWL = '53bfdcf1-e801-411e-a384-fbdb5b1d66ce';
    private const CUP = '97076447-2dc5-4301-a5f8-45fba77e6f05';
    private const COFFEE = '210f22f4-cac1-4554-a5bd-c4293c303767';
    private const BOX = 'bb5c2790-b820-43dc-af9c-11a2089819db';

    protected function setUp(): void
    {
        parent::setUp();
        Sandbox::get()->reset();
    }

    /** @param array<string,int> $links item id => WooCommerce id */
    private function linkedEngine(array $links, array $settings = []): Engine
    {
        $engine = $this->sandboxEngine($settings);
        $engine->refreshCatalog();
        foreach ($links as $item => $wcId) {
            $engine->link($item, $wcId);
        }
        return $engine;
    }

    /** @return array<int,string> wc_id => quantity */
    private static function writes(array $plan): array
    {
        $out = [];
        foreach ($plan['writes'] as $write) {
            $out[$write['wc_id']] = $write['quantity'];
        }
        return $out;
    }

    /** Plans, and reports every write applied as the plugin does once WooCommerce has it. */
    private static function planAndApply(Engine $engine): array
    {
        $plan = $engine->planStock(false);
        $engine->reportStockApplied(array_map(
            static fn ($w) => ['wc_id' => $w['wc_id'], 'quantity' => $w['quantity']],
            $plan['writes'],
        ));
        return $plan;
    }

    public function testOnlyLinkedItemsArePlannedAndAnAppliedPlanGivesNoWritesTheNextTime(): void
    {
        $engine = $this->linkedEngine([self::PLATE => 601, self::CUP => 602]);
        $plan = self::planAndApply($engine);
        // 12 plates with 2 reserved for customers; 40 cups.
        $this->assertSame([601 => '10', 602 => '40'], self::writes($plan));
        $this->assertNull($plan['held_run_id']);
        $again = $engine->planStock(false);
        $this->assertSame([], $again['writes']);
        $this->assertSame(2, $again['unchanged']);
    }

    public function testATillSaleShowsInTheNextPlanAsExactlyThatProductsChange(): void
    {
        $engine = $this->linkedEngine([self::PLATE => 601, self::CUP => 602, self::COFFEE => 603]);
        self::planAndApply($engine);
        Sandbox::get()->control('POST', 'sales', ['lines' => [['item' => self::CUP, 'quantity' => 3]]]);
        $plan = $engine->planStock(false);
        $this->assertSame([602 => '37'], self::writes($plan));
        $this->assertSame('40', $plan['writes'][0]['previous']);
    }

    public function testNegativeStockIsZeroWeighedItemsKeepTheirDecimalAndPacksFollowTheirComponents(): void
    {
        $engine = $this->linkedEngine([self::BOWL => 601, self::COFFEE => 602, self::BOX => 603]);
        $plan = self::planAndApply($engine);
        // Bowls at -2 show 0, and no box can be made without bowls.
        $this->assertSame([601 => '0', 602 => '12.345', 603 => '0'], self::writes($plan));
        $coffee = $plan['writes'][1];
        $this->assertTrue($coffee['weighed']);
        $this->assertSame(12, $coffee['sellable_units']);

        Sandbox::get()->control('POST', 'stock', ['item' => self::BOWL, 'stock' => 10]);
        // A box holds 2 bowls and 0.25 kg of coffee: min(10 / 2, 12.345 / 0.25) = 5.
        $this->assertSame([601 => '10', 603 => '5'], self::writes(self::planAndApply($engine)));
        Sandbox::get()->control('POST', 'sales', ['lines' => [['item' => self::BOX, 'quantity' => 1]]]);
        $this->assertSame([601 => '8', 602 => '12.095', 603 => '4'], self::writes(self::planAndApply($engine)));
    }

    public function testUnitsOfWebOrdersInFlightAreHeldBackAndShownPerItemUntilTheTillAcknowledges(): void
    {
        Sandbox::get()->control('POST', 'order-stock', ['movesAt' => 'acknowledgement']);
        $engine = $this->linkedEngine([self::CUP => 602, self::COFFEE => 603]);
        self::planAndApply($engine);
        $order = [
            'wc_order_id' => 3001, 'number' => '3001', 'status' => 'processing',
            'created_at_ms' => 1785578400000, 'currency' => 'EUR',
            'customer' => ['first_name' => 'Paul', 'last_name' => 'Client', 'email' => 'c3001@example.org',
                           'phone' => null],
            'lines' => [
                ['wc_product_id' => 602, 'name' => 'Tasse', 'quantity' => '2', 'unit_price_ttc' => 990,
                 'total_ttc' => 1980],
                ['wc_product_id' => 603, 'name' => 'Café', 'quantity' => '0.355', 'unit_price_ttc' => 3250,
                 'total_ttc' => 1154],
            ],
            'shipping' => [], 'fees' => [], 'payment_method_title' => 'Carte bancaire', 'total_ttc' => 3134,
        ];
        $engine->orderChanged($order);
        $this->assertSame(1, $engine->pushOrders(10)['pushed']);

        $plan = self::planAndApply($engine);
        // 40 cups − 2, 12.345 kg − 0.355 kg, still waiting for the till.
        $this->assertSame([602 => '38', 603 => '11.99'], self::writes($plan));
        $this->assertSame('2', $plan['writes'][0]['reserved_in_flight']);
        $this->assertSame(
            [['item' => self::COFFEE, 'wc_id' => 603, 'quantity' => '0.355'],
             ['item' => self::CUP, 'wc_id' => 602, 'quantity' => '2']],
            self::sortedByItem($plan['reserved_in_flight']),
        );
        $inFlight = $plan['in_flight']['orders'][0];
        $this->assertSame(3001, $inFlight['wc_order_id']);
        $this->assertSame('pos', $inFlight['where']);
        $this->assertSame('not_acked', $inFlight['pos_status']);

        // The till acknowledges it: the POS lowered its stock, nothing is held back any more.
        $posOrder = array_values(array_filter(
            Sandbox::get()->control('GET', 'orders'),
            static fn ($o) => $o['externalReference'] === 'WEB-3001',
        ))[0];
        Sandbox::get()->control('POST', 'orders/' . $posOrder['id'] . '/ack');
        $plan = self::planAndApply($engine);
        $this->assertSame([], $plan['writes']);
        $this->assertSame([], $plan['reserved_in_flight']);
        $this->assertSame('absorbed', $plan['in_flight']['released'][0]['released']['reason']);
    }

    /** @param list<array{item:string}> $rows */
    private static function sortedByItem(array $rows): array
    {
        usort($rows, static fn ($a, $b) => strcmp($a['item'], $b['item']));
        return $rows;
    }

    public function testAnEmptyStockAnswerIsHeldAndForceAppliesIt(): void
    {
        $engine = $this->linkedEngine([self::PLATE => 601, self::CUP => 602], ['zero_missing' => true]);
        self::planAndApply($engine);
        $demo = json_decode((string) file_get_contents(__DIR__ . '/../../../fixtures/demo-catalog.json'), true);
        $withoutStock = $demo;
        unset($withoutStock['stocks']);
        Sandbox::get()->control('POST', 'fixture', $withoutStock);
        try {
            $held = $engine->planStock(false);
            $this->assertSame('empty_answer', $held['held']['reason']);
            $this->assertIsInt($held['held_run_id']);
            $this->assertSame([], $held['writes']);
            $this->assertSame(2, $held['would_write']);

            $pending = $engine->heldStockRuns()['pending'];
            $this->assertSame($held['held_run_id'], $pending[0]['id']);
            $this->assertSame('dismissed', $engine->dismissHeldStockRun($pending[0]['id'])['resolution']);
            $this->assertSame([], $engine->heldStockRuns()['pending']);
            $held = $engine->planStock(false);
            $this->assertIsInt($held['held_run_id']);

            $forced = $engine->planStock(true);
            $this->assertNull($forced['held']);
            $this->assertNull($forced['held_run_id']);
            $this->assertSame([601 => '0', 602 => '0'], self::writes($forced));
            $this->assertSame([], $engine->heldStockRuns()['pending']);
            $this->assertSame('applied', $engine->heldStockRuns()['recent'][0]['resolution']);
        } finally {
            // The loaded fixture becomes the sandbox's starting point: put the demo shop back.
            Sandbox::get()->control('POST', 'fixture', $demo);
        }
    }
}
