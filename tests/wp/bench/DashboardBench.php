<?php
/**
 * `make bench-wp` (or scripts/wp/bench.sh --filter DashboardBench): the dashboard's render with a
 * year of history, against its target of 200 ms.
 *
 * The shop: a generated catalog of SCS_BENCH_DASHBOARD items (5,000 by default), one WooCommerce
 * product per simple item linked by reference (so the drift report and the counts walk every
 * link), 500 more products on sale and not linked, a stock run done. The history: a year of the
 * core's quarter-hour activity rows, one for every quarter hour (the worst case: something
 * happened in each), written straight into the state's `activity` table — a year of calls through
 * the engine would take a year. Printed, not asserted, as the other benchmarks: the median and
 * the slowest of 20 renders, and the engine call alone.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress\Bench;

use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Dashboard\DashboardTab;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;
use ShopcaisseSync\Tests\Sandbox;
use ShopcaisseSync\Tests\WordPress\PluginTestCase;

require_once __DIR__ . '/ShopFixture.php';

final class DashboardBench extends PluginTestCase
{
    private const BUCKET_MS = 15 * 60 * 1000;
    private const RENDERS = 20;

    public function tear_down(): void
    {
        Sandbox::get()->control('POST', 'fixture', json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/fixtures/demo-catalog.json'), true));
        parent::tear_down();
    }

    private static function say(string $line): void
    {
        fwrite(STDOUT, $line . "\n");
    }

    public function test_the_dashboard_renders_a_year_of_history_within_200_ms(): void
    {
        $items = (int) (getenv('SCS_BENCH_DASHBOARD') ?: 5000);
        $this->configureForSandbox(['auto_stock' => true, 'job_budget_seconds' => 120]);
        Sandbox::get()->control('POST', 'generate', ['items' => $items, 'seed' => 11]);
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $stock = [];
        for ($page = 1; ; $page++) {
            $rows = $engine->searchCatalog(['top_level_only' => true, 'page' => $page, 'per_page' => 500])['rows'];
            foreach ($rows as $row) {
                $reference = (string) ($row['reference'] ?? '');
                if ($reference !== '' && !$row['has_declinations'] && (is_array($row['kind']) ? (string) ($row['kind']['kind'] ?? '') : (string) $row['kind']) === 'simple') {
                    $stock[$reference] = 1;
                }
            }
            if (count($rows) < 500) {
                break;
            }
        }
        ShopFixture::simpleProducts($stock);
        $linked = count($engine->applyMatching(ShopSnapshot::products())['recorded']);
        $this->assertGreaterThan($items / 2, $linked, 'most simple items are linked by reference');
        ShopFixture::simpleProducts(array_fill_keys(array_map(static fn ($i) => 'LOOSE-' . $i, range(1, 500)), 3));
        $run = $this->plugin()->jobs->run('stock', 120.0, true);
        $this->assertContains($run['status'], ['completed', 'held'], wp_json_encode($run));

        // A year of quarter hours, each with something counted.
        $now = (int) floor(microtime(true) * 1000);
        $last = intdiv($now, self::BUCKET_MS);
        $first = $last - 365 * 96 + 1;
        $db = new \PDO('sqlite:' . StateDirectory::path() . '/shopcaisse-sync.sqlite');
        $db->setAttribute(\PDO::ATTR_ERRMODE, \PDO::ERRMODE_EXCEPTION);
        $db->exec('PRAGMA busy_timeout = 5000');
        $db->beginTransaction();
        $insert = $db->prepare('INSERT OR REPLACE INTO activity (bucket, stock_writes, imported, linked, orders_pushed, orders_blocked, failures) VALUES (?, ?, ?, ?, ?, ?, ?)');
        for ($bucket = $first; $bucket <= $last; $bucket++) {
            $writes = 1 + $bucket % 40;
            $insert->execute([$bucket, $writes, $bucket % 7 === 0 ? 1 : 0, $bucket % 11 === 0 ? 1 : 0, $bucket % 3, $bucket % 97 === 0 ? 1 : 0, $bucket % 193 === 0 ? 1 : 0]);
        }
        $db->commit();
        $rows = (int) $db->query('SELECT COUNT(*) FROM activity')->fetchColumn();
        $db = null;

        $offset = DashboardTab::utcOffsetMinutes();
        $figures = $engine->dashboard(DashboardTab::DAYS, $offset);
        $this->assertGreaterThan(29 * 96 * 1, (int) $figures['totals']['stock_writes'], 'the seeded year is read');

        $this->loginAs('administrator');
        $tab = new DashboardTab($this->plugin()->engines);
        $times = [];
        $engineTimes = [];
        for ($i = 0; $i <= self::RENDERS; $i++) {
            wp_cache_flush();
            $t = hrtime(true);
            $engine->dashboard(DashboardTab::DAYS, $offset);
            $engineMs = (hrtime(true) - $t) / 1e6;
            $t = hrtime(true);
            ob_start();
            $tab->render();
            $html = (string) ob_get_clean();
            $ms = (hrtime(true) - $t) / 1e6;
            if ($i > 0) { // the first warms the caches
                $times[] = $ms;
                $engineTimes[] = $engineMs;
            }
        }
        $this->assertStringContainsString('scs-chart', $html);
        sort($times);
        sort($engineTimes);
        $median = $times[intdiv(count($times), 2)];
        self::say(sprintf('dashboard: %d activity rows (a year of quarter hours), %d-item catalog, %d linked products, %d products on sale not linked', $rows, $items, $linked, 500));
        self::say(sprintf('dashboard render: median %.1f ms, slowest %.1f ms of %d (target < 200 ms: %s); the engine call alone: median %.1f ms',
            $median, end($times), self::RENDERS, $median < 200 ? 'met' : 'missed', $engineTimes[intdiv(count($engineTimes), 2)]));
    }
}
