<?php
/**
 * The shop snapshot read by SQL, and the links the core makes against it in real WooCommerce:
 * by reference, by barcode (a UPC-A in WooCommerce against the EAN-13 of the POS), conflicts
 * refused, links undone and restored.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Products\Importer;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;

final class MatchingTest extends PluginTestCase
{
    private const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';
    private const MUG = 'b826b225-1ae8-42dc-a4f0-d91ada1feb0b';
    private const SHIRT = '4d99cb70-cc1f-4f88-aeaa-868bbf7e53df';

    private function simple(string $name, string $sku = '', string $gtin = '', string $status = 'publish', string $price = '10'): int
    {
        $product = new \WC_Product_Simple();
        $product->set_name($name);
        $product->set_status($status);
        $product->set_regular_price($price);
        if ($sku !== '') {
            $product->set_sku($sku);
        }
        if ($gtin !== '') {
            $product->set_global_unique_id($gtin);
        }
        return $product->save();
    }

    public function test_the_snapshot_reads_types_skus_gtins_variation_attributes_and_sale_state(): void
    {
        $this->configureForSandbox();
        $plate = $this->simple('Plate', 'WEB-PLT', '3760000000001');
        $draft = $this->simple('Draft', 'WEB-DRAFT', '', 'draft');
        $noPrice = $this->simple('No price', 'WEB-NOPRICE', '', 'publish', '');
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        Importer::make(false)->import($engine, [self::SHIRT]);

        $byId = array_column(ShopSnapshot::products(true, 2), null, 'id');
        $this->assertSame(['id' => $plate, 'kind' => 'simple', 'sku' => 'WEB-PLT', 'barcode' => '3760000000001', 'name' => 'Plate', 'on_sale' => true, 'published' => true], $byId[$plate]);
        $this->assertFalse($byId[$draft]['published']);
        $this->assertFalse($byId[$draft]['on_sale']);
        $this->assertFalse($byId[$noPrice]['on_sale'], 'nothing to pay: not purchasable');
        $shirt = (int) $engine->catalogItem(self::SHIRT)['row']['wc_id'];
        $this->assertSame('variable', $byId[$shirt]['kind']);
        $variations = array_values(array_filter($byId, static fn ($p) => ($p['parent_id'] ?? 0) === $shirt));
        $this->assertCount(4, $variations);
        $this->assertSame('variation', $variations[0]['kind']);
        $this->assertSame([['name' => 'taille', 'value' => 'S']], $variations[0]['attributes']);
        $this->assertSame('TEX-TSH-S', $variations[0]['sku']);
        $this->assertCount(8, $byId, 'pages of 2 read every product once');
        $this->assertArrayNotHasKey('name', ShopSnapshot::products()[0], 'names only when asked for');

        // A fresh engine matches the variations to the declinations by reference.
        $engine->unlinkItem(self::SHIRT);
        foreach ($variations as $variation) {
            $engine->unlinkProduct($variation['id']);
        }
        $applied = $engine->applyMatching(ShopSnapshot::products());
        $this->assertContains($shirt, array_column($applied['recorded'], 'wc_id'));
        $this->assertSame(5, $engine->searchCatalog(['linked' => true])['total']);
    }

    public function test_links_by_reference_refuse_conflicts_and_can_be_undone_and_restored(): void
    {
        $this->configureForSandbox();
        $plate = $this->simple('Assiette', 'ADM-PLT');
        $bowl = $this->simple('Bol', 'ADM-BOL'); // two Shopcaisse items share this reference
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $applied = $engine->applyMatching(ShopSnapshot::products());
        $this->assertSame([$plate], array_column($applied['recorded'], 'wc_id'));
        $this->assertSame([$bowl], $applied['plan']['conflicts'][0]['products']);
        $this->assertSame(self::PLATE, $engine->searchCatalog(['linked' => true])['rows'][0]['id']);

        $engine->unlinkItem(self::PLATE);
        $this->assertSame(0, $engine->searchCatalog(['linked' => true])['total']);
        $history = $engine->listLinks(10)['history'];
        $engine->restoreLink((int) $history[0]['id']);
        $this->assertSame($plate, (int) $engine->catalogItem(self::PLATE)['row']['wc_id']);
    }

    public function test_a_upc_a_in_woocommerce_links_to_the_ean_13_of_the_pos(): void
    {
        $this->configureForSandbox(['matching_method' => 'barcode']);
        $mug = $this->simple('Mug', '', '003760000032'); // the POS has 0003760000032
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $applied = $engine->applyMatching(ShopSnapshot::products());
        $this->assertSame([['item_id' => self::MUG, 'wc_id' => $mug]], array_map(
            static fn ($r) => ['item_id' => $r['item_id'], 'wc_id' => $r['wc_id']],
            $applied['recorded']
        ));
        $this->assertSame('barcode', $applied['recorded'][0]['method']);
    }
}
