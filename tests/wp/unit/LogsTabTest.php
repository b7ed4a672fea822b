<?php
/**
 * The Logs tab over the core's log: filters by level, operation, order, product and date,
 * pagination, a CSV export written row by row, and a purge.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\LogsTab;

require_once __DIR__ . '/../support/OrderFixtures.php';

/** @group order-storage */
final class LogsTabTest extends PluginTestCase
{
    use OrderFixtures;

    private function render(array $get): string
    {
        $_GET = $get;
        ob_start();
        try {
            $this->plugin()->logs->render();
        } finally {
            $_GET = [];
        }
        return (string) ob_get_clean();
    }

    /** Two orders: one pushed (info rows), one blocked by an unlinked product (a warning). */
    private function twoOrders(): array
    {
        $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $honey = $this->product('Miel de lavande', '8.90');
        $pushed = $this->paidOrder([[$plate, 1]]);
        $blocked = $this->paidOrder([[$honey, 1]]);
        $this->runPushAction();
        return [$pushed, $blocked];
    }

    /** Reports $count paid orders without any line: each is queued blocked and logs one warning. */
    private static function emptyOrders(\ShopcaisseSync\Engine $engine, int $firstId, int $count): void
    {
        for ($id = 1; $id <= $count; $id++) {
            $engine->orderChanged(['wc_order_id' => $firstId + $id, 'number' => (string) $id, 'status' => 'processing',
                'created_at_ms' => 1785578400000, 'currency' => 'EUR', 'lines' => [], 'total_ttc' => 0]);
        }
    }

    public function test_the_filters_narrow_the_rows_by_level_operation_order_and_date(): void
    {
        [$pushed, $blocked] = $this->twoOrders();
        $this->loginAsShopManager();

        $all = $this->render([]);
        $this->assertStringContainsString('order_push', $all);
        $this->assertStringContainsString('order_queue', $all);

        $warnings = $this->render(['level' => 'warning']);
        $this->assertStringContainsString('cannot be sent', $warnings);
        $this->assertStringNotContainsString('created in the POS', $warnings);

        $push = $this->render(['operation' => 'order_push']);
        $this->assertStringContainsString('created in the POS', $push);
        $this->assertStringNotContainsString('queued for the POS', $push);

        $one = $this->render(['order' => (string) $blocked->get_id()]);
        $this->assertStringContainsString('cannot be sent', $one);
        $this->assertStringNotContainsString('created in the POS', $one);
        $this->assertStringContainsString(esc_url($blocked->get_edit_order_url()), $one);

        $product = $this->render(['product' => $this->reference($pushed)]);
        $this->assertStringContainsString('created in the POS', $product);
        $this->assertStringNotContainsString('cannot be sent', $product);

        $this->assertStringContainsString('No log row matches.', $this->render(['to' => '2020-01-01']));
        $this->assertStringContainsString('created in the POS', $this->render(['from' => wp_date('Y-m-d'), 'to' => wp_date('Y-m-d')]));
    }

    public function test_the_rows_are_paginated(): void
    {
        $this->configureOrders();
        $engine = $this->plugin()->engines->engine();
        self::emptyOrders($engine, 900000, 120);
        $this->loginAsShopManager();
        $first = $this->render(['operation' => 'order_queue']);
        $this->assertSame(LogsTab::PER_PAGE, substr_count($first, '<tr class="scs-log-'));
        $this->assertStringContainsString('paged=3', $first);
        $third = $this->render(['operation' => 'order_queue', 'paged' => '3']);
        $this->assertSame(20, substr_count($third, '<tr class="scs-log-'));
    }

    public function test_the_export_writes_the_filtered_rows_as_csv_and_the_purge_empties_the_log(): void
    {
        [, $blocked] = $this->twoOrders();
        $this->loginAsShopManager();
        $out = fopen('php://memory', 'w+b');
        $count = $this->plugin()->logs->writeCsv(LogsTab::query(LogsTab::filters(['order' => (string) $blocked->get_id()])), $out);
        rewind($out);
        $csv = (string) stream_get_contents($out);
        $this->assertStringStartsWith("\xEF\xBB\xBFtime_utc;level;operation;object_type;object_id;message;run_id\n", $csv);
        $rows = array_map(static fn ($line) => str_getcsv($line, ';', '"', ''), array_slice(explode("\n", trim($csv)), 1));
        $this->assertCount($count, $rows);
        $this->assertGreaterThan(0, $count);
        foreach ($rows as $row) {
            $this->assertSame(['order', (string) $blocked->get_id()], [$row[3], $row[4]]);
        }

        $this->assertMatchesRegularExpression('/^purged-[1-9]\d*$/', $this->plugin()->logs->purgeNow());
        $this->assertStringContainsString('No log row matches.', $this->render([]));
        $html = $this->render(['scs_notice' => 'purged-7']);
        $this->assertStringContainsString('7', $html);
        $this->assertStringContainsString('notice-success', $html);
    }

    public function test_the_export_link_and_the_purge_form_carry_their_nonce_and_the_filters(): void
    {
        $this->configureOrders();
        $this->loginAsShopManager();
        $html = $this->render(['level' => 'error', 'operation' => 'order_push']);
        $this->assertMatchesRegularExpression('/id="scs-log-export" href="[^"]*action=shopcaisse_sync_export_logs[^"]*"/', $html);
        preg_match('/id="scs-log-export" href="([^"]*)"/', $html, $m);
        $url = html_entity_decode($m[1]);
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $this->assertSame('error', $query['level']);
        $this->assertSame('order_push', $query['operation']);
        $this->assertSame(1, wp_verify_nonce($query['_wpnonce'], LogsTab::NONCE_ACTION));
        $this->assertStringContainsString('name="action" value="shopcaisse_sync_purge_logs"', $html);
        $this->assertStringContainsString('name="_wpnonce"', $html);
    }

    public function test_hostile_filter_values_are_dropped_or_escaped(): void
    {
        $this->configureOrders();
        $this->loginAsShopManager();
        $filters = LogsTab::filters(['level' => 'loud', 'operation' => 'DROP', 'order' => '1 OR 1', 'from' => 'yesterday', 'product' => '<script>x</script>']);
        $this->assertSame(['level' => '', 'operation' => '', 'order' => '', 'product' => '', 'from' => '', 'to' => ''], $filters);
        $html = $this->render(['product' => '"><img src=x onerror=alert(1)>']);
        $this->assertStringNotContainsString('<img src=x', $html);
    }

    public function test_retention_follows_the_settings(): void
    {
        $this->configureOrders(['log_max_rows' => 100]);
        $engine = $this->plugin()->engines->engine();
        self::emptyOrders($engine, 800000, 300);
        // The core prunes beyond the setting every 256 rows written: never the 300 rows written.
        $total = $engine->queryLogs([])['total'];
        $this->assertLessThan(300, $total);
        $this->assertLessThanOrEqual(100 + 256, $total);
        $this->loginAsShopManager();
        $this->assertStringContainsString('the newest 100 rows, for 30 days', $this->render([]));
    }
}
