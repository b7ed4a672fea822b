//! A catalog refresh read in steps (`refreshCatalog` with `budget_ms`): several calls, the
//! cache untouched until the last, which ends exactly as a refresh in one go; the guards still
//! hold on the last call; a failed page is read again by the next call, never from the start;
//! a price listing that cannot be read is held as in one go; a walk of other settings starts
//! again.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::{Backend, Engine};
use shopcaisse_sync::sandbox::{Catalog, PageFault, PageShape};

/// The figures a refresh summary gives that depend on what was read.
const SUMMARY_FIGURES: [&str; 10] = [
    "items",
    "with_declinations",
    "declinations",
    "packs",
    "weighed",
    "unsupported",
    "prices_from_list",
    "stock_rows",
    "unknown_items",
    "problem_count",
];

fn generated(items: usize) -> Env {
    Env::start_with(Catalog::Generated { items, seed: 7 })
}

/// Every cached row, in display order.
fn cached_rows(engine: &mut Engine) -> Vec<Value> {
    let mut rows = Vec::new();
    for page in 1.. {
        let answer = call(
            engine,
            "searchCatalog",
            json!({"query": {"page": page, "per_page": 500}}),
        );
        let got = answer["rows"].as_array().unwrap().clone();
        if got.is_empty() {
            break;
        }
        rows.extend(got);
    }
    rows
}

/// Calls `refreshCatalog` with a 1 ms budget until it completes; the calls' answers. Before the
/// last, the cache must still hold `before`.
fn refresh_in_steps(engine: &mut Engine, before: &[Value]) -> Vec<Value> {
    let mut answers = Vec::new();
    loop {
        let answer = call(engine, "refreshCatalog", json!({"budget_ms": 1}));
        answers.push(answer.clone());
        if answer["complete"] == json!(true) {
            return answers;
        }
        assert_eq!(answer["complete"], json!(false), "{answer}");
        assert!(answer["walk"]["pages"].as_u64().unwrap() > 0, "{answer}");
        assert_eq!(
            cached_rows(engine),
            before,
            "the cache is untouched before the last call"
        );
        assert!(answers.len() < 200, "the walk never ends");
    }
}

/// A refresh in one go, with `settings`, into a state of its own.
fn one_go(env: &Env, changes: Value) -> (Value, Vec<Value>) {
    let dir = TempDir::new("one-go");
    let mut settings = env.settings.clone();
    for (key, value) in changes.as_object().unwrap() {
        match value {
            Value::Null => drop(settings.as_object_mut().unwrap().remove(key)),
            _ => settings[key] = value.clone(),
        }
    }
    let mut engine = Engine::new(&settings, dir.path(), Backend::Native).unwrap();
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    (summary, cached_rows(&mut engine))
}

fn assert_same_figures(steps: &Value, one_go: &Value) {
    for figure in SUMMARY_FIGURES {
        assert_eq!(
            steps[figure], one_go[figure],
            "{figure}: {steps} against {one_go}"
        );
    }
}

#[test]
fn a_refresh_in_steps_takes_several_calls_and_ends_as_a_refresh_in_one_go() {
    let env = generated(300);
    let mut engine = env.engine_with(json!({"page_size": 50}));
    let answers = refresh_in_steps(&mut engine, &[]);
    let last = answers.last().unwrap();
    assert!(answers.len() > 6, "pages of 50: {} calls", answers.len());
    assert_eq!(last["complete"], json!(true));
    let (whole, rows) = one_go(&env, json!({"page_size": 50}));
    assert_same_figures(last, &whole);
    assert_eq!(whole["items"], json!(300));
    assert!(whole["stock_rows"].as_u64().unwrap() > 0, "{whole}");
    assert!(whole["prices_from_list"].as_u64().unwrap() > 0, "{whole}");
    assert_eq!(cached_rows(&mut engine), rows);

    // A catalog that changed is read in steps again, and the previous one stays until the end.
    let before = rows;
    env.sandbox.generate(320, 8);
    let answers = refresh_in_steps(&mut engine, &before);
    assert!(answers.len() > 6);
    let (whole, rows) = one_go(&env, json!({"page_size": 50}));
    assert_same_figures(answers.last().unwrap(), &whole);
    assert_eq!(cached_rows(&mut engine), rows);
    assert_ne!(rows, before);

    // Without a budget, one call does it all, as before.
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(summary["complete"], json!(true));
    assert_same_figures(&summary, &whole);
}

