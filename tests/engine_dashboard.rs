//! The dashboard through the engine: real events counted where they are recorded (links,
//! imports, stock writes, orders pushed and blocked, failed runs, against the sandbox), a long
//! history seeded straight into the state, summed into the shop's local days with quiet days
//! present, and pruned with the log's retention.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::{Backend, Engine};
use shopcaisse_sync::model::activity::Counter;
use shopcaisse_sync::state::{LogLevel, LogRetention, NewLog, State};
use shopcaisse_sync::sync::activity::{civil_date, DAY_MS};
use shopcaisse_sync::ErrorKind;

const HOUR_MS: i64 = 3600 * 1000;

/// The six counters of a day or of the totals, in the dashboard's order.
fn figures(entry: &Value) -> [u64; 6] {
    Counter::ALL.map(|c| {
        entry[c.as_str()]
            .as_u64()
            .unwrap_or_else(|| panic!("{} missing in {entry}", c.as_str()))
    })
}

/// The date of an instant seen `offset_minutes` east of UTC.
fn local_date(at_ms: i64, offset_minutes: i64) -> String {
    civil_date((at_ms + offset_minutes * 60_000).div_euclid(DAY_MS))
}

/// The day of the answer named `date`.
fn day<'a>(answer: &'a Value, date: &str) -> &'a Value {
    answer["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["day"] == date)
        .unwrap_or_else(|| panic!("no {date} in {answer}"))
}

fn dashboard(engine: &mut Engine, days: i64, offset: i64) -> Value {
    call(
        engine,
        "dashboard",
        json!({"days": days, "utc_offset_minutes": offset}),
    )
}

