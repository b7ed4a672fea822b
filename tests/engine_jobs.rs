//! The cron jobs' frame through the engine, as the WordPress side drives it: one run at a time
//! per job, a resume cursor handed from run to run, and the health shown beside each cron URL.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::{Backend, Engine};
use shopcaisse_sync::ErrorKind;

fn engine(dir: &TempDir) -> Engine {
    Engine::new(&json!({}), dir.path(), Backend::Native).unwrap()
}

#[test]
fn a_second_run_of_the_same_job_is_busy_until_the_first_finishes() {
    let dir = TempDir::new("jobs-busy");
    let (mut first, mut second) = (engine(&dir), engine(&dir));
    let started = call(
        &mut first,
        "startJob",
        json!({"job": "stock", "lease_ms": 60_000}),
    );
    assert_eq!(started["started"], true);
    let busy = call(
        &mut second,
        "startJob",
        json!({"job": "stock", "lease_ms": 60_000}),
    );
    assert_eq!(busy["started"], false);
    assert_eq!(busy["busy"], true);
    // Another job is not held by it.
    let other = call(
        &mut second,
        "startJob",
        json!({"job": "orders", "lease_ms": 60_000}),
    );
    assert_eq!(other["started"], true);
    call(
        &mut first,
        "finishJob",
        json!({"job": "stock", "run_id": started["run_id"], "outcome": "completed",
               "summary": {"written": 3}, "cursor": null}),
    );
    let again = call(
        &mut second,
        "startJob",
        json!({"job": "stock", "lease_ms": 60_000}),
    );
    assert_eq!(again["started"], true);
}

#[test]
fn a_run_that_died_frees_its_job_once_its_lease_expires() {
    let dir = TempDir::new("jobs-expire");
    let mut engine = engine(&dir);
    call(
        &mut engine,
        "startJob",
        json!({"job": "products", "lease_ms": 1}),
    );
    std::thread::sleep(std::time::Duration::from_millis(5));
    let next = call(
        &mut engine,
        "startJob",
        json!({"job": "products", "lease_ms": 1_000}),
    );
    assert_eq!(next["started"], true);
}

#[test]
fn a_partial_run_hands_its_cursor_to_the_next_run() {
    let dir = TempDir::new("jobs-cursor");
    let mut engine = engine(&dir);
    let first = call(
        &mut engine,
        "startJob",
        json!({"job": "orders", "lease_ms": 60_000}),
    );
    assert_eq!(first["cursor"], Value::Null);
    call(
        &mut engine,
        "finishJob",
        json!({"job": "orders", "run_id": first["run_id"], "outcome": "partial",
               "summary": {"pushed": 10}, "cursor": "after:10"}),
    );
    let second = call(
        &mut engine,
        "startJob",
        json!({"job": "orders", "lease_ms": 60_000}),
    );
    assert_eq!(second["cursor"], "after:10");
}

#[test]
fn health_reports_each_job_with_its_outcome_duration_and_usual_interval() {
    let dir = TempDir::new("jobs-health");
    let mut engine = engine(&dir);
    let fresh = call(&mut engine, "jobHealth", json!({}));
    assert_eq!(job_names(&fresh), ["products", "stock", "orders"]);
    assert_eq!(fresh["jobs"][1]["light"], "never");
    for _ in 0..4 {
        run_job(&mut engine, "stock", "failed", json!({"error": "timeout"}));
        std::thread::sleep(std::time::Duration::from_millis(3));
    }
    let health = call(&mut engine, "jobHealth", json!({}));
    let stock = &health["jobs"][1];
    assert_eq!(stock["light"], "failing");
    assert_eq!(stock["outcome"], "failed");
    assert_eq!(stock["summary"]["error"], "timeout");
    assert!(stock["last_duration_ms"].as_i64().unwrap() >= 0);
    assert!(stock["usual_interval_ms"].as_i64().unwrap() >= 1);
}

#[test]
fn an_unknown_job_or_a_bad_lease_is_refused_naming_it() {
    let dir = TempDir::new("jobs-bad");
    let mut engine = engine(&dir);
    let unknown = call_err(
        &mut engine,
        "startJob",
        json!({"job": "images", "lease_ms": 1000}),
    );
    assert_eq!(unknown.kind(), ErrorKind::InvalidInput);
    assert!(unknown.to_string().contains("images"));
    let endless = call_err(
        &mut engine,
        "startJob",
        json!({"job": "stock", "lease_ms": 0}),
    );
    assert!(endless.to_string().contains("lease_ms"));
}
