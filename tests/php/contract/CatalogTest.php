<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\InvalidInputException;
use ShopcaisseSync\NotConfiguredException;
use ShopcaisseSync\NotFoundException;
use ShopcaisseSync\UnexpectedPayloadException;

/** The catalog cache, links and logs, driven through the PHP API against the sandbox. */
final class CatalogTest extends EngineTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        Sandbox::get()->reset();
    }

    public function testARefreshCachesTheWholeDemoCatalogWithItsKinds(): void
    {
        $summary = $this->sandboxEngine()->refreshCatalog();
        $this->assertSame(17, $summary['items']);
        $this->assertGreaterThan(0, $summary['declinations']);
        $this->assertGreaterThan(0, $summary['packs']);
        $this->assertGreaterThan(0, $summary['weighed']);
        $this->assertGreaterThan(0, $summary['stock_rows']);
    }

    public function testARefreshWithABudgetIsReadInStepsAndEndsAsARefreshInOneGo(): void
    {
        $engine = $this->sandboxEngine(['page_size' => 5]);
        $answers = [];
        do {
            $answers[] = $answer = $engine->refreshCatalog(false, 1);
            if (!$answer['complete']) {
                $this->assertSame(0, $engine->searchCatalog([])['total'], 'nothing is cached before the last step');
            }
        } while (!$answer['complete'] && count($answers) < 100);
        $this->assertTrue($answer['complete']);
        $this->assertGreaterThan(4, count($answers), 'pages of 5 of 17 items, their prices and stock');
        $this->assertSame('items', $answers[0]['walk']['part']);
        $this->assertSame(1, $answers[0]['walk']['next_page']);
        $this->assertSame(17, $answer['items']);
        $whole = $engine->refreshCatalog();
        $this->assertSame($whole['stock_rows'], $answer['stock_rows']);
        $this->assertSame($whole['prices_from_list'], $answer['prices_from_list']);
        try {
            $engine->refreshCatalog(false, -1);
            $this->fail('a negative budget passed');
        } catch (InvalidInputException $e) {
            $this->assertStringContainsString('budget_ms', $e->getMessage());
        }
    }

    public function testAnEmptyOrTruncatedCatalogIsHeldUntilForcedAndABrokenPageReplacesNothing(): void
    {
        $engine = $this->sandboxEngine(['page_size' => 5]);
        $this->assertSame(17, $engine->refreshCatalog()['items']);

        Sandbox::get()->faults(['pages' => [['path' => '/items', 'page' => 1, 'shape' => 'bareArray']]]);
        try {
            $engine->refreshCatalog();
            $this->fail('a page without its envelope passed');
        } catch (UnexpectedPayloadException $e) {
            $this->assertStringContainsString('page 1', $e->getMessage());
        }
        $this->assertSame(17, $engine->searchCatalog([])['total']);

        Sandbox::get()->faults(['pages' => [['path' => '/items', 'page' => 0, 'shape' => 'empty']]]);
        $held = $engine->refreshCatalog();
        $this->assertSame('empty_answer', $held['items_held']['reason']);
        $this->assertSame(17, $engine->searchCatalog([])['total']);

        $forced = $engine->refreshCatalog(true);
        $this->assertNull($forced['items_held']);
        $this->assertSame(0, $engine->searchCatalog([])['total']);
    }

    public function testSearchFindsByNameWithoutAccentsByReferenceAndByBarcode(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $byName = $engine->searchCatalog(['text' => 'assiette']);
        $this->assertContains('Assiette plate', array_column($byName['rows'], 'name'));
        $byReference = $engine->searchCatalog(['text' => 'adm-plt']);
        $this->assertSame('ADM-PLT', $byReference['rows'][0]['reference']);
        $byBarcode = $engine->searchCatalog(['text' => '3760000000001']);
        $this->assertSame('Assiette plate', $byBarcode['rows'][0]['name']);
        $this->assertSame(2490, $byBarcode['rows'][0]['price']);
    }

    public function testSearchPagesAndCountsAndAnEmptyQueryListsEverything(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $all = $engine->searchCatalog([]);
        $this->assertSame(17, $all['total']);
        $page = $engine->searchCatalog(['per_page' => 5, 'page' => 2]);
        $this->assertCount(5, $page['rows']);
        $this->assertSame(17, $page['total']);
    }

    public function testALinkIsMadeUndoneAndRestoredAndTheFilterFollows(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $item = $engine->searchCatalog(['text' => 'ADM-PLT'])['rows'][0];
        $link = $engine->link($item['id'], 501);
        $this->assertSame('manual', $link['method']);
        $this->assertSame(1, $engine->searchCatalog(['linked' => true])['total']);

        $undone = $engine->unlinkItem($item['id']);
        $this->assertSame(501, $undone['unlinked']['wc_id']);
        $this->assertSame(0, $engine->searchCatalog(['linked' => true])['total']);

        $history = $engine->listLinks(10)['history'];
        $this->assertNotEmpty($history);
        $restored = $engine->restoreLink($history[0]['id']);
        $this->assertSame(501, $restored['wc_id']);
        $this->assertSame(1, $engine->searchCatalog(['linked' => true])['total']);
    }

    public function testOneItemComesWholeAndAProductCanBeUnlinkedFromItsSide(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $row = $engine->searchCatalog(['text' => 'T-shirt', 'top_level_only' => true])['rows'][0];
        $item = $engine->catalogItem($row['id']);
        $this->assertCount(4, $item['item']['declinations']);
        $this->assertTrue($item['row']['has_declinations']);

        $engine->link($row['id'], 700);
        $this->assertSame($row['id'], $engine->unlinkProduct(700)['unlinked']['item_id']);
        $this->assertNull($engine->unlinkProduct(700)['unlinked']);
        $this->expectException(NotFoundException::class);
        $engine->catalogItem('no-such-item');
    }

    public function testLinkingAnUnknownItemOrABadProductIdIsRefused(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        try {
            $engine->link('no-such-item', 5);
            $this->fail('no exception');
        } catch (NotFoundException $e) {
            $this->assertStringContainsString('no-such-item', $e->getMessage());
        }
        $this->expectException(InvalidInputException::class);
        $engine->link($engine->searchCatalog([])['rows'][0]['id'], -3);
    }

    public function testRefreshingWithoutAChosenCompanySaysSo(): void
    {
        $this->expectException(NotConfiguredException::class);
        $this->engine(['token' => Sandbox::TOKEN, 'base_url' => Sandbox::get()->baseUrl()])->refreshCatalog();
    }

    public function testEveryRefreshAndLinkIsLoggedAndLogsCanBeFilteredAndPurged(): void
    {
        $engine = $this->sandboxEngine();
        $engine->refreshCatalog();
        $item = $engine->searchCatalog([])['rows'][0];
        $engine->link($item['id'], 9);
        $refresh = $engine->queryLogs(['operation' => 'catalog_refresh']);
        $this->assertGreaterThanOrEqual(1, $refresh['total']);
        $all = $engine->queryLogs([]);
        $this->assertGreaterThan($refresh['total'], $all['total']);
        $this->assertCount($all['total'], $engine->exportLogs([]));
        $engine->purgeLogs();
        $this->assertSame(0, $engine->queryLogs([])['total']);
    }
}
