<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\Engine;
use ShopcaisseSync\InvalidInputException;

/** Matching, imports and later updates, driven through the PHP API on the sandbox's demo catalog. */
final class ProductsTest extends EngineTestCase
{
    private Engine $shop;

    protected function setUp(): void
    {
        parent::setUp();
        Sandbox::get()->reset();
        $this->shop = $this->sandboxEngine();
        $this->shop->refreshCatalog();
    }

    /** The id of the demo item with exactly this reference. */
    private function idOf(string $reference): string
    {
        $rows = $this->shop->searchCatalog(['text' => $reference, 'per_page' => 50])['rows'];
        $exact = array_values(array_filter($rows, static fn ($r) => $r['reference'] === $reference));
        $this->assertCount(1, $exact, "one item with reference $reference");
        return $exact[0]['id'];
    }

    /** @return array<string,mixed> */
    private static function product(int $id, string $sku, string $name = ''): array
    {
        return ['id' => $id, 'kind' => 'simple', 'sku' => $sku, 'name' => $name, 'on_sale' => true, 'published' => true];
    }

    /** A shop holding the plate under its reference, and two products sharing the soup plate's. */
    private static function smallShop(): array
    {
        return [
            self::product(501, 'ADM-PLT', 'Assiette plate'),
            self::product(502, 'ADM-CRS', 'Assiette creuse'),
            self::product(503, 'adm-crs', 'Assiette creuse (copie)'),
        ];
    }

    public function testAnEmptyShopGetsNoLinksAndEveryItemStaysUnmatched(): void
    {
        $plan = $this->shop->planMatching([]);
        $this->assertSame('reference', $plan['method']);
        $this->assertSame([], $plan['links']);
        $this->assertSame([], $plan['create']);
        $this->assertContains($this->idOf('ADM-PLT'), $plan['unmatched_items']);
        $this->assertContains($this->idOf('EPI-CAF'), $plan['unmatched_items']);
        $this->assertSame(count($plan['unmatched_items']), $plan['counts']['unmatched']);
        $this->assertSame(0, $plan['counts']['already_linked']);
        $this->assertSame([], $this->shop->listLinks(10)['links']);
    }

    public function testTheSameSkuIsProposedAndASharedReferenceIsAConflictLinkingNothing(): void
    {
        $plan = $this->shop->planMatching(self::smallShop());
        $this->assertSame([['item' => $this->idOf('ADM-PLT'), 'wc_id' => 501, 'by' => 'reference']], $plan['links']);
        $shared = array_values(array_filter($plan['conflicts'], static fn ($c) => in_array(502, $c['products'], true)));
        $this->assertCount(1, $shared);
        $this->assertSame('reference', $shared[0]['by']);
        $this->assertSame([502, 503], $shared[0]['products']);
        $this->assertSame([$this->idOf('ADM-CRS')], $shared[0]['items']);
        $this->assertNotContains($this->idOf('ADM-CRS'), array_column($plan['links'], 'item'));
        $this->assertEqualsCanonicalizing([502, 503], $plan['unlinked_on_sale']);
        $this->assertSame([], $this->shop->listLinks(10)['links'], 'a plan records nothing');
    }

    public function testApplyingMatchingRecordsTheLinksAndTheLinkedFilterShowsThem(): void
    {
        $applied = $this->shop->applyMatching(self::smallShop());
        $this->assertCount(1, $applied['recorded']);
        $this->assertSame('reference', $applied['recorded'][0]['method']);
        $this->assertSame(501, $applied['recorded'][0]['wc_id']);
        $this->assertSame([], $applied['refused']);
        $this->assertNotEmpty($applied['plan']['conflicts']);

        $linked = $this->shop->searchCatalog(['linked' => true]);
        $this->assertSame(1, $linked['total']);
        $this->assertSame('ADM-PLT', $linked['rows'][0]['reference']);
        $this->assertSame(501, $linked['rows'][0]['wc_id']);
        $this->assertSame('reference', $linked['rows'][0]['link_method']);

        $logged = $this->shop->queryLogs(['operation' => 'matching']);
        $this->assertGreaterThanOrEqual(2, $logged['total'], 'the summary and the conflicts');

        $again = $this->shop->applyMatching(self::smallShop());
        $this->assertSame([], $again['recorded']);
        $this->assertSame(1, $again['plan']['counts']['already_linked']);

        // The cron call's form: the counts alone, on both backends.
        $summary = $this->shop->applyMatching(self::smallShop(), true);
        $this->assertSame(['run_id', 'summary'], array_keys($summary));
        $this->assertSame(0, $summary['summary']['recorded']);
        $this->assertSame(count($applied['plan']['conflicts']), $summary['summary']['conflicts']);
        $this->assertSame(1, $summary['summary']['counts']['already_linked']);
        $this->assertSame(1, $this->shop->searchCatalog(['linked' => true])['total']);
    }

