<?php
/**
 * One of the three cron jobs (products, stock, orders): a bounded amount of work from a resume
 * cursor. The runner around it takes the lease, keeps the time budget and records the outcome.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

interface Job
{
    /** products, stock or orders: the name of its lease, its cron URL and its schedule. */
    public function name(): string;

    /** Whether the merchant turned this job's automation on. */
    public function enabled(): bool;

    /**
     * Does work until it is done or $deadline (microtime) passes, starting from $cursor.
     * Throws the engine's exceptions; the runner records them.
     */
    public function run(\ShopcaisseSync\Engine $engine, ?string $cursor, float $deadline): JobResult;
}
