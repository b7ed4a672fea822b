<?php
/**
 * The dashboard, first tab of Settings > Shopcaisse Sync, on real WooCommerce and the sandbox:
 * the figures of a history made by real engine calls (an import, a stock run, an order sent and
 * one blocked, a held stock run), each "what needs a person" with its count and the link to the
 * tab and filter where it is fixed, the plain sentence when nothing does, escaping, and the
 * capability check.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\SettingsPage;
use ShopcaisseSync\Plugin\Admin\ShopProductsTab;
use ShopcaisseSync\Plugin\Admin\ShopProductsTable;
use ShopcaisseSync\Plugin\Dashboard\Attention;
use ShopcaisseSync\Plugin\Dashboard\DailyChart;
use ShopcaisseSync\Plugin\Dashboard\DashboardTab;
use ShopcaisseSync\Plugin\Orders\OrdersList;
use ShopcaisseSync\Plugin\Products\Importer;

require_once __DIR__ . '/../support/OrderFixtures.php';

final class DashboardTest extends PluginTestCase
{
    use OrderFixtures;

    private const SHIRT = '4d99cb70-cc1f-4f88-aeaa-868bbf7e53df';

    public function set_up(): void
    {
        parent::set_up();
        set_current_screen('settings_page_shopcaisse-sync');
    }

    public function tear_down(): void
    {
        $_GET = $_REQUEST = [];
        parent::tear_down();
    }

    /** The settings page the plugin registered, with its real tabs. */
    private function settingsPage(): SettingsPage
    {
        foreach ($GLOBALS['wp_filter']['admin_init']->callbacks as $callbacks) {
            foreach ($callbacks as $callback) {
                $function = $callback['function'];
                if (is_array($function) && is_a($function[0], SettingsPage::class)) {
                    return $function[0];
                }
            }
        }
        $this->fail('the settings page is not registered');
    }

    private function renderPage(): string
    {
        ob_start();
        try {
            $this->settingsPage()->render();
        } finally {
            $html = (string) ob_get_clean();
        }
        return $html;
    }

    /** @return array<string,array{count:int,href:string}> the attention list as shown */
    private static function attention(string $html): array
    {
        preg_match_all('#<li data-kind="([a-z_]+)" data-count="(\d+)">.*?<a href="([^"]+)">#s', $html, $matches, PREG_SET_ORDER);
        $out = [];
        foreach ($matches as [, $kind, $count, $href]) {
            $out[$kind] = ['count' => (int) $count, 'href' => html_entity_decode($href)];
        }
        return $out;
    }

    /** @return array<string,int> series => total over the chart */
    private static function chartTotals(string $html): array
    {
        preg_match_all('#data-series="([a-z_]+)" data-total="(\d+)"#', $html, $matches, PREG_SET_ORDER);
        return array_map('intval', array_column($matches, 2, 1));
    }

    /** @return array<string,string> query arguments of a URL */
    private static function query(string $url): array
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $args);
        return $args;
    }

    public function test_the_page_opens_on_the_dashboard_its_first_tab(): void
    {
        $this->loginAsShopManager();
        $html = $this->renderPage();
        preg_match_all('#data-tab="([a-z-]+)"#', $html, $tabs);
        $this->assertSame('dashboard', $tabs[1][0], 'the dashboard is the first tab');
        $this->assertMatchesRegularExpression('#nav-tab-active" data-tab="dashboard">Dashboard<#', $html);
        $this->assertStringContainsString('id="scs-dashboard"', $html);
        $this->assertStringNotContainsString('id="shopcaisse-sync-settings"', $html, 'not the Configurations form');

        $_GET['tab'] = 'configuration';
        $this->assertStringContainsString('id="shopcaisse-sync-settings"', $this->renderPage(), 'a tab asked for still opens');
    }

    public function test_a_fresh_shop_says_plainly_that_nothing_needs_a_person(): void
    {
        $this->configureForSandbox();
        $this->loginAsShopManager();
        $html = $this->renderPage();
        $this->assertStringContainsString('Nothing: no held stock run, no blocked order', $html);
        $this->assertSame([], self::attention($html));
        $this->assertSame(3, substr_count($html, 'Never called yet.'), 'the three cron URLs, never called');
        $this->assertSame(3, substr_count($html, 'Not learnt yet'));
        $this->assertSame(['stock_writes' => 0, 'products' => 0, 'orders_pushed' => 0, 'orders_blocked' => 0, 'failures' => 0], self::chartTotals($html));
        $this->assertSame(DashboardTab::DAYS, substr_count($html, '<tr><th scope="row">'), 'one row a day in the figures table');
    }

    public function test_the_figures_and_what_needs_a_person_follow_a_real_history(): void
    {
        $this->configureOrders();
        $engine = $this->plugin()->engines->engine();
        // An import: the plate and the shirt with its four sizes.
        $imported = Importer::make(false)->import($engine, [self::PLATE, self::SHIRT]);
        $this->assertNotEmpty($imported);
        $plate = wc_get_product((int) $engine->catalogItem(self::PLATE)['row']['wc_id']);
        // A product linked by hand, a stock run, an order sent.
        $cup = $this->product('Tasse à café', '9.90', self::CUP);
        wc_update_product_stock($plate->get_id(), 3, 'set');
        $days = $engine->dashboard(DashboardTab::DAYS, DashboardTab::utcOffsetMinutes())['days'];
        $before = end($days);
        $stock = $this->plugin()->jobs->run('stock', 20.0, true);
        $this->assertSame('completed', $stock['status'], wp_json_encode($stock));
        $this->assertGreaterThanOrEqual(1, (int) $stock['summary']['written'], 'the plate at least');
        $this->paidOrder([[$plate, 1]]);
        $this->runPushAction();
        // An order of a product on sale that is not linked: blocked. A size associated by hand undone.
        $loose = $this->product('Produit <em>du site</em>', '5.00');
        $this->paidOrder([[$loose, 1]]);
        $this->runPushAction();
        $engine->unlinkItem(self::TSHIRT_M);
        // The plate edited in WooCommerce far from the POS figure.
        wc_update_product_stock($plate->get_id(), 500, 'set');
        $this->holdAStockRun();

        $figures = $engine->dashboard(DashboardTab::DAYS, DashboardTab::utcOffsetMinutes());
        $this->assertCount(DashboardTab::DAYS, $figures['days']);
        $today = end($figures['days']);
        $this->assertSame(wp_date('Y-m-d'), $today['day'], 'the last day is today, in the site\'s time');
        $this->assertSame((int) $before['stock_writes'] + (int) $stock['summary']['written'], (int) $today['stock_writes'], 'the stock run\'s writes added to the import\'s');
        $this->assertSame(1, (int) $today['orders_pushed']);
        $this->assertGreaterThan(0, $cup->get_id());
        $this->assertSame(1, (int) $today['orders_blocked']);
        $this->assertSame(0, (int) $today['failures'], 'a held run is no failure');
        $this->assertGreaterThanOrEqual(6, (int) $today['imported'] + (int) $today['linked'], 'the plate, the shirt and its four sizes, the cup');

        $this->loginAsShopManager();
        $html = $this->renderPage();
        $totals = self::chartTotals($html);
        $this->assertSame((int) $figures['totals']['stock_writes'], $totals['stock_writes']);
        $this->assertSame((int) $figures['totals']['imported'] + (int) $figures['totals']['linked'], $totals['products']);
        $this->assertSame(1, $totals['orders_pushed']);
        $this->assertSame(1, $totals['orders_blocked']);
        $this->assertStringContainsString('Something needs your attention', $html);
        $this->assertStringContainsString('data-job="stock" data-light="ok"', $html);
        $this->assertStringContainsString('data-job="products" data-light="never"', $html);

        $attention = self::attention($html);
        $this->assertSame(['held_stock_runs', 'blocked_orders', 'unlinked_on_sale', 'unassociated_declinations', 'drift'], array_keys($attention));
        $this->assertSame(1, $attention['held_stock_runs']['count']);
        $this->assertSame(1, $attention['blocked_orders']['count']);
        $this->assertSame(2, $attention['unlinked_on_sale']['count'], 'the loose product and the M size\'s variation');
        $this->assertSame(1, $attention['unassociated_declinations']['count'], 'the M size');
        $this->assertSame(1, $attention['drift']['count'], 'the plate');
        $this->assertStringContainsString('1 order blocked: it cannot reach the POS', $html);

        // Each link leads to the tab and filter where it is fixed.
        $settings = ['page' => SettingsPage::SLUG];
        $this->assertSame($settings + ['tab' => 'shop-products'], self::query($attention['held_stock_runs']['href']));
        $this->assertStringEndsWith('#scs-held-runs', $attention['held_stock_runs']['href']);
        $this->assertSame(OrdersList::url('blocked'), $attention['blocked_orders']['href']);
        $this->assertSame('blocked', self::query($attention['blocked_orders']['href'])[OrdersList::FILTER]);
        $this->assertStringContainsString('page=wc-orders', $attention['blocked_orders']['href'], 'HPOS, the tier\'s storage');
        $this->assertSame($settings + ['tab' => 'shop-products', ShopProductsTable::FILTER => ShopProductsTable::UNLINKED], self::query($attention['unlinked_on_sale']['href']));
        $this->assertSame($settings + ['tab' => 'variations'], self::query($attention['unassociated_declinations']['href']));
        $this->assertStringEndsWith('#scs-stock-drift', $attention['drift']['href']);

        // Where they lead shows them: the anchors exist, the filter keeps only the loose product,
        // the orders filter keeps only the blocked order.
        $_GET = self::query($attention['unlinked_on_sale']['href']);
        ob_start();
        (new ShopProductsTab($this->plugin()->engines))->render();
        $tab = (string) ob_get_clean();
        $this->assertStringContainsString('id="scs-held-runs"', $tab);
        $this->assertStringContainsString('id="scs-stock-drift"', $tab);
        $this->assertStringContainsString('Produit &lt;em&gt;du site&lt;/em&gt;', $tab);
        $this->assertStringNotContainsString('>Tasse à café<', $tab, 'a linked product is filtered out');
        $this->assertStringContainsString('class="current" aria-current="page" id="scs-filter-unlinked"', $tab);
        $blocked = wc_get_orders(['meta_query' => [OrdersList::metaQuery('blocked')], 'return' => 'ids']);
        $this->assertCount(1, $blocked);
        $this->assertSame(Attention::unlinkedOnSale($engine), $attention['unlinked_on_sale']['count']);

        // The threshold: a gap below it is no longer counted.
        add_filter('shopcaisse_sync_drift_threshold', static fn () => 1000);
        $this->assertSame(0, Attention::drift($engine));
    }

    public function test_the_figures_are_escaped(): void
    {
        $html = DailyChart::render([['day' => '2026-03-03', 'stock_writes' => 2, 'imported' => 0, 'linked' => 1, 'orders_pushed' => 0, 'orders_blocked' => 0, 'failures' => 0]]);
        $this->assertStringContainsString('data-total="2"', $html);
        $this->assertStringContainsString('data-series="products" data-total="1"', $html);
        add_filter('gettext', static fn ($text, $original) => $original === 'Stock writes' ? '<script>alert(1)</script>' : $text, 10, 2);
        add_filter('gettext_with_context', static fn ($text, $original) => $original === 'j M' ? '\<\i\m\g\>' : $text, 10, 2);
        $html = DailyChart::render([['day' => '2026-03-03', 'stock_writes' => 2]]);
        $this->assertStringNotContainsString('<script>', $html);
        $this->assertStringNotContainsString('<img>', $html);
        $this->assertStringContainsString('&lt;script&gt;alert(1)&lt;/script&gt;', $html);
        $this->assertStringContainsString('&lt;img&gt;', $html);
        libxml_use_internal_errors(true);
        $this->assertNotFalse(simplexml_load_string(substr($html, 0, strpos($html, '</svg>') + 6)), 'the SVG is well-formed XML');
    }

    public function test_only_who_may_manage_the_shop_sees_it(): void
    {
        $this->loginAs('editor');
        $this->expectException(\WPDieException::class);
        $this->renderPage();
    }
}
