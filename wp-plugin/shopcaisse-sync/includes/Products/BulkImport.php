<?php
/**
 * A bulk import of selected Shopcaisse items, run in the background by Action Scheduler: the
 * request that starts it only queues it, each action imports one chunk then queues the next, and
 * the page polls the progress. A batch lives in one option until it ends.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Products;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Logger;

final class BulkImport
{
    public const HOOK = 'shopcaisse_sync_bulk_import';
    public const GROUP = 'shopcaisse-sync';
    private const OPTION_PREFIX = 'shopcaisse_sync_bulk_';

    public function __construct(private readonly EngineFactory $engines, private readonly int $chunk = 25)
    {
    }

    public function register(): void
    {
        add_action(self::HOOK, [$this, 'handle']);
    }

    /**
     * Queues the import of these items; answers the batch id the page polls.
     *
     * @param list<string> $itemIds
     */
    public function start(array $itemIds): string
    {
        $batch = strtolower(wp_generate_password(12, false));
        update_option(self::OPTION_PREFIX . $batch, [
            'items' => array_values(array_unique($itemIds)),
            'done' => 0,
            'created' => 0,
            'variations' => 0,
            'linked' => 0,
            'skipped' => 0,
            'failed' => 0,
            'state' => 'queued',
            'started_at' => time(),
        ], false);
        as_enqueue_async_action(self::HOOK, ['batch' => $batch], self::GROUP);
        self::kick();
        return $batch;
    }

    /**
     * Starts Action Scheduler's async queue runner now. Its own start, at the end of an admin
     * request, happens at most once a minute, and the page load just before the click usually
     * spent that minute: without this, a bulk import would sit at 0 % for up to a minute. The
     * runner's own limits still hold (nothing due, a batch already running, or the
     * action_scheduler_allow_async_request_runner filter: no start).
     */
    public static function kick(): void
    {
        if (class_exists(\ActionScheduler_AsyncRequest_QueueRunner::class) && class_exists(\ActionScheduler::class)) {
            (new \ActionScheduler_AsyncRequest_QueueRunner(\ActionScheduler::store()))->maybe_dispatch();
        }
    }

    /** @return array{total:int,done:int,state:string,created:int,variations:int,linked:int,skipped:int,failed:int}|null */
    public static function progress(string $batch): ?array
    {
        $state = get_option(self::OPTION_PREFIX . sanitize_key($batch));
        if (!is_array($state)) {
            return null;
        }
        $progress = $state;
        unset($progress['items']);
        $progress['total'] = count($state['items']);
        return $progress;
    }

    /** One Action Scheduler action: the next chunk, then the next action, or the end. */
    public function handle(string $batch): void
    {
        $key = self::OPTION_PREFIX . sanitize_key($batch);
        $state = get_option($key);
        if (!is_array($state) || $state['state'] === 'done') {
            return;
        }
        $chunk = array_slice($state['items'], $state['done'], max(1, (int) apply_filters('shopcaisse_sync_import_chunk', $this->chunk)));
        $state['state'] = 'running';
        try {
            $done = Importer::make()->import($this->engines->engine(), $chunk);
            foreach (['created', 'variations', 'linked'] as $field) {
                $state[$field] += $done[$field];
            }
            $state['skipped'] += count($done['skipped']);
            $state['failed'] += count($done['failed']);
        } catch (\Throwable $e) {
            $state['failed'] += count($chunk);
            Logger::warning(sprintf('bulk import: a chunk of %d items failed: %s', count($chunk), $e->getMessage()));
        }
        $state['done'] += count($chunk);
        if ($state['done'] >= count($state['items'])) {
            $state['state'] = 'done';
        } else {
            as_enqueue_async_action(self::HOOK, ['batch' => $batch], self::GROUP);
        }
        update_option($key, $state, false);
    }
}
