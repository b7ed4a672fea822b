<?php
/**
 * IDE stubs of the Shopcaisse Sync PHP API, and its one declaration. Never loaded at run time:
 * the extension or php-shim (FFI) provides the real classes. The PHP contract suite checks, on
 * both backends, that the loaded `Engine` declares exactly these methods (parameter types,
 * names, defaults, return types) and that real answers have the `@return` shapes written here;
 * `tests/method_table.rs` checks that the engine dispatches exactly these methods (`@engine`
 * names the engine method when it differs from the PHP one), each argument under the
 * parameter's name.
 *
 * Every method throws a subclass of \ShopcaisseSync\Exception on failure; getCode() is the
 * kind's stable code (see php-shim/shopcaisse_sync.h).
 */

namespace ShopcaisseSync;

final class Engine
{
    /**
     * @param array<string,mixed> $settings  base_url, token, company_id, store_id, pos_id,
     *                                       price_list_id, page_size, concurrent_reads, connect_timeout_ms,
     *                                       request_timeout_ms, debug, test_hooks…
     * @param string              $state_dir  Directory of the state file (outside the web root).
     * @throws InvalidInputException
     */
    public function __construct(array $settings, string $state_dir) {}

    /** The library version ("0.1.0"). */
    public function version(): string {}

    /**
     * @return array{backend:string,version:string,abi_version:int,built_for_php:?string,
     *               built_for_zts:?bool,built_for_debug:?bool,target:string,state_dir:string,
     *               base_url:string,token_set:bool,error_kinds:array<int,string>}
     */
    public function diagnostics(): array {}

    /**
     * Checks the key against the API. A failed test is returned, not thrown. One attempt per
     * request with short timeouts: it answers within about 15 s even against an API that hangs.
     * `limitations` lists what the key cannot do for this configuration (a missing permission
     * such as `orders:write`, a chosen POS without the order module).
     *
     * @return array{ok:bool,error:?array{kind:string,code:int,class:string,message:string,
     *               http_status:?int,retry_after:?int},companies:list<array{id:string,name:string}>,
     *               stores:list<array{id:string,name:string,company_id:?string,pos:list<array>}>,
     *               price_lists:list<array>,permissions:list<string>,resources:?array,
     *               warnings:list<array{operation:string,error:?array,problems?:list<string>}>,
     *               limitations:list<array{feature:string,missing:string,message:string}>}
     */
    public function testConnection(): array {}

    /**
     * Reads the catalog, prices and stock from the API into the cache; a summary. An answer that
     * skipped rows, came back empty or shrank past the mass-drop thresholds does not replace what
     * the cache holds (`items_held`, `prices_held`, `stock_held` say why, `problems` lists every
     * row not read) unless `$force` is true. Answers `complete: true`.
     *
     * With `$budget_ms`, the listings are read in steps: past the budget the call stops after a
     * whole page and answers `complete: false` with `walk` (the listing being read, its next
     * page, the pages and rows read so far); call again to resume (the core keeps the position).
     * What is read waits beside the cache until the last call, which guards it as above and
     * swaps it in. A walk started with other settings, or over an hour ago, starts again.
     *
     * @return array{complete:bool,run_id:string,took_ms:int,items?:int,with_declinations?:int,
     *               declinations?:int,packs?:int,weighed?:int,unsupported?:int,prices_from_list?:int,
     *               stock_rows?:?int,items_held?:?array,prices_held?:?array,stock_held?:?array,
     *               unknown_items?:int,problems?:list<array>,problem_count?:int,pages_read?:int,
     *               walk?:?array{part:string,next_page:?int,pages:int,rows:int,started_at_ms:int}}
     */
    public function refreshCatalog(bool $force = false, ?int $budget_ms = null): array {}

    /**
     * One page of the cached catalog: query text, linked, kind, parent, top_level_only, page, per_page.
     * Each row also carries `reserved_in_flight` (units web orders the POS has not taken in yet hold
     * back) and `shop_units` (the whole units a stock run writes to WooCommerce; null for packs and
     * parents of declinations).
     */
    public function searchCatalog(array $query): array {}

