//! The structured log: filters, paging, export, purge and bounded retention.

use shopcaisse_sync::state::logs::PRUNE_EVERY;
use shopcaisse_sync::state::{LogLevel, LogQuery, LogRetention, NewLog, State};

const DAY: i64 = 24 * 3600 * 1000;

fn sample(state: &State) {
    let logs = state.logs();
    logs.write(&NewLog::new(
        1_000,
        LogLevel::Debug,
        "api_request",
        "GET /stores",
    ))
    .unwrap();
    logs.write(
        &NewLog::new(
            2_000,
            LogLevel::Info,
            "order_push",
            "Order pushed to the POS",
        )
        .object("order", 1042)
        .run("run-1"),
    )
    .unwrap();
    logs.write(
        &NewLog::new(
            3_000,
            LogLevel::Warning,
            "stock_sync",
            "Mass drop held back",
        )
        .run("run-2")
        .details(serde_json::json!({"zeroed": 950})),
    )
    .unwrap();
    logs.write(
        &NewLog::new(4_000, LogLevel::Error, "order_push", "Order refused: 401")
            .object("order", 1043)
            .run("run-3"),
    )
    .unwrap();
}

fn messages(state: &State, query: LogQuery) -> Vec<String> {
    state
        .logs()
        .query(&query)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.message)
        .collect()
}

#[test]
fn rows_come_back_newest_first_with_all_their_fields() {
    let state = State::open_in_memory().unwrap();
    sample(&state);
    let page = state.logs().query(&LogQuery::default()).unwrap();
    assert_eq!(page.total, 4);
    assert_eq!(page.rows[0].message, "Order refused: 401");
    let held = &page.rows[1];
    assert_eq!(held.level, LogLevel::Warning);
    assert_eq!(held.run_id.as_deref(), Some("run-2"));
    assert_eq!(held.details.as_ref().unwrap()["zeroed"], 950);
    let pushed = &page.rows[2];
    assert_eq!(pushed.object.as_ref().unwrap().id, "1042");
}

#[test]
fn a_minimum_level_keeps_that_level_and_worse() {
    let state = State::open_in_memory().unwrap();
    sample(&state);
    let worse = messages(
        &state,
        LogQuery {
            min_level: Some(LogLevel::Warning),
            ..Default::default()
        },
    );
    assert_eq!(worse, ["Order refused: 401", "Mass drop held back"]);
}

#[test]
fn filters_on_operation_object_text_and_time_combine() {
    let state = State::open_in_memory().unwrap();
    sample(&state);
    let by_op = LogQuery {
        operation: Some("order_push".into()),
        ..Default::default()
    };
    assert_eq!(messages(&state, by_op.clone()).len(), 2);
    let one_order = LogQuery {
        object_type: Some("order".into()),
        object_id: Some("1043".into()),
        ..Default::default()
    };
    assert_eq!(messages(&state, one_order), ["Order refused: 401"]);
    let text = LogQuery {
        text: Some("POS".into()),
        ..Default::default()
    };
    assert_eq!(messages(&state, text), ["Order pushed to the POS"]);
    let by_id_text = LogQuery {
        text: Some("1043".into()),
        ..Default::default()
    };
    assert_eq!(messages(&state, by_id_text), ["Order refused: 401"]);
    let window = LogQuery {
        since_ms: Some(2_000),
        until_ms: Some(3_000),
        ..Default::default()
    };
    assert_eq!(messages(&state, window).len(), 2);
    let run = LogQuery {
        run_id: Some("run-1".into()),
        ..by_op
    };
    assert_eq!(messages(&state, run), ["Order pushed to the POS"]);
    let wildcard = LogQuery {
        text: Some("%".into()),
        ..Default::default()
    };
    assert!(messages(&state, wildcard).is_empty());
}

#[test]
fn pages_count_every_matching_row() {
    let state = State::open_in_memory().unwrap();
    let rows: Vec<_> = (0..45)
        .map(|n| NewLog::new(n, LogLevel::Info, "stock_sync", format!("row {n}")))
        .collect();
    state.logs().write_all(&rows).unwrap();
    let page = state
        .logs()
        .query(&LogQuery {
            page: 3,
            per_page: 20,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 45);
    assert_eq!(page.rows.len(), 5);
    assert_eq!(page.rows[0].message, "row 4");
}

#[test]
fn export_returns_every_match_oldest_first() {
    let state = State::open_in_memory().unwrap();
    sample(&state);
    let rows = state
        .logs()
        .export(&LogQuery {
            operation: Some("order_push".into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        })
        .unwrap();
    let ats: Vec<_> = rows.iter().map(|r| r.at_ms).collect();
    assert_eq!(ats, [2_000, 4_000]);
}

#[test]
fn purge_empties_the_log() {
    let state = State::open_in_memory().unwrap();
    sample(&state);
    assert_eq!(state.logs().purge().unwrap(), 4);
    assert_eq!(state.logs().count().unwrap(), 0);
}

#[test]
fn the_log_never_grows_much_past_its_row_limit() {
    let retention = LogRetention {
        max_rows: 100,
        max_age_ms: 365 * DAY,
    };
    let state = State::open_in_memory()
        .unwrap()
        .with_log_retention(retention);
    for n in 0..1_000 {
        state
            .logs()
            .write(&NewLog::new(n, LogLevel::Info, "stock_sync", "tick"))
            .unwrap();
    }
    let count = state.logs().count().unwrap();
    assert!(count <= 100 + PRUNE_EVERY as u64, "{count} rows kept");
    state.logs().prune(1_000).unwrap();
    assert_eq!(state.logs().count().unwrap(), 100);
    let newest = state.logs().query(&LogQuery::default()).unwrap().rows;
    assert_eq!(newest[0].at_ms, 999);
}

#[test]
fn rows_older_than_the_retention_age_go() {
    let retention = LogRetention {
        max_rows: 1_000_000,
        max_age_ms: 30 * DAY,
    };
    let state = State::open_in_memory()
        .unwrap()
        .with_log_retention(retention);
    let logs = state.logs();
    logs.write(&NewLog::new(0, LogLevel::Info, "old", "old"))
        .unwrap();
    logs.write(&NewLog::new(40 * DAY, LogLevel::Info, "new", "new"))
        .unwrap();
    assert_eq!(logs.prune(40 * DAY).unwrap(), 1);
    assert_eq!(messages(&state, LogQuery::default()), ["new"]);
}

#[test]
fn a_blank_operation_is_refused() {
    let state = State::open_in_memory().unwrap();
    let e = state
        .logs()
        .write(&NewLog::new(0, LogLevel::Info, " ", "x"))
        .unwrap_err();
    assert_eq!(e.kind(), shopcaisse_sync::ErrorKind::InvalidInput);
}
