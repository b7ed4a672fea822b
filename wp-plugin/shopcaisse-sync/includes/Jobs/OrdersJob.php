<?php
/** The orders job: delivers the queued web orders that are due, in batches, exactly once. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

use ShopcaisseSync\Plugin\Settings\Options;

final class OrdersJob implements Job
{
    /** @param \Closure(array): void|null $onAnswer records each answer's deliveries in their orders */
    public function __construct(private readonly int $batch = 20, private readonly ?\Closure $onAnswer = null)
    {
    }

    public function name(): string
    {
        return 'orders';
    }

    public function enabled(): bool
    {
        return (bool) Options::get('auto_orders');
    }

    public function run(\ShopcaisseSync\Engine $engine, ?string $cursor, float $deadline): JobResult
    {
        $summary = ['pushed' => 0, 'failed' => 0, 'blocked' => 0];
        $batch = (int) apply_filters('shopcaisse_sync_orders_batch', $this->batch);
        do {
            $answer = $engine->pushOrders($batch);
            if ($this->onAnswer !== null) {
                ($this->onAnswer)($answer);
            }
            foreach (array_keys($summary) as $count) {
                $summary[$count] += (int) ($answer[$count] ?? 0);
            }
            $more = (int) ($answer['claimed'] ?? 0) >= $batch;
        } while ($more && microtime(true) < $deadline);
        return JobResult::finished($summary, !$more, 'more');
    }
}
