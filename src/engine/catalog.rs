//! The Shopcaisse catalog as the admin tabs see it: refreshed from the API into the state's
//! cache, then searched, filtered and paged locally (never an API call per screen).

use super::context::{now_ms, parse_args, php_map, to_json};
use super::Engine;
use crate::api::{CatalogListing, Client, Flow, Known, Listing, Problem, Resume};
use crate::model::{CompanyId, Item, ItemId, ItemKind, Price, PriceListId, Quantity, StockRow};
use crate::state::{
    CatalogQuery, CatalogRow, LogLevel, NewLog, StagedPage, StagedWalk, WalkPosition,
};
use crate::sync::{available_for_shop, shrink_hold, StockSettings};
use crate::{Error, ErrorKind, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// How many listing problems a refresh summary carries (all are logged).
const PROBLEMS_SHOWN: usize = 50;

/// A staged walk older than this is dropped and read again: its first pages would be too old
/// beside its last.
pub(super) const STAGED_WALK_MAX_AGE_MS: i64 = 3_600_000;

/// The listings a refresh in steps reads, in order, and the end of the walk.
const ITEMS: &str = "items";
const PRICES: &str = "prices";
const STOCK: &str = "stock";
const DONE: &str = "done";

/// What a refresh read: the catalog, and the chosen price list's prices when the settings choose
/// one, read or unreadable (why, as the summary says it). The store's stock comes apart: it may
/// still be on its way while the catalog is written.
struct Answers {
    items: Listing<Item>,
    prices: Option<(PriceListId, PartAnswer<Price>)>,
}

/// A price or stock listing as read, or why it could not be read.
type PartAnswer<T> = std::result::Result<Listing<T>, Value>;

/// One call of a refresh in steps: its deadline, and the pages it read.
struct Step {
    deadline: Instant,
    pages: u32,
}

/// Whether a staged walk may be resumed now by a refresh of `settings`; why not otherwise.
fn resumable(
    staged: &StagedWalk,
    settings: &str,
    now_ms: i64,
) -> std::result::Result<(), &'static str> {
    if staged.settings != settings {
        return Err("the settings changed");
    }
    let age = now_ms - staged.started_at_ms;
    if !(0..=STAGED_WALK_MAX_AGE_MS).contains(&age) {
        return Err("it was started more than an hour ago");
    }
    if ![ITEMS, PRICES, STOCK, DONE].contains(&staged.position.part.as_str()) {
        return Err("its position is unknown");
    }
    Ok(())
}

fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("staging a page: {e}")))
}

