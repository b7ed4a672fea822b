//! The order outbox: one row per order, claimed by exactly one worker, never pushed twice.

#[path = "state_support.rs"]
mod support;

use shopcaisse_sync::model::PosOrderId;
use shopcaisse_sync::state::outbox::retry_delay_ms;
use shopcaisse_sync::state::{EnqueueOutcome, OutboxError, OutboxFilter, OutboxState, State};
use shopcaisse_sync::ErrorKind;
use std::collections::HashSet;
use support::TempDir;

const LEASE: i64 = 60_000;

fn pos_id(raw: &str) -> PosOrderId {
    PosOrderId::parse(raw).unwrap()
}

#[test]
fn enqueueing_an_order_twice_keeps_one_row() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    let first = outbox
        .enqueue(1042, "WEB-1042", r#"{"lines":1}"#, 1_000)
        .unwrap();
    assert_eq!(first.outcome, EnqueueOutcome::Created);
    assert_eq!(first.row.state, OutboxState::Queued);
    let again = outbox
        .enqueue(1042, "WEB-1042", r#"{"lines":1}"#, 2_000)
        .unwrap();
    assert_eq!(again.outcome, EnqueueOutcome::Unchanged);
    assert_eq!(again.row.updated_at_ms, 1_000);
    assert_eq!(outbox.counts().unwrap().queued, 1);
}

#[test]
fn a_waiting_order_gets_its_payload_refreshed() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(7, "WEB-7", r#"{"v":1}"#, 1_000).unwrap();
    let refreshed = outbox.enqueue(7, "WEB-7", r#"{"v":2}"#, 2_000).unwrap();
    assert_eq!(refreshed.outcome, EnqueueOutcome::Refreshed);
    assert_eq!(refreshed.row.payload["v"], 2);
}

#[test]
fn an_order_being_sent_or_pushed_is_not_touched_by_a_new_enqueue() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(7, "WEB-7", r#"{"v":1}"#, 1_000).unwrap();
    outbox.claim_due(1_000, 10, "worker", LEASE).unwrap();
    let during = outbox.enqueue(7, "WEB-7", r#"{"v":2}"#, 2_000).unwrap();
    assert_eq!(during.outcome, EnqueueOutcome::Unchanged);
    assert_eq!(during.row.state, OutboxState::Sending);
    assert_eq!(during.row.payload["v"], 1);
    outbox.mark_pushed(7, &pos_id("pos-7"), 3_000).unwrap();
    let after = outbox.enqueue(7, "WEB-7", r#"{"v":3}"#, 4_000).unwrap();
    assert_eq!(after.outcome, EnqueueOutcome::Unchanged);
    assert_eq!(after.row.state, OutboxState::Pushed);
    assert_eq!(after.row.pos_order_id, Some(pos_id("pos-7")));
}

#[test]
fn a_payload_that_is_not_json_is_refused() {
    let state = State::open_in_memory().unwrap();
    let e = state.outbox().enqueue(1, "WEB-1", "{", 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_claimed_order_is_not_claimed_again_until_its_claim_expires() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", "{}", 0).unwrap();
    let claimed = outbox.claim_due(10, 5, "worker-a", LEASE).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    assert_eq!(claimed[0].claim_owner.as_deref(), Some("worker-a"));
    assert!(outbox
        .claim_due(20, 5, "worker-b", LEASE)
        .unwrap()
        .is_empty());
    // worker-a crashed: after its claim expires, the order is taken over.
    let taken = outbox.claim_due(10 + LEASE, 5, "worker-b", LEASE).unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 2);
    // worker-a's late report of a failure is refused; its success would be recorded.
    let e = outbox
        .mark_failed(
            1,
            "worker-a",
            &OutboxError::new("timeout", "late"),
            0,
            LEASE + 20,
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
}

#[test]
fn a_failed_order_is_retried_only_once_due() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", "{}", 0).unwrap();
    let row = outbox.claim_due(0, 1, "w", LEASE).unwrap().remove(0);
    let next = 100 + retry_delay_ms(row.attempts);
    let failed = outbox
        .mark_failed(
            1,
            "w",
            &OutboxError::new("server", "503 from the API"),
            next,
            100,
        )
        .unwrap();
    assert_eq!(failed.state, OutboxState::Failed);
    assert_eq!(failed.error.as_ref().unwrap().kind, "server");
    assert_eq!(outbox.next_attempt_at().unwrap(), Some(next));
    assert!(outbox
        .claim_due(next - 1, 1, "w", LEASE)
        .unwrap()
        .is_empty());
    assert_eq!(outbox.claim_due(next, 1, "w", LEASE).unwrap().len(), 1);
}

#[test]
fn a_blocked_order_waits_for_a_person_and_requeue_starts_it_afresh() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", r#"{"v":1}"#, 0).unwrap();
    outbox.claim_due(0, 1, "w", LEASE).unwrap();
    let reason = OutboxError::new("unlinked_product", "line 2 is not linked");
    let blocked = outbox.mark_blocked(1, "w", &reason, 10).unwrap();
    assert_eq!(blocked.state, OutboxState::Blocked);
    assert_eq!(blocked.error, Some(reason));
    assert!(outbox
        .claim_due(1_000_000, 1, "w", LEASE)
        .unwrap()
        .is_empty());
    let requeued = outbox.requeue(1, Some(r#"{"v":2}"#), 20).unwrap();
    assert_eq!(requeued.state, OutboxState::Queued);
    assert_eq!(requeued.attempts, 0);
    assert_eq!(requeued.error, None);
    assert_eq!(requeued.payload["v"], 2);
}

#[test]
fn a_pushed_order_cannot_be_requeued_or_cancelled() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", "{}", 0).unwrap();
    outbox.claim(1, 0, "button", LEASE).unwrap().unwrap();
    outbox.mark_pushed(1, &pos_id("p1"), 5).unwrap();
    assert_eq!(
        outbox.requeue(1, None, 6).unwrap_err().kind(),
        ErrorKind::Conflict
    );
    assert_eq!(outbox.cancel(1, 6).unwrap_err().kind(), ErrorKind::Conflict);
    // A second report keeps the first POS id.
    let again = outbox.mark_pushed(1, &pos_id("p2"), 7).unwrap();
    assert_eq!(again.pos_order_id, Some(pos_id("p1")));
    assert_eq!(again.pushed_at_ms, Some(5));
}

#[test]
fn an_order_being_sent_right_now_cannot_be_requeued() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", "{}", 0).unwrap();
    outbox.claim(1, 0, "w", LEASE).unwrap().unwrap();
    assert_eq!(
        outbox.requeue(1, None, 10).unwrap_err().kind(),
        ErrorKind::Busy
    );
    assert!(outbox.claim(1, 10, "button", LEASE).unwrap().is_none());
}

#[test]
fn cancelling_during_a_send_ends_cancelled_when_the_send_fails() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", "{}", 0).unwrap();
    outbox.enqueue(2, "WEB-2", "{}", 0).unwrap();
    outbox.claim_due(0, 2, "w", LEASE).unwrap();
    assert!(outbox.cancel(1, 5).unwrap().cancel_requested);
    let failed = outbox
        .mark_failed(1, "w", &OutboxError::new("network", "reset"), 100, 10)
        .unwrap();
    assert_eq!(failed.state, OutboxState::Cancelled);
    // Order 2's worker vanished after the cancel: it is settled, not sent again.
    outbox.cancel(2, 5).unwrap();
    assert!(outbox.claim_due(LEASE, 10, "w2", LEASE).unwrap().is_empty());
    assert_eq!(
        outbox.get(2).unwrap().unwrap().state,
        OutboxState::Cancelled
    );
    assert_eq!(outbox.counts().unwrap().cancelled, 2);
}

#[test]
fn a_queued_order_is_cancelled_at_once_and_can_be_requeued() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(1, "WEB-1", "{}", 0).unwrap();
    assert_eq!(outbox.cancel(1, 1).unwrap().state, OutboxState::Cancelled);
    assert!(outbox.claim_due(2, 10, "w", LEASE).unwrap().is_empty());
    assert_eq!(
        outbox.requeue(1, None, 3).unwrap().state,
        OutboxState::Queued
    );
}

#[test]
fn reporting_on_an_unknown_order_is_not_found() {
    let state = State::open_in_memory().unwrap();
    let e = state.outbox().mark_pushed(99, &pos_id("p"), 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn listing_filters_by_state_and_reference_and_counts_every_state() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    for n in 1..=30 {
        outbox.enqueue(n, &format!("WEB-{n}"), "{}", n).unwrap();
    }
    outbox.claim_due(100, 5, "w", LEASE).unwrap();
    let page = outbox
        .list(&OutboxFilter {
            state: Some(OutboxState::Queued),
            page: 2,
            per_page: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 25);
    assert_eq!(page.rows.len(), 10);
    let found = outbox
        .list(&OutboxFilter {
            text: Some("web-12".into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.rows[0].wc_order_id, 12);
    let by_id = outbox
        .list(&OutboxFilter {
            text: Some("3".into()),
            page: 1,
            per_page: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(by_id.rows.iter().any(|r| r.wc_order_id == 3));
    let counts = outbox.counts().unwrap();
    assert_eq!((counts.queued, counts.sending, counts.pushed), (25, 5, 0));
    let some = outbox.get_many(&[1, 2, 999]).unwrap();
    assert_eq!(some.len(), 2);
}

#[test]
fn workers_in_several_processes_claim_every_order_exactly_once() {
    let dir = TempDir::new();
    {
        let state = State::open(dir.path()).unwrap();
        for n in 1..=300 {
            state
                .outbox()
                .enqueue(n, &format!("WEB-{n}"), "{}", n)
                .unwrap();
        }
    }
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let state = State::open(&path).unwrap();
                let owner = format!("worker-{w}");
                let mut mine = Vec::new();
                loop {
                    let batch = state.outbox().claim_due(1_000, 7, &owner, LEASE).unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    for row in batch {
                        assert_eq!(row.claim_owner.as_deref(), Some(owner.as_str()));
                        let pos = pos_id(&format!("pos-{}", row.wc_order_id));
                        state
                            .outbox()
                            .mark_pushed(row.wc_order_id, &pos, 1_001)
                            .unwrap();
                        mine.push(row.wc_order_id);
                    }
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for handle in handles {
        for order in handle.join().unwrap() {
            total += 1;
            assert!(seen.insert(order), "order {order} claimed twice");
        }
    }
    assert_eq!(total, 300);
    let state = State::open(dir.path()).unwrap();
    let counts = state.outbox().counts().unwrap();
    assert_eq!(counts.pushed, 300);
    assert!(state
        .outbox()
        .list(&OutboxFilter {
            page: 1,
            per_page: 500,
            ..Default::default()
        })
        .unwrap()
        .rows
        .iter()
        .all(|r| r.attempts == 1));
}

#[test]
fn an_order_cancelled_in_the_pos_ends_cancelled_keeping_its_pos_id() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    outbox.enqueue(9, "WEB-9", r#"{"v":1}"#, 1_000).unwrap();
    outbox.claim(9, 1_000, "worker", LEASE).unwrap().unwrap();
    outbox.mark_pushed(9, &pos_id("pos-9"), 1_100).unwrap();
    let row = outbox.mark_cancelled_in_pos(9, None, 2_000).unwrap();
    assert_eq!(row.state, OutboxState::Cancelled);
    assert_eq!(row.pos_order_id, Some(pos_id("pos-9")));
    assert_eq!(row.claim_owner, None);
    // An order whose push outcome was unknown learns its POS id from the cancellation.
    outbox.enqueue(10, "WEB-10", r#"{"v":1}"#, 1_000).unwrap();
    let row = outbox
        .mark_cancelled_in_pos(10, Some(&pos_id("pos-10")), 2_000)
        .unwrap();
    assert_eq!(row.pos_order_id, Some(pos_id("pos-10")));
    assert_eq!(
        outbox
            .mark_cancelled_in_pos(11, None, 2_000)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn a_waiting_order_is_blocked_without_a_claim_and_an_order_being_sent_is_left_alone() {
    let state = State::open_in_memory().unwrap();
    let outbox = state.outbox();
    let reason = OutboxError::new("blocked", "unlinked products");
    outbox.enqueue(20, "WEB-20", "{}", 1_000).unwrap();
    let row = outbox.block_waiting(20, &reason, 2_000).unwrap().unwrap();
    assert_eq!(row.state, OutboxState::Blocked);
    assert_eq!(row.attempts, 0);
    assert_eq!(row.error, Some(reason.clone()));
    assert_eq!(row.claim_owner, None);

    outbox.enqueue(21, "WEB-21", "{}", 1_000).unwrap();
    outbox.claim(21, 1_000, "worker", LEASE).unwrap().unwrap();
    assert!(outbox.block_waiting(21, &reason, 2_000).unwrap().is_none());
    assert_eq!(outbox.get(21).unwrap().unwrap().state, OutboxState::Sending);
}
