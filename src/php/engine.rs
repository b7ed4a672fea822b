//! `ShopcaisseSync\Engine` as a native class. Each method is one line over [`PhpEngine::call`].

use super::{convert, exceptions};
use crate::engine::{Backend, Engine};
use ext_php_rs::exception::{PhpException, PhpResult};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{json, Value};

/// The Shopcaisse Sync engine of one site.
#[php_class]
#[php(name = "ShopcaisseSync\\Engine")]
pub struct PhpEngine {
    inner: Engine,
}

impl PhpEngine {
    fn call(&mut self, method: &str, args: Value) -> PhpResult<Zval> {
        let result = self
            .inner
            .call_guarded(method, &args)
            .map_err(|e| exceptions::to_php(&e))?;
        convert::from_json(&result).map_err(|e| exceptions::to_php(&e))
    }
}

/// An array argument: PHP already refused anything else with a TypeError, as the FFI class does.
fn table(array: &ZendHashTable) -> PhpResult<Value> {
    convert::table_to_json(array).map_err(|e| exceptions::to_php(&e))
}

/// A nullable array argument.
fn opt_table(array: Option<&ZendHashTable>) -> PhpResult<Value> {
    array.map_or(Ok(Value::Null), table)
}

/// A string argument. Taken as a Zend value so that one which is not valid UTF-8 is refused as
/// invalid input, as the FFI shim refuses it, rather than by a `TypeError`; anything but a
/// string is still a `TypeError`, as PHP's `string` parameter type says.
fn string(zval: &Zval, name: &str) -> PhpResult<String> {
    match convert::text(zval) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Err(PhpException::new(
            format!("argument {name} must be of type string"),
            0,
            ext_php_rs::zend::ce::type_error(),
        )),
        Err(e) => Err(exceptions::to_php(&e)),
    }
}

/// Any value (the round-trip test hook only).
fn arg(zval: &Zval) -> PhpResult<Value> {
    convert::to_json(zval).map_err(|e| exceptions::to_php(&e))
}

#[php_impl]
impl PhpEngine {
    /// Builds the engine from the settings array and the directory of the state file.
    pub fn __construct(settings: &ZendHashTable, state_dir: &Zval) -> PhpResult<Self> {
        crate::engine::install_panic_hook();
        let state_dir = string(state_dir, "state_dir")?;
        let settings = table(settings)?;
        Engine::new(&settings, state_dir, Backend::Extension)
            .map(|inner| PhpEngine { inner })
            .map_err(|e| exceptions::to_php(&e))
    }

    /// The library version.
    pub fn version(&mut self) -> PhpResult<Zval> {
        self.call("version", json!({}))
    }

    /// Which backend is loaded, its ABI version and the PHP it was built for.
    pub fn diagnostics(&mut self) -> PhpResult<Zval> {
        self.call("diagnostics", json!({}))
    }

    /// Checks the key against the API: what it reaches, or the kind of failure.
    pub fn test_connection(&mut self) -> PhpResult<Zval> {
        self.call("testConnection", json!({}))
    }

    /// Reads the catalog, prices and stock from the API into the cache; a summary (force: replace
    /// the cache with an answer the guard held back; budget_ms: read in steps, resuming on the
    /// next call).
    #[php(defaults(force = false))]
    pub fn refresh_catalog(&mut self, force: bool, budget_ms: Option<i64>) -> PhpResult<Zval> {
        self.call(
            "refreshCatalog",
            json!({ "force": force, "budget_ms": budget_ms }),
        )
    }

    /// One page of the cached catalog: query text, linked, kind, parent, top_level_only, page, per_page.
    pub fn search_catalog(&mut self, query: &ZendHashTable) -> PhpResult<Zval> {
        self.call("searchCatalog", json!({ "query": table(query)? }))
    }

    /// One cached item, whole, with its row.
    pub fn catalog_item(&mut self, item_id: &Zval) -> PhpResult<Zval> {
        self.call(
            "catalogItem",
            json!({ "item_id": string(item_id, "item_id")? }),
        )
    }

    /// Links an item or declination to a WooCommerce product or variation by hand.
    pub fn link(&mut self, item_id: &Zval, wc_id: i64) -> PhpResult<Zval> {
        self.call(
            "link",
            json!({ "item_id": string(item_id, "item_id")?, "wc_id": wc_id }),
        )
    }

