//! The Shopcaisse catalog as the admin tabs see it: refreshed from the API into the state's
//! cache, then searched, filtered and paged locally (never an API call per screen).

use super::context::{now_ms, parse_args, php_map, to_json};
use super::Engine;
use crate::api::{Known, Problem};
use crate::model::{ItemId, ItemKind, Price, PriceListId, Quantity, StockRow};
use crate::state::{CatalogQuery, CatalogRow, LogLevel, NewLog};
use crate::sync::{available_for_shop, shrink_hold, StockSettings};
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

/// How many listing problems a refresh summary carries (all are logged).
const PROBLEMS_SHOWN: usize = 50;

impl Engine {
    /// Reads the chosen company's catalog, the chosen price list and the store's stock from the
    /// API and replaces the cache with them, each part on its own:
    ///
    /// - a listing that fails midway (an error, a page that lost its envelope) replaces nothing:
    ///   an incomplete catalog must never look like deleted items; for the catalog the refresh
    ///   fails, for prices and stock the part is held and reported;
    /// - a row that could not be read is "unknown", never "missing": the cache keeps what it had
    ///   for that id (and for every id, when the unreadable row has no readable id);
    /// - an answer that came back empty, or shrank past the mass-drop thresholds
    ///   (`max_drop_percent`, `min_drop_count`), is held like a stock run: reported, and
    ///   applied only when forced.
    pub(super) fn refresh_catalog(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            /// Replace the cache with an answer the guard held back: the merchant confirmed it.
            #[serde(default)]
            force: bool,
        }
        let Args { force } = parse_args("refreshCatalog", args)?;
        let started = Instant::now();
        let run = self.run_id("catalog");
        let client = self.client()?;
        let company = self.company()?.clone();
        let state = self.state()?;
        let cache = state.catalog();
        let guard = &self.settings.stock;

        let items = client
            .items(&company)
            .map_err(|e| e.context("refreshing the catalog"))?
            .into_known();
        let mut problems: Vec<Problem> = items.problems.clone();
        let cached_items = cache.count()? as usize;
        let items_held = (!force)
            .then(|| shrink_hold(cached_items, answered(&items), guard))
            .flatten()
            .map(|hold| json!(hold));

        let (prices, prices_held) = match &self.settings.price_list {
            None => (Vec::new(), None),
            Some(list) => {
                let previous = self.cached_prices(list)?;
                match client.prices(&company, list) {
                    Err(error) => (previous, Some(unreadable(&error))),
                    Ok(listing) => {
                        let known = listing.into_known();
                        problems.extend(known.problems.iter().cloned());
                        guarded(&known, previous, force, guard, |p: &Price| {
                            p.item.as_str().to_owned()
                        })
                    }
                }
            }
        };

        let mut stock_held = None;
        let mut stock_rows = None;
        if let Some(store) = &self.settings.store {
            let previous = cache.all_stocks()?;
            let (rows, held) = match client.stocks(store) {
                Err(error) => (previous, Some(unreadable(&error))),
                Ok(listing) => {
                    let known = listing.into_known();
                    problems.extend(known.problems.iter().cloned());
                    guarded(&known, previous, force, guard, |r: &StockRow| {
                        r.item.as_str().to_owned()
                    })
                }
            };
            match held {
                None => stock_rows = Some(cache.replace_stocks(&rows)?),
                Some(held) => stock_held = Some(held),
            }
        }

        let catalog_items = match &items_held {
            Some(_) => None,
            None => {
                let previous = if items.unknown_any || !items.unknown.is_empty() {
                    cache.all_items()?
                } else {
                    Vec::new()
                };
                let id = |i: &crate::model::Item| i.id.as_str().to_owned();
                Some(carry_over(&items, previous, id))
            }
        };
        let stored = match &catalog_items {
            Some(all) => cache.replace_catalog(all, &prices)?,
            None => cache.count()? as usize,
        };

