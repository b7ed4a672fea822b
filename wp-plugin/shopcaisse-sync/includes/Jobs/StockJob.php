<?php
/**
 * The stock job: the core plans what changed since the last write, WooCommerce writes it through
 * wc_update_product_stock (so lookup tables, transients and stock hooks stay right), and the core
 * records what was written. A plan the mass-drop guard holds writes nothing.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

use ShopcaisseSync\Plugin\Settings\Options;

final class StockJob implements Job
{
    public function __construct(private readonly int $chunk = 200)
    {
    }

    public function name(): string
    {
        return 'stock';
    }

    public function enabled(): bool
    {
        return (bool) Options::get('auto_stock');
    }

    public function run(\ShopcaisseSync\Engine $engine, ?string $cursor, float $deadline): JobResult
    {
        return $this->apply($engine, $engine->planStock(false), $deadline);
    }

    /**
     * Writes a plan (the job's, or a held run the merchant chose to apply) in chunks within the
     * deadline, reporting each chunk as written.
     */
    public function apply(\ShopcaisseSync\Engine $engine, array $plan, float $deadline): JobResult
    {
        if (!empty($plan['held'])) {
            return new JobResult(JobResult::HELD, [
                'held_run_id' => $plan['held_run_id'] ?? null,
                'reason' => $plan['held'],
            ]);
        }
        $chunk = max(1, (int) apply_filters('shopcaisse_sync_stock_chunk', $this->chunk));
        $writes = $plan['writes'] ?? [];
        $summary = ['planned' => count($writes), 'written' => 0, 'missing_products' => 0];
        foreach (array_chunk($writes, $chunk) as $index => $batch) {
            if ($index > 0 && microtime(true) >= $deadline) {
                // What is left is planned again on the next call: only reported writes count.
                return new JobResult(JobResult::PARTIAL, $summary, 'stock');
            }
            [$applied, $missing] = StockWriter::write($batch);
            $engine->reportStockApplied($applied);
            $summary['written'] += count($applied);
            $summary['missing_products'] += $missing;
        }
        return new JobResult(JobResult::COMPLETED, $summary);
    }
}
