//! The Shopcaisse catalog as the admin tabs see it: refreshed from the API into the state's
//! cache, then searched, filtered and paged locally (never an API call per screen).

use super::context::{now_ms, parse_args, php_map, to_json};
use super::Engine;
use crate::model::{ItemKind, Price};
use crate::state::{CatalogQuery, LogLevel, NewLog};
use crate::{Error, ErrorKind, Result};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Instant;

/// How many listing problems a refresh summary carries (all are logged).
const PROBLEMS_SHOWN: usize = 50;

impl Engine {
    /// Reads the chosen company's catalog, the chosen price list and the store's stock from the
    /// API and replaces the cache with them. A listing that fails midway replaces nothing: an
    /// incomplete catalog must never look like deleted items.
    pub(super) fn refresh_catalog(&self) -> Result<Value> {
        let started = Instant::now();
        let run = self.run_id("catalog");
        let client = self.client()?;
        let company = self.company()?.clone();
        let items = client
            .items(&company)
            .map_err(|e| e.context("refreshing the catalog"))?;
        let prices: Vec<Price> = match &self.settings.price_list {
            Some(list) => client.prices(&company, list)?.items,
            None => Vec::new(),
        };
        let stocks = match &self.settings.store {
            Some(store) => Some(client.stocks(store)?),
            None => None,
        };
        let state = self.state()?;
        let stored = state.catalog().replace_catalog(&items.items, &prices)?;
        let stock_rows = match &stocks {
            Some(listing) => Some(state.catalog().replace_stocks(&listing.items)?),
            None => None,
        };
        for problem in items
            .problems
            .iter()
            .chain(stocks.iter().flat_map(|s| s.problems.iter()))
        {
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
        let count =
            |f: &dyn Fn(&crate::model::Item) -> bool| items.items.iter().filter(|i| f(i)).count();
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
            "problems": items.problems.iter().take(PROBLEMS_SHOWN).collect::<Vec<_>>(),
            "problem_count": items.problems.len(),
            "took_ms": started.elapsed().as_millis() as u64,
        });
        self.log(
            NewLog::new(
                now_ms(),
                LogLevel::Info,
                "catalog_refresh",
                format!(
                    "catalog refreshed: {stored} items, {} problems",
                    items.problems.len()
                ),
            )
            .run(run),
        );
        Ok(summary)
    }

    /// One page of the cached catalog for the "Produits Shopcaisse" tab.
    pub(super) fn search_catalog(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            #[serde(default, deserialize_with = "php_map")]
            query: CatalogQuery,
        }
        let Args { query } = parse_args("searchCatalog", args)?;
        to_json(&self.state()?.catalog().search(&query)?)
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
