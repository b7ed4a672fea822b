<?php
/**
 * `wp shopcaisse …` through a stand-in for WP-CLI's output that only records: the commands run
 * the same job services as the cron URLs, against the sandbox.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Cli\Commands;
use ShopcaisseSync\Plugin\Cli\Output;

final class RecordedOutput implements Output
{
    /** @var list<string> */
    public array $lines = [];

    public function line(string $text): void
    {
        $this->lines[] = $text;
    }

    public function success(string $text): void
    {
        $this->lines[] = 'Success: ' . $text;
    }

    public function error(string $text): never
    {
        $this->lines[] = 'Error: ' . $text;
        throw new \RuntimeException($text);
    }
}

/** @group order-storage */
final class CliTest extends PluginTestCase
{
    private RecordedOutput $out;
    private Commands $commands;

    public function set_up(): void
    {
        parent::set_up();
        $this->out = new RecordedOutput();
        $this->commands = new Commands($this->plugin()->jobs, $this->plugin()->engines, $this->out);
    }

    public function test_sync_runs_a_job_even_when_its_automation_is_off_and_status_reports_it(): void
    {
        $this->configureForSandbox(['auto_products' => false]);
        $this->commands->sync(['products']);
        $this->assertStringStartsWith('Success: products: completed', $this->out->lines[0]);
        $this->commands->status();
        $all = implode("\n", $this->out->lines);
        $this->assertStringContainsString('backend: ' . getenv('SCS_BACKEND'), $all);
        $this->assertStringContainsString('access key: saved', $all);
        $this->assertMatchesRegularExpression('/products: ok, last called \d{4}-\d\d-\d\d/', $all);
        $this->assertStringNotContainsString('sandbox-demo-token', $all, 'the key is never printed');
    }

    public function test_an_unknown_job_is_an_error_naming_the_jobs(): void
    {
        $this->expectExceptionMessage('use products, stock or orders');
        $this->commands->sync(['images']);
    }

    public function test_a_failing_job_ends_the_command_in_error_with_the_reason(): void
    {
        $this->configureForSandbox(['token' => 'wrong-key-000000']);
        try {
            $this->commands->sync(['products']);
            $this->fail('the command should fail');
        } catch (\RuntimeException) {
            $this->assertStringContainsString('invalid_token', end($this->out->lines));
        }
    }

    public function test_logs_lists_the_latest_rows(): void
    {
        $this->configureForSandbox();
        $this->commands->sync(['products']);
        $this->out->lines = [];
        $this->commands->logs([], ['limit' => '5']);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d info/', $this->out->lines[0]);
        $this->assertMatchesRegularExpression('/^\d+ of \d+ rows$/', end($this->out->lines));
    }
}
