//! POS stock onto the website: the store's stock is read from the API, diffed against what was
//! last written to WooCommerce, and only the changes are planned. PHP writes them, then reports
//! back what it wrote; a crash in between only means the next run writes the same absolute
//! values again. A run that looks like a mass drop to zero is held back and kept for a person.
//!
//! Web orders the POS has not absorbed yet hold their units back from the POS figure: the run
//! gathers the outbox rows that may still count and asks the POS where each pushed one stands;
//! `sync::inflight` decides which still count and what they reserve.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::api::Known;
use crate::model::{ItemId, Quantity, StockRow};
use crate::state::{
    HeldRunResolution, InflightUpdate, LogLevel, NewLog, OutboxRow, OutboxState, StockAnchor,
};
use crate::sync::{
    order_quantities, plan_stock_reserving, release_of, released_by_drop, reserved_quantities,
    stock_items_of, taken_from_drops, Catalog, DropEvidence, InflightLine, InflightOrder, Link,
    Links, Release, StockMovedAt, Whereabouts,
};
use crate::Result;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Till tickets are read from this long before an anchor was taken: a clock that runs a little
/// ahead at the till only makes the drop look smaller.
const TICKET_MARGIN_MS: i64 = 10 * 60 * 1000;

/// What the web orders in flight hold back this run, and what to remember of it.
struct InFlight {
    reserved: BTreeMap<ItemId, Quantity>,
    counting: Vec<InflightOrder>,
    released: Vec<(InflightOrder, Release)>,
    update: InflightUpdate,
    /// Items whose products WooCommerce changed by itself since the last run: the stock of
    /// orders seen for the first time (lowered at checkout) or cancelled (put back).
    changed_by_shop: BTreeSet<ItemId>,
}

/// The job name held runs are kept under.
const STOCK_JOB: &str = "stock";