#[test]
fn a_guard_that_holds_on_the_last_call_replaces_nothing() {
    let env = generated(300);
    let mut engine = env.engine_with(json!({"page_size": 50}));
    call(&mut engine, "refreshCatalog", json!({}));
    let before = cached_rows(&mut engine);
    assert_eq!(before.len(), 300);

    env.sandbox.generate(100, 7);
    let answers = refresh_in_steps(&mut engine, &before);
    let last = answers.last().unwrap();
    assert_eq!(last["items_held"]["reason"], "shrunk", "{last}");
    assert_eq!(last["items_held"]["cached"], 300, "{last}");
    assert_eq!(cached_rows(&mut engine), before);

    // The walk is over: the next call starts a new one, from the first page.
    env.sandbox.clear_log();
    let next = call(&mut engine, "refreshCatalog", json!({"budget_ms": 1}));
    assert_eq!(next["walk"]["pages"], json!(1), "{next}");
    assert_eq!(env.requests("GET", "/items?page=0&"), 1);
}

#[test]
fn a_failed_page_fails_the_call_and_the_next_call_reads_it_again_without_starting_over() {
    let env = generated(300);
    let mut engine = env.engine_with(json!({"page_size": 50}));
    let first = call(&mut engine, "refreshCatalog", json!({"budget_ms": 1}));
    assert_eq!(first["walk"]["next_page"], json!(1), "{first}");
    env.sandbox.set_faults(|f| {
        f.pages = vec![PageFault {
            path: "/items".into(),
            page: Some(1),
            shape: PageShape::BareArray,
        }]
    });
    call_err(&mut engine, "refreshCatalog", json!({"budget_ms": 1}));
    assert!(cached_rows(&mut engine).is_empty());
    env.sandbox.clear_faults();
    env.sandbox.clear_log();
    let answers = refresh_in_steps(&mut engine, &[]);
    assert_eq!(
        env.requests("GET", "/items?page=0&"),
        0,
        "the walk resumed where it stood"
    );
    let (whole, rows) = one_go(&env, json!({"page_size": 50}));
    assert_same_figures(answers.last().unwrap(), &whole);
    assert_eq!(cached_rows(&mut engine), rows);
}

#[test]
fn a_walk_started_with_other_settings_starts_again() {
    let env = generated(300);
    let mut engine = env.engine_with(json!({"page_size": 50}));
    for _ in 0..3 {
        call(&mut engine, "refreshCatalog", json!({"budget_ms": 1}));
    }
    // The merchant chose no price list meanwhile.
    let mut engine = env.engine_with(json!({"page_size": 50, "price_list_id": null}));
    env.sandbox.clear_log();
    let first = call(&mut engine, "refreshCatalog", json!({"budget_ms": 1}));
    assert_eq!(first["walk"]["pages"], json!(1), "{first}");
    assert_eq!(first["walk"]["part"], json!("items"), "{first}");
    assert_eq!(env.requests("GET", "/items?page=0&"), 1);
    let mut answers = vec![first];
    answers.extend(refresh_in_steps(&mut engine, &[]));
    assert_eq!(env.requests("GET", "/prices"), 0);
    let (whole, rows) = one_go(&env, json!({"page_size": 50, "price_list_id": null}));
    assert_eq!(whole["prices_from_list"], json!(0));
    assert_same_figures(answers.last().unwrap(), &whole);
    assert_eq!(cached_rows(&mut engine), rows);
}

#[test]
fn a_price_listing_that_fails_midway_is_held_as_in_one_go_and_the_walk_goes_on() {
    let env = generated(300);
    let mut engine = env.engine_with(json!({"page_size": 50}));
    call(&mut engine, "refreshCatalog", json!({}));
    let before = cached_rows(&mut engine);
    env.sandbox.set_faults(|f| {
        f.pages = vec![PageFault {
            path: "/prices".into(),
            page: Some(1),
            shape: PageShape::BareArray,
        }]
    });
    let answers = refresh_in_steps(&mut engine, &before);
    let last = answers.last().unwrap();
    assert_eq!(last["prices_held"]["reason"], "unreadable_answer", "{last}");
    assert!(
        answers.iter().any(|a| a["walk"]["part"] == json!("stock")),
        "the stock was read after the prices failed"
    );
    let (whole, _) = one_go(&env, json!({"page_size": 50}));
    assert_eq!(
        whole["prices_held"]["reason"], "unreadable_answer",
        "{whole}"
    );
    for figure in SUMMARY_FIGURES.iter().filter(|f| **f != "prices_from_list") {
        assert_eq!(last[figure], whole[figure], "{figure}");
    }
    // The prices the cache had are kept (the refresh in one go above started from none).
    assert_eq!(last["prices_from_list"], json!(300), "{last}");
    let price = |rows: &[Value]| rows.iter().map(|r| r["price"].clone()).collect::<Vec<_>>();
    assert_eq!(price(&cached_rows(&mut engine)), price(&before));
}
