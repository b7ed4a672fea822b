<?php
/**
 * `ShopcaisseSync\Engine` over the portable FFI library: the same methods as the extension's
 * class, each one line over call(), which speaks JSON to the library's one dispatch function.
 */

declare(strict_types=1);

namespace ShopcaisseSync;

use ShopcaisseSync\Shim\Native;

final class Engine
{
    /** The engine's limits and messages (`src/engine/input.rs`), for what must be refused here. */
    private const MAX_DEPTH = 64;
    private const DEEP = 'the value is nested too deeply';
    private const NOT_UTF8 = 'a string is not valid UTF-8';

    private \FFI\CData $handle;

    /**
     * @param array<string,mixed> $settings  The settings (WordPress options), as for the extension.
     * @param string              $state_dir  Directory of the state file.
     */
    public function __construct(array $settings, string $state_dir)
    {
        // A C string ends at the first NUL: the path would be cut and another directory used.
        // The engine refuses such a path; it must see it whole to do so.
        if (str_contains($state_dir, "\0")) {
            throw new InvalidInputException('the state directory contains a NUL byte', 40);
        }
        if (preg_match('//u', $state_dir) !== 1) {
            throw new InvalidInputException(self::NOT_UTF8, 40);
        }
        $ffi = Native::ffi();
        $handle = $ffi->new('ScsEngine*');
        $error = $ffi->new('char*');
        $code = $ffi->scs_engine_new(self::encode($settings), $state_dir, \FFI::addr($handle), \FFI::addr($error));
        if ($code !== 0) {
            self::throwFrom(self::take($error));
        }
        $this->handle = $handle;
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Native::ffi()->scs_engine_free($this->handle);
        }
    }

    /** The library version. */
    public function version(): string
    {
        return $this->call('version', []);
    }

    /** @return array<string,mixed> Which backend is loaded, its ABI version and build. */
    public function diagnostics(): array
    {
        return $this->call('diagnostics', []);
    }

    /** @return array<string,mixed> What the key reaches, or the kind of failure (see the stubs). */
    public function testConnection(): array
    {
        return $this->call('testConnection', []);
    }

    /** Reads the catalog, prices and stock from the API into the cache; a summary (force: replace the cache with an answer the guard held back; budget_ms: read in steps, resuming on the next call). */
    public function refreshCatalog(bool $force = false, ?int $budget_ms = null): array
    {
        return $this->call('refreshCatalog', ['force' => $force, 'budget_ms' => $budget_ms]);
    }

    /** One page of the cached catalog: query text, linked, kind, parent, top_level_only, page, per_page. */
    public function searchCatalog(array $query): array
    {
        return $this->call('searchCatalog', ['query' => $query]);
    }

    /** One cached item, whole, with its row. */
    public function catalogItem(string $item_id): array
    {
        return $this->call('catalogItem', ['item_id' => $item_id]);
    }

    /** Links an item or declination to a WooCommerce product or variation by hand. */
    public function link(string $item_id, int $wc_id): array
    {
        return $this->call('link', ['item_id' => $item_id, 'wc_id' => $wc_id]);
    }

    /** Undoes the link of an item (kept in the history). */
    public function unlinkItem(string $item_id): array
    {
        return $this->call('unlink', ['item_id' => $item_id]);
    }

    /** Undoes the link of a WooCommerce product (kept in the history). */
    public function unlinkProduct(int $wc_id): array
    {
        return $this->call('unlink', ['wc_id' => $wc_id]);
    }

    /** Restores an undone link from its history row. */
    public function restoreLink(int $history_id): array
    {
        return $this->call('restoreLink', ['history_id' => $history_id]);
    }

    /** Every current link and the newest history rows. */
    public function listLinks(int $history): array
    {
        return $this->call('listLinks', ['history' => $history]);
    }

    /** Matches the cached catalog to the shop's products (a list of products as PHP reads them); records nothing. */
    public function planMatching(array $products): array
    {
        return $this->call('planMatching', ['products' => $products]);
    }

    /**
     * Matches, then records every proposed link: the plan, what was recorded and what was refused
     * ($summary_only: the counts alone).
     */
    public function applyMatching(array $products, bool $summary_only = false): array
    {
        return $this->call('applyMatching', ['products' => $products, 'summary_only' => $summary_only]);
    }

    /** Products to propose for one item in the matching column, best first, at most limit. */
    public function suggestProducts(array $item_ids, array $products, int $limit): array
    {
        return $this->call('suggestProducts', ['item_ids' => $item_ids, 'products' => $products, 'limit' => max(0, $limit)]);
    }

    /** The bulk import's dry run for these items (null or []: every top-level item). */
    public function previewImport(array $products, ?array $item_ids = null): array
    {
        return $this->call('previewImport', ['products' => $products, 'item_ids' => $item_ids]);
    }

    /** The products to create for these items (null or []: every top-level item), and what is skipped. */
    public function planImport(array $products, ?array $item_ids = null): array
    {
        return $this->call('planImport', ['products' => $products, 'item_ids' => $item_ids]);
    }

    /** Records the links of created products: a list of [item_id, wc_id, variations => [[item_id, wc_id]]]. */
    public function reportImported(array $created): array
    {
        return $this->call('reportImported', ['created' => $created]);
    }

    /** Image updates for linked products; applied_images: the image URLs last applied, by wc_id (or null). */
    public function planProductUpdates(?array $applied_images = null): array
    {
        return $this->call('planProductUpdates', ['applied_images' => $applied_images]);
    }

    /** One page of log rows: min_level, operation, object_type, object_id, run_id, text, since_ms, until_ms, page, per_page. */
    public function queryLogs(array $query): array
    {
        return $this->call('queryLogs', ['query' => $query]);
    }

    /** Every log row matching the query, for a CSV export. */
    public function exportLogs(array $query): array
    {
        return $this->call('exportLogs', ['query' => $query]);
    }

    /** Deletes every log row. */
    public function purgeLogs(): array
    {
        return $this->call('purgeLogs', []);
    }

    /** What the state holds of the buyer with this e-mail (WordPress's personal data export). */
    public function personalData(string $email): array
    {
        return $this->call('personalData', ['email' => $email]);
    }

    /** Erases the buyer with this e-mail; orders still on their way are blanked once delivered. */
    public function erasePersonalData(string $email): array
    {
        return $this->call('erasePersonalData', ['email' => $email]);
    }

    /** Reads the store's stock and plans the writes for linked products (force: apply a held-back mass drop). */
    public function planStock(bool $force): array
    {
        return $this->call('planStock', ['force' => $force]);
    }

    /** Records the stock PHP wrote: a list of [wc_id, quantity]. */
    public function reportStockApplied(array $writes): array
    {
        return $this->call('reportStockApplied', ['writes' => $writes]);
    }

    /** Reacts to an order's status change: queue, cancel in the POS, withdraw or nothing. */
    public function orderChanged(array $order): array
    {
        return $this->call('orderChanged', ['order' => $order]);
    }

    /** Delivers the queued orders that are due, at most limit. */
    public function pushOrders(int $limit): array
    {
        return $this->call('pushOrders', ['limit' => $limit]);
    }

    /** The order button: queues the order if needed and delivers it now. */
    public function pushOrderNow(array $order): array
    {
        return $this->call('pushOrderNow', ['order' => $order]);
    }

    /** The outbox rows of these orders (orders list column, order screen). */
    public function orderStates(array $wc_order_ids): array
    {
        return $this->call('orderStates', ['wc_order_ids' => $wc_order_ids]);
    }

    /** One page of the outbox (filter: state, text, page, per_page) and the counts by state. */
    public function listOutbox(array $filter): array
    {
        return $this->call('listOutbox', ['filter' => $filter]);
    }

    /** The stock runs held back (a suspected mass drop), pending and recently settled. */
    public function heldStockRuns(): array
    {
        return $this->call('heldStockRuns', []);
    }

    /** Dismisses a held stock run: it will not be applied. */
    public function dismissHeldStockRun(int $id): array
    {
        return $this->call('dismissHeldStockRun', ['id' => $id]);
    }

    /** Starts a run of a cron job holding its lease for lease_ms, or answers busy at once. */
    public function startJob(string $job, int $lease_ms): array
    {
        return $this->call('startJob', ['job' => $job, 'lease_ms' => $lease_ms]);
    }

    /** Ends a run: its outcome, summary and resume cursor; frees the job. */
    public function finishJob(string $job, string $run_id, string $outcome, array $summary, ?string $cursor = null): array
    {
        return $this->call('finishJob', [
            'job' => $job, 'run_id' => $run_id, 'outcome' => $outcome, 'summary' => $summary, 'cursor' => $cursor,
        ]);
    }

    /** Each cron job's last call, run, duration, usual calling interval and light. */
    public function jobHealth(): array
    {
        return $this->call('jobHealth', []);
    }

    /** The dashboard: jobs' health, the last days' activity in the shop's time zone, what waits for a person. */
    public function dashboard(int $days = 30, int $utc_offset_minutes = 0): array
    {
        return $this->call('dashboard', ['days' => $days, 'utc_offset_minutes' => $utc_offset_minutes]);
    }

    /** Panics inside the core on purpose (only with the `test_hooks` setting on). */
    public function triggerPanicForTest(string $message): mixed
    {
        return $this->call('triggerPanicForTest', ['message' => $message]);
    }

    /** Returns the value it was given, through the core (only with the `test_hooks` setting on). */
    public function roundTripForTest(mixed $value): mixed
    {
        return $this->call('roundTripForTest', ['value' => $value]);
    }

    /** @param array<string,mixed> $args */
    private function call(string $method, array $args): mixed
    {
        $ffi = Native::ffi();
        $out = $ffi->new('char*');
        $code = $ffi->scs_engine_call($this->handle, $method, self::encode($args), \FFI::addr($out));
        $text = self::take($out);
        if ($code !== 0) {
            self::throwFrom($text);
        }
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    /**
     * Arguments travel as a JSON object, refused with the extension's messages when they cannot:
     * nesting deeper than the engine accepts (a recursive array is endlessly deep), objects,
     * bad UTF-8, NAN. The depth is checked first, without recursion: json_encode checks its
     * depth limit only on the way back up, so an array nested 100 000 deep would crash the
     * process inside it. The engine then admits the decoded arguments (NUL bytes, sizes)
     * exactly as it admits the extension's (`src/engine/input.rs`).
     */
    private static function encode(array $args): string
    {
        $stack = [[$args, 0]];
        while ($stack) {
            [$array, $depth] = array_pop($stack);
            if ($depth >= self::MAX_DEPTH) {
                throw new InvalidInputException(self::DEEP, 40);
            }
            foreach ($array as $value) {
                if (is_array($value)) {
                    $stack[] = [$value, $depth + 1];
                } elseif (is_object($value) || is_resource($value)) {
                    throw new InvalidInputException(
                        'only arrays, strings, numbers, booleans and null can be passed to the engine',
                        40
                    );
                }
            }
        }
        try {
            return json_encode((object) $args, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $e) {
            throw new InvalidInputException(match ($e->getCode()) {
                JSON_ERROR_DEPTH, JSON_ERROR_RECURSION => self::DEEP,
                JSON_ERROR_UTF8 => self::NOT_UTF8,
                JSON_ERROR_INF_OR_NAN => 'NAN and INF cannot cross the boundary',
                default => 'a value cannot be passed to the engine: ' . $e->getMessage(),
            }, 40);
        }
    }

    /** Copies a library-owned string into PHP and frees it. */
    private static function take(\FFI\CData $text): string
    {
        if (\FFI::isNull($text)) {
            return '';
        }
        $copy = \FFI::string($text);
        Native::ffi()->scs_string_free($text);
        return $copy;
    }

    /** Throws the exception class the core named for the error. */
    private static function throwFrom(string $errorJson): never
    {
        $error = json_decode($errorJson, true) ?: [];
        $class = __NAMESPACE__ . '\\' . ($error['class'] ?? 'Exception');
        if (!is_a($class, Exception::class, true)) {
            $class = Exception::class;
        }
        throw new $class((string) ($error['message'] ?? 'unknown error'), (int) ($error['code'] ?? 99));
    }
}
