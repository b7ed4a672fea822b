//! What the stock plan remembers about web orders in flight (`sync::inflight`): which orders it
//! counts and when it released each (so it never asks the POS about them again, and logs each
//! release once), and for each stock item with orders on it, an anchor: the POS stock read
//! before those orders were pushed, and how much of its drop released orders took since.
//!
//! A stock run writes all of it in one transaction ([`InflightLedger::record`]); the outbox
//! forgets an order's entry when the order is queued again (`Outbox::requeue`).

use super::State;
use crate::error::Result;
use crate::model::{ItemId, Quantity};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// The POS stock of one item before the orders on it were pushed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAnchor {
    pub item: ItemId,
    /// When the stock it holds was read (epoch ms, taken before the read began).
    pub taken_at_ms: i64,
    pub stock: Quantity,
    /// What orders released since took of the drop.
    pub released: Quantity,
}

/// What one stock run learnt, written at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InflightUpdate {
    /// Orders counted this run (the first time sets their `counted_at`).
    pub counting: Vec<i64>,
    /// Orders that stopped counting, with the reason's name.
    pub released: Vec<(i64, String)>,
    /// New anchors.
    pub new_anchors: Vec<StockAnchor>,
    /// Quantities released orders took from existing anchors' drops.
    pub anchor_releases: Vec<(ItemId, Quantity)>,
    /// Items no counting order holds any more: their anchors go.
    pub dropped_anchors: Vec<ItemId>,
}

/// The in-flight ledger of the state file.
pub struct InflightLedger<'a> {
    state: &'a State,
}

impl<'a> InflightLedger<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        InflightLedger { state }
    }

    /// Every anchor.
    pub fn anchors(&self) -> Result<Vec<StockAnchor>> {
        self.state.db.read("reading the stock anchors", |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT item_id, taken_at, stock, released FROM stock_anchors ORDER BY item_id",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (item, taken_at_ms, stock, released) = row?;
                out.push(StockAnchor {
                    item: super::db::parse_stored(0, item, ItemId::parse)?,
                    taken_at_ms,
                    stock: Quantity::from_thousandths(stock),
                    released: Quantity::from_thousandths(released),
                });
            }
            Ok(out)
        })
    }

    /// Writes what a run learnt, at `now_ms`.
    pub fn record(&self, update: &InflightUpdate, now_ms: i64) -> Result<()> {
        self.state.db.write("recording the orders in flight", |tx| {
            let mut count = tx.prepare_cached(
                "INSERT INTO stock_inflight (wc_order_id, counted_at) VALUES (?1, ?2)
                 ON CONFLICT (wc_order_id) DO NOTHING",
            )?;
            for id in &update.counting {
                count.execute(params![id, now_ms])?;
            }
            let mut release = tx.prepare_cached(
                "INSERT INTO stock_inflight (wc_order_id, counted_at, released_at, reason)
                 VALUES (?1, ?2, ?2, ?3)
                 ON CONFLICT (wc_order_id) DO UPDATE SET
                     released_at = excluded.released_at, reason = excluded.reason",
            )?;
            for (id, reason) in &update.released {
                release.execute(params![id, now_ms, reason])?;
            }
            let mut anchor = tx.prepare_cached(
                "INSERT OR REPLACE INTO stock_anchors (item_id, taken_at, stock, released)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for a in &update.new_anchors {
                anchor.execute(params![
                    a.item.as_str(),
                    a.taken_at_ms,
                    a.stock.thousandths(),
                    a.released.thousandths()
                ])?;
            }
            let mut took = tx.prepare_cached(
                "UPDATE stock_anchors SET released = released + ?2 WHERE item_id = ?1",
            )?;
            for (item, quantity) in &update.anchor_releases {
                took.execute(params![item.as_str(), quantity.thousandths()])?;
            }
            let mut drop = tx.prepare_cached("DELETE FROM stock_anchors WHERE item_id = ?1")?;
            for item in &update.dropped_anchors {
                drop.execute([item.as_str()])?;
            }
            Ok(())
        })
    }
}
