<?php
/**
 * The products job: the Shopcaisse catalog, prices and stock into the core's cache, which the
 * product tabs, imports and links read.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

use ShopcaisseSync\Plugin\Settings\Options;

final class ProductsJob implements Job
{
    public function name(): string
    {
        return 'products';
    }

    public function enabled(): bool
    {
        return (bool) Options::get('auto_products');
    }

    public function run(\ShopcaisseSync\Engine $engine, ?string $cursor, float $deadline): JobResult
    {
        $refresh = $engine->refreshCatalog();
        $summary = [
            'items' => $refresh['items'] ?? 0,
            'stock_rows' => $refresh['stock_rows'] ?? 0,
            'problems' => count($refresh['problems'] ?? []),
        ];
        return new JobResult(JobResult::COMPLETED, $summary);
    }
}