    /// Undoes the link of an item (kept in the history).
    pub fn unlink_item(&mut self, item_id: &Zval) -> PhpResult<Zval> {
        self.call("unlink", json!({ "item_id": string(item_id, "item_id")? }))
    }

    /// Undoes the link of a WooCommerce product (kept in the history).
    pub fn unlink_product(&mut self, wc_id: i64) -> PhpResult<Zval> {
        self.call("unlink", json!({ "wc_id": wc_id }))
    }

    /// Restores an undone link from its history row.
    pub fn restore_link(&mut self, history_id: i64) -> PhpResult<Zval> {
        self.call("restoreLink", json!({ "history_id": history_id }))
    }

    /// Every current link and the newest history rows.
    pub fn list_links(&mut self, history: i64) -> PhpResult<Zval> {
        self.call("listLinks", json!({ "history": history }))
    }

    /// Matches the cached catalog to the shop's products (a list of products as PHP reads them); records nothing.
    pub fn plan_matching(&mut self, products: &ZendHashTable) -> PhpResult<Zval> {
        self.call("planMatching", json!({ "products": table(products)? }))
    }

    /// Matches, then records every proposed link: the plan, what was recorded and what was refused
    /// (summary_only: the counts alone).
    #[php(defaults(summary_only = false))]
    pub fn apply_matching(
        &mut self,
        products: &ZendHashTable,
        summary_only: bool,
    ) -> PhpResult<Zval> {
        self.call(
            "applyMatching",
            json!({ "products": table(products)?, "summary_only": summary_only }),
        )
    }

    /// Products to propose for each item of a page in the matching column, best first, at most limit each.
    pub fn suggest_products(
        &mut self,
        item_ids: &ZendHashTable,
        products: &ZendHashTable,
        limit: i64,
    ) -> PhpResult<Zval> {
        self.call(
            "suggestProducts",
            json!({ "item_ids": table(item_ids)?, "products": table(products)?, "limit": limit.max(0) }),
        )
    }

    /// The bulk import's dry run for these items (null or []: every top-level item).
    pub fn preview_import(
        &mut self,
        products: &ZendHashTable,
        item_ids: Option<&ZendHashTable>,
    ) -> PhpResult<Zval> {
        self.call(
            "previewImport",
            json!({ "products": table(products)?, "item_ids": opt_table(item_ids)? }),
        )
    }

    /// The products to create for these items (null or []: every top-level item), and what is skipped.
    pub fn plan_import(
        &mut self,
        products: &ZendHashTable,
        item_ids: Option<&ZendHashTable>,
    ) -> PhpResult<Zval> {
        self.call(
            "planImport",
            json!({ "products": table(products)?, "item_ids": opt_table(item_ids)? }),
        )
    }

    /// Records the links of created products: a list of [item_id, wc_id, variations => [[item_id, wc_id]]].
    pub fn report_imported(&mut self, created: &ZendHashTable) -> PhpResult<Zval> {
        self.call("reportImported", json!({ "created": table(created)? }))
    }

    /// Image updates for linked products; applied_images: the image URLs last applied, by wc_id (or null).
    pub fn plan_product_updates(
        &mut self,
        applied_images: Option<&ZendHashTable>,
    ) -> PhpResult<Zval> {
        self.call(
            "planProductUpdates",
            json!({ "applied_images": opt_table(applied_images)? }),
        )
    }

    /// One page of log rows: min_level, operation, object_type, object_id, run_id, text, since_ms, until_ms, page, per_page.
    pub fn query_logs(&mut self, query: &ZendHashTable) -> PhpResult<Zval> {
        self.call("queryLogs", json!({ "query": table(query)? }))
    }

    /// Every log row matching the query, for a CSV export.
    pub fn export_logs(&mut self, query: &ZendHashTable) -> PhpResult<Zval> {
        self.call("exportLogs", json!({ "query": table(query)? }))
    }

    /// Deletes every log row.
    pub fn purge_logs(&mut self) -> PhpResult<Zval> {
        self.call("purgeLogs", json!({}))
    }

    /// What the state holds of the buyer with this e-mail (WordPress's personal data export).
    pub fn personal_data(&mut self, email: String) -> PhpResult<Zval> {
        self.call("personalData", json!({ "email": email }))
    }

