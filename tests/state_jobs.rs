//! Job records, the stock ledger with held runs, and remembered customers.

use shopcaisse_sync::model::{CustomerId, Quantity};
use shopcaisse_sync::state::{CustomerKey, HeldRunResolution, RunOutcome, State};
use shopcaisse_sync::ErrorKind;

#[test]
fn a_run_records_its_start_end_summary_and_cursor() {
    let state = State::open_in_memory().unwrap();
    let runs = state.runs();
    let started = runs.start("stock", "run-1", 1_000).unwrap();
    assert!(started.is_unfinished());
    assert_eq!(started.last_called_at_ms, Some(1_000));
    let summary = serde_json::json!({"updated": 12});
    let done = runs
        .finish(
            "stock",
            "run-1",
            RunOutcome::Partial,
            &summary,
            Some("page:4"),
            2_000,
        )
        .unwrap();
    assert!(!done.is_unfinished());
    assert_eq!(done.outcome, Some(RunOutcome::Partial));
    assert_eq!(done.summary, Some(summary));
    assert_eq!(runs.cursor("stock").unwrap().as_deref(), Some("page:4"));
    // The next run starts from the cursor; finishing without one means everything was done.
    runs.start("stock", "run-2", 3_000).unwrap();
    assert_eq!(runs.cursor("stock").unwrap().as_deref(), Some("page:4"));
    runs.finish(
        "stock",
        "run-2",
        RunOutcome::Completed,
        &serde_json::json!({}),
        None,
        4_000,
    )
    .unwrap();
    assert_eq!(runs.cursor("stock").unwrap(), None);
}

#[test]
fn a_busy_call_is_recorded_without_touching_the_run() {
    let state = State::open_in_memory().unwrap();
    let runs = state.runs();
    runs.start("orders", "run-1", 1_000).unwrap();
    let called = runs.record_call("orders", 1_500).unwrap();
    assert_eq!(called.last_called_at_ms, Some(1_500));
    assert_eq!(called.last_started_at_ms, Some(1_000));
    assert_eq!(called.run_id.as_deref(), Some("run-1"));
    assert_eq!(runs.list().unwrap().len(), 1);
}

#[test]
fn a_stale_run_cannot_overwrite_the_record_of_a_newer_one() {
    let state = State::open_in_memory().unwrap();
    let runs = state.runs();
    runs.start("products", "slow", 0).unwrap();
    runs.start("products", "next", 100).unwrap();
    let e = runs
        .finish(
            "products",
            "slow",
            RunOutcome::Completed,
            &serde_json::json!({}),
            None,
            200,
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(runs.get("products").unwrap().unwrap().is_unfinished());
}

#[test]
fn a_cursor_saved_mid_run_survives_a_crash() {
    let state = State::open_in_memory().unwrap();
    state.runs().start("products", "r", 0).unwrap();
    state
        .runs()
        .set_cursor("products", Some("item:5000"))
        .unwrap();
    assert_eq!(
        state.runs().cursor("products").unwrap().as_deref(),
        Some("item:5000")
    );
    assert!(state.runs().get("nothing").unwrap().is_none());
}

#[test]
fn recording_applied_stock_twice_is_harmless() {
    let state = State::open_in_memory().unwrap();
    let ledger = state.stock_ledger();
    let batch = [
        (10, Quantity::pieces(3)),
        (11, Quantity::parse("1.250").unwrap()),
    ];
    ledger.record_applied(&batch, 1_000).unwrap();
    ledger.record_applied(&batch, 2_000).unwrap();
    let all = ledger.all_applied().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].quantity, Quantity::parse("1.25").unwrap());
    assert_eq!(all[0].applied_at_ms, 2_000);
    ledger
        .record_applied(&[(10, Quantity::ZERO)], 3_000)
        .unwrap();
    assert_eq!(
        ledger.applied(10).unwrap().unwrap().quantity,
        Quantity::ZERO
    );
    assert_eq!(ledger.forget(&[10, 99]).unwrap(), 1);
    assert!(ledger.applied(10).unwrap().is_none());
}

#[test]
fn a_held_run_is_kept_until_resolved_and_superseded_by_a_newer_one() {
    let state = State::open_in_memory().unwrap();
    let ledger = state.stock_ledger();
    let first = ledger
        .hold(
            "stock",
            &serde_json::json!({"to_zero": 950, "of": 1000}),
            1_000,
        )
        .unwrap();
    assert_eq!(first.summary["to_zero"], 950);
    let second = ledger
        .hold("stock", &serde_json::json!({"to_zero": 990}), 2_000)
        .unwrap();
    let pending = ledger.pending_held().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, second.id);
    let recent = ledger.recent_held(10).unwrap();
    assert_eq!(recent[1].resolution, Some(HeldRunResolution::Superseded));
    let dismissed = ledger
        .resolve_held(second.id, HeldRunResolution::Dismissed, 3_000)
        .unwrap();
    assert_eq!(dismissed.resolved_at_ms, Some(3_000));
    assert!(ledger.pending_held().unwrap().is_empty());
    // The same answer twice is fine; a different one is a conflict.
    ledger
        .resolve_held(second.id, HeldRunResolution::Dismissed, 4_000)
        .unwrap();
    let e = ledger
        .resolve_held(second.id, HeldRunResolution::Applied, 4_000)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(
        ledger
            .resolve_held(999, HeldRunResolution::Applied, 0)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn a_customer_is_found_by_email_then_by_phone() {
    let state = State::open_in_memory().unwrap();
    let customers = state.customers();
    let jane = CustomerId::parse("cust-jane").unwrap();
    let paul = CustomerId::parse("cust-paul").unwrap();
    customers
        .remember(&CustomerKey::email("Jane@Example.com").unwrap(), &jane, 1)
        .unwrap();
    customers
        .remember(&CustomerKey::phone("06 12 34 56 78").unwrap(), &paul, 1)
        .unwrap();
    let found = |email, phone| customers.find_by_contact(email, phone).unwrap();
    assert_eq!(found(Some(" jane@example.COM"), None), Some(jane.clone()));
    assert_eq!(
        found(Some("jane@example.com"), Some("0612345678")),
        Some(jane.clone())
    );
    assert_eq!(
        found(Some("other@example.com"), Some("+33 6 12 34 56 78")),
        Some(paul.clone())
    );
    assert_eq!(found(None, None), None);
    assert_eq!(customers.forget_customer(&paul).unwrap(), 1);
    assert_eq!(found(None, Some("0612345678")), None);
    assert_eq!(customers.clear().unwrap(), 1);
}