    public function testSuggestionsRankTheSameReferenceFirstAndLeaveLinkedProductsOut(): void
    {
        $products = [self::product(601, 'WEB-1', 'Assiette plate'), self::product(602, 'adm-plt', 'Plate'), self::product(603, 'X', 'Bol')];
        $plate = $this->idOf('ADM-PLT');
        $answer = $this->shop->suggestProducts([$plate, 'no-such-item'], $products, 5);
        $this->assertSame(['no-such-item'], $answer['missing']);
        $found = $answer['suggestions'][$plate];
        $this->assertSame(602, $found[0]['wc_id']);
        $this->assertSame('same_reference', $found[0]['why']);
        $this->assertSame(100, $found[0]['score']);
        $this->assertSame('adm-plt', $found[0]['sku']);
        $this->assertContains(601, array_column($found, 'wc_id'));
        $this->assertNotContains(603, array_column($found, 'wc_id'));

        $this->assertCount(1, $this->shop->suggestProducts([$plate], $products, 1)['suggestions'][$plate]);
        $this->shop->link($this->idOf('ADM-CRS'), 602);
        $this->assertNotContains(602, array_column($this->shop->suggestProducts([$plate], $products, 5)['suggestions'][$plate], 'wc_id'));
    }

    public function testTheImportPreviewCountsWhatItWouldCreateAndWhatItLeavesOut(): void
    {
        $all = $this->shop->previewImport([], null);
        $this->assertSame($all, $this->shop->previewImport([], []), 'null and [] both mean every item');
        // 12 top-level items: the cup and the bag have no reference (they could never be matched
        // again), the old bowl repeats the bowl's reference; the other 10 are created, the
        // T-shirt with its 4 sizes.
        $this->assertSame(10, $all['counts']['products_to_create']);
        $this->assertSame(4, $all['counts']['variations_to_create']);
        $this->assertSame(0, $all['counts']['links']);
        $this->assertSame(3, $all['counts']['skipped']);
        $reasons = array_count_values(array_column($all['skipped'], 'reason'));
        ksort($reasons);
        $this->assertSame(['duplicate_reference' => 1, 'missing_reference' => 2], $reasons);
        $this->assertSame('ADM-BOL', array_column($all['skipped'], 'reference')[0]);

        $one = $this->shop->previewImport([], [$this->idOf('ADM-PLT')]);
        $this->assertSame(1, $one['counts']['products_to_create']);
        $this->assertSame(2490, $one['create'][0]['regular_price']);
        $this->assertSame('10', $one['create'][0]['stock'], '12 in stock, 2 reserved for customers');

        $withShop = $this->shop->previewImport(self::smallShop(), [$this->idOf('ADM-PLT'), $this->idOf('ADM-CRS')]);
        $this->assertSame(0, $withShop['counts']['products_to_create']);
        $this->assertSame(1, $withShop['counts']['links']);
        $this->assertSame('conflict', $withShop['skipped'][0]['reason']);
    }

    public function testAnImportPlanShapesVariableWeighedAndPackItems(): void
    {
        $plan = $this->shop->planImport([], [$this->idOf('TEX-TSH'), $this->idOf('EPI-CAF'), $this->idOf('COF-PDJ')]);
        $this->assertSame(3, $plan['counts']['products_to_create']);
        $this->assertSame([], $plan['skipped']);
        $byItem = array_column($plan['create'], null, 'item');

        $shirt = $byItem[$this->idOf('TEX-TSH')];
        $this->assertSame('variable', $shirt['product_type']);
        $this->assertCount(4, $shirt['variations']);
        $this->assertSame(
            [$this->idOf('TEX-TSH-S'), $this->idOf('TEX-TSH-M'), $this->idOf('TEX-TSH-L'), $this->idOf('TEX-TSH-XL')],
            array_column($shirt['variations'], 'item')
        );
        $this->assertSame([['name' => 'Taille', 'values' => ['S', 'M', 'L', 'XL']]], $shirt['attributes']);
        $this->assertSame(2700, $shirt['variations'][3]['regular_price'], 'the XL has its own price in the list');
        $this->assertSame('3', $shirt['variations'][0]['stock']);

        $coffee = $byItem[$this->idOf('EPI-CAF')];
        $this->assertSame('simple', $coffee['product_type']);
        $this->assertSame('kg', $coffee['weighed']['unit']['symbol']);
        $this->assertSame(3250, $coffee['weighed']['price_per_unit']);
        $this->assertSame('12.345', $coffee['stock']);

        $box = $byItem[$this->idOf('COF-PDJ')];
        $this->assertCount(2, $box['pack']['components']);
        $this->assertSame([], $box['pack']['missing_components']);
        $this->assertContains($this->idOf('EPI-CAF'), array_column($box['pack']['components'], 'item'));
        $this->assertSame(['2', '0.25'], array_column($box['pack']['components'], 'quantity'));
    }

