<?php
/**
 * The fallback schedule, for hosts the Shopcaisse back office cannot reach: when the merchant
 * turns it on, Action Scheduler (shipped with WooCommerce) runs the three jobs as recurring
 * actions. They go through the same runner, so the same leases: a cron call and a scheduled run
 * never overlap.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Schedule;

use ShopcaisseSync\Plugin\Jobs\JobRunner;
use ShopcaisseSync\Plugin\Settings\Options;

final class FallbackSchedule
{
    public const HOOK = 'shopcaisse_sync_scheduled_job';
    public const GROUP = 'shopcaisse-sync';

    public function __construct(private readonly JobRunner $runner)
    {
    }

    public function register(): void
    {
        add_action(self::HOOK, [$this, 'run']);
        add_action('update_option_' . Options::OPTION, [$this, 'sync']);
        add_action('add_option_' . Options::OPTION, [$this, 'sync']);
    }

    /** The action: runs one job (its automation switch still applies). */
    public function run(string $job): void
    {
        if ($this->runner->has($job)) {
            $this->runner->run($job);
        }
    }

    /** Brings the recurring actions in line with the settings. */
    public function sync(): void
    {
        if (!function_exists('as_schedule_recurring_action')) {
            return;
        }
        if (!did_action('action_scheduler_init')) {
            // Saved before Action Scheduler is ready (early in a request): sync once it is.
            add_action('action_scheduler_init', [$this, 'sync']);
            return;
        }
        $enabled = (bool) Options::get('schedule_enabled');
        $interval = 60 * max(5, (int) Options::get('schedule_minutes'));
        foreach ($this->runner->names() as $job) {
            $args = ['job' => $job];
            $next = as_next_scheduled_action(self::HOOK, $args, self::GROUP);
            $current = $next !== false ? $this->currentInterval($job) : null;
            if (!$enabled) {
                if ($next !== false) {
                    as_unschedule_all_actions(self::HOOK, $args, self::GROUP);
                }
                continue;
            }
            if ($next !== false && $current === $interval) {
                continue;
            }
            as_unschedule_all_actions(self::HOOK, $args, self::GROUP);
            as_schedule_recurring_action(time() + 60, $interval, self::HOOK, $args, self::GROUP, true);
        }
    }

    /** The interval of the job's pending recurring action, in seconds. */
    private function currentInterval(string $job): ?int
    {
        $ids = as_get_scheduled_actions(['hook' => self::HOOK, 'args' => ['job' => $job], 'group' => self::GROUP,
            'status' => \ActionScheduler_Store::STATUS_PENDING, 'per_page' => 1], 'ids');
        if ($ids === []) {
            return null;
        }
        $schedule = \ActionScheduler::store()->fetch_action((int) $ids[0])->get_schedule();
        return is_a($schedule, \ActionScheduler_IntervalSchedule::class) ? (int) $schedule->get_recurrence() : null;
    }

    /** Removes every scheduled action of the plugin (uninstall). */
    public static function unscheduleAll(): void
    {
        if (function_exists('as_unschedule_all_actions') && did_action('action_scheduler_init')) {
            as_unschedule_all_actions('', [], self::GROUP);
        }
    }
}
