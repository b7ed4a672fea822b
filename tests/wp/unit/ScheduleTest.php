<?php
/**
 * The fallback schedule: turning it on schedules the three jobs as recurring Action Scheduler
 * actions at the chosen interval, turning it off removes them, and a scheduled run goes through
 * the same lease as the cron URL, so the two never overlap.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Schedule\FallbackSchedule;
use ShopcaisseSync\Plugin\Settings\Options;

final class ScheduleTest extends PluginTestCase
{
    private function scheduled(string $job): ?\ActionScheduler_Action
    {
        $ids = as_get_scheduled_actions(['hook' => FallbackSchedule::HOOK, 'args' => ['job' => $job], 'group' => FallbackSchedule::GROUP, 'status' => \ActionScheduler_Store::STATUS_PENDING], 'ids');
        return $ids === [] ? null : \ActionScheduler::store()->fetch_action((int) $ids[0]);
    }

    public function test_turning_the_schedule_on_and_off_adds_and_removes_the_three_actions(): void
    {
        Options::save(array_merge(Options::all(), ['schedule_enabled' => true, 'schedule_minutes' => 30]));
        foreach (['products', 'stock', 'orders'] as $job) {
            $action = $this->scheduled($job);
            $this->assertNotNull($action, "$job is not scheduled");
            $this->assertSame(1800, (int) $action->get_schedule()->get_recurrence());
        }
        Options::save(array_merge(Options::all(), ['schedule_minutes' => 10]));
        $this->assertSame(600, (int) $this->scheduled('stock')->get_schedule()->get_recurrence());
        Options::save(array_merge(Options::all(), ['schedule_enabled' => false]));
        foreach (['products', 'stock', 'orders'] as $job) {
            $this->assertNull($this->scheduled($job), "$job is still scheduled");
        }
    }

    public function test_a_scheduled_run_and_a_cron_call_share_the_lease(): void
    {
        $this->configureForSandbox();
        $held = $this->plugin()->engines->engineWith([])->startJob('products', 60000);
        $this->assertTrue($held['started']);
        do_action(FallbackSchedule::HOOK, 'products');
        $jobs = array_column($this->plugin()->engines->engine()->jobHealth()['jobs'], null, 'job');
        $this->assertNull($jobs['products']['outcome'], 'the scheduled run must not have run beside the held one');
        $this->assertTrue($jobs['products']['running']);
    }

    public function test_a_scheduled_run_runs_the_job(): void
    {
        $this->configureForSandbox(['auto_products' => true]);
        do_action(FallbackSchedule::HOOK, 'products');
        $jobs = array_column($this->plugin()->engines->engine()->jobHealth()['jobs'], null, 'job');
        $this->assertSame('completed', $jobs['products']['outcome']);
    }
}