    /** One cached item, whole, with its row. */
    public function catalogItem(string $item_id): array {}

    /** Links an item or declination to a WooCommerce product or variation by hand. */
    public function link(string $item_id, int $wc_id): array {}

    /**
     * Undoes the link of an item (kept in the history).
     *
     * @engine unlink
     */
    public function unlinkItem(string $item_id): array {}

    /**
     * Undoes the link of a WooCommerce product (kept in the history).
     *
     * @engine unlink
     */
    public function unlinkProduct(int $wc_id): array {}

    /** Restores an undone link from its history row. */
    public function restoreLink(int $history_id): array {}

    /** Every current link and the newest history rows. */
    public function listLinks(int $history): array {}

    /**
     * Matches the cached catalog to the shop's products by the chosen method; records nothing.
     *
     * @param list<array{id:int,parent_id?:?int,kind:string,sku?:?string,barcode?:?string,name?:string,
     *                   attributes?:list<array{name:string,value:string}>,on_sale?:bool,published?:bool}> $products
     *        Every WooCommerce product and variation (kind: simple, variable, variation, other).
     * @return array{method:string,links:list<array{item:string,wc_id:int,by:string}>,
     *               create:list<array{item:string,parent_wc_id:?int}>,
     *               conflicts:list<array{by:string,key:string,items:list<string>,products:list<int>}>,
     *               unmatched_items:list<string>,unsupported_items:list<string>,
     *               links_to_missing_products:list<array{item:string,wc_id:int}>,
     *               unlinked_on_sale:list<int>,counts:array<string,int>}
     */
    public function planMatching(array $products): array {}

    /**
     * Matches, then records every proposed link (method reference, barcode or attributes).
     * Conflicts link nothing; a link the state refuses (taken meanwhile) is listed, not thrown.
     * With $summary_only, only run_id and summary come back (a whole shop's links as PHP arrays
     * would cost tens of MB).
     *
     * @return array{run_id:string,summary:array{recorded:int,refused:int,conflicts:int,unmatched_items:int,counts:array<string,int>},
     *               plan?:array,recorded?:list<array{item_id:string,wc_id:int,method:string,linked_at_ms:int}>,
     *               refused?:list<array{item_id:string,wc_id:int,message:string}>}
     */
    public function applyMatching(array $products, bool $summary_only = false): array {}

    /**
     * Products to propose for the items of one page of the matching column, best first
     * (`$limit` per item, 1 to 50), keyed by item id; ids not in the catalog cache are listed in
     * `missing` rather than thrown.
     *
     * @return array{suggestions:array<string,list<array{wc_id:int,why:string,score:int,name:?string,
     *               sku:?string,parent_id:?int}>>,missing:list<string>}
     */
    public function suggestProducts(array $item_ids, array $products, int $limit): array {}

    /**
     * The bulk import's dry run for these items (null or []: every top-level item): prices from
     * the chosen price list else the default price, stock from the cached store stock.
     *
     * @param list<string>|null $item_ids
     * @return array{create:list<array>,add_variations:list<array{parent_wc_id:int,parent_item:string,variations:list<array>}>,
     *               link:list<array{item:string,wc_id:int,by:string}>,conflicts:list<array>,
     *               skipped:list<array{item:string,reason:string,kind?:string,parent?:?string,
     *                                   wc_id?:int,reference?:string,barcode?:string,of?:string}>,
     *               counts:array{products_to_create:int,variations_to_create:int,links:int,conflicts:int,skipped:int,already_linked:int}}
     */
    public function previewImport(array $products, ?array $item_ids = null): array {}

    /**
     * The products to create for these items: `create` (product specs: product_type, name, sku,
     * barcode, regular_price in cents, images, descriptions, attributes, variations, pack,
     * weighed, stock), `add_variations` (under an already linked product), `matched` (items
     * matched to an existing product: recorded by applyMatching, not created) and `skipped`.
     *
     * @param list<string>|null $item_ids
     * @return array{run_id:string,create:list<array>,add_variations:list<array>,matched:list<array>,
     *               skipped:list<array{item:string,reason:string,kind?:string,parent?:?string,
     *                                   wc_id?:int,reference?:string,barcode?:string,of?:string}>,counts:array<string,int>}
     */
    public function planImport(array $products, ?array $item_ids = null): array {}