        for problem in &problems {
            self.log(
                NewLog::new(
                    now_ms(),
                    LogLevel::Warning,
                    "catalog_refresh",
                    problem.to_string(),
                )
                .run(run.clone()),
            );
        }
        for (part, held) in [
            ("catalog", &items_held),
            ("prices", &prices_held),
            ("stock", &stock_held),
        ] {
            if let Some(held) = held {
                self.log(
                    NewLog::new(
                        now_ms(),
                        LogLevel::Warning,
                        "catalog_refresh",
                        format!(
                            "the {part} answer was held back; the cache keeps the previous {part}"
                        ),
                    )
                    .run(run.clone())
                    .details(held.clone()),
                );
            }
        }
        let listed = &items.items;
        let count =
            |f: &dyn Fn(&crate::model::Item) -> bool| listed.iter().filter(|i| f(i)).count();
        let summary = json!({
            "run_id": run,
            "items": stored,
            "with_declinations": count(&|i| i.has_declinations()),
            "declinations": count(&|i| i.kind == ItemKind::Variation),
            "packs": count(&|i| i.kind == ItemKind::Pack),
            "weighed": count(&|i| i.is_weighed()),
            "unsupported": count(&|i| matches!(i.kind, ItemKind::Unsupported(_))),
            "prices_from_list": prices.len(),
            "stock_rows": stock_rows,
            "items_held": items_held,
            "prices_held": prices_held,
            "stock_held": stock_held,
            "unknown_items": items.unknown.len(),
            "problems": problems.iter().take(PROBLEMS_SHOWN).collect::<Vec<_>>(),
            "problem_count": problems.len(),
            "took_ms": started.elapsed().as_millis() as u64,
        });
        self.log(
            NewLog::new(
                now_ms(),
                LogLevel::Info,
                "catalog_refresh",
                format!(
                    "catalog refreshed: {stored} items, {} problems",
                    problems.len()
                ),
            )
            .run(run),
        );
        Ok(summary)
    }

    /// The cached price of every priced item, as rows of `list`.
    pub(super) fn cached_prices(&self, list: &PriceListId) -> Result<Vec<Price>> {
        Ok(self
            .state()?
            .catalog()
            .prices()?
            .into_iter()
            .map(|(item, price)| Price {
                price_list: list.clone(),
                item,
                price,
            })
            .collect())
    }

    /// One page of the cached catalog for the "Produits Shopcaisse" tab.
    pub(super) fn search_catalog(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            #[serde(default, deserialize_with = "php_map")]
            query: CatalogQuery,
        }
        let Args { query } = parse_args("searchCatalog", args)?;
        let page = self.state()?.catalog().search(&query)?;
        let reserved = if page.rows.iter().any(|row| row.stock.is_some()) {
            self.reserved_in_flight()?
        } else {
            BTreeMap::new()
        };
        let subtract = self.settings.stock.subtract_reserved;
        let rows: Vec<CatalogRowView> = page
            .rows
            .into_iter()
            .map(|row| CatalogRowView::new(row, &reserved, subtract))
            .collect();
        Ok(json!({ "rows": to_json(&rows)?, "total": page.total }))
    }

    /// One cached item, whole (declinations, components, attributes).
    pub(super) fn catalog_item(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            item_id: crate::model::ItemId,
        }
        let Args { item_id } = parse_args("catalogItem", args)?;
        let catalog = self.state()?.catalog();
        let item = catalog.get_item(&item_id)?.ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("item {item_id} is not in the catalog cache"),
            )
        })?;
        Ok(json!({ "item": item, "row": catalog.row(&item_id)? }))
    }
}

/// A catalog row as the admin tabs show it: the cached facts, plus what web orders in flight
/// hold back of its stock and the whole units the stock job writes to WooCommerce for it, so
/// a screen never recomputes the stock rule. Packs and parents of declinations have no
/// `shop_units`: theirs is made up from other items.
#[derive(Serialize)]
struct CatalogRowView {
    #[serde(flatten)]
    row: CatalogRow,
    reserved_in_flight: Quantity,
    shop_units: Option<i64>,
}

impl CatalogRowView {
    fn new(row: CatalogRow, reserved: &BTreeMap<ItemId, Quantity>, subtract: bool) -> Self {
        let reserved_in_flight = reserved.get(&row.id).copied().unwrap_or_default();
        let shop_units = row
            .stock
            .as_ref()
            .filter(|_| row.kind != ItemKind::Pack && !row.has_declinations)
            .map(|stock| {
                available_for_shop(
                    stock.stock,
                    stock.reserved_for_customers,
                    reserved_in_flight,
                    subtract,
                )
                .whole_floor()
            });
        CatalogRowView {
            row,
            reserved_in_flight,
            shop_units,
        }
    }
}

/// The rows of a partial answer, plus what the cache had for the ids the answer could not read:
/// those are unknown, not gone. When an unreadable row had no readable id, everything the cache
/// had and the answer lacks is kept.
pub(super) fn carry_over<T>(known: &Known<T>, previous: Vec<T>, id: impl Fn(&T) -> String) -> Vec<T>
where
    T: Clone,
{
    let mut rows = known.items.clone();
    if known.unknown_any || !known.unknown.is_empty() {
        let answered: HashSet<String> = rows.iter().map(&id).collect();
        rows.extend(previous.into_iter().filter(|row| {
            let key = id(row);
            !answered.contains(&key) && known.is_unknown(&key)
        }));
    }
    rows
}

/// The rows that replace `previous` (see [`carry_over`]), unless the answer is suspicious (empty,
/// or shrunk past the mass-drop thresholds) and the refresh is not forced: then `previous` stays,
/// with the reason it was held.
fn guarded<T: Clone>(
    known: &Known<T>,
    previous: Vec<T>,
    force: bool,
    guard: &StockSettings,
    id: impl Fn(&T) -> String,
) -> (Vec<T>, Option<Value>) {
    let hold = (!force)
        .then(|| shrink_hold(previous.len(), answered(known), guard))
        .flatten();
    match hold {
        Some(hold) => (previous, Some(json!(hold))),
        None => (carry_over(known, previous, id), None),
    }
}

/// Rows an answer speaks for: those read, and those sent but unreadable (kept from the cache).
fn answered<T>(known: &Known<T>) -> usize {
    known.items.len() + known.unknown.len()
}

/// A part of the refresh whose answer could not be read at all.
fn unreadable(error: &Error) -> Value {
    json!({"reason": "unreadable_answer", "error": error.to_json()})
}
