<?php
/**
 * `make bench-wp`: the plugin against WooCommerce's own write speed, each measured side by side
 * in one run against a floor on the same WooCommerce, printed as `ratio N.NN×` lines.
 *
 * - Stock cycle: 20k linked products, 1 % changed at the till; the whole stock call (HTTP to the
 *   sandbox, the core's plan, the writes, the report) against the same 200
 *   wc_update_product_stock calls done directly.
 * - First import: 2,000 simple products without images, against plain CRUD saves of the same,
 *   the two alternating by chunk of 50.
 * - Products URL on a 100k-item catalog with a shop holding a product for each reference:
 *   PHP's peak memory and the duration of each call against its budget. Printed with their
 *   targets, not asserted: the refresh and the matching are single core calls whose time and
 *   answer size grow with the catalog (docs/benchmarks.md).
 *
 * Sizes can be lowered for a quick look: SCS_BENCH_STOCK, SCS_BENCH_IMPORT, SCS_BENCH_CATALOG.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress\Bench;

use ShopcaisseSync\Plugin\Products\Importer;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;
use ShopcaisseSync\Tests\Sandbox;
use ShopcaisseSync\Tests\WordPress\PluginTestCase;

require_once __DIR__ . '/ShopFixture.php';

final class WooCommerceBench extends PluginTestCase
{
    private static function size(string $name, int $default): int
    {
        $value = (int) getenv($name);
        return $value > 0 ? $value : $default;
    }

    private static function say(string $line): void
    {
        fwrite(STDOUT, $line . "\n");
    }

    public function set_up(): void
    {
        parent::set_up();
        $this->engineOverrides['request_timeout_ms'] = 60000;
        // The benchmarks measure writes, not WooCommerce's deferred product syncs.
        remove_all_actions('woocommerce_product_set_stock');
        remove_all_actions('woocommerce_variation_set_stock');
    }

    public function tear_down(): void
    {
        Sandbox::get()->control('POST', 'fixture', json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/fixtures/demo-catalog.json'), true));
        parent::tear_down();
    }

    /** @return list<array> every top-level row of the catalog cache */
    private static function rows(\ShopcaisseSync\Engine $engine, array $query = []): array
    {
        $rows = [];
        for ($page = 1; ; $page++) {
            $batch = $engine->searchCatalog($query + ['top_level_only' => true, 'page' => $page, 'per_page' => 500])['rows'];
            array_push($rows, ...$batch);
            if (count($batch) < 500) {
                return $rows;
            }
        }
    }

    private static function kind(array $row): string
    {
        return is_array($row['kind']) ? (string) ($row['kind']['kind'] ?? '') : (string) $row['kind'];
    }

    public function test_stock_cycle_against_direct_wc_update_product_stock(): void
    {
        $linkedWanted = self::size('SCS_BENCH_STOCK', 20000);
        $this->configureForSandbox(['auto_stock' => true, 'job_budget_seconds' => 120]);
        // About 63 % of a generated catalog are simple items with a reference of their own.
        Sandbox::get()->control('POST', 'generate', ['items' => (int) ceil($linkedWanted / 0.62), 'seed' => 7]);
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $stock = [];
        $itemByReference = [];
        foreach (self::rows($engine) as $row) {
            $reference = (string) ($row['reference'] ?? '');
            if ($reference === '' || $row['has_declinations'] || self::kind($row) !== 'simple' || isset($itemByReference[$reference]) || count($stock) >= $linkedWanted) {
                continue;
            }
            $available = $row['stock'] === null ? 0.0 : (float) $row['stock']['stock'] - (float) $row['stock']['reserved_for_customers'];
            $stock[$reference] = max(0, (int) floor($available));
            $itemByReference[$reference] = (string) $row['id'];
        }
        $ids = ShopFixture::simpleProducts($stock);
        // Items sharing a reference are a conflict and stay unlinked: only linked ones count.
        $linkedIds = array_flip(array_column($engine->applyMatching(ShopSnapshot::products())['recorded'], 'wc_id'));
        $linked = count($linkedIds);
        // The shop already shows the POS stock: record it as applied, as after a first cycle.
        $prime = $engine->planStock(false);
        StockWriterPrime::apply($prime['writes']);
        $engine->reportStockApplied(array_map(static fn ($w) => ['wc_id' => $w['wc_id'], 'quantity' => $w['quantity']], $prime['writes']));
        $this->assertSame([], $engine->planStock(false)['writes']);

        $changed = max(1, intdiv($linked, 100));
        // Items with 2 or more in stock: a sale of 1 changes their stock, not their stock status.
        $references = array_keys(array_filter($stock, static fn (int $q, string $r) => $q >= 2 && isset($linkedIds[$ids[$r]]), ARRAY_FILTER_USE_BOTH));
        $cycles = [];
        $floors = [];
        for ($round = 0; $round < 3; $round++) {
            $picked = array_slice($references, $round * $changed, $changed);
            // The fixture's products have never been saved by WooCommerce, and a first save
            // writes every missing meta: save each once, untimed, so both sides measure the
            // steady state of a shop.
            foreach ($picked as $reference) {
                wc_get_product($ids[$reference])->save();
            }
            // Floor: the same wc_update_product_stock calls, with the values the cycle will write,
            // done directly; then the shop is put back as it was.
            wp_cache_flush();
            $t = microtime(true);
            foreach ($picked as $reference) {
                wc_update_product_stock($ids[$reference], $stock[$reference] - 1, 'set');
            }
            $floors[] = microtime(true) - $t;
            ShopFixture::setStock(array_combine(array_map(static fn ($r) => $ids[$r], $picked), array_map(static fn ($r) => $stock[$r], $picked)));

            foreach ($picked as $reference) {
                Sandbox::get()->control('POST', 'sales', ['lines' => [['item' => $itemByReference[$reference], 'quantity' => 1]]]);
            }
            wp_cache_flush();
            $t = microtime(true);
            $run = $this->plugin()->jobs->run('stock', 120.0, true);
            $cycles[] = microtime(true) - $t;
            $this->assertSame('completed', $run['status'], wp_json_encode($run));
            $this->assertSame($changed, $run['summary']['written'], 'exactly the changed products');
        }
        sort($cycles);
        sort($floors);
        self::say(sprintf('stock cycle: %d linked products, %d changed; whole cycle %.0f ms (HTTP, plan, writes, report) vs %d direct wc_update_product_stock %.0f ms (medians of 3)', $linked, $changed, $cycles[1] * 1000, $changed, $floors[1] * 1000));
        self::say(sprintf('ratio %.2f×', $cycles[1] / $floors[1]));
    }

    public function test_first_import_against_plain_crud(): void
    {
        $count = self::size('SCS_BENCH_IMPORT', 2000);
        $this->configureForSandbox();
        Sandbox::get()->control('POST', 'generate', ['items' => (int) ceil($count / 0.45), 'seed' => 11]);
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $ids = [];
        $seen = [];
        foreach (self::rows($engine, ['kind' => 'simple']) as $row) {
            $reference = (string) ($row['reference'] ?? '');
            $barcode = $row['barcodes'][0] ?? '';
            if ($reference === '' || isset($seen[$reference]) || isset($seen['b' . $barcode]) || $row['price'] === null || count($ids) >= 1.2 * $count) {
                continue;
            }
            $seen[$reference] = $seen['b' . $barcode] = true;
            $ids[] = (string) $row['id'];
        }
        // What the core plans to create (a few generated items share a barcode, and are left out).
        $specs = array_slice($engine->planImport([], $ids)['create'], 0, $count);
        $ids = array_column($specs, 'item');
        $this->assertCount($count, $specs);

        // Floor: the same products saved with plain WooCommerce CRUD (their SKU and GTIN
        // changed so the import's are still free). The two sides alternate by chunk of 50 (the
        // products job's chunk), so both write into tables of the same size.
        $importer = Importer::make(false);
        $created = 0;
        $floor = 0.0;
        $ours = 0.0;
        foreach (array_chunk($specs, 50) as $chunk) {
            wp_cache_flush();
            $t = microtime(true);
            foreach ($chunk as $spec) {
                $product = new \WC_Product_Simple();
                $product->set_name($spec['name']);
                $product->set_status('publish');
                $product->set_sku('F-' . $spec['sku']);
                if (!empty($spec['barcode'])) {
                    $product->set_global_unique_id('9' . $spec['barcode']);
                }
                $product->set_regular_price(sprintf('%.2F', $spec['regular_price'] / 100));
                $product->set_short_description($spec['short_description']);
                $product->set_description($spec['description']);
                $product->set_manage_stock(true);
                $product->set_stock_quantity((int) floor((float) ($spec['stock'] ?? 0)));
                $product->save();
            }
            $floor += microtime(true) - $t;

            wp_cache_flush();
            $t = microtime(true);
            $created += $importer->import($engine, array_column($chunk, 'item'))['created'];
            $ours += microtime(true) - $t;
        }
        $this->assertSame($count, $created);
        self::say(sprintf('first import: %d simple products, images excluded; import %.1f s (%.0f products/s, plan, links and report included) vs plain CRUD %.1f s (%.0f products/s)', $count, $ours, $count / $ours, $floor, $count / $floor));
        self::say(sprintf('ratio %.2f×', $ours / $floor));
    }

    public function test_products_url_on_a_100k_catalog_stays_small_and_within_its_budget(): void
    {
        $items = self::size('SCS_BENCH_CATALOG', 100000);
        $budget = 20;
        $this->configureForSandbox(['auto_products' => true, 'job_budget_seconds' => $budget]);
        Sandbox::get()->control('POST', 'generate', ['items' => $items, 'seed' => 3]);
        // A shop as large as the catalog: one product per reference, for the matching.
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $stock = [];
        foreach (self::rows($engine) as $row) {
            $reference = (string) ($row['reference'] ?? '');
            if ($reference !== '' && !$row['has_declinations'] && self::kind($row) !== 'pack') {
                $stock[$reference] = 1;
            }
        }
        $shop = count(ShopFixture::simpleProducts($stock));
        unset($stock);
        $this->plugin()->engines->reset();
        // The generated catalog's image addresses are on a domain that never resolves: answer
        // them 404 at once, so the calls measure the plugin rather than DNS timeouts.
        add_filter('pre_http_request', static fn ($pre, $args, $url) => str_contains((string) $url, '.invalid/')
            ? ['headers' => [], 'body' => '', 'response' => ['code' => 404, 'message' => 'Not Found'], 'cookies' => [], 'filename' => null]
            : $pre, 10, 3);
        $peaks = [];
        $over = 0;
        for ($call = 1; $call <= 4; $call++) {
            wp_cache_flush();
            gc_collect_cycles();
            $base = memory_get_usage();
            memory_reset_peak_usage();
            $t = microtime(true);
            $run = $this->plugin()->jobs->run('products');
            $seconds = microtime(true) - $t;
            $peaks[] = $peak = (memory_get_peak_usage() - $base) / 1048576;
            $over += $seconds > $budget + 1 ? 1 : 0;
            self::say(sprintf('products URL call %d: %s in %.1f s (budget %d s), PHP peak memory %.1f MB; %s', $call, $run['status'], $seconds, $budget, $peak, wp_json_encode($run['summary'])));
            $this->assertContains($run['status'], ['completed', 'partial'], wp_json_encode($run));
        }
        self::say(sprintf('products URL: highest PHP peak %.1f MB (target < 64 MB: %s); calls over their budget: %d of 4 (target 0)', max($peaks), max($peaks) < 64 ? 'met' : 'missed', $over));
        self::say(sprintf('products URL: %d-item catalog, %d-product shop', $items, $shop));
    }
}

/** Records planned stock in WooCommerce's tables without timing it (the shop already has it). */
final class StockWriterPrime
{
    public static function apply(array $writes): void
    {
        $byId = [];
        foreach ($writes as $write) {
            $byId[(int) $write['wc_id']] = !empty($write['weighed']) ? (int) $write['sellable_units'] : (int) $write['quantity'];
        }
        $current = [];
        global $wpdb;
        foreach (array_chunk(array_keys($byId), 1000) as $chunk) {
            foreach ($wpdb->get_results("SELECT product_id, stock_quantity FROM {$wpdb->prefix}wc_product_meta_lookup WHERE product_id IN (" . implode(',', $chunk) . ')', ARRAY_N) as [$id, $q]) {
                $current[(int) $id] = (int) $q;
            }
        }
        ShopFixture::setStock(array_filter($byId, static fn ($q, $id) => ($current[$id] ?? null) !== $q, ARRAY_FILTER_USE_BOTH));
    }
}
