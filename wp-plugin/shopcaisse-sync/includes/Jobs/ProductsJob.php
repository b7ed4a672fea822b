<?php
/**
 * The products job: the Shopcaisse catalog, prices and stock into the core's cache, which the
 * product tabs, imports and links read; then, as the settings say, the matches linked, the items
 * not linked yet imported, and changed images applied. Within the time budget: a call that runs
 * out of time leaves a cursor and the next call resumes the import where it stopped.
 *
 * A pass has three phases, each started by a call when the one before left no time: the
 * refresh, the matching of the whole shop, then the import page by page. The refresh itself is
 * read in steps within the budget: until the core says it is complete, the call ends PARTIAL
 * with the refresh cursor, and the next call resumes the core's walk where it stopped (the core
 * keeps its position; what it read waits beside the cache until the last step). In the import, the
 * cursor counts the unlinked items already looked at and left (skipped or refused by the core's
 * plan): items imported leave the unlinked list, so the next page starts after the ones left
 * behind.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

use ShopcaisseSync\Plugin\Products\Importer;
use ShopcaisseSync\Plugin\Settings\Options;

final class ProductsJob implements Job
{
    /** Where a call starts: the refresh (no cursor), the matching, or the import at a position. */
    private const REFRESH = 'refresh';
    private const MATCH = 'match';
    private const CURSOR_PREFIX = 'import:';

    public function __construct(private readonly int $chunk = 50)
    {
    }

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
        $summary = ['items' => 0, 'stock_rows' => 0, 'problems' => 0, 'linked' => 0, 'created' => 0, 'variations' => 0, 'skipped' => 0, 'failed' => 0, 'images_updated' => 0, 'images_failed' => 0];
        $importer = Importer::make();
        $phase = $cursor ?? self::REFRESH;
        if ($phase === self::REFRESH) {
            $started = microtime(true);
            $budgetMs = max(1, (int) (($deadline - $started) * 1000));
            $refresh = $engine->refreshCatalog(false, $budgetMs);
            if (!($refresh['complete'] ?? true)) {
                $summary['refresh'] = $refresh['walk'] ?? null;
                return new JobResult(JobResult::PARTIAL, $summary, self::REFRESH);
            }
            $summary['items'] = $refresh['items'] ?? 0;
            $summary['stock_rows'] = $refresh['stock_rows'] ?? 0;
            $summary['problems'] = count($refresh['problems'] ?? []);
            if (!$this->automatic()) {
                return new JobResult(JobResult::COMPLETED, $summary);
            }
            // Matching the whole shop costs about what the refresh did: go on only when that
            // much time is left, else the next call starts with it.
            if (microtime(true) + (microtime(true) - $started) >= $deadline) {
                return new JobResult(JobResult::PARTIAL, $summary, self::MATCH);
            }
            $phase = self::MATCH;
        }
        if ($phase === self::MATCH) {
            $summary['linked'] = (int) ($engine->applyMatching($importer->snapshot(), true)['summary']['recorded'] ?? 0);
            if (microtime(true) >= $deadline) {
                return new JobResult(JobResult::PARTIAL, $summary, self::CURSOR_PREFIX . '0');
            }
            $phase = self::CURSOR_PREFIX . '0';
        }
        $left = str_starts_with($phase, self::CURSOR_PREFIX) ? (int) substr($phase, strlen(self::CURSOR_PREFIX)) : 0;
        $chunk = max(1, (int) apply_filters('shopcaisse_sync_import_chunk', $this->chunk));
        // One chunk at least per call, so a call always moves the import forward.
        for ($n = 0; ; $n++) {
            if ($n > 0 && microtime(true) >= $deadline) {
                return new JobResult(JobResult::PARTIAL, $summary, self::CURSOR_PREFIX . $left);
            }
            $page = $engine->searchCatalog(['linked' => false, 'top_level_only' => true, 'page' => intdiv($left, $chunk) + 1, 'per_page' => $chunk]);
            $ids = array_column(array_slice($page['rows'], $left % $chunk), 'id');
            if ($ids === []) {
                break;
            }
            $done = $importer->import($engine, $ids, $deadline);
            $summary['created'] += $done['created'];
            $summary['variations'] += $done['variations'];
            $summary['linked'] += $done['linked'];
            $summary['skipped'] += count($done['skipped']);
            $summary['failed'] += count($done['failed']);
            $summary['images_failed'] += $done['images_failed'];
            if ($done['deferred'] > 0) {
                // The budget ran out inside the chunk: the next call plans what is left of it
                // again (what was created has left the unlinked list; the rest is still there).
                return new JobResult(JobResult::PARTIAL, $summary, self::CURSOR_PREFIX . $left);
            }
            $left += count($ids) - $done['created'] - $done['linked'];
        }
        $images = $importer->updateImages($engine, $deadline);
        $summary['images_updated'] = $images['updated'];
        $summary['images_failed'] += $images['images_failed'];
        return new JobResult(JobResult::COMPLETED, $summary);
    }

    /** Whether this run imports and links, beyond the refresh (a filter can turn it off). */
    private function automatic(): bool
    {
        return (bool) apply_filters('shopcaisse_sync_auto_import', (bool) Options::get('auto_products'));
    }
}