    /// Erases the buyer with this e-mail; orders still on their way are blanked once delivered.
    pub fn erase_personal_data(&mut self, email: String) -> PhpResult<Zval> {
        self.call("erasePersonalData", json!({ "email": email }))
    }

    /// Reads the store's stock and plans the writes for linked products (force: apply a held-back mass drop).
    pub fn plan_stock(&mut self, force: bool) -> PhpResult<Zval> {
        self.call("planStock", json!({ "force": force }))
    }

    /// Records the stock PHP wrote: a list of [wc_id, quantity].
    pub fn report_stock_applied(&mut self, writes: &ZendHashTable) -> PhpResult<Zval> {
        self.call("reportStockApplied", json!({ "writes": table(writes)? }))
    }

    /// Reacts to an order's status change: queue, cancel in the POS, withdraw or nothing.
    pub fn order_changed(&mut self, order: &ZendHashTable) -> PhpResult<Zval> {
        self.call("orderChanged", json!({ "order": table(order)? }))
    }

    /// Delivers the queued orders that are due, at most limit.
    pub fn push_orders(&mut self, limit: i64) -> PhpResult<Zval> {
        self.call("pushOrders", json!({ "limit": limit }))
    }

    /// The order button: queues the order if needed and delivers it now.
    pub fn push_order_now(&mut self, order: &ZendHashTable) -> PhpResult<Zval> {
        self.call("pushOrderNow", json!({ "order": table(order)? }))
    }

    /// The outbox rows of these orders (orders list column, order screen).
    pub fn order_states(&mut self, wc_order_ids: &ZendHashTable) -> PhpResult<Zval> {
        self.call(
            "orderStates",
            json!({ "wc_order_ids": table(wc_order_ids)? }),
        )
    }

    /// One page of the outbox (filter: state, text, page, per_page) and the counts by state.
    pub fn list_outbox(&mut self, filter: &ZendHashTable) -> PhpResult<Zval> {
        self.call("listOutbox", json!({ "filter": table(filter)? }))
    }

    /// The stock runs held back (a suspected mass drop), pending and recently settled.
    pub fn held_stock_runs(&mut self) -> PhpResult<Zval> {
        self.call("heldStockRuns", json!({}))
    }

    /// Dismisses a held stock run: it will not be applied.
    pub fn dismiss_held_stock_run(&mut self, id: i64) -> PhpResult<Zval> {
        self.call("dismissHeldStockRun", json!({ "id": id }))
    }

    /// Starts a run of a cron job (products, stock, orders) holding its lease for lease_ms, or
    /// answers busy at once when another run holds it.
    pub fn start_job(&mut self, job: String, lease_ms: i64) -> PhpResult<Zval> {
        self.call("startJob", json!({ "job": job, "lease_ms": lease_ms }))
    }

    /// Ends a run: its outcome, summary and resume cursor; frees the job.
    pub fn finish_job(
        &mut self,
        job: String,
        run_id: String,
        outcome: String,
        summary: &ZendHashTable,
        cursor: Option<String>,
    ) -> PhpResult<Zval> {
        self.call(
            "finishJob",
            json!({ "job": job, "run_id": run_id, "outcome": outcome,
                    "summary": table(summary)?, "cursor": cursor }),
        )
    }

    /// Each cron job's last call, run, duration, usual calling interval and light.
    pub fn job_health(&mut self) -> PhpResult<Zval> {
        self.call("jobHealth", json!({}))
    }

    /// The dashboard: jobs' health, the last days' activity in the shop's time zone, what waits
    /// for a person.
    #[php(defaults(days = 30, utc_offset_minutes = 0))]
    pub fn dashboard(&mut self, days: i64, utc_offset_minutes: i64) -> PhpResult<Zval> {
        self.call(
            "dashboard",
            json!({ "days": days, "utc_offset_minutes": utc_offset_minutes }),
        )
    }

    /// Panics inside the core on purpose (only with the `test_hooks` setting on).
    pub fn trigger_panic_for_test(&mut self, message: &Zval) -> PhpResult<Zval> {
        self.call(
            "triggerPanicForTest",
            json!({ "message": string(message, "message")? }),
        )
    }

    /// Returns the value it was given, through the core (only with `test_hooks` on).
    pub fn round_trip_for_test(&mut self, value: &Zval) -> PhpResult<Zval> {
        self.call("roundTripForTest", json!({ "value": arg(value)? }))
    }
}
