//! POS stock onto the website: the store's stock is read from the API, diffed against what was
//! last written to WooCommerce, and only the changes are planned. PHP writes them, then reports
//! back what it wrote; a crash in between only means the next run writes the same absolute
//! values again. A run that looks like a mass drop to zero is held back and kept for a person.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::api::Known;
use crate::model::Quantity;
use crate::state::{HeldRunResolution, LogLevel, NewLog};
use crate::sync::{plan_stock, Catalog, Link, Links};
use crate::Result;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

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
        let rows = self
            .client()?
            .stocks(&store)
            .map_err(|e| e.context("reading the POS stock"))?
            .into_known();
        let state = self.state()?;
        let catalog = Catalog::new(state.catalog().all_items()?);
        let links = self.known_links(&rows)?;
        let applied: HashMap<i64, Quantity> = state
            .stock_ledger()
            .all_applied()?
            .into_iter()
            .map(|a| (a.wc_id, a.quantity))
            .collect();
        let mut settings = self.settings.stock.clone();
        settings.force = force;
        // An unreadable row without an id could be any item's: none may be zeroed as missing.
        settings.zero_missing &= !rows.unknown_any;
        let plan = plan_stock(&catalog, &links, &rows.items, &applied, &settings);
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
            // Only an answer that is applied becomes the cached stock (admin screens, imports):
            // a held one is suspect.
            let previous = state.catalog().all_stocks()?;
            let cached = super::catalog::carry_over(&rows, previous, |r| r.item.to_string());
            state.catalog().replace_stocks(&cached)?;
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
        answer["unknown_items"] = json!(rows.unknown.len());
        Ok(answer)
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
