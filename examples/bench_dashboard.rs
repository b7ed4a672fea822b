//! The dashboard's one engine call, as the settings screen makes it, on a state file holding a
//! year of activity at its densest: every quarter hour of 365 days with all six counters set
//! (35 040 buckets), 20 000 orders in the outbox (200 of them blocked), and a held stock run.
//!
//! `cargo run --release --no-default-features --example bench_dashboard`
//!
//! Target: well under 200 ms for `dashboard` over 366 days, so the page has room to render.
//! Figures are in "Engine: the dashboard" in `docs/benchmarks.md`.

use serde_json::json;
use shopcaisse_sync::engine::{Backend, Engine};
use shopcaisse_sync::model::activity::{Counter, BUCKET_MS};
use shopcaisse_sync::state::{OutboxError, State};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const DAYS: i64 = 365;
const ORDERS: i64 = 20_000;
const BLOCKED_EVERY: i64 = 100;
const RUNS: usize = 20;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("scs-bench-dashboard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let state = State::open(&dir).unwrap();
    let seeding = Instant::now();
    let first = now - DAYS * 24 * 3600 * 1000;
    let events: Vec<(Counter, i64, u64)> = (0..DAYS * 96)
        .flat_map(|q| {
            let at = first + q * BUCKET_MS;
            Counter::ALL.map(|c| (c, at, 1 + (q as u64 % 7)))
        })
        .collect();
    state.activity().record_all(&events).unwrap();
    let outbox = state.outbox();
    for order in 1..=ORDERS {
        outbox
            .enqueue(order, &format!("WEB-{order}"), "{}", now)
            .unwrap();
        if order % BLOCKED_EVERY == 0 {
            outbox
                .block_waiting(
                    order,
                    &OutboxError::new("blocked", "a product not linked"),
                    now,
                )
                .unwrap();
        }
    }
    state
        .stock_ledger()
        .hold("stock", &json!({"reason": "mass drop"}), now)
        .unwrap();
    println!(
        "seeded {} buckets, {ORDERS} orders in {}",
        state.activity().count().unwrap(),
        ms(seeding.elapsed())
    );
    drop(state);

    for (days, offset) in [(366, 60), (30, 60), (30, 330)] {
        let mut times = Vec::with_capacity(RUNS);
        let mut answer = json!(null);
        for _ in 0..RUNS {
            // A new engine each time: a PHP request opens the state file afresh.
            let start = Instant::now();
            let mut engine = Engine::new(&json!({}), &dir, Backend::Native).unwrap();
            answer = engine
                .call(
                    "dashboard",
                    &json!({"days": days, "utc_offset_minutes": offset}),
                )
                .unwrap();
            times.push(start.elapsed());
        }
        times.sort();
        assert_eq!(answer["days"].as_array().unwrap().len(), days as usize);
        assert_eq!(
            answer["attention"]["blocked_orders"],
            ORDERS / BLOCKED_EVERY
        );
        println!(
            "dashboard, {days} days, offset {offset} min: {} / {} / {} (min / median / max of {RUNS}); {} stock writes in the window",
            ms(times[0]),
            ms(times[RUNS / 2]),
            ms(times[RUNS - 1]),
            answer["totals"]["stock_writes"]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