#[test]
fn what_the_sync_does_is_counted_on_the_day_it_happens() {
    let env = Env::start();
    let mut engine = env.engine();
    let started_at = now_ms();
    link_all(&mut engine, &[(PLATE, 501), (CUP, 502)]);
    call(
        &mut engine,
        "reportImported",
        json!({"created": [{"item_id": MUG, "wc_id": 601, "variations": []}]}),
    );
    // Reported again: the link is there, nothing more is counted.
    call(
        &mut engine,
        "reportImported",
        json!({"created": [{"item_id": MUG, "wc_id": 601, "variations": []}]}),
    );
    call(
        &mut engine,
        "reportStockApplied",
        json!({"writes": [{"wc_id": 501, "quantity": "10"}, {"wc_id": 502, "quantity": "40"},
                          {"wc_id": 601, "quantity": "7"}]}),
    );
    // Blocked while waiting (a product not linked), then linked and delivered.
    let honey = order(1030, &[(777, "Miel de lavande", "2", 890)]);
    let blocked = call(&mut engine, "orderChanged", json!({"order": honey}));
    assert_eq!(blocked["order"]["state"], "blocked", "{blocked}");
    call(&mut engine, "link", json!({"item_id": HONEY, "wc_id": 777}));
    call(&mut engine, "orderChanged", json!({"order": honey}));
    call(
        &mut engine,
        "orderChanged",
        json!({"order": order(1001, &[(501, "Assiette plate", "2", 2490)])}),
    );
    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(run["pushed"], 2, "{run}");
    // Blocked while being sent: the POS has no order module.
    let without = env.sandbox.ids().pos_without_module.unwrap();
    let mut no_module = env.engine_with(json!({"pos_id": without}));
    let refused = call(
        &mut no_module,
        "pushOrderNow",
        json!({"order": order(1040, &[(501, "Assiette plate", "1", 2490)])}),
    );
    assert_eq!(refused["order"]["state"], "blocked", "{refused}");
    // A link undone and restored is linked again.
    call(&mut engine, "unlink", json!({"item_id": CUP}));
    let history = call(&mut engine, "listLinks", json!({"history": 5}))["history"].clone();
    call(
        &mut engine,
        "restoreLink",
        json!({"history_id": history[0]["id"]}),
    );
    // One run failed, one completed.
    for outcome in ["failed", "completed"] {
        run_job(&mut engine, "stock", outcome, json!({}));
    }
    let state = State::open(env.dir.path()).unwrap();
    state
        .stock_ledger()
        .hold("stock", &json!({"reason": "mass drop"}), now_ms())
        .unwrap();

    let answer = dashboard(&mut engine, 7, 0);
    let finished_at = now_ms();
    // stock writes, imported, linked (plate, cup, honey, cup again), pushed, blocked, failures
    let expected = [3, 1, 4, 2, 2, 1];
    assert_eq!(figures(&answer["totals"]), expected, "{answer}");
    let days = answer["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    if local_date(started_at, 0) == local_date(finished_at, 0) {
        assert_eq!(days[6]["day"], local_date(finished_at, 0));
        assert_eq!(figures(&days[6]), expected);
        assert!(days[..6].iter().all(|d| figures(d) == [0; 6]), "{answer}");
    }
    assert_eq!(answer["attention"]["held_stock_runs"], 1, "{answer}");
    assert_eq!(answer["attention"]["blocked_orders"], 1, "{answer}");
    // The declinations waiting for a variation, counted the way the declinations tab lists them:
    // under each linked parent, those not linked.
    let parents = call(
        &mut engine,
        "searchCatalog",
        json!({"query": {"kind": "with_declinations", "linked": true, "per_page": 500}}),
    );
    let waiting: u64 = parents["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let under = json!({"query": {"parent": p["id"], "linked": false, "per_page": 1}});
            call(&mut engine, "searchCatalog", under)["total"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(answer["attention"]["declinations_not_associated"], waiting);
    // A parent linked with none of its declinations: every one of them waits.
    let declined = call(
        &mut engine,
        "searchCatalog",
        json!({"query": {"kind": "with_declinations", "linked": false, "per_page": 1}}),
    );
    let parent = declined["rows"][0]["id"].clone();
    let under = json!({"query": {"parent": parent, "linked": false, "per_page": 1}});
    let declinations = call(&mut engine, "searchCatalog", under)["total"]
        .as_u64()
        .unwrap();
    assert!(declinations > 0, "{declined}");
    call(
        &mut engine,
        "link",
        json!({"item_id": parent, "wc_id": 900}),
    );
    let after = dashboard(&mut engine, 7, 0);
    assert_eq!(
        after["attention"]["declinations_not_associated"],
        waiting + declinations,
        "{after}"
    );
    assert_eq!(job_names(&answer), ["products", "stock", "orders"]);
    let health = call(&mut engine, "jobHealth", json!({}));
    assert_eq!(answer["jobs"][1]["light"], health["jobs"][1]["light"]);
    assert_eq!(answer["jobs"][1]["outcome"], "completed");
}

/// An engine without a sandbox on a fresh state directory, and the state it uses.
fn offline(dir: &TempDir, settings: Value) -> (Engine, State) {
    let engine = Engine::new(&settings, dir.path(), Backend::Native).unwrap();
    (engine, State::open(dir.path()).unwrap())
}

#[test]
fn a_year_of_history_is_summed_by_day_with_quiet_days_at_zero() {
    let dir = TempDir::new("dashboard-year");
    let (mut engine, state) = offline(&dir, json!({"log_max_age_days": 3650}));
    let now = now_ms();
    let today = now.div_euclid(DAY_MS);
    let activity = state.activity();
    // Every day but every tenth, for 400 days: k + 1 stock writes at 00:00 and at 23:59 UTC of
    // the day k days ago, a failure every third day at noon.
    for k in 0..400i64 {
        if k % 10 == 5 {
            continue;
        }
        let midnight = (today - k) * DAY_MS;
        let n = k as u64 + 1;
        activity.record(Counter::StockWrites, midnight, n).unwrap();
        activity
            .record(Counter::StockWrites, midnight + DAY_MS - 60_000, n)
            .unwrap();
        if k % 3 == 0 {
            activity
                .record(Counter::Failures, midnight + 12 * HOUR_MS, 1)
                .unwrap();
        }
    }
    let answer = dashboard(&mut engine, 366, 0);
    let days = answer["days"].as_array().unwrap();
    assert_eq!(days.len(), 366);
    let (mut writes, mut failures) = (0, 0);
    for (i, entry) in days.iter().enumerate() {
        let k = 365 - i as i64;
        assert_eq!(entry["day"], civil_date(today - k));
        let [stock, imported, linked, pushed, blocked, failed] = figures(entry);
        let expected = if k % 10 == 5 { 0 } else { 2 * (k as u64 + 1) };
        assert_eq!(stock, expected, "{entry}");
        assert_eq!((imported, linked, pushed, blocked), (0, 0, 0, 0));
        assert_eq!(failed, u64::from(k % 3 == 0 && k % 10 != 5), "{entry}");
        writes += stock;
        failures += failed;
    }
    assert_eq!(answer["totals"]["stock_writes"], writes);
    assert_eq!(answer["totals"]["failures"], failures);
    // The default: the last 30 days.
    let month = call(&mut engine, "dashboard", json!({}));
    assert_eq!(month["days"].as_array().unwrap().len(), 30);
    assert_eq!(month["days"][29]["day"], civil_date(today));
    assert_eq!(month["days"][29]["stock_writes"], 2);
}

#[test]
fn the_shops_time_zone_moves_events_across_midnight() {
    let dir = TempDir::new("dashboard-zone");
    let (mut engine, state) = offline(&dir, json!({}));
    let midnight = now_ms().div_euclid(DAY_MS) * DAY_MS;
    let (before, after) = (midnight - 30 * 60_000, midnight + 30 * 60_000);
    state
        .activity()
        .record(Counter::StockWrites, before, 5)
        .unwrap();
    state
        .activity()
        .record(Counter::Imported, after, 7)
        .unwrap();
    // 23:30 and 00:30 UTC are on two days in UTC, one day in Paris (+1:00, both the later),
    // one day in the Azores (−1:00, both the earlier), and in India (+5:30) the later one.
    for offset in [0i64, 60, -60, 330, -840, 840] {
        let answer = dashboard(&mut engine, 4, offset);
        let (day_before, day_after) = (local_date(before, offset), local_date(after, offset));
        assert_eq!(
            day(&answer, &day_before)["stock_writes"],
            5,
            "{offset}: {answer}"
        );
        assert_eq!(
            day(&answer, &day_after)["imported"],
            7,
            "{offset}: {answer}"
        );
        let same_day = day_before == day_after;
        assert_eq!(same_day, offset != 0, "offset {offset}");
        let busy = answer["days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| figures(d) != [0; 6])
            .count();
        assert_eq!(busy, if same_day { 1 } else { 2 }, "{offset}: {answer}");
        assert_eq!(
            answer["days"][3]["day"],
            local_date(now_ms(), offset),
            "today is last"
        );
    }
    assert_eq!(
        local_date(before, 60),
        local_date(midnight, 0),
        "Paris: the later day"
    );
    assert_eq!(
        local_date(after, -60),
        local_date(before, 0),
        "Azores: the earlier day"
    );
}

#[test]
fn bad_arguments_are_refused_naming_them() {
    let dir = TempDir::new("dashboard-args");
    let (mut engine, _) = offline(&dir, json!({}));
    for (args, named) in [
        (json!({"days": 0}), "days"),
        (json!({"days": 367}), "days"),
        (json!({"days": -3}), "days"),
        (json!({"utc_offset_minutes": 841}), "utc_offset_minutes"),
        (json!({"utc_offset_minutes": -841}), "utc_offset_minutes"),
        (json!({"utc_offset_minutes": "+02:00"}), "dashboard"),
        (json!({"days": 1.5}), "dashboard"),
    ] {
        let error = call_err(&mut engine, "dashboard", args.clone());
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{args}");
        assert!(error.message().contains(named), "{args}: {error}");
    }
}

#[test]
fn the_daily_figures_are_kept_as_long_as_the_log() {
    let dir = TempDir::new("dashboard-retention");
    let (mut engine, state) = offline(&dir, json!({"log_max_age_days": 10}));
    let now = now_ms();
    let activity = state.activity();
    activity
        .record(Counter::OrdersPushed, now - 20 * DAY_MS, 4)
        .unwrap();
    activity
        .record(Counter::OrdersPushed, now - 11 * DAY_MS, 3)
        .unwrap();
    activity
        .record(Counter::OrdersPushed, now - 5 * DAY_MS, 2)
        .unwrap();
    assert_eq!(dashboard(&mut engine, 30, 0)["totals"]["orders_pushed"], 9);
    // Purging the log applies the retention first: the buckets older than 10 days go with it.
    call(&mut engine, "purgeLogs", json!({}));
    assert_eq!(activity.count().unwrap(), 1);
    let answer = dashboard(&mut engine, 30, 0);
    assert_eq!(answer["totals"]["orders_pushed"], 2);
    assert_eq!(
        day(&answer, &local_date(now - 5 * DAY_MS, 0))["orders_pushed"],
        2
    );
}

#[test]
fn writing_the_log_prunes_old_figures_too() {
    let dir = TempDir::new("dashboard-log-prune");
    let retention = LogRetention {
        max_rows: 1_000_000,
        max_age_ms: 10 * DAY_MS,
    };
    let state = State::open(dir.path())
        .unwrap()
        .with_log_retention(retention);
    let now = now_ms();
    state
        .activity()
        .record(Counter::Linked, now - 30 * DAY_MS, 1)
        .unwrap();
    state.activity().record(Counter::Linked, now, 1).unwrap();
    // Pruning runs as log rows are written, every few hundred rows.
    let rows: Vec<NewLog> = (0..shopcaisse_sync::state::logs::PRUNE_EVERY)
        .map(|i| NewLog::new(now, LogLevel::Info, "test", format!("row {i}")))
        .collect();
    state.logs().write_all(&rows).unwrap();
    assert_eq!(state.activity().count().unwrap(), 1);
    let kept = state.activity().buckets(i64::MIN, i64::MAX).unwrap();
    assert_eq!(kept[0].1.linked, 1);
    assert!(kept[0].0 >= shopcaisse_sync::model::activity::bucket_of(now - DAY_MS));
}