fn json_parse<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorKind::State,
            format!("a staged catalog page cannot be read back ({e}); refresh the catalog"),
        )
    })
}

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
    ///
    /// With `budget_ms`, the listings are read in steps (see [`Engine::refresh_in_steps`]): a
    /// call that runs out of time answers `complete: false` and the next call resumes.
    pub(super) fn refresh_catalog(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            /// Replace the cache with an answer the guard held back: the merchant confirmed it.
            #[serde(default)]
            force: bool,
            /// Read for about this long, then stop after a whole page and resume on the next call.
            #[serde(default)]
            budget_ms: Option<i64>,
        }
        let Args { force, budget_ms } = parse_args("refreshCatalog", args)?;
        let started = Instant::now();
        let run = self.run_id("catalog");
        if let Some(budget_ms) = budget_ms {
            let budget_ms = u64::try_from(budget_ms).map_err(|_| {
                Error::invalid_input(format!(
                    "refreshCatalog: budget_ms must be 0 or more milliseconds, not {budget_ms}"
                ))
            })?;
            let budget = Duration::from_millis(budget_ms);
            return self.refresh_in_steps(&run, started, force, budget);
        }
        let client = self.client()?;
        let company = self.company()?.clone();
        let items = client
            .items(&company)
            .map_err(|e| e.context("refreshing the catalog"))?;
        let prices = self.settings.price_list.as_ref().map(|list| {
            let answer = client.prices(&company, list).map_err(|e| unreadable(&e));
            (list.clone(), answer)
        });
        // The store's stock is read while the catalog is written (the two are independent):
        // on a thread of its own for that while, so the network wait and the writes overlap.
        let summary = std::thread::scope(|scope| {
            let stock_read = self.settings.store.as_ref().map(|store| {
                let dispatch = tracing::dispatcher::get_default(Clone::clone);
                scope.spawn(move || {
                    tracing::dispatcher::with_default(&dispatch, || {
                        client.stocks(store).map_err(|e| unreadable(&e))
                    })
                })
            });
            let stocks = || {
                stock_read.map(|read| read.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            };
            self.apply_refresh(&run, started, force, Answers { items, prices }, stocks)
        })?;
        // What a refresh in steps staged is older than this.
        self.state()?.catalog_walk().clear()?;
        Ok(summary)
    }

    /// The refresh with a time budget. The item, price and stock listings are read page by page
    /// into a staging area of the state (never the cache), and the walk stops after the first
    /// whole page read past the budget (one page at least per call, so every call moves it on),
    /// answering `complete: false` with where it stands. The next call resumes there, the
    /// engine keeping the position itself. Once every listing is read, the staged answers go
    /// through the same guards as a refresh in one go and replace the cache in one swap; when
    /// the last page came after the budget, that is left to the next call.
    ///
    /// A staged walk started with other settings (API, company, price list, store) or older than
    /// [`STAGED_WALK_MAX_AGE_MS`] is dropped and the walk starts again. A catalog page that
    /// fails fails the call and stays to be read again by the next one; a price or stock
    /// listing that cannot be read is held as unreadable, as in one go.
    fn refresh_in_steps(
        &self,
        run: &str,
        started: Instant,
        force: bool,
        budget: Duration,
    ) -> Result<Value> {
        let deadline = started + budget;
        let client = self.client()?;
        let company = self.company()?.clone();
        let walk = self.state()?.catalog_walk();
        let settings = self.walk_settings(&company);
        let now = now_ms();
        let resumed = walk
            .current()?
            .map(|staged| resumable(&staged, &settings, now).map(|()| staged.position));
        if let Some(Err(why)) = resumed {
            self.log(
                NewLog::new(
                    now,
                    LogLevel::Info,
                    "catalog_refresh",
                    format!("the catalog read so far was dropped ({why}); reading again"),
                )
                .run(run.to_owned()),
            );
        }
        let mut position = match resumed {
            Some(Ok(position)) => position,
            _ => {
                let start = WalkPosition::start_of(ITEMS);
                walk.start(&settings, now, &start)?;
                start
            }
        };
        let mut step = Step { deadline, pages: 0 };
        while position.part != DONE {
            if step.pages > 0 && Instant::now() >= deadline {
                return self.refresh_incomplete(run, started, &step);
            }
            let from = position.page;
            position = match position.part.as_str() {
                ITEMS => self
                    .walk_part::<Item>(client, ITEMS, &company, from, PRICES, &mut step)
                    .map_err(|e| e.context("refreshing the catalog"))?,
                PRICES => match &self.settings.price_list {
                    None => WalkPosition::start_of(STOCK),
                    Some(list) => {
                        let of = (company.clone(), list.clone());
                        let read =
                            self.walk_part::<Price>(client, PRICES, &of, from, STOCK, &mut step);
                        self.part_read(read, PRICES, STOCK)?
                    }
                },
                _ => match &self.settings.store {
                    None => WalkPosition::start_of(DONE),
                    Some(store) => {
                        let read =
                            self.walk_part::<StockRow>(client, STOCK, store, from, DONE, &mut step);
                        self.part_read(read, STOCK, DONE)?
                    }
                },
            };
        }
        if step.pages > 0 && Instant::now() >= deadline {
            return self.refresh_incomplete(run, started, &step);
        }
        let failures = walk.current()?.map(|w| w.failures).unwrap_or_default();
        let answers = Answers {
            items: self.staged_listing(ITEMS)?,
            prices: match &self.settings.price_list {
                None => None,
                Some(list) => Some((list.clone(), self.staged_answer(&failures, PRICES)?)),
            },
        };
        let stocks = match &self.settings.store {
            None => None,
            Some(_) => Some(self.staged_answer(&failures, STOCK)?),
        };
        let mut summary = self.apply_refresh(run, started, force, answers, || stocks)?;
        walk.clear()?;
        summary["pages_read"] = json!(step.pages);
        Ok(summary)
    }

    /// What a staged walk is of: it is resumed only with the same API, company, price list and
    /// store.
    fn walk_settings(&self, company: &CompanyId) -> String {
        json!({
            "base_url": self.settings.base_url,
            "company": company,
            "price_list": self.settings.price_list,
            "store": self.settings.store,
        })
        .to_string()
    }

    /// Reads listing `part` from `from` into the staging area until the listing ends (then the
    /// walk moves on to `next_part`) or the budget runs out; where the walk stands after it.
    fn walk_part<T>(
        &self,
        client: &Client,
        part: &str,
        of: &T::Of,
        from: Option<(u32, u32)>,
        next_part: &str,
        step: &mut Step,
    ) -> Result<WalkPosition>
    where
        T: CatalogListing + Serialize,
    {
        let walk = self.state()?.catalog_walk();
        let mut seen = walk.keys(part)?;
        let from = from.map(|(page, size)| Resume { page, size });
        let mut reached = WalkPosition {
            part: part.to_owned(),
            page: from.map(|r| (r.page, r.size)),
        };
        client.walk_catalog::<T>(of, from, &mut seen, |page, next| {
            let then = match next {
                Some(r) => WalkPosition {
                    part: part.to_owned(),
                    page: Some((r.page, r.size)),
                },
                None => WalkPosition::start_of(next_part),
            };
            let keys: Vec<&str> = page.items.iter().map(T::key).collect();
            let staged = StagedPage {
                rows: json_text(&page.items)?,
                problems: json_text(&page.problems)?,
            };
            walk.stage(part, &keys, &staged, &then)?;
            reached = then;
            step.pages += 1;
            Ok(if Instant::now() >= step.deadline {
                Flow::Stop
            } else {
                Flow::Next
            })
        })?;
        Ok(reached)
    }

    /// After reading a price or stock listing: where the walk goes on, the listing recorded
    /// as unreadable when it failed (it is then held, as in a refresh in one go).
    fn part_read(
        &self,
        read: Result<WalkPosition>,
        part: &str,
        next_part: &str,
    ) -> Result<WalkPosition> {
        match read {
            Ok(position) => Ok(position),
            // The state file failing is not the listing's fault: the call fails, the walk stays.
            Err(error) if matches!(error.kind(), ErrorKind::State | ErrorKind::Busy) => Err(error),
            Err(error) => {
                let then = WalkPosition::start_of(next_part);
                self.state()?
                    .catalog_walk()
                    .fail(part, &unreadable(&error), &then)?;
                Ok(then)
            }
        }
    }

    /// The staged pages of listing `part`, as one listing.
    fn staged_listing<T: DeserializeOwned>(&self, part: &str) -> Result<Listing<T>> {
        let (mut rows, mut problems) = (Vec::new(), Vec::new());
        self.state()?.catalog_walk().pages(part, |page| {
            rows.extend(json_parse::<Vec<T>>(&page.rows)?);
            problems.extend(json_parse::<Vec<Problem>>(&page.problems)?);
            Ok(())
        })?;
        Ok(Listing::new(rows, problems))
    }

    /// A staged price or stock listing, or why it could not be read (`failures`, by part).
    fn staged_answer<T: DeserializeOwned>(
        &self,
        failures: &serde_json::Map<String, Value>,
        part: &str,
    ) -> Result<PartAnswer<T>> {
        match failures.get(part) {
            Some(reason) => Ok(Err(reason.clone())),
            None => self.staged_listing(part).map(Ok),
        }
    }

    /// The answer of a call that ran out of time before the walk's end.
    fn refresh_incomplete(&self, run: &str, started: Instant, step: &Step) -> Result<Value> {
        let staged = self.state()?.catalog_walk().current()?;
        let walk = staged.map(|w| {
            json!({
                "part": w.position.part,
                "next_page": w.position.page.map(|p| p.0),
                "pages": w.pages,
                "rows": w.rows,
                "started_at_ms": w.started_at_ms,
            })
        });
        Ok(json!({
            "complete": false,
            "run_id": run,
            "walk": walk,
            "pages_read": step.pages,
            "took_ms": started.elapsed().as_millis() as u64,
        }))
    }

    /// Guards the answers of a refresh and replaces the cache with them (see
    /// [`Engine::refresh_catalog`]); the summary.
    fn apply_refresh(
        &self,
        run: &str,
        started: Instant,
        force: bool,
        answers: Answers,
        stocks: impl FnOnce() -> Option<PartAnswer<StockRow>>,
    ) -> Result<Value> {
        let run = run.to_owned();
        let state = self.state()?;
        let cache = state.catalog();
        let guard = &self.settings.stock;

        let items = answers.items.into_known();
        let mut problems: Vec<Problem> = items.problems.clone();
        let cached_items = cache.count()? as usize;
        let items_held = (!force)
            .then(|| shrink_hold(cached_items, answered(&items), guard))
            .flatten()
            .map(|hold| json!(hold));

        let (prices, prices_held) = match answers.prices {
            None => (Vec::new(), None),
            Some((list, answer)) => {
                let previous = self.cached_prices(&list)?;
                guarded_part(
                    answer,
                    previous,
                    force,
                    guard,
                    &mut problems,
                    |p: &Price| p.item.as_str().to_owned(),
                )
            }
        };

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

        let mut stock_held = None;
        let mut stock_rows = None;
        if let Some(answer) = stocks() {
            let previous = cache.all_stocks()?;
            let (rows, held) = guarded_part(
                answer,
                previous,
                force,
                guard,
                &mut problems,
                |r: &StockRow| r.item.as_str().to_owned(),
            );
            match held {
                None => stock_rows = Some(cache.replace_stocks(&rows)?),
                Some(held) => stock_held = Some(held),
            }
        }

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
            "complete": true,
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

/// A price or stock answer through the mass-drop guard: the rows to keep, and why the answer
/// was held when it was (then, or when it could not be read, the previous rows stay). Its
/// problems join the refresh's.
fn guarded_part<T: Clone>(
    answer: PartAnswer<T>,
    previous: Vec<T>,
    force: bool,
    guard: &StockSettings,
    problems: &mut Vec<Problem>,
    id: impl Fn(&T) -> String,
) -> (Vec<T>, Option<Value>) {
    let known = match answer {
        Err(reason) => return (previous, Some(reason)),
        Ok(listing) => listing.into_known(),
    };
    problems.extend(known.problems.iter().cloned());
    let hold = (!force)
        .then(|| shrink_hold(previous.len(), answered(&known), guard))
        .flatten();
    match hold {
        Some(hold) => (previous, Some(json!(hold))),
        None => (carry_over(&known, previous, id), None),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(settings: &str, started_at_ms: i64, part: &str) -> StagedWalk {
        StagedWalk {
            settings: settings.into(),
            started_at_ms,
            position: WalkPosition::start_of(part),
            failures: Default::default(),
            pages: 3,
            rows: 300,
        }
    }

    #[test]
    fn a_staged_walk_resumes_only_with_its_settings_within_the_hour() {
        let hour = STAGED_WALK_MAX_AGE_MS;
        let now = 10 * hour;
        assert_eq!(
            resumable(&staged("a", now - hour, PRICES), "a", now),
            Ok(())
        );
        assert_eq!(resumable(&staged("a", now, DONE), "a", now), Ok(()));
        assert!(resumable(&staged("a", now - hour - 1, ITEMS), "a", now).is_err());
        assert!(resumable(&staged("b", now, ITEMS), "a", now).is_err());
        // A clock set back: the walk's age is unknown.
        assert!(resumable(&staged("a", now + 1, ITEMS), "a", now).is_err());
        assert!(resumable(&staged("a", now, "elsewhere"), "a", now).is_err());
    }
}