impl Engine {
    /// Reads the chosen store's stock and plans the writes for every linked product.
    pub(super) fn plan_stock_run(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            /// Apply a plan the mass-drop guard would hold: the merchant confirmed it.
            #[serde(default)]
            force: bool,
        }
        let Args { force } = parse_args("planStock", args)?;
        let run = self.run_id("stock");
        let store = self.store()?.clone();
        // Before the read: a ticket or an order move after this instant may be in the answer.
        let read_at = now_ms();
        let rows = self
            .client()?
            .stocks(&store)
            .map_err(|e| e.context("reading the POS stock"))?
            .into_known();
        let state = self.state()?;
        let catalog = Catalog::new(state.catalog().all_items()?);
        let links = self.known_links(&rows)?;
        let mut applied: HashMap<i64, Quantity> = state
            .stock_ledger()
            .all_applied()?
            .into_iter()
            .map(|a| (a.wc_id, a.quantity))
            .collect();
        let mut settings = self.settings.stock.clone();
        settings.force = force;
        // An unreadable row without an id could be any item's: none may be zeroed as missing.
        settings.zero_missing &= !rows.unknown_any;
        let in_flight = self.orders_in_flight(&catalog, &rows.items, read_at)?;
        // WooCommerce lowered (checkout) or put back (cancellation) these products' stock by
        // itself: what was last written no longer says what it shows, so they are written again.
        for item in &in_flight.changed_by_shop {
            if let Some(wc_id) = links.wc_of(item) {
                applied.remove(&wc_id);
            }
        }
        let plan = plan_stock_reserving(
            &catalog,
            &links,
            &rows.items,
            &applied,
            &in_flight.reserved,
            &settings,
        );
        let now = now_ms();
        let mut held_run = None;
        if let Some(reason) = &plan.held {
            let summary =
                json!({ "reason": reason, "counts": plan.counts, "would_write": plan.would_write });
            held_run = Some(state.stock_ledger().hold(STOCK_JOB, &summary, now)?.id);
            self.log(
                NewLog::new(
                    now,
                    LogLevel::Warning,
                    "stock_sync",
                    "stock run held back: it looks like a mass drop to zero",
                )
                .run(run.clone())
                .details(summary),
            );
        } else {
            // Only an answer that is applied becomes the cached stock (admin screens, imports)
            // and releases orders in flight: a held one is suspect.
            let previous = state.catalog().all_stocks()?;
            let cached = super::catalog::carry_over(&rows, previous, |r| r.item.to_string());
            state.catalog().replace_stocks(&cached)?;
            state.inflight().record(&in_flight.update, now)?;
            self.log_releases(&in_flight.released, &run, now);
            // The runs held before are settled: applied when the merchant confirmed this one,
            // superseded when a sound answer came in by itself.
            let resolution = if force {
                HeldRunResolution::Applied
            } else {
                HeldRunResolution::Superseded
            };
            for held in state.stock_ledger().pending_held()? {
                if held.job == STOCK_JOB {
                    state
                        .stock_ledger()
                        .resolve_held(held.id, resolution, now)?;
                }
            }
            self.log(
                NewLog::new(
                    now,
                    LogLevel::Info,
                    "stock_sync",
                    format!(
                        "{} stock changes planned, {} unchanged",
                        plan.writes.len(),
                        plan.unchanged
                    ),
                )
                .run(run.clone()),
            );
        }
        let mut answer = to_json(&plan)?;
        answer["run_id"] = json!(run);
        answer["held_run_id"] = json!(held_run);
        answer["listing_problems"] = to_json(&rows.problems)?;
        answer["in_flight"] = json!({
            "orders": in_flight.counting.iter().map(order_json).collect::<Vec<_>>(),
            "released": in_flight.released.iter().map(|(order, why)| {
                let mut out = order_json(order);
                out["released"] = json!(why);
                out
            }).collect::<Vec<_>>(),
        });
        answer["unknown_items"] = json!(rows.unknown.len());
        Ok(answer)
    }

    /// The web orders that may still count, where each stands, which stop counting now and
    /// what the others hold back. Reads the POS state of each order pushed (one request each:
    /// an order is asked about only until it stops counting) and, when some drop may release
    /// orders, the till's tickets since the oldest anchor.
    fn orders_in_flight(
        &self,
        catalog: &Catalog,
        rows: &[StockRow],
        read_at: i64,
    ) -> Result<InFlight> {
        let settings = self.settings.stock.in_flight;
        let state = self.state()?;
        let now = now_ms();
        let candidates = state
            .outbox()
            .stock_candidates(now.saturating_sub(settings.max_age_ms))?;
        let mut counting = Vec::new();
        let mut released = Vec::new();
        // An order without item lines (a blocked one keeps its reasons instead) holds nothing.
        let mut changed_by_shop = BTreeSet::new();
        for (row, seen) in candidates
            .iter()
            .filter(|(r, _)| !payload_lines(&r.payload).is_empty())
        {
            let order = self.in_flight_order(row, settings.moved_at);
            let why = release_of(&order, &settings, now);
            if !seen || matches!(why, Some(Release::Cancelled)) {
                changed_by_shop.extend(order.lines.iter().map(|l| l.item.clone()));
            }
            match why {
                Some(why) => released.push((order, why)),
                None => counting.push(order),
            }
        }

        let stock_now: HashMap<&ItemId, Quantity> = rows
            .iter()
            .rev()
            .map(|row| (&row.item, row.stock))
            .collect();
        let anchors: HashMap<ItemId, StockAnchor> = state
            .inflight()
            .anchors()?
            .into_iter()
            .map(|a| (a.item.clone(), a))
            .collect();
        // What orders released just now took of the drops counts already: theirs is not
        // another order's.
        let taken_now = taken_from_drops(catalog, &released);
        let evidence =
            self.drop_evidence(catalog, &counting, &anchors, &stock_now, &taken_now, now);
        let refs: Vec<&InflightOrder> = counting.iter().collect();
        let dropped = released_by_drop(catalog, &refs, &evidence);
        if !dropped.is_empty() {
            let (gone, kept): (Vec<_>, Vec<_>) = counting
                .into_iter()
                .partition(|o| dropped.contains(&o.wc_order_id));
            counting = kept;
            released.extend(gone.into_iter().map(|o| (o, Release::StockDropped)));
        }

        // Anchors: one per stock item the counting orders hold, taken from this read when new;
        // gone once no counting order holds the item.
        let held: BTreeSet<ItemId> = counting
            .iter()
            .flat_map(|o| order_quantities(catalog, o).into_keys())
            .collect();
        let mut update = InflightUpdate {
            counting: counting.iter().map(|o| o.wc_order_id).collect(),
            released: released
                .iter()
                .map(|(o, why)| (o.wc_order_id, why.as_str().to_owned()))
                .collect(),
            dropped_anchors: anchors
                .keys()
                .filter(|item| !held.contains(*item))
                .cloned()
                .collect(),
            ..InflightUpdate::default()
        };
        let mut new_anchors: BTreeMap<ItemId, StockAnchor> = held
            .iter()
            .filter(|item| !anchors.contains_key(*item))
            .filter_map(|item| {
                let stock = *stock_now.get(item)?;
                Some((
                    item.clone(),
                    StockAnchor {
                        item: item.clone(),
                        taken_at_ms: read_at,
                        stock,
                        released: Quantity::ZERO,
                    },
                ))
            })
            .collect();
        // Anchors kept remember what the orders released this run took of their drops.
        for (item, quantity) in taken_from_drops(catalog, &released) {
            if let Some(anchor) = new_anchors.get_mut(&item) {
                anchor.released = anchor.released.saturating_add(quantity);
            } else if anchors.contains_key(&item) && held.contains(&item) {
                update.anchor_releases.push((item, quantity));
            }
        }
        update.new_anchors = new_anchors.into_values().collect();
        Ok(InFlight {
            reserved: reserved_quantities(catalog, &counting),
            counting,
            released,
            update,
            changed_by_shop,
        })
    }

    /// One outbox row as the in-flight rules see it; a pushed order's POS status is asked for
    /// (none when the POS cannot say: the order then keeps counting).
    fn in_flight_order(&self, row: &OutboxRow, moved_at: StockMovedAt) -> InflightOrder {
        outbox_order(row, |id| {
            if moved_at == StockMovedAt::Push {
                return None;
            }
            self.client()
                .and_then(|client| client.order(self.store()?, id))
                .ok()
                .map(|order| order.status.as_str().to_owned())
        })
    }

    /// The units web orders in flight hold back on each stock item, as the state knows them
    /// between stock runs: the orders the last run still counted and those queued since. The
    /// POS is not asked: a pushed order counts until a run sees it absorbed, as the next run
    /// would (cancelled and expired orders no longer count). For the admin screens, where the
    /// figure explains a shop stock below the POS.
    pub(super) fn reserved_in_flight(&self) -> Result<BTreeMap<ItemId, Quantity>> {
        let settings = self.settings.stock.in_flight;
        let state = self.state()?;
        let now = now_ms();
        let counting: Vec<InflightOrder> = state
            .outbox()
            .stock_candidates(now.saturating_sub(settings.max_age_ms))?
            .iter()
            .map(|(row, _)| outbox_order(row, |_| None))
            .filter(|order| !order.lines.is_empty() && release_of(order, &settings, now).is_none())
            .collect();
        if counting.is_empty() {
            return Ok(BTreeMap::new());
        }
        let catalog = self.catalog_of_lines(&counting)?;
        Ok(reserved_quantities(&catalog, &counting))
    }

    /// The cached items the orders' lines name and, through packs, every component they reach:
    /// all a reservation needs, without loading the whole catalog for a screen.
    fn catalog_of_lines(&self, orders: &[InflightOrder]) -> Result<Catalog> {
        let cache = self.state()?.catalog();
        let mut wanted: Vec<ItemId> = orders
            .iter()
            .flat_map(|o| o.lines.iter().map(|l| l.item.clone()))
            .collect();
        let mut seen = BTreeSet::new();
        let mut items = Vec::new();
        while let Some(id) = wanted.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(item) = cache.get_item(&id)? {
                wanted.extend(item.components.iter().map(|c| c.item.clone()));
                items.push(item);
            }
        }
        Ok(Catalog::new(items))
    }

    /// For each anchored item the counting orders in the POS hold: the stock then and now, and
    /// what the till sold since. Empty when the tickets cannot be read (no drop then releases
    /// anything).
    fn drop_evidence(
        &self,
        catalog: &Catalog,
        counting: &[InflightOrder],
        anchors: &HashMap<ItemId, StockAnchor>,
        stock_now: &HashMap<&ItemId, Quantity>,
        taken_now: &BTreeMap<ItemId, Quantity>,
        now: i64,
    ) -> HashMap<ItemId, DropEvidence> {
        let items: BTreeSet<ItemId> = counting
            .iter()
            .filter(|o| matches!(o.whereabouts, Whereabouts::Pos { .. }))
            .flat_map(|o| order_quantities(catalog, o).into_keys())
            .filter(|item| anchors.contains_key(item) && stock_now.contains_key(item))
            .collect();
        let Some(since) = items.iter().map(|item| anchors[item].taken_at_ms).min() else {
            return HashMap::new();
        };
        let from = since.saturating_sub(TICKET_MARGIN_MS);
        let sales = match self
            .client()
            .and_then(|client| client.sales(self.store()?, from, now.saturating_add(1)))
            // A skipped ticket would make a till sale look like an absorbed order: only a whole
            // list of tickets may release anything.
            .and_then(|sales| sales.into_complete("reading the till's tickets"))
        {
            Ok(sales) => sales,
            Err(_) => return HashMap::new(),
        };
        items
            .into_iter()
            .map(|item| {
                let anchor = &anchors[&item];
                let mut till_sold = Quantity::ZERO;
                for sale in &sales {
                    if sale.timestamp_ms < anchor.taken_at_ms.saturating_sub(TICKET_MARGIN_MS) {
                        continue;
                    }
                    for line in &sale.lines {
                        let Some(sold) = &line.item else { continue };
                        for part in stock_items_of(catalog, sold, line.quantity) {
                            if part.item == item {
                                till_sold = till_sold.saturating_add(part.quantity);
                            }
                        }
                    }
                }
                let evidence = DropEvidence {
                    anchor_stock: anchor.stock,
                    now_stock: stock_now[&item],
                    till_sold,
                    already_released: anchor
                        .released
                        .saturating_add(taken_now.get(&item).copied().unwrap_or_default()),
                };
                (item, evidence)
            })
            .collect()
    }

    /// One log row per order that stopped counting; an expiry is a warning.
    fn log_releases(&self, released: &[(InflightOrder, Release)], run: &str, now: i64) {
        for (order, why) in released {
            let reference = &order.reference;
            let (level, message) = match why {
                Release::Absorbed { status } => (
                    LogLevel::Info,
                    format!("order {reference} is {status} in the POS: its stock no longer held back"),
                ),
                Release::StockDropped => (
                    LogLevel::Info,
                    format!("the POS stock dropped by order {reference}'s quantities: its stock no longer held back"),
                ),
                Release::Cancelled => (
                    LogLevel::Info,
                    format!("order {reference} was cancelled: its stock no longer held back"),
                ),
                Release::Expired { age_ms, .. } => (
                    LogLevel::Warning,
                    format!(
                        "order {reference} held stock back for {} without the POS saying it took \
                         it in; it no longer does: check the order in the POS",
                        duration(*age_ms)
                    ),
                ),
            };
            self.log(
                NewLog::new(now, level, "stock_sync", message)
                    .run(run.to_owned())
                    .object("order", order.wc_order_id)
                    .details(json!(why)),
            );
        }
    }

    /// Records the stock PHP wrote into WooCommerce (absolute values; reporting twice is harmless).
    pub(super) fn report_stock_applied(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Applied {
            wc_id: i64,
            quantity: Quantity,
        }
        #[derive(Deserialize)]
        struct Args {
            writes: Vec<Applied>,
        }
        let Args { writes } = parse_args("reportStockApplied", args)?;
        let batch: Vec<(i64, Quantity)> =
            writes.into_iter().map(|w| (w.wc_id, w.quantity)).collect();
        let recorded = self
            .state()?
            .stock_ledger()
            .record_applied(&batch, now_ms())?;
        Ok(json!({ "recorded": recorded }))
    }

    /// The stock runs held back and waiting for a person, and the latest ones settled.
    pub(super) fn held_stock_runs(&self) -> Result<Value> {
        let ledger = self.state()?.stock_ledger();
        Ok(json!({
            "pending": to_json(&ledger.pending_held()?)?,
            "recent": to_json(&ledger.recent_held(20)?)?,
        }))
    }

    /// A person looked at a held run and decided not to apply it.
    pub(super) fn dismiss_held_stock_run(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            id: i64,
        }
        let Args { id } = parse_args("dismissHeldStockRun", args)?;
        let run = self.state()?.stock_ledger().resolve_held(
            id,
            HeldRunResolution::Dismissed,
            now_ms(),
        )?;
        self.log(NewLog::new(
            now_ms(),
            LogLevel::Info,
            "stock_sync",
            format!("held stock run {id} dismissed"),
        ));
        to_json(&run)
    }

    /// The links whose item the stock answer can speak for: an item whose row was sent but could
    /// not be read has an unknown stock, never a missing one, so it is left alone.
    fn known_links(&self, rows: &Known<crate::model::StockRow>) -> Result<Links> {
        let links = self.state()?.links().list()?;
        Links::new(
            links
                .into_iter()
                .filter(|l| !rows.unknown.contains(l.item_id.as_str()))
                .map(|l| Link {
                    item: l.item_id,
                    wc_id: l.wc_id,
                }),
        )
    }

    /// Every current link, as the planners take them.
    pub(super) fn all_links(&self) -> Result<Links> {
        let links = self.state()?.links().list()?;
        Links::new(links.into_iter().map(|l| Link {
            item: l.item_id,
            wc_id: l.wc_id,
        }))
    }
}

