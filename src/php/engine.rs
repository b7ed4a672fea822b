//! `ShopcaisseSync\Engine` as a native class. Each method is one line over [`PhpEngine::call`].

use super::{convert, exceptions};
use crate::engine::{Backend, Engine};
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
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

fn arg(zval: &Zval) -> PhpResult<Value> {
    convert::to_json(zval).map_err(|e| exceptions::to_php(&e))
}

#[php_impl]
impl PhpEngine {
    /// Builds the engine from the settings array and the directory of the state file.
    pub fn __construct(settings: &Zval, state_dir: String) -> PhpResult<Self> {
        crate::engine::install_panic_hook();
        let settings = arg(settings)?;
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

    /// Reads the catalog, prices and stock from the API into the cache; a summary.
    pub fn refresh_catalog(&mut self) -> PhpResult<Zval> {
        self.call("refreshCatalog", json!({}))
    }

    /// One page of the cached catalog: query text, linked, kind, parent, top_level_only, page, per_page.
    pub fn search_catalog(&mut self, query: &Zval) -> PhpResult<Zval> {
        self.call("searchCatalog", json!({ "query": arg(query)? }))
    }

    /// One cached item, whole, with its row.
    pub fn catalog_item(&mut self, item_id: String) -> PhpResult<Zval> {
        self.call("catalogItem", json!({ "item_id": item_id }))
    }

    /// Links an item or declination to a WooCommerce product or variation by hand.
    pub fn link(&mut self, item_id: String, wc_id: i64) -> PhpResult<Zval> {
        self.call("link", json!({ "item_id": item_id, "wc_id": wc_id }))
    }

    /// Undoes the link of an item (kept in the history).
    pub fn unlink_item(&mut self, item_id: String) -> PhpResult<Zval> {
        self.call("unlink", json!({ "item_id": item_id }))
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
    pub fn plan_matching(&mut self, products: &Zval) -> PhpResult<Zval> {
        self.call("planMatching", json!({ "products": arg(products)? }))
    }

    /// Matches, then records every proposed link: the plan, what was recorded and what was refused.
    pub fn apply_matching(&mut self, products: &Zval) -> PhpResult<Zval> {
        self.call("applyMatching", json!({ "products": arg(products)? }))
    }

    /// Products to propose for one item in the matching column, best first, at most limit.
    pub fn suggest_products(
        &mut self,
        item_id: String,
        products: &Zval,
        limit: i64,
    ) -> PhpResult<Zval> {
        self.call(
            "suggestProducts",
            json!({ "item_id": item_id, "products": arg(products)?, "limit": limit.max(0) }),
        )
    }

    /// The bulk import's dry run for these items (null or []: every top-level item).
    pub fn preview_import(&mut self, products: &Zval, item_ids: &Zval) -> PhpResult<Zval> {
        self.call(
            "previewImport",
            json!({ "products": arg(products)?, "item_ids": arg(item_ids)? }),
        )
    }

    /// The products to create for these items (null or []: every top-level item), and what is skipped.
    pub fn plan_import(&mut self, products: &Zval, item_ids: &Zval) -> PhpResult<Zval> {
        self.call(
            "planImport",
            json!({ "products": arg(products)?, "item_ids": arg(item_ids)? }),
        )
    }

    /// Records the links of created products: a list of [item_id, wc_id, variations => [[item_id, wc_id]]].
    pub fn report_imported(&mut self, created: &Zval) -> PhpResult<Zval> {
        self.call("reportImported", json!({ "created": arg(created)? }))
    }

    /// Image updates for linked products; applied_images: the image URLs last applied, by wc_id (or null).
    pub fn plan_product_updates(&mut self, applied_images: &Zval) -> PhpResult<Zval> {
        self.call(
            "planProductUpdates",
            json!({ "applied_images": arg(applied_images)? }),
        )
    }

    /// One page of log rows: min_level, operation, object_type, object_id, run_id, text, since_ms, until_ms, page, per_page.
    pub fn query_logs(&mut self, query: &Zval) -> PhpResult<Zval> {
        self.call("queryLogs", json!({ "query": arg(query)? }))
    }

    /// Every log row matching the query, for a CSV export.
    pub fn export_logs(&mut self, query: &Zval) -> PhpResult<Zval> {
        self.call("exportLogs", json!({ "query": arg(query)? }))
    }

    /// Deletes every log row.
    pub fn purge_logs(&mut self) -> PhpResult<Zval> {
        self.call("purgeLogs", json!({}))
    }

    /// Reads the store's stock and plans the writes for linked products (force: apply a held-back mass drop).
    pub fn plan_stock(&mut self, force: bool) -> PhpResult<Zval> {
        self.call("planStock", json!({ "force": force }))
    }

    /// Records the stock PHP wrote: a list of [wc_id, quantity].
    pub fn report_stock_applied(&mut self, writes: &Zval) -> PhpResult<Zval> {
        self.call("reportStockApplied", json!({ "writes": arg(writes)? }))
    }

    /// Reacts to an order's status change: queue, cancel in the POS, withdraw or nothing.
    pub fn order_changed(&mut self, order: &Zval) -> PhpResult<Zval> {
        self.call("orderChanged", json!({ "order": arg(order)? }))
    }

    /// Delivers the queued orders that are due, at most limit.
    pub fn push_orders(&mut self, limit: i64) -> PhpResult<Zval> {
        self.call("pushOrders", json!({ "limit": limit }))
    }

    /// The order button: queues the order if needed and delivers it now.
    pub fn push_order_now(&mut self, order: &Zval) -> PhpResult<Zval> {
        self.call("pushOrderNow", json!({ "order": arg(order)? }))
    }

    /// The outbox rows of these orders (orders list column, order screen).
    pub fn order_states(&mut self, wc_order_ids: &Zval) -> PhpResult<Zval> {
        self.call("orderStates", json!({ "wc_order_ids": arg(wc_order_ids)? }))
    }

    /// One page of the outbox (filter: state, text, page, per_page) and the counts by state.
    pub fn list_outbox(&mut self, filter: &Zval) -> PhpResult<Zval> {
        self.call("listOutbox", json!({ "filter": arg(filter)? }))
    }

    /// Panics inside the core on purpose (only with the `test_hooks` setting on).
    pub fn trigger_panic_for_test(&mut self, message: String) -> PhpResult<Zval> {
        self.call("triggerPanicForTest", json!({ "message": message }))
    }

    /// Returns the value it was given, through the core (only with `test_hooks` on).
    pub fn round_trip_for_test(&mut self, value: &Zval) -> PhpResult<Zval> {
        self.call("roundTripForTest", json!({ "value": arg(value)? }))
    }
}
