//! "Tester la connexion" answers quickly whatever the API does, and says what the key cannot do
//! for this configuration before the first order is blocked.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::json;
use shopcaisse_sync::sandbox::{FaultAction, FaultRule};
use std::time::{Duration, Instant};

#[test]
fn the_test_answers_within_15_seconds_against_an_api_that_hangs() {
    let env = Env::start();
    // The default timeouts and retries (30 s per request, 4 attempts within 60 s).
    let mut engine = env.engine_with(json!({
        "connect_timeout_ms": null, "request_timeout_ms": null,
        "max_attempts": null, "retry_budget_ms": null,
    }));
    env.sandbox
        .add_rule(FaultRule::next(1, FaultAction::Delay { ms: 40_000 }).always());
    let started = Instant::now();
    let report = call(&mut engine, "testConnection", json!({}));
    let took = started.elapsed();
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["error"]["kind"], "timeout", "{report}");
    assert!(took < Duration::from_secs(15), "the test took {took:?}");
    eprintln!("testConnection against a hanging API: {took:?}");
}

#[test]
fn a_test_that_hangs_after_the_key_check_still_answers_in_time() {
    let env = Env::start();
    let mut engine = env.engine();
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 40_000 })
            .on_path("/pos")
            .always(),
    );
    let started = Instant::now();
    let report = call(&mut engine, "testConnection", json!({}));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report["ok"], true, "{report}");
    assert!(
        !report["warnings"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

#[test]
fn a_key_without_orders_write_is_reported_as_a_limitation() {
    let env = Env::start();
    let mut engine = env.engine();
    let clean = call(&mut engine, "testConnection", json!({}));
    assert_eq!(clean["limitations"], json!([]), "{clean}");

    env.sandbox
        .set_faults(|f| f.missing_permissions = vec!["orders.write".into()]);
    let report = call(&mut engine, "testConnection", json!({}));
    assert_eq!(report["ok"], true);
    let limits = report["limitations"].as_array().unwrap();
    assert!(
        limits
            .iter()
            .any(|l| l["feature"] == "orders" && l["missing"] == "orders:write"),
        "{report}"
    );
}

#[test]
fn a_pos_without_the_order_module_is_reported_as_a_limitation() {
    let env = Env::start();
    let without = env.sandbox.ids().pos_without_module.unwrap();
    let mut engine = env.engine_with(json!({ "pos_id": without }));
    let report = call(&mut engine, "testConnection", json!({}));
    assert_eq!(report["ok"], true);
    let limits = report["limitations"].as_array().unwrap();
    assert!(
        limits.iter().any(|l| l["missing"] == "order_module"),
        "{report}"
    );
}
