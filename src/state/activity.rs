//! What the sync did, counted per quarter hour: the history the dashboard charts.
//!
//! One row per quarter-hour bucket of UTC time ([`crate::model::activity`]) in which something
//! happened, with the six counters as columns. The counters are bumped by the state modules
//! that record the events, inside the transaction that records them, so a figure never counts
//! an event the state does not hold (or misses one it does):
//!
//! - `stock_writes`: each product stock PHP reports written (`StockLedger::record_applied`);
//!   a batch reported twice after a crash counts twice, since WooCommerce was written twice.
//! - `imported`: each link made by an import, variations included (`Links::link_many` with
//!   [`LinkMethod::Imported`](super::LinkMethod::Imported)).
//! - `linked`: each other link made: matched, chosen by hand, forced or restored.
//! - `orders_pushed`: each order that becomes `pushed` (`Outbox::mark_pushed`), once per order.
//! - `orders_blocked`: each order that enters `blocked` (`Outbox::block_waiting`,
//!   `Outbox::mark_blocked`); requeued and blocked again, it counts again.
//! - `failures`: each cron job run finished `failed` (`Runs::finish`). Error-level log rows are
//!   not counted: in this core they are written for blocked orders, already counted above, and
//!   outside the transaction of the change they describe.
//!
//! The time zone is applied when reading (`sync::activity` sums buckets into local days), so
//! changing WordPress's time zone redraws the whole history correctly. Rows are pruned with the
//! log, by its age limit (`LogRetention::max_age_ms`): "the history is kept as long as the log".
//! The row limit of the log does not apply: at most 96 rows a day, the table stays small.

use super::db::Work;
use super::State;
use crate::error::Result;
use crate::model::activity::{bucket_of, ActivityCounts, Counter};
use rusqlite::{params, Connection, Row};

/// Adds `n` to `counter` in the bucket of `at_ms`, inside the caller's transaction.
pub(crate) fn bump(conn: &Connection, counter: Counter, at_ms: i64, n: u64) -> Work<()> {
    if n == 0 {
        return Ok(());
    }
    let column = counter.as_str();
    conn.prepare_cached(&format!(
        "INSERT INTO activity (bucket, {column}) VALUES (?1, ?2)
         ON CONFLICT (bucket) DO UPDATE SET {column} = {column} + excluded.{column}"
    ))?
    .execute(params![
        bucket_of(at_ms),
        i64::try_from(n).unwrap_or(i64::MAX)
    ])?;
    Ok(())
}

/// Deletes at most `limit` buckets that began before `oldest_kept_at_ms`, oldest first; how
/// many. The bucket straddling the limit is kept.
pub(crate) fn prune_batch(conn: &Connection, oldest_kept_at_ms: i64, limit: i64) -> Work<usize> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM activity WHERE bucket IN (
                 SELECT bucket FROM activity WHERE bucket < ?1 ORDER BY bucket LIMIT ?2)",
        )?
        .execute(params![bucket_of(oldest_kept_at_ms), limit])?)
}

fn counts_from_row(row: &Row<'_>) -> rusqlite::Result<(i64, ActivityCounts)> {
    let n = |i: usize| row.get::<_, i64>(i).map(|v| v.max(0) as u64);
    Ok((
        row.get(0)?,
        ActivityCounts {
            stock_writes: n(1)?,
            imported: n(2)?,
            linked: n(3)?,
            orders_pushed: n(4)?,
            orders_blocked: n(5)?,
            failures: n(6)?,
        },
    ))
}

/// The activity counters of the state file.
pub struct Activity<'a> {
    state: &'a State,
}

impl<'a> Activity<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Activity { state }
    }

    /// Adds `n` to `counter` at `at_ms`, on its own (tests, benchmarks, imported history): the
    /// sync's own events are counted by the modules that record them.
    pub fn record(&self, counter: Counter, at_ms: i64, n: u64) -> Result<()> {
        self.state
            .db
            .write("counting activity", |tx| bump(tx, counter, at_ms, n))
    }

    /// The buckets from `first` (inclusive) to `end` (exclusive) that hold something, in order.
    pub fn buckets(&self, first: i64, end: i64) -> Result<Vec<(i64, ActivityCounts)>> {
        self.state.db.read("reading activity", |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT bucket, stock_writes, imported, linked, orders_pushed, orders_blocked,
                     failures
                 FROM activity WHERE bucket >= ?1 AND bucket < ?2 ORDER BY bucket",
            )?;
            let rows = stmt.query_map(params![first, end], counts_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// How many buckets are kept.
    pub fn count(&self) -> Result<u64> {
        self.state.db.read("counting activity buckets", |conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM activity", [], |row| row.get(0))?;
            Ok(n as u64)
        })
    }
}
