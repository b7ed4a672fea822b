//! Leases: a job never runs twice at once, and a crashed run's lease expires.

#[path = "state_support.rs"]
mod support;

use shopcaisse_sync::state::State;
use support::TempDir;

const MINUTE: i64 = 60_000;

#[test]
fn a_free_lease_is_taken_and_then_refused_to_others() {
    let state = State::open_in_memory().unwrap();
    let leases = state.leases();
    let lease = leases
        .try_acquire("stock", "run-a", 1_000, MINUTE)
        .unwrap()
        .unwrap();
    assert_eq!(lease.owner, "run-a");
    assert_eq!(lease.expires_at_ms, 1_000 + MINUTE);
    assert!(leases
        .try_acquire("stock", "run-b", 2_000, MINUTE)
        .unwrap()
        .is_none());
    assert!(leases
        .try_acquire("stock", "run-a", 2_000, MINUTE)
        .unwrap()
        .is_none());
    // Another job's lease is independent.
    assert!(leases
        .try_acquire("orders", "run-b", 2_000, MINUTE)
        .unwrap()
        .is_some());
}

#[test]
fn an_expired_lease_is_taken_over() {
    let state = State::open_in_memory().unwrap();
    let leases = state.leases();
    leases
        .try_acquire("stock", "crashed", 0, MINUTE)
        .unwrap()
        .unwrap();
    assert!(leases
        .try_acquire("stock", "next", MINUTE - 1, MINUTE)
        .unwrap()
        .is_none());
    let taken = leases
        .try_acquire("stock", "next", MINUTE, MINUTE)
        .unwrap()
        .unwrap();
    assert_eq!(taken.owner, "next");
    assert_eq!(leases.get("stock").unwrap().unwrap().owner, "next");
}

#[test]
fn only_the_owner_releases_a_lease() {
    let state = State::open_in_memory().unwrap();
    let leases = state.leases();
    leases
        .try_acquire("stock", "run-a", 0, MINUTE)
        .unwrap()
        .unwrap();
    assert!(!leases.release("stock", "run-b").unwrap());
    assert!(leases
        .try_acquire("stock", "run-b", 1, MINUTE)
        .unwrap()
        .is_none());
    assert!(leases.release("stock", "run-a").unwrap());
    assert!(leases
        .try_acquire("stock", "run-b", 2, MINUTE)
        .unwrap()
        .is_some());
}

#[test]
fn renewing_extends_the_owners_lease_only() {
    let state = State::open_in_memory().unwrap();
    let leases = state.leases();
    leases
        .try_acquire("stock", "run-a", 0, MINUTE)
        .unwrap()
        .unwrap();
    let renewed = leases
        .renew("stock", "run-a", 50_000, MINUTE)
        .unwrap()
        .unwrap();
    assert_eq!(renewed.expires_at_ms, 50_000 + MINUTE);
    assert!(leases
        .try_acquire("stock", "run-b", MINUTE + 1, MINUTE)
        .unwrap()
        .is_none());
    assert!(leases.renew("stock", "run-b", 0, MINUTE).unwrap().is_none());
}

#[test]
fn a_run_whose_lease_was_taken_over_cannot_renew_it() {
    let state = State::open_in_memory().unwrap();
    let leases = state.leases();
    leases
        .try_acquire("stock", "slow", 0, MINUTE)
        .unwrap()
        .unwrap();
    leases
        .try_acquire("stock", "next", MINUTE, MINUTE)
        .unwrap()
        .unwrap();
    assert!(leases
        .renew("stock", "slow", MINUTE + 5, MINUTE)
        .unwrap()
        .is_none());
    assert!(!leases.release("stock", "slow").unwrap());
    assert_eq!(leases.list().unwrap().len(), 1);
}

#[test]
fn of_several_processes_racing_for_a_lease_exactly_one_wins() {
    let dir = TempDir::new();
    drop(State::open(dir.path()).unwrap());
    let handles: Vec<_> = (0..8)
        .map(|n| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let state = State::open(&path).unwrap();
                let lease = state
                    .leases()
                    .try_acquire("products", &format!("run-{n}"), 1_000, MINUTE)
                    .unwrap();
                lease.is_some()
            })
        })
        .collect();
    let winners = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|won| *won)
        .count();
    assert_eq!(winners, 1);
}
