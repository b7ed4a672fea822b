//! What the sync did, counted: the six figures the dashboard charts, per quarter-hour bucket.
//!
//! A bucket is a quarter of an hour of UTC time, numbered from the epoch. Every time zone in use
//! is a whole number of quarter hours away from UTC (India +5:30, Nepal +5:45, Chatham +12:45),
//! so a sum of buckets is exactly a local day wherever the shop is; hourly buckets would cut
//! those days half an hour off.

use serde::{Deserialize, Serialize};

/// The length of one bucket.
pub const BUCKET_MS: i64 = 15 * 60 * 1000;

/// The bucket holding the instant `at_ms` (epoch milliseconds).
pub fn bucket_of(at_ms: i64) -> i64 {
    at_ms.div_euclid(BUCKET_MS)
}

/// One of the counted events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// A product's stock written into WooCommerce (each write PHP reports).
    StockWrites,
    /// A WooCommerce product or variation created from a Shopcaisse item by an import.
    Imported,
    /// An item linked to an existing product (matched, chosen by hand, restored).
    Linked,
    /// An order delivered to the POS (created there, or found already there).
    OrdersPushed,
    /// An order entering the blocked state (it needs a person).
    OrdersBlocked,
    /// A cron job's run finished failed.
    Failures,
}

impl Counter {
    /// Every counter, in the order the dashboard lists them.
    pub const ALL: [Counter; 6] = [
        Counter::StockWrites,
        Counter::Imported,
        Counter::Linked,
        Counter::OrdersPushed,
        Counter::OrdersBlocked,
        Counter::Failures,
    ];

    /// Its name, also its key in the dashboard's answer ("stock_writes").
    pub fn as_str(self) -> &'static str {
        match self {
            Counter::StockWrites => "stock_writes",
            Counter::Imported => "imported",
            Counter::Linked => "linked",
            Counter::OrdersPushed => "orders_pushed",
            Counter::OrdersBlocked => "orders_blocked",
            Counter::Failures => "failures",
        }
    }
}

/// The six counters over some span of time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCounts {
    pub stock_writes: u64,
    pub imported: u64,
    pub linked: u64,
    pub orders_pushed: u64,
    pub orders_blocked: u64,
    pub failures: u64,
}

impl ActivityCounts {
    /// The value of one counter.
    pub fn get(&self, counter: Counter) -> u64 {
        match counter {
            Counter::StockWrites => self.stock_writes,
            Counter::Imported => self.imported,
            Counter::Linked => self.linked,
            Counter::OrdersPushed => self.orders_pushed,
            Counter::OrdersBlocked => self.orders_blocked,
            Counter::Failures => self.failures,
        }
    }

    /// A mutable reference to one counter.
    pub fn get_mut(&mut self, counter: Counter) -> &mut u64 {
        match counter {
            Counter::StockWrites => &mut self.stock_writes,
            Counter::Imported => &mut self.imported,
            Counter::Linked => &mut self.linked,
            Counter::OrdersPushed => &mut self.orders_pushed,
            Counter::OrdersBlocked => &mut self.orders_blocked,
            Counter::Failures => &mut self.failures,
        }
    }

    /// Adds `other` counter by counter (saturating: a figure never wraps).
    pub fn add(&mut self, other: &ActivityCounts) {
        for counter in Counter::ALL {
            let sum = self.get(counter).saturating_add(other.get(counter));
            *self.get_mut(counter) = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_quarter_hours_from_the_epoch() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(BUCKET_MS - 1), 0);
        assert_eq!(bucket_of(BUCKET_MS), 1);
        assert_eq!(bucket_of(-1), -1);
        assert_eq!(bucket_of(24 * 3600 * 1000), 96);
    }

    #[test]
    fn counts_add_counter_by_counter() {
        let mut total = ActivityCounts {
            stock_writes: 2,
            failures: u64::MAX,
            ..ActivityCounts::default()
        };
        total.add(&ActivityCounts {
            stock_writes: 3,
            linked: 1,
            failures: 1,
            ..ActivityCounts::default()
        });
        assert_eq!(total.get(Counter::StockWrites), 5);
        assert_eq!(total.get(Counter::Linked), 1);
        assert_eq!(total.get(Counter::Imported), 0);
        assert_eq!(total.get(Counter::Failures), u64::MAX);
    }
}
