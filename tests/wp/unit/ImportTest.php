<?php
/**
 * Imports from the sandbox into real WooCommerce: simple, variable, pack and weighed items with
 * prices from the chosen price list, SKU, GTIN, stock and descriptions; images sideloaded once,
 * replaced when they change, a broken one skipped; and after the first import, the merchant's
 * edits survive a products sync.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Products\ImageImporter;
use ShopcaisseSync\Plugin\Products\Importer;
use ShopcaisseSync\Plugin\Products\ProductWriter;
use ShopcaisseSync\Tests\Sandbox;

require_once dirname(__DIR__) . '/support/ImageServer.php';

final class ImportTest extends PluginTestCase
{
    private const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';
    private const SHIRT = '4d99cb70-cc1f-4f88-aeaa-868bbf7e53df';
    private const SHIRT_M = '9fc6990a-fbaa-4ee1-a243-bc3ad375ede8';
    private const COFFEE = '210f22f4-cac1-4554-a5bd-c4293c303767';
    private const BOX = 'bb5c2790-b820-43dc-af9c-11a2089819db';
    private const RESELLERS = 'fca0cdaf-834e-4eb0-aa65-47a3ec1dba3e';

    private ?array $demo = null;

    public function set_up(): void
    {
        parent::set_up();
        add_filter('http_request_host_is_external', '__return_true');
        add_filter('http_allowed_safe_ports', static fn ($ports) => array_merge((array) $ports, [ImageServer::get()->port]));
    }

    public function tear_down(): void
    {
        if ($this->demo !== null) {
            Sandbox::get()->control('POST', 'fixture', $this->demo);
        }
        parent::tear_down();
    }

    /** The demo shop with these images on these items, as the sandbox's catalog. */
    private function withImages(array $images): void
    {
        $this->demo ??= json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/fixtures/demo-catalog.json'), true);
        $fixture = $this->demo;
        foreach ($fixture['items'] as &$item) {
            if (isset($images[$item['id']])) {
                $item['images'] = $images[$item['id']];
            }
        }
        unset($item);
        Sandbox::get()->control('POST', 'fixture', $fixture);
    }

    private function engine(): \ShopcaisseSync\Engine
    {
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        return $engine;
    }

    private function linkedWcId(\ShopcaisseSync\Engine $engine, string $item): int
    {
        return (int) $engine->catalogItem($item)['row']['wc_id'];
    }

    public function test_simple_variable_pack_and_weighed_items_are_created_with_prices_from_the_chosen_list(): void
    {
        $this->configureForSandbox(['price_list_id' => self::RESELLERS]);
        $engine = $this->engine();
        $summary = Importer::make()->import($engine, [self::PLATE, self::SHIRT, self::COFFEE, self::BOX]);
        $this->assertSame(4, $summary['created'], wp_json_encode($summary));
        $this->assertSame(4, $summary['variations']);
        $this->assertSame([], $summary['failed']);
        $this->assertSame(1, $summary['images_failed'], 'the demo plate\'s image address does not resolve');

        $plate = wc_get_product($this->linkedWcId($engine, self::PLATE));
        $this->assertSame('simple', $plate->get_type());
        $this->assertSame('Assiette plate', $plate->get_name());
        $this->assertSame('ADM-PLT', $plate->get_sku());
        $this->assertSame('3760000000001', $plate->get_global_unique_id());
        $this->assertSame('19.90', $plate->get_regular_price(), 'the resellers\' price, not the default 24.90');
        $this->assertTrue($plate->get_manage_stock());
        $this->assertSame(10, $plate->get_stock_quantity());
        $this->assertSame('Grès émaillé, Ø 27 cm', $plate->get_short_description());
        $this->assertSame('publish', $plate->get_status());

        $shirt = wc_get_product($this->linkedWcId($engine, self::SHIRT));
        $this->assertSame('variable', $shirt->get_type());
        $this->assertSame(['S', 'M', 'L', 'XL'], $shirt->get_attributes()['taille']->get_options());
        $variations = array_map('wc_get_product', $shirt->get_children());
        $this->assertCount(4, $variations);
        $bySku = [];
        foreach ($variations as $variation) {
            $bySku[$variation->get_sku()] = $variation;
        }
        $this->assertSame('27.00', $bySku['TEX-TSH-XL']->get_regular_price());
        $this->assertSame(['taille' => 'XL'], $bySku['TEX-TSH-XL']->get_attributes());
        $this->assertSame('3760000001033', $bySku['TEX-TSH-XL']->get_global_unique_id());
        $this->assertSame(3, $bySku['TEX-TSH-S']->get_stock_quantity());
        $this->assertSame('25.00', $shirt->get_variation_regular_price('min'));

        $coffee = wc_get_product($this->linkedWcId($engine, self::COFFEE));
        $this->assertSame('27.00', $coffee->get_regular_price(), 'per kg, from the list');
        $this->assertSame(12, $coffee->get_stock_quantity(), '12.345 kg: 12 whole units to sell');
        $this->assertSame('kg', $coffee->get_meta(ProductWriter::WEIGHED_META)['symbol']);
        $this->assertStringContainsString('/ kg', $coffee->get_price_html(), 'the product page says the price is per kg');

        $box = wc_get_product($this->linkedWcId($engine, self::BOX));
        $this->assertSame('simple', $box->get_type());
        $this->assertCount(2, $box->get_meta(ProductWriter::PACK_META)['components']);
        $this->assertTrue($box->get_manage_stock());

        $this->assertSame(8, $engine->searchCatalog(['linked' => true])['total'], '4 products and 4 variations linked');
    }

    public function test_an_import_twice_creates_nothing_more(): void
    {
        $this->configureForSandbox();
        $engine = $this->engine();
        Importer::make(false)->import($engine, [self::PLATE, self::SHIRT]);
        $count = (int) wp_count_posts('product')->publish;
        $again = Importer::make(false)->import($engine, [self::PLATE, self::SHIRT]);
        $this->assertSame(0, $again['created']);
        $this->assertSame($count, (int) wp_count_posts('product')->publish);
    }

    public function test_a_declination_whose_gtin_the_shop_already_uses_is_left_out_before_writing(): void
    {
        $this->configureForSandbox();
        $engine = $this->engine();
        // Another product of the shop holds the GTIN of the T-shirt's M declination.
        $holder = new \WC_Product_Simple();
        $holder->set_name('Ancien T-shirt');
        $holder->set_sku('OLD-TSH-M');
        $holder->set_global_unique_id('3760000001011');
        $holder->save();

        $summary = Importer::make(false)->import($engine, [self::SHIRT]);
        $this->assertSame(1, $summary['created'], wp_json_encode($summary));
        $this->assertSame(3, $summary['variations']);
        $this->assertSame([], $summary['failed']);
        $this->assertSame([['item' => self::SHIRT_M, 'reason' => 'barcode_taken', 'wc_id' => $holder->get_id()]], $summary['skipped']);
    }

    public function test_a_variable_product_whose_variation_woocommerce_refuses_is_not_left_half_made(): void
    {
        $this->configureForSandbox();
        $engine = $this->engine();
        // The GTIN of the T-shirt's M declination is taken meanwhile: after the core planned the
        // import, while the parent product is being written.
        $holder = new \WC_Product_Simple();
        $holder->set_name('Ancien T-shirt');
        $holder->set_sku('OLD-TSH-M');
        $holder->save();
        $takeIt = static function () use ($holder): void {
            static $done = false;
            if (!$done) {
                $done = true;
                $holder->set_global_unique_id('3760000001011');
                $holder->save();
            }
        };
        add_action('woocommerce_new_product', $takeIt);

        $summary = Importer::make(false)->import($engine, [self::SHIRT]);
        remove_action('woocommerce_new_product', $takeIt);
        $this->assertSame(0, $summary['created'], wp_json_encode($summary));
        $this->assertSame([self::SHIRT], array_column($summary['failed'], 'item'));
        $this->assertSame(0, wc_get_product_id_by_sku('TEX-TSH'), 'no parent left behind');
        $this->assertSame(0, wc_get_product_id_by_sku('TEX-TSH-S'), 'no variation left behind');
        $this->assertSame(0, $engine->searchCatalog(['linked' => true, 'top_level_only' => false])['total']);

        // Once the GTIN is free again, the same import goes through: nothing holds its SKU.
        $holder->set_global_unique_id('');
        $holder->save();
        $again = Importer::make(false)->import($engine, [self::SHIRT]);
        $this->assertSame(1, $again['created'], wp_json_encode($again));
        $this->assertSame(4, $again['variations']);
    }

    public function test_images_are_sideloaded_once_shared_by_content_and_replaced_when_they_change(): void
    {
        $server = ImageServer::get();
        $red = $server->image('red.png', 0xFF0000);
        $sameRed = $server->image('red-copy.png', 0xFF0000);
        $this->configureForSandbox();
        $this->withImages([self::PLATE => [$red, $server->url('missing.png')], self::COFFEE => [$sameRed]]);
        $engine = $this->engine();
        $summary = Importer::make()->import($engine, [self::PLATE, self::COFFEE]);
        $this->assertSame(2, $summary['created']);
        $this->assertSame(1, $summary['images_failed'], 'the missing image is skipped, the product created');
        $plate = wc_get_product($this->linkedWcId($engine, self::PLATE));
        $coffee = wc_get_product($this->linkedWcId($engine, self::COFFEE));
        $this->assertGreaterThan(0, $plate->get_image_id());
        $this->assertSame($plate->get_image_id(), $coffee->get_image_id(), 'the same bytes under another address are one attachment');
        $this->assertSame(1, $this->attachments());

        // Nothing changed: the next products sync downloads nothing.
        $importer = Importer::make();
        $this->assertSame(0, $importer->updateImages($engine)['updated']);

        // The image changes in Shopcaisse: it replaces the old one, which goes.
        $blue = $server->image('blue.png', 0x0000FF);
        $this->withImages([self::PLATE => [$blue], self::COFFEE => [$sameRed]]);
        $engine->refreshCatalog();
        $this->assertSame(1, Importer::make()->updateImages($engine)['updated']);
        $plate = wc_get_product($plate->get_id());
        $this->assertNotSame($coffee->get_image_id(), $plate->get_image_id());
        $this->assertSame($blue, get_post_meta((int) $plate->get_image_id(), ImageImporter::SOURCE_META, true));
        $this->assertSame(2, $this->attachments(), 'red still shows on the coffee, blue on the plate: no copy');
        $this->assertSame(0, Importer::make()->updateImages($engine)['updated']);
    }

    public function test_after_the_first_import_a_products_sync_keeps_the_merchants_edits(): void
    {
        $server = ImageServer::get();
        $this->configureForSandbox(['auto_products' => true]);
        $this->withImages([self::PLATE => [$server->image('green.png', 0x00FF00)]]);
        $engine = $this->engine();
        Importer::make()->import($engine, [self::PLATE]);
        $plate = wc_get_product($this->linkedWcId($engine, self::PLATE));
        $plate->set_name('Assiette plate — édition boutique');
        $plate->set_regular_price('29.00');
        $plate->set_short_description('Mon texte');
        $plate->set_description('Ma longue description');
        $plate->save();

        $run = $this->plugin()->jobs->run('products', 20.0, true);
        $this->assertSame('completed', $run['status'], wp_json_encode($run));
        $plate = wc_get_product($plate->get_id());
        $this->assertSame('Assiette plate — édition boutique', $plate->get_name());
        $this->assertSame('29.00', $plate->get_regular_price());
        $this->assertSame('Mon texte', $plate->get_short_description());
        $this->assertSame('Ma longue description', $plate->get_description());
        $this->assertSame('ADM-PLT', $plate->get_sku());
    }

    public function test_the_products_url_imports_within_its_budget_and_resumes_where_it_stopped(): void
    {
        $this->configureForSandbox(['auto_products' => true]);
        add_filter('shopcaisse_sync_import_chunk', static fn () => 2);
        $calls = 0;
        do {
            // A budget spent at once: each call imports one chunk, then leaves a cursor.
            $run = $this->plugin()->jobs->run('products', 0.000001, true);
            $calls++;
        } while ($run['status'] === 'partial' && $calls < 40);
        $this->assertSame('completed', $run['status'], wp_json_encode($run));
        $this->assertGreaterThan(3, $calls);
        $engine = $this->plugin()->engines->engine();
        // The demo's 10 importable items (3 are left out: no reference, or a repeated one), the
        // T-shirt's 4 sizes too.
        $this->assertSame(14, $engine->searchCatalog(['linked' => true])['total']);
        $this->assertSame(10, (int) wp_count_posts('product')->publish);
        $again = $this->plugin()->jobs->run('products', 20.0, true);
        $this->assertSame(0, $again['summary']['created']);
        $this->assertSame(10, (int) wp_count_posts('product')->publish);
    }

    public function test_the_products_url_reads_a_large_catalog_in_steps_within_a_small_budget(): void
    {
        $this->demo ??= json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/fixtures/demo-catalog.json'), true);
        $this->configureForSandbox()->control('POST', 'generate', ['items' => 400, 'seed' => 5]);
        add_filter('shopcaisse_sync_engine_settings', static fn (array $settings): array => array_merge($settings, ['page_size' => 50]));
        add_filter('shopcaisse_sync_auto_import', '__return_false');
        $this->plugin()->engines->reset();
        $engine = $this->plugin()->engines->engine();
        $before = $engine->searchCatalog(['per_page' => 500]);
        $calls = 0;
        do {
            // A budget spent at once: each call reads one page of a listing, then ends partial.
            $run = $this->plugin()->jobs->run('products', 0.000001, true);
            $calls++;
            if ($run['status'] === 'partial') {
                $this->assertTrue($run['resume'], wp_json_encode($run));
                $this->assertGreaterThan(0, $run['summary']['refresh']['pages'], wp_json_encode($run));
                $this->assertSame($before, $engine->searchCatalog(['per_page' => 500]), 'the cache keeps the previous catalog until the last step');
            }
        } while ($run['status'] === 'partial' && $calls < 100);
        $this->assertSame('completed', $run['status'], wp_json_encode($run));
        $this->assertGreaterThan(8, $calls, 'pages of 50 of a 400-item catalog, its prices and its stock');
        $this->assertSame(400, $run['summary']['items']);
        $stepped = $engine->searchCatalog(['per_page' => 500]);
        $this->assertSame(400, $stepped['total']);
        // What the steps stored is what one refresh in one go stores.
        $this->assertSame(400, $engine->refreshCatalog()['items']);
        $this->assertSame($stepped, $engine->searchCatalog(['per_page' => 500]));
    }

    private function attachments(): int
    {
        return count(get_posts(['post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1, 'fields' => 'ids']));
    }
}