/// The item lines of a queued order's payload (a blocked order has none).
/// One outbox row as the in-flight rules see it; `pos_status` tells a pushed order's status in
/// the POS (`None`: unknown, the order keeps counting).
fn outbox_order(
    row: &OutboxRow,
    pos_status: impl FnOnce(&crate::model::PosOrderId) -> Option<String>,
) -> InflightOrder {
    let whereabouts = match (row.state, &row.pos_order_id) {
        (OutboxState::Cancelled, _) => Whereabouts::Cancelled,
        (OutboxState::Pushed, Some(id)) => Whereabouts::Pos {
            status: pos_status(id),
        },
        (OutboxState::Pushed, None) => Whereabouts::Pos { status: None },
        _ => Whereabouts::Outbox,
    };
    InflightOrder {
        wc_order_id: row.wc_order_id,
        reference: row.external_reference.clone(),
        queued_at_ms: row.created_at_ms,
        whereabouts,
        lines: payload_lines(&row.payload),
    }
}

fn payload_lines(payload: &Value) -> Vec<InflightLine> {
    payload["push"]["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|line| {
            let item = ItemId::parse(line["item"].as_str()?).ok()?;
            let quantity = Quantity::from_json(&line["quantity"]).ok()?;
            Some(InflightLine { item, quantity })
        })
        .collect()
}

/// An order in flight for PHP (the admin's "reserved by web orders in flight").
fn order_json(order: &InflightOrder) -> Value {
    let (place, status) = match &order.whereabouts {
        Whereabouts::Outbox => ("outbox", None),
        Whereabouts::Pos { status } => ("pos", status.clone()),
        Whereabouts::Cancelled => ("cancelled", None),
    };
    json!({
        "wc_order_id": order.wc_order_id,
        "external_reference": order.reference,
        "queued_at_ms": order.queued_at_ms,
        "where": place,
        "pos_status": status,
        "lines": order.lines,
    })
}

/// "26 h", or "40 min" under an hour.
fn duration(ms: i64) -> String {
    if ms >= 3_600_000 {
        format!("{} h", ms / 3_600_000)
    } else {
        format!("{} min", ms / 60_000)
    }
}