    /**
     * Records the links of the products created from planImport (reporting twice changes nothing).
     *
     * @param list<array{item_id:string,wc_id:int,variations?:list<array{item_id:string,wc_id:int}>}> $created
     * @return array{run_id:string,recorded:list<array>,unchanged:int,
     *               refused:list<array{item_id:string,wc_id:int,message:string}>}
     * @throws InvalidInputException when a wc_id is not a product id
     */
    public function reportImported(array $created): array {}

    /**
     * Image updates for linked products whose Shopcaisse images differ from those last applied.
     *
     * @param array<int,list<string>>|list<array{wc_id:int,images:list<string>}>|null $applied_images
     * @return array{count:int,updates:list<array{wc_id:int,item:string,images:?list<string>,stock:?string}>}
     */
    public function planProductUpdates(?array $applied_images = null): array {}

    /** One page of log rows: min_level, operation, object_type, object_id, run_id, text, since_ms, until_ms, page, per_page. */
    public function queryLogs(array $query): array {}

    /** Every log row matching the query, for a CSV export. */
    public function exportLogs(array $query): array {}

    /** Deletes every log row. */
    public function purgeLogs(): array {}

    /**
     * What the state holds of the buyer with this e-mail, for WordPress's personal data export:
     * their orders' details in the outbox, the customer keys remembered for them, the log rows
     * quoting them (newest 1000).
     *
     * @return array{orders:list<array{wc_order_id:int,external_reference:string,state:string,customer_details:mixed,
     *               note:?string,erase_requested:bool}>,customer_keys:list<string>,
     *               log_rows:list<array{id:int,at_ms:int,message:string}>}
     */
    public function personalData(string $email): array {}

    /**
     * Erases the buyer with this e-mail: delivered or cancelled orders blanked now, the others
     * once delivered (their reference, state and POS id stay: exactly-once holds), their customer
     * keys forgotten, their e-mail, phone and name replaced by "[erased]" in log rows.
     *
     * @return array{orders_anonymised:int,orders_pending:int,customer_keys_removed:int,log_rows_redacted:int}
     */
    public function erasePersonalData(string $email): array {}

    /**
     * Reads the store's stock and plans the writes for linked products (force: apply a held-back mass drop).
     * Units of web orders the POS has not absorbed yet are subtracted: `reserved_in_flight` lists them per
     * stock item, `in_flight` the orders still counted and those released by this run (with the reason).
     *
     * @return array{writes:list<array{wc_id:int,item:string,quantity:string,previous:?string,
     *                                  sellable_units:int,weighed:bool,reserved_in_flight:string}>,
     *               unchanged:int,held:?array,would_write:int,problems:list<array>,counts:array,
     *               reserved_in_flight:list<array{item:string,wc_id:?int,quantity:string}>,
     *               run_id:string,held_run_id:?int,listing_problems:list<array>,unknown_items:int,
     *               in_flight:array{orders:list<array{wc_order_id:int,external_reference:string,
     *                                                 queued_at_ms:int,where:string,pos_status:?string,
     *                                                 lines:list<array{item:string,quantity:string}>}>,
     *                               released:list<array>}}
     */
    public function planStock(bool $force): array {}

    /** Records the stock PHP wrote: a list of [wc_id, quantity]. */
    public function reportStockApplied(array $writes): array {}

    /**
     * Reacts to an order's status change: queue, cancel in the POS, withdraw or nothing. A
     * cancellation is recorded first (state `cancelling`) and tried once at once; when the POS
     * cannot be reached it stays `cancelling` and `pushOrders` retries it until it ends
     * `cancelled`.
     */
    public function orderChanged(array $order): array {}

