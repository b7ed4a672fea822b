<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

/** Debug mode: API request traces go to the log, with the key and personal data redacted. */
final class DebugTraceTest extends EngineTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        Sandbox::get()->reset();
    }

    public function testInDebugModeEveryApiRequestIsTracedInTheLogWithoutTheKey(): void
    {
        $engine = $this->sandboxEngine(['debug' => true]);
        $engine->refreshCatalog();
        $traces = $engine->queryLogs(['operation' => 'api_trace', 'per_page' => 500]);
        $this->assertGreaterThan(0, $traces['total']);
        $messages = array_column($traces['rows'], 'message');
        $this->assertContains('refreshCatalog: shopcaisse request', $messages);
        $everything = json_encode($engine->exportLogs([]));
        $this->assertStringNotContainsString(Sandbox::TOKEN, $everything);
    }

    public function testACustomerLookupLeavesNoEmailInTheTraces(): void
    {
        $engine = $this->sandboxEngine(['debug' => true]);
        $engine->refreshCatalog();
        $item = $engine->searchCatalog(['text' => 'ADM-PLT'])['rows'][0];
        $engine->link($item['id'], 501);
        $engine->pushOrderNow([
            'wc_order_id' => 77, 'number' => '77', 'status' => 'processing', 'created_at_ms' => 1785578400000,
            'currency' => 'EUR', 'total_ttc' => 2490,
            'customer' => ['first_name' => 'Zoé', 'last_name' => 'Traceuse', 'email' => 'zoe.traceuse@example.fr'],
            'lines' => [['wc_product_id' => 501, 'name' => 'Assiette', 'quantity' => '1', 'unit_price_ttc' => 2490, 'total_ttc' => 2490]],
        ]);
        $traces = json_encode($engine->queryLogs(['operation' => 'api_trace', 'per_page' => 500]));
        $this->assertStringContainsString('orders', $traces);
        $this->assertStringNotContainsString('zoe.traceuse', $traces);
    }

    public function testWithoutDebugModeNothingIsTraced(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $this->assertSame(0, $engine->queryLogs(['operation' => 'api_trace'])['total']);
    }
}
