//! The stock ledger: what stock quantity was last written to each WooCommerce product, so the
//! stock planner only plans what changed, and the stock runs that were held back.
//!
//! Quantities are absolute, so recording the same batch twice is harmless: after a crash
//! between "WooCommerce updated" and "ledger updated", the next run simply writes those
//! products again. A held run is a stock run the planner refused to apply (a sudden mass drop
//! to zero, typically an empty or truncated API answer); its summary is kept for the admin to
//! see and to apply or dismiss. Holding a new run of a job supersedes the job's older held runs.

use super::activity::bump;
use super::db::{check_name, json_value, Fail, Work};
use super::State;
use crate::error::{Error, ErrorKind, Result};
use crate::model::activity::Counter;
use crate::model::Quantity;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// The stock last written to one WooCommerce product or variation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedStock {
    pub wc_id: i64,
    pub quantity: Quantity,
    pub applied_at_ms: i64,
}

impl AppliedStock {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<AppliedStock> {
        Ok(AppliedStock {
            wc_id: row.get(0)?,
            quantity: Quantity::from_thousandths(row.get(1)?),
            applied_at_ms: row.get(2)?,
        })
    }
}

/// What became of a held run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeldRunResolution {
    /// A person confirmed it and it was applied.
    Applied,
    /// A person dismissed it.
    Dismissed,
    /// A newer run of the same job was held after it.
    Superseded,
}

impl HeldRunResolution {
    fn as_str(self) -> &'static str {
        match self {
            HeldRunResolution::Applied => "applied",
            HeldRunResolution::Dismissed => "dismissed",
            HeldRunResolution::Superseded => "superseded",
        }
    }

    fn parse(raw: &str) -> std::result::Result<Self, String> {
        Ok(match raw {
            "applied" => HeldRunResolution::Applied,
            "dismissed" => HeldRunResolution::Dismissed,
            "superseded" => HeldRunResolution::Superseded,
            other => return Err(format!("unknown resolution {other:?}")),
        })
    }
}

/// A stock run held back, with the planner's summary (counts, sample of products, reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldRun {
    pub id: i64,
    pub job: String,
    pub held_at_ms: i64,
    pub summary: serde_json::Value,
    pub resolved_at_ms: Option<i64>,
    pub resolution: Option<HeldRunResolution>,
}

impl HeldRun {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<HeldRun> {
        Ok(HeldRun {
            id: row.get(0)?,
            job: row.get(1)?,
            held_at_ms: row.get(2)?,
            summary: json_value(row.get(3)?).unwrap_or(serde_json::Value::Null),
            resolved_at_ms: row.get(4)?,
            resolution: match row.get::<_, Option<String>>(5)? {
                Some(raw) => Some(super::db::parse_stored(5, raw, HeldRunResolution::parse)?),
                None => None,
            },
        })
    }
}

const HELD_COLUMNS: &str = "id, job, held_at, summary, resolved_at, resolution";

fn held_by_id(conn: &Connection, id: i64) -> Work<Option<HeldRun>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {HELD_COLUMNS} FROM held_runs WHERE id = ?1"
        ))?
        .query_row([id], HeldRun::from_row)
        .optional()?)
}

/// The stock ledger of the state file.
pub struct StockLedger<'a> {
    state: &'a State,
}