    /**
     * Delivers the orders and cancellations that are due, at most limit: claimed, pushed,
     * adopted, failed, blocked, cancelled, cancelling counts and one row per order. A push whose
     * outcome is unknown is only looked up, never posted again, until `push_grace_ms` has passed.
     */
    public function pushOrders(int $limit): array {}

    /** The order button: queues the order if needed and delivers it now. */
    public function pushOrderNow(array $order): array {}

    /** The outbox rows of these orders (orders list column, order screen). */
    public function orderStates(array $wc_order_ids): array {}

    /** One page of the outbox (filter: state, text, page, per_page) and the counts by state. */
    public function listOutbox(array $filter): array {}

    /** The stock runs held back (a suspected mass drop), pending and recently settled. */
    public function heldStockRuns(): array {}

    /** Dismisses a held stock run: it will not be applied. */
    public function dismissHeldStockRun(int $id): array {}

    /**
     * Starts a run of a cron job (products, stock, orders) holding its lease for lease_ms, or
     * answers busy at once when another run holds it.
     * @return array{started:bool,busy:bool,job:string,run_id?:string,cursor?:?string,
     *               lease_expires_at_ms?:int,busy_until_ms?:?int}
     */
    public function startJob(string $job, int $lease_ms): array {}

    /**
     * Ends a run: outcome is completed, partial, failed or held; cursor is where the next run
     * resumes (null: nothing left). Frees the job.
     */
    public function finishJob(string $job, string $run_id, string $outcome, array $summary, ?string $cursor = null): array {}

    /**
     * Each cron job's last call, run, duration, the POS's usual calling interval and the light.
     * @return array{now_ms:int,jobs:list<array{job:string,light:string,running:bool,
     *               last_called_at_ms:?int,last_started_at_ms:?int,last_finished_at_ms:?int,
     *               last_duration_ms:?int,outcome:?string,summary:mixed,has_cursor:bool,
     *               usual_interval_ms:?int}>}
     */
    public function jobHealth(): array {}

    /**
     * The dashboard in one call: the cron jobs' health (as jobHealth), what the sync did on each of
     * the last `days` days (1 to 366), oldest first, today last, in the shop's time zone given as
     * minutes east of UTC (-840 to 840), with zeros for quiet days, their sum, and what waits for
     * a person. The daily figures are kept as long as the log (its age limit).
     * @return array{now_ms:int,jobs:list<array{job:string,light:string,running:bool,
     *               last_called_at_ms:?int,last_started_at_ms:?int,last_finished_at_ms:?int,
     *               last_duration_ms:?int,outcome:?string,summary:mixed,has_cursor:bool,
     *               usual_interval_ms:?int}>,
     *               days:list<array{day:string,stock_writes:int,imported:int,linked:int,
     *                               orders_pushed:int,orders_blocked:int,failures:int}>,
     *               totals:array{stock_writes:int,imported:int,linked:int,orders_pushed:int,
     *                            orders_blocked:int,failures:int},
     *               attention:array{held_stock_runs:int,blocked_orders:int,
     *                            declinations_not_associated:int}}
     */
    public function dashboard(int $days = 30, int $utc_offset_minutes = 0): array {}

    /** Panics inside the core on purpose; needs the `test_hooks` setting. @throws InternalException */
    public function triggerPanicForTest(string $message): mixed {}

    /** Returns $value after a trip through the core; needs the `test_hooks` setting. */
    public function roundTripForTest(mixed $value): mixed {}
}

class Exception extends \Exception {}
class InvalidTokenException extends Exception {}
class OrderModuleMissingException extends Exception {}
class PermissionDeniedException extends Exception {}
class NotFoundException extends Exception {}
class RateLimitedException extends Exception {}
class ServerException extends Exception {}
class NetworkException extends Exception {}
class TimeoutException extends Exception {}
class UnexpectedPayloadException extends Exception {}
class ConflictException extends Exception {}
class InvalidInputException extends Exception {}
class StateException extends Exception {}
class BusyException extends Exception {}
class NotConfiguredException extends Exception {}
class InternalException extends Exception {}
