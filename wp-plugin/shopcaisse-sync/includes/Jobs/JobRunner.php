<?php
/**
 * Runs a job the way every entry point needs it (cron URL, fallback schedule, WP-CLI): one run
 * at a time per job through the core's lease, within a time budget, resuming from the cursor the
 * previous run left, and recorded for the health display. It answers a short summary.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\ErrorMessages;
use ShopcaisseSync\Plugin\Settings\Options;

final class JobRunner
{
    /** Extra lease time past the budget: a run slower than its budget still holds its job. */
    private const LEASE_MARGIN_SECONDS = 60;

    /** @var array<string,Job> */
    private array $jobs = [];

    /** @param Job[] $jobs */
    public function __construct(private readonly EngineFactory $engines, array $jobs)
    {
        foreach ($jobs as $job) {
            $this->jobs[$job->name()] = $job;
        }
    }

    /** @return string[] */
    public function names(): array
    {
        return array_keys($this->jobs);
    }

    public function has(string $name): bool
    {
        return isset($this->jobs[$name]);
    }

    /**
     * Runs the job named $name. $budget (seconds) defaults to the setting; $force runs it even
     * when its automation is off (WP-CLI, a button).
     *
     * @return array{job:string,status:string,run_id?:string,duration_ms?:int,summary?:array,resume?:bool,error?:array}
     */
    public function run(string $name, ?float $budget = null, bool $force = false): array
    {
        $job = $this->jobs[$name] ?? null;
        if ($job === null) {
            return ['job' => $name, 'status' => 'unknown'];
        }
        if (!$force && !$job->enabled()) {
            return ['job' => $name, 'status' => 'disabled'];
        }
        $budget ??= (float) Options::get('job_budget_seconds');
        $started = microtime(true);
        $engine = $this->engines->engine();
        $lease = (int) (($budget + self::LEASE_MARGIN_SECONDS) * 1000);
        $start = $engine->startJob($name, $lease);
        if (!$start['started']) {
            return ['job' => $name, 'status' => 'busy'];
        }
        $this->extendTimeLimit($budget);
        try {
            $result = $job->run($engine, $start['cursor'] ?? null, $started + $budget);
        } catch (\Throwable $e) {
            $result = new JobResult(JobResult::FAILED, ['error' => self::describe($e)], $start['cursor'] ?? null);
        }
        $engine->finishJob($name, $start['run_id'], $result->outcome, $result->summary, $result->cursor);
        return [
            'job' => $name,
            'status' => $result->outcome,
            'run_id' => $start['run_id'],
            'duration_ms' => (int) round((microtime(true) - $started) * 1000),
            'summary' => $result->summary,
            'resume' => $result->cursor !== null,
        ];
    }

    /** An error as the summary and the health display show it: its kind and plain words. */
    public static function describe(\Throwable $e): array
    {
        if (is_a($e, \ShopcaisseSync\Exception::class)) {
            $kind = ErrorMessages::kindOfCode((int) $e->getCode());
            return ['kind' => $kind, 'message' => ErrorMessages::forKind($kind)];
        }
        return ['kind' => 'internal', 'message' => ErrorMessages::forKind('internal')];
    }

    /** PHP's own limit must not stop a run before its budget does. */
    private function extendTimeLimit(float $budget): void
    {
        $max = (int) ini_get('max_execution_time');
        if ($max > 0 && function_exists('set_time_limit')) {
            @set_time_limit((int) ceil($budget) + self::LEASE_MARGIN_SECONDS);
        }
    }
}
