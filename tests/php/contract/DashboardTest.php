<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\InvalidInputException;

/** The dashboard's figures through either backend: counted where recorded, by local day. */
final class DashboardTest extends EngineTestCase
{
    public function testALinkAndAStockWriteAreCountedTodayInTheShopsTimeZone(): void
    {
        Sandbox::get()->reset();
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $plate = $engine->searchCatalog(['text' => 'ADM-PLT'])['rows'][0]['id'];
        $engine->link($plate, 501);
        $engine->reportStockApplied([['wc_id' => 501, 'quantity' => '10'], ['wc_id' => 502, 'quantity' => '3']]);

        $before = time();
        $answer = $engine->dashboard(5, 330);
        $after = time();
        $this->assertCount(5, $answer['days']);
        $today = array_unique([gmdate('Y-m-d', $before + 330 * 60), gmdate('Y-m-d', $after + 330 * 60)]);
        $last = $answer['days'][4];
        $this->assertContains($last['day'], $today);
        $this->assertSame(1, $last['linked']);
        $this->assertSame(2, $last['stock_writes']);
        $this->assertSame(
            ['stock_writes' => 2, 'imported' => 0, 'linked' => 1, 'orders_pushed' => 0, 'orders_blocked' => 0, 'failures' => 0],
            $answer['totals']
        );
        foreach (array_slice($answer['days'], 0, 4) as $quiet) {
            $this->assertSame(0, $quiet['linked'] + $quiet['stock_writes'], $quiet['day']);
        }
        $this->assertSame(['held_stock_runs' => 0, 'blocked_orders' => 0, 'declinations_not_associated' => 0], $answer['attention']);
        $this->assertSame(['products', 'stock', 'orders'], array_column($answer['jobs'], 'job'));
        // The defaults: 30 days in UTC.
        $this->assertCount(30, $engine->dashboard()['days']);
    }

    public function testOutOfRangeArgumentsAreRefused(): void
    {
        $engine = $this->engine();
        foreach ([[0, 0], [367, 0], [30, 841], [30, -841]] as [$days, $offset]) {
            try {
                $engine->dashboard($days, $offset);
                $this->fail("dashboard($days, $offset) was accepted");
            } catch (InvalidInputException $e) {
                $this->assertStringContainsString($days === 0 || $days === 367 ? 'days' : 'utc_offset_minutes', $e->getMessage());
            }
        }
    }
}
