<?php
/**
 * The three cron URLs as REST routes: the token checked (401 without, 403 when wrong, with bodies
 * that reveal nothing), GET and POST, one run at a time per job, a time budget that stops a run
 * and a next call that resumes it, and each call recorded for the health display.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

/** @group order-storage */
final class CronRoutesTest extends PluginTestCase
{
    public function set_up(): void
    {
        parent::set_up();
        global $wp_rest_server;
        $wp_rest_server = null;
        rest_get_server();
    }

    private function call(string $method, string $job, ?string $token): \WP_REST_Response
    {
        $request = new \WP_REST_Request($method, '/shopcaisse-sync/v1/' . $job);
        if ($token !== null) {
            $request->set_query_params(['token' => $token]);
        }
        return rest_do_request($request);
    }

    public function test_the_three_routes_exist_for_get_and_post(): void
    {
        $routes = rest_get_server()->get_routes('shopcaisse-sync/v1');
        foreach (['products', 'stock', 'orders'] as $job) {
            $this->assertArrayHasKey('/shopcaisse-sync/v1/' . $job, $routes);
            $methods = $routes['/shopcaisse-sync/v1/' . $job][0]['methods'];
            $this->assertTrue($methods['GET'] && $methods['POST']);
        }
    }

    public function test_no_token_is_401_and_a_wrong_token_403_and_neither_runs_anything(): void
    {
        $this->configureForSandbox();
        $none = $this->call('GET', 'stock', null);
        $this->assertSame(401, $none->get_status());
        $wrong = $this->call('POST', 'stock', CronToken::get() . 'x');
        $this->assertSame(403, $wrong->get_status());
        $body = wp_json_encode($wrong->get_data());
        $this->assertStringNotContainsString(CronToken::get(), $body);
        $this->assertStringNotContainsString('stock', strtolower((string) $wrong->get_data()['message']));
        $health = $this->plugin()->engines->engine()->jobHealth()['jobs'];
        $this->assertNull($health[1]['last_called_at_ms'], 'a refused call must not run or record');
    }

    public function test_the_right_token_runs_the_job_by_get_and_by_post_and_records_the_call(): void
    {
        $this->configureForSandbox(['auto_products' => true]);
        $get = $this->call('GET', 'products', CronToken::get());
        $this->assertSame(200, $get->get_status(), wp_json_encode($get->get_data()));
        $this->assertSame('completed', $get->get_data()['status']);
        $this->assertGreaterThan(0, $get->get_data()['summary']['items']);
        $post = $this->call('POST', 'orders', CronToken::get());
        $this->assertSame(200, $post->get_status());
        $this->assertSame('completed', $post->get_data()['status']);
        $jobs = array_column($this->plugin()->engines->engine()->jobHealth()['jobs'], null, 'job');
        $this->assertSame('completed', $jobs['products']['outcome']);
        $this->assertNotNull($jobs['orders']['last_called_at_ms']);
        $this->assertNotNull($jobs['products']['last_duration_ms']);
    }

    public function test_the_token_is_also_accepted_in_a_header(): void
    {
        $this->configureForSandbox();
        $request = new \WP_REST_Request('POST', '/shopcaisse-sync/v1/orders');
        $request->set_header('X-Shopcaisse-Sync-Token', CronToken::get());
        $this->assertSame(200, rest_do_request($request)->get_status());
    }

    public function test_a_job_whose_automation_is_off_answers_disabled(): void
    {
        $this->configureForSandbox(['auto_stock' => false]);
        $this->assertSame('disabled', $this->call('GET', 'stock', CronToken::get())->get_data()['status']);
    }

    public function test_a_second_call_while_a_run_holds_the_job_answers_busy_at_once(): void
    {
        $this->configureForSandbox();
        // Another process holds the job: a run started on the same state, not finished.
        $other = $this->plugin()->engines->engineWith([]);
        $held = $other->startJob('orders', 60000);
        $this->assertTrue($held['started']);
        $started = microtime(true);
        $answer = $this->call('GET', 'orders', CronToken::get());
        $this->assertSame('busy', $answer->get_data()['status']);
        $this->assertLessThan(2.0, microtime(true) - $started);
        $other->finishJob('orders', $held['run_id'], 'completed', [], null);
        $this->assertSame('completed', $this->call('GET', 'orders', CronToken::get())->get_data()['status']);
    }

    public function test_a_run_stopped_by_its_budget_resumes_on_the_next_call(): void
    {
        $this->configureForSandbox();
        $engine = $this->plugin()->engines->engine();
        $engine->refreshCatalog();
        $linked = [];
        foreach ($engine->searchCatalog(['per_page' => 50])['rows'] as $row) {
            if (count($linked) === 3) {
                break;
            }
            $kind = is_array($row['kind']) ? ($row['kind']['kind'] ?? '') : $row['kind'];
            if ($kind !== 'simple' || $row['weighed'] || $row['stock'] === null) {
                continue;
            }
            $product = new \WC_Product_Simple();
            $product->set_name('Linked ' . count($linked));
            $product->set_manage_stock(true);
            $product->set_stock_quantity(999);
            $product->save();
            $engine->link($row['id'], $product->get_id());
            $linked[] = $product->get_id();
        }
        $this->assertCount(3, $linked, 'the demo shop has simple items with stock');
        // One write per chunk and no time left after the first chunk.
        add_filter('shopcaisse_sync_stock_chunk', static fn () => 1);
        $first = $this->plugin()->jobs->run('stock', 0.0);
        $this->assertSame('partial', $first['status'], wp_json_encode($first));
        $this->assertSame(1, $first['summary']['written']);
        $this->assertTrue($first['resume']);
        $second = $this->plugin()->jobs->run('stock', 60.0);
        $this->assertSame('completed', $second['status']);
        $this->assertSame(2, $second['summary']['written'], 'the second call writes only what the first left');
        foreach ($linked as $id) {
            $this->assertNotSame(999, wc_get_product($id)->get_stock_quantity());
        }
    }
}