impl<'a> StockLedger<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        StockLedger { state }
    }

    /// Records that each `(wc_id, quantity)` was written to WooCommerce at `now_ms`. Absolute
    /// values: recording a batch again changes only the times. Each write counts in the
    /// activity's `stock_writes`. How many rows were written.
    pub fn record_applied(&self, batch: &[(i64, Quantity)], now_ms: i64) -> Result<usize> {
        self.state.db.write("recording applied stock", |tx| {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO stock_applied (wc_id, quantity, applied_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (wc_id) DO UPDATE SET
                     quantity = excluded.quantity, applied_at = excluded.applied_at",
            )?;
            for (wc_id, quantity) in batch {
                upsert.execute(params![wc_id, quantity.thousandths(), now_ms])?;
            }
            bump(tx, Counter::StockWrites, now_ms, batch.len() as u64)?;
            Ok(batch.len())
        })
    }

    /// The stock last written to one product.
    pub fn applied(&self, wc_id: i64) -> Result<Option<AppliedStock>> {
        self.state.db.read("reading applied stock", |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT wc_id, quantity, applied_at FROM stock_applied WHERE wc_id = ?1",
                )?
                .query_row([wc_id], AppliedStock::from_row)
                .optional()?)
        })
    }

    /// The stock last written to every product, by id (the stock planner's snapshot).
    pub fn all_applied(&self) -> Result<Vec<AppliedStock>> {
        self.state.db.read("reading applied stock", |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT wc_id, quantity, applied_at FROM stock_applied ORDER BY wc_id",
            )?;
            let rows = stmt.query_map([], AppliedStock::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Forgets products (deleted or unlinked in the shop), so their next stock is written anew.
    pub fn forget(&self, wc_ids: &[i64]) -> Result<usize> {
        self.state.db.write("forgetting applied stock", |tx| {
            let mut delete = tx.prepare_cached("DELETE FROM stock_applied WHERE wc_id = ?1")?;
            let mut n = 0;
            for wc_id in wc_ids {
                n += delete.execute([wc_id])?;
            }
            Ok(n)
        })
    }

    /// Keeps a held-back run of `job` with the planner's summary; older unresolved held runs of
    /// the same job become superseded.
    pub fn hold(&self, job: &str, summary: &serde_json::Value, now_ms: i64) -> Result<HeldRun> {
        check_name("a job name", job)?;
        self.state.db.write("holding a stock run", |tx| {
            tx.prepare_cached(
                "UPDATE held_runs SET resolved_at = ?2, resolution = 'superseded'
                 WHERE job = ?1 AND resolved_at IS NULL",
            )?
            .execute(params![job, now_ms])?;
            tx.prepare_cached("INSERT INTO held_runs (job, held_at, summary) VALUES (?1, ?2, ?3)")?
                .execute(params![job, now_ms, summary.to_string()])?;
            let id = tx.last_insert_rowid();
            held_by_id(tx, id)?.ok_or_else(|| Fail::Core(Error::internal("held run vanished")))
        })
    }

    /// Marks a held run applied or dismissed. Resolving it again the same way changes nothing;
    /// a different resolution of an already resolved run is a conflict.
    pub fn resolve_held(
        &self,
        id: i64,
        resolution: HeldRunResolution,
        now_ms: i64,
    ) -> Result<HeldRun> {
        self.state.db.write("resolving a held stock run", |tx| {
            let run = held_by_id(tx, id)?.ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("no held stock run numbered {id}"),
                )
            })?;
            match run.resolution {
                Some(done) if done == resolution => return Ok(run),
                Some(done) => {
                    return Err(Fail::Core(Error::new(
                        ErrorKind::Conflict,
                        format!("held stock run {id} was already {}", done.as_str()),
                    )))
                }
                None => {}
            }
            tx.prepare_cached(
                "UPDATE held_runs SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
            )?
            .execute(params![id, now_ms, resolution.as_str()])?;
            held_by_id(tx, id)?.ok_or_else(|| Fail::Core(Error::internal("held run vanished")))
        })
    }

    /// Held runs nobody resolved yet, newest first.
    pub fn pending_held(&self) -> Result<Vec<HeldRun>> {
        self.held("WHERE resolved_at IS NULL", -1)
    }

    /// The latest held runs, resolved or not, newest first.
    pub fn recent_held(&self, limit: u32) -> Result<Vec<HeldRun>> {
        self.held("", limit.into())
    }

    fn held(&self, filter: &str, limit: i64) -> Result<Vec<HeldRun>> {
        self.state.db.read("listing held stock runs", |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {HELD_COLUMNS} FROM held_runs {filter} ORDER BY id DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], HeldRun::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
