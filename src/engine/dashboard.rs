//! The dashboard, the first tab of the settings screen: in one call, the cron jobs' health,
//! what the sync did day by day over the last days (`sync::activity` over `state::activity`),
//! and what waits for a person.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::sync::activity::{daily, Window};
use crate::Result;
use serde::Deserialize;
use serde_json::{json, Value};

impl Engine {
    /// `days` local days ending today (30 by default), in the shop's time zone given as
    /// `utc_offset_minutes` east of UTC (0 by default).
    pub(super) fn dashboard(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            #[serde(default = "thirty")]
            days: i64,
            #[serde(default)]
            utc_offset_minutes: i64,
        }
        fn thirty() -> i64 {
            30
        }
        let Args {
            days,
            utc_offset_minutes,
        } = parse_args("dashboard", args)?;
        let now = now_ms();
        let window = Window::ending_today(now, days, utc_offset_minutes)?;
        let state = self.state()?;
        let buckets = state
            .activity()
            .buckets(window.first_bucket(), window.end_bucket())?;
        let chart = daily(&window, &buckets);
        Ok(json!({
            "now_ms": now,
            "jobs": self.job_rows(now)?,
            "days": to_json(&chart.days)?,
            "totals": to_json(&chart.totals)?,
            "attention": {
                "held_stock_runs": state.stock_ledger().pending_held()?.len(),
                "blocked_orders": state.outbox().counts()?.blocked,
                "declinations_not_associated":
                    state.catalog().unlinked_declinations_of_linked_parents()?,
            },
        }))
    }
}
