<?php
/**
 * The three product tabs and their AJAX actions, as a shop manager: the catalog table (escaped,
 * searchable, with its "imported / linked?" column and suggestions), an import confirmed from
 * the core's dry run, a bulk import run by Action Scheduler and followed to its end, every exact
 * match linked after a preview, links undone and restored, the product search, held stock runs
 * applied or dismissed, and the drift report with its CSV.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\PosProductsTab;
use ShopcaisseSync\Plugin\Admin\ShopProductsTab;
use ShopcaisseSync\Plugin\Admin\VariationsTab;
use ShopcaisseSync\Plugin\Products\BulkImport;
use ShopcaisseSync\Plugin\Products\Importer;

final class ProductsAdminTest extends PluginTestCase
{
    private const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';
    private const SHIRT = '4d99cb70-cc1f-4f88-aeaa-868bbf7e53df';
    private const SHIRT_M = '9fc6990a-fbaa-4ee1-a243-bc3ad375ede8';
    private const MIEL = '37fd894b-fecd-42fc-a47e-bc713bb9e6fd';
    private const COFFEE = '210f22f4-cac1-4554-a5bd-c4293c303767';

    private \ShopcaisseSync\Engine $engine;

    public function set_up(): void
    {
        parent::set_up();
        $this->configureForSandbox();
        $this->engine = $this->plugin()->engines->engine();
        $this->engine->refreshCatalog();
        $this->loginAsShopManager();
        set_current_screen('settings_page_shopcaisse-sync');
    }

    public function tear_down(): void
    {
        $_GET = $_REQUEST = [];
        parent::tear_down();
    }

    private function call(string $action, array $post = []): array
    {
        $answer = $this->ajax('shopcaisse_sync_' . $action, $post + ['nonce' => $this->adminNonce()]);
        $this->assertIsArray($answer, "$action answered nothing");
        return $answer;
    }

    private function render(\ShopcaisseSync\Plugin\Admin\Tab $tab): string
    {
        ob_start();
        $tab->render();
        return (string) ob_get_clean();
    }

    private function simple(string $name, string $sku): int
    {
        $product = new \WC_Product_Simple();
        $product->set_name($name);
        $product->set_status('publish');
        $product->set_regular_price('5');
        $product->set_sku($sku);
        return $product->save();
    }

    public function test_the_catalog_tab_lists_searches_filters_and_escapes_shopcaisse_names(): void
    {
        $this->simple('Assiette plate du site', 'WEB-PLT');
        $html = $this->render(new PosProductsTab($this->plugin()->engines));
        $this->assertStringContainsString('Bol &lt;b&gt;Nuage&lt;/b&gt; &amp; co', $html);
        $this->assertStringNotContainsString('<b>Nuage</b>', $html);
        $this->assertStringContainsString('Imported / linked?', $html);
        $this->assertStringContainsString('scs-import', $html);
        $this->assertStringContainsString('Link to Assiette plate du site', $html, 'a suggestion by name');
        $this->assertStringContainsString('scs-product-search', $html);

        $_GET = $_REQUEST = ['s' => '3760000000001'];
        $html = $this->render(new PosProductsTab($this->plugin()->engines));
        $this->assertStringContainsString('ADM-PLT', $html);
        $this->assertStringNotContainsString('TEX-TSH', $html);

        $_GET = $_REQUEST = ['kind' => 'weighed'];
        $html = $this->render(new PosProductsTab($this->plugin()->engines));
        $this->assertStringContainsString('EPI-CAF', $html);
        $this->assertStringNotContainsString('ADM-PLT', $html);
    }

    public function test_a_row_is_imported_after_its_preview_then_unlinked_and_restored(): void
    {
        $preview = $this->call('preview_import', ['item_ids' => [self::PLATE]]);
        $this->assertTrue($preview['success']);
        $this->assertTrue($preview['data']['actionable']);
        $this->assertStringContainsString('Assiette plate', $preview['data']['lines'][0]);
        $this->assertStringContainsString('24.90', $preview['data']['lines'][0]);
        $this->assertSame(0, (int) wp_count_posts('product')->publish, 'a preview creates nothing');

        $import = $this->call('import', ['item_ids' => [self::PLATE]]);
        $this->assertTrue($import['success'], wp_json_encode($import));
        $this->assertSame(1, $import['data']['summary']['created']);
        $wcId = (int) $this->engine->catalogItem(self::PLATE)['row']['wc_id'];
        $this->assertSame('ADM-PLT', wc_get_product($wcId)->get_sku());

        $this->assertTrue($this->call('unlink', ['item_id' => self::PLATE])['success']);
        $this->assertFalse($this->engine->catalogItem(self::PLATE)['row']['linked']);
        $history = $this->engine->listLinks(5)['history'][0];
        $this->assertTrue($this->call('restore_link', ['history_id' => $history['id']])['success']);
        $this->assertSame($wcId, (int) $this->engine->catalogItem(self::PLATE)['row']['wc_id']);
    }

    public function test_a_bulk_import_runs_in_the_background_and_its_progress_reaches_the_end(): void
    {
        add_filter('shopcaisse_sync_import_chunk', static fn () => 2);
        $start = $this->call('import', ['item_ids' => [self::PLATE, self::SHIRT, self::MIEL, self::COFFEE]]);
        $this->assertTrue($start['success']);
        $batch = $start['data']['batch'];
        $this->assertSame(0, (int) wp_count_posts('product')->publish, 'nothing imported in the request');
        $this->assertTrue(as_has_scheduled_action(BulkImport::HOOK, ['batch' => $batch], BulkImport::GROUP));
        $this->assertSame('queued', $this->call('import_progress', ['batch' => $batch])['data']['state']);

        $runs = 0;
        while (as_has_scheduled_action(BulkImport::HOOK, ['batch' => $batch], BulkImport::GROUP) && $runs < 10) {
            as_unschedule_action(BulkImport::HOOK, ['batch' => $batch], BulkImport::GROUP);
            do_action(BulkImport::HOOK, $batch); // what Action Scheduler's runner does
            $runs++;
        }
        $this->assertSame(2, $runs, 'two chunks of two');
        $progress = $this->call('import_progress', ['batch' => $batch])['data'];
        $this->assertSame(['done', 4, 4, 4], [$progress['state'], $progress['done'], $progress['total'], $progress['created']]);
        $this->assertSame(4, (int) wp_count_posts('product')->publish);
    }

    public function test_every_exact_match_is_linked_after_its_preview_and_the_product_search_finds_products(): void
    {
        $plate = $this->simple('Assiette du site', 'ADM-PLT');
        $preview = $this->call('preview_matching');
        $this->assertTrue($preview['data']['actionable']);
        $this->assertSame('Link “Assiette plate (ADM-PLT)” to product #' . $plate . ' (by reference).', $preview['data']['lines'][0]);
        $this->assertFalse($this->engine->catalogItem(self::PLATE)['row']['linked'], 'a preview links nothing');
        $this->assertSame(1, $this->call('apply_matching')['data']['recorded']);
        $this->assertSame($plate, (int) $this->engine->catalogItem(self::PLATE)['row']['wc_id']);

        $found = $this->call('search_products', ['term' => 'Assiette'])['data']['results'];
        $this->assertSame($plate, $found[0]['id']);
        $this->assertStringContainsString('ADM-PLT', $found[0]['text']);
        $other = $this->simple('Bol du site', 'WEB-BOL');
        $this->assertTrue($this->call('link', ['item_id' => self::MIEL, 'wc_id' => $other])['success']);
        $this->assertSame($other, (int) $this->engine->catalogItem(self::MIEL)['row']['wc_id']);
        $clash = $this->call('link', ['item_id' => self::SHIRT_M, 'wc_id' => $other]);
        $this->assertFalse($clash['success'], 'a product linked already is refused');
    }

    public function test_a_held_stock_run_is_shown_and_can_be_dismissed_or_applied(): void
    {
        Importer::make(false)->import($this->engine, [self::PLATE, self::MIEL]);
        $this->holdAStockRun();
        $html = $this->render(new ShopProductsTab($this->plugin()->engines));
        $this->assertStringContainsString('The POS answered no stock at all while 2 products are linked.', $html);
        $held = $this->engine->heldStockRuns()['pending'][0]['id'];
        $this->assertTrue($this->call('dismiss_held_stock', ['id' => $held])['success']);
        $this->assertSame([], $this->engine->heldStockRuns()['pending']);

        $this->holdAStockRun();
        $held = $this->engine->heldStockRuns()['pending'][0]['id'];
        $applied = $this->call('apply_held_stock', ['id' => $held]);
        $this->assertTrue($applied['success'], wp_json_encode($applied));
        $this->assertSame([], $this->engine->heldStockRuns()['pending']);
    }

    public function test_the_drift_report_lists_a_product_whose_stock_differs_and_exports_it(): void
    {
        Importer::make(false)->import($this->engine, [self::PLATE, self::MIEL]);
        $plate = (int) $this->engine->catalogItem(self::PLATE)['row']['wc_id'];
        wc_update_product_stock($plate, 3, 'set'); // edited in WooCommerce: the POS has 10
        $html = $this->render(new ShopProductsTab($this->plugin()->engines));
        $this->assertStringContainsString('1 linked product shows a stock that differs from the POS.', $html);
        $this->assertStringContainsString('Export as CSV', $html);

        $_REQUEST['nonce'] = $this->adminNonce();
        ob_start();
        (new ShopProductsTab($this->plugin()->engines))->export(static function (): void {
        });
        $csv = (string) ob_get_clean();
        $lines = array_map('str_getcsv', explode("\n", trim(substr($csv, 3))));
        $this->assertSame(['item_id', 'name', 'reference', 'wc_id', 'pos_stock', 'in_flight', 'expected_shop_stock', 'shop_stock'], $lines[0]);
        $this->assertSame([self::PLATE, 'Assiette plate', 'ADM-PLT', (string) $plate, '12', '0', '10', '3'], $lines[1]);
        $this->assertCount(2, $lines);
    }

    public function test_the_woocommerce_tab_puts_unlinked_products_on_sale_first_and_counts_them(): void
    {
        Importer::make(false)->import($this->engine, [self::PLATE, self::SHIRT]);
        $loose = $this->simple('Produit <em>du site</em>', 'WEB-1');
        $html = $this->render(new ShopProductsTab($this->plugin()->engines));
        $this->assertStringContainsString('1 product on sale is not linked to Shopcaisse', $html);
        $this->assertStringContainsString('Produit &lt;em&gt;du site&lt;/em&gt;', $html);
        $first = strpos($html, 'Produit &lt;em&gt;du site&lt;/em&gt;');
        $this->assertLessThan(strpos($html, 'Assiette plate'), $first, 'the unlinked product on sale comes first');
        $this->assertStringContainsString('tab=pos-products', $html);

        $html = $this->render(new VariationsTab($this->plugin()->engines));
        $this->assertStringContainsString('T-shirt Mûrier — XL', $html);
        $this->assertSame(4, substr_count($html, 'scs-unlink'), 'the 4 sizes associated by the import');
        $this->assertTrue($this->call('unlink', ['item_id' => self::SHIRT_M])['success']);
        $html = $this->render(new VariationsTab($this->plugin()->engines));
        $this->assertSame(1, substr_count($html, 'scs-variation-choice'), 'the M can be associated by hand again');
        $this->assertGreaterThan(0, $loose);
    }
}