    public function testReportingAnImportLinksItsProductsOnceAndRefusesABadId(): void
    {
        $plan = $this->shop->planImport([], [$this->idOf('ADM-PLT'), $this->idOf('TEX-TSH')]);
        $created = $this->created($plan);
        $first = $this->shop->reportImported($created);
        $this->assertCount(6, $first['recorded']);
        $this->assertSame(['imported'], array_values(array_unique(array_column($first['recorded'], 'method'))));
        $this->assertSame([], $first['refused']);

        $second = $this->shop->reportImported($created);
        $this->assertSame([], $second['recorded']);
        $this->assertSame(6, $second['unchanged']);
        $this->assertSame(6, $this->shop->searchCatalog(['linked' => true])['total']);
        $this->assertGreaterThanOrEqual(2, $this->shop->queryLogs(['operation' => 'import'])['total']);

        $clash = $this->shop->reportImported([['item_id' => $this->idOf('ADM-CRS'), 'wc_id' => 700]]);
        $this->assertSame(700, $clash['refused'][0]['wc_id']);
        $this->assertStringContainsString('already linked', $clash['refused'][0]['message']);
        $this->expectException(InvalidInputException::class);
        $this->shop->reportImported([['item_id' => $this->idOf('ADM-CRS'), 'wc_id' => 0]]);
    }

    public function testOnceImportedOnlyImagesAndStockAreUpdated(): void
    {
        $ids = [$this->idOf('ADM-PLT'), $this->idOf('TEX-TSH')];
        $this->shop->reportImported($this->created($this->shop->planImport([], $ids)));

        $after = $this->shop->previewImport([], $ids);
        $this->assertSame(0, $after['counts']['products_to_create']);
        $this->assertSame(0, $after['counts']['variations_to_create']);
        $this->assertSame(2, $after['counts']['already_linked']);

        $updates = $this->shop->planProductUpdates(null);
        $this->assertSame(1, $updates['count'], 'only the plate has an image');
        $this->assertSame(['wc_id', 'item', 'images', 'stock'], array_keys($updates['updates'][0]));
        $this->assertSame(700, $updates['updates'][0]['wc_id']);
        $this->assertSame(['https://demo.shopcaisse.invalid/img/assiette-plate.jpg'], $updates['updates'][0]['images']);
        $applied = [700 => ['https://demo.shopcaisse.invalid/img/assiette-plate.jpg']];
        $this->assertSame(0, $this->shop->planProductUpdates($applied)['count']);
        $this->assertSame(0, $this->shop->planProductUpdates([['wc_id' => 700, 'images' => $applied[700]]])['count']);

        $stock = $this->shop->planStock(false);
        $written = array_column($stock['writes'], 'wc_id');
        $this->assertNotEmpty($written);
        $this->assertSame([], array_diff($written, [700, 711, 712, 713, 714]), 'stock goes to the simple product and the variations');
    }

    /**
     * What PHP reports after creating a plan's products: the plate or first product as 700, the
     * next as 710, and each variation as its parent's id plus its rank.
     *
     * @return list<array<string,mixed>>
     */
    private function created(array $plan): array
    {
        $created = [];
        foreach ($plan['create'] as $n => $spec) {
            $wc = 700 + 10 * $n;
            $created[] = [
                'item_id' => $spec['item'],
                'wc_id' => $wc,
                'variations' => array_map(
                    static fn (array $v, int $rank) => ['item_id' => $v['item'], 'wc_id' => $wc + 1 + $rank],
                    $spec['variations'],
                    array_keys($spec['variations'])
                ),
            ];
        }
        return $created;
    }
}
