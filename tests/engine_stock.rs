//! POS stock onto the website through the engine, as PHP drives it (`planStock`, then
//! `reportStockApplied` with what WooCommerce wrote), against the sandbox.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::Engine;
use shopcaisse_sync::state::State;

/// `(wc_id, quantity)` of every planned write, by WooCommerce id.
fn writes(plan: &Value) -> Vec<(i64, String)> {
    plan["writes"]
        .as_array()
        .unwrap_or_else(|| panic!("no writes in {plan}"))
        .iter()
        .map(|w| {
            (
                w["wc_id"].as_i64().unwrap(),
                w["quantity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Plans, then reports every write applied, as the plugin does.
fn plan_and_apply(engine: &mut Engine) -> Value {
    let plan = call(engine, "planStock", json!({}));
    let applied: Vec<Value> = plan["writes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| json!({"wc_id": w["wc_id"], "quantity": w["quantity"]}))
        .collect();
    call(engine, "reportStockApplied", json!({ "writes": applied }));
    plan
}

fn till_sale(env: &Env, lines: Value) {
    let (status, answer) = env
        .sandbox
        .control("POST", "sales", json!({ "lines": lines }));
    assert_eq!(status, 200, "{answer}");
}

fn qty(text: &str) -> shopcaisse_sync::model::Quantity {
    shopcaisse_sync::model::Quantity::parse(text).unwrap()
}

fn owned(pairs: &[(i64, &str)]) -> Vec<(i64, String)> {
    pairs.iter().map(|(id, q)| (*id, q.to_string())).collect()
}

#[test]
fn a_stock_run_plans_only_linked_items() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(&mut engine, &[(PLATE, 601), (CUP, 602), (MUG, 603)]);
    let plan = call(&mut engine, "planStock", json!({}));
    assert!(plan["held"].is_null(), "{plan}");
    assert!(plan["held_run_id"].is_null());
    // 12 plates with 2 reserved, 40 cups, 7 mugs; the 13 other items are not linked.
    assert_eq!(
        writes(&plan),
        owned(&[(601, "10"), (602, "40"), (603, "7")])
    );
    assert_eq!(plan["counts"]["linked"], 3);
    assert!(plan["writes"][0]["previous"].is_null());
}

#[test]
fn reporting_the_writes_applied_then_planning_again_gives_no_writes() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(
        &mut engine,
        &[(PLATE, 601), (CUP, 602), (COFFEE, 603), (BOWL, 604)],
    );
    let first = plan_and_apply(&mut engine);
    assert_eq!(first["writes"].as_array().unwrap().len(), 4);
    // Another request of the site (another engine on the same state).
    let again = call(&mut env.engine(), "planStock", json!({}));
    assert_eq!(writes(&again), owned(&[]), "{again}");
    assert_eq!(again["unchanged"], 4);
    // Reporting the same writes twice is harmless.
    plan_and_apply(&mut engine);
    assert_eq!(call(&mut engine, "planStock", json!({}))["unchanged"], 4);
}

#[test]
fn a_till_sale_shows_in_the_next_plan_as_exactly_that_products_change() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(
        &mut engine,
        &[(PLATE, 601), (CUP, 602), (MUG, 603), (COFFEE, 604)],
    );
    plan_and_apply(&mut engine);
    till_sale(&env, json!([{"item": CUP, "quantity": 3}]));
    let plan = call(&mut engine, "planStock", json!({}));
    assert_eq!(writes(&plan), owned(&[(602, "37")]));
    assert_eq!(plan["writes"][0]["previous"], "40");
    assert_eq!(plan["unchanged"], 3);
}

#[test]
fn quantities_reserved_for_customers_are_subtracted_unless_the_setting_says_no() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(&mut engine, &[(PLATE, 601)]);
    assert_eq!(
        writes(&call(&mut engine, "planStock", json!({}))),
        owned(&[(601, "10")])
    );
    let mut raw = env.engine_with(json!({"subtract_reserved": false}));
    assert_eq!(
        writes(&call(&mut raw, "planStock", json!({}))),
        owned(&[(601, "12")])
    );
}

#[test]
fn a_negative_stock_shows_as_zero() {
    let env = Env::start();
    let mut engine = env.engine();
    // Bowls at -2, olive oil at -0.75 L.
    link_all(
        &mut engine,
        &[(BOWL, 601), ("7d846be0-1d81-41f6-ad25-8e1e66e56af4", 602)],
    );
    let plan = call(&mut engine, "planStock", json!({}));
    assert_eq!(writes(&plan), owned(&[(601, "0"), (602, "0")]));
    assert!(plan["writes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["sellable_units"] == 0));
}

#[test]
fn a_weighed_item_keeps_its_decimal_stock_and_exposes_whole_sellable_units() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(&mut engine, &[(COFFEE, 601), (LENTILS, 602)]);
    let plan = plan_and_apply(&mut engine);
    let coffee = &plan["writes"][0];
    assert_eq!(coffee["quantity"], "12.345");
    assert_eq!(coffee["sellable_units"], 12);
    assert_eq!(coffee["weighed"], true);
    assert_eq!(plan["writes"][1]["quantity"], "4.5");

    // 0.355 kg sold at the till: the next plan carries the exact remaining weight.
    till_sale(&env, json!([{"item": COFFEE, "quantity": 0.355}]));
    let plan = call(&mut engine, "planStock", json!({}));
    assert_eq!(writes(&plan), owned(&[(601, "11.99")]));
    assert_eq!(plan["writes"][0]["sellable_units"], 11);
}

#[test]
fn a_pack_follows_its_components() {
    let env = Env::start();
    let mut engine = env.engine();
    // The breakfast box holds 2 bowls and 0.25 kg of coffee; only the box is linked.
    link_all(&mut engine, &[(BOX, 610)]);
    // Bowls at -2: no box can be made.
    assert_eq!(writes(&plan_and_apply(&mut engine)), owned(&[(610, "0")]));

    env.sandbox.set_stock(BOWL, qty("10"));
    // min(10 / 2, 12.345 / 0.25) = min(5, 49)
    assert_eq!(writes(&plan_and_apply(&mut engine)), owned(&[(610, "5")]));

    till_sale(&env, json!([{"item": BOWL, "quantity": 4}]));
    assert_eq!(writes(&plan_and_apply(&mut engine)), owned(&[(610, "3")]));

    // A box sold at the till takes its components with it.
    till_sale(&env, json!([{"item": BOX, "quantity": 1}]));
    assert_eq!(writes(&plan_and_apply(&mut engine)), owned(&[(610, "2")]));

    // Coffee runs low: 0.6 kg makes two boxes whatever the bowls.
    env.sandbox.set_stock(COFFEE, qty("0.6"));
    env.sandbox.set_stock(BOWL, qty("40"));
    assert_eq!(writes(&plan_and_apply(&mut engine)), owned(&[]));
    env.sandbox.set_stock(COFFEE, qty("0.4"));
    assert_eq!(writes(&plan_and_apply(&mut engine)), owned(&[(610, "1")]));
}

/// The demo shop without any stock row: the API answers an empty list.
fn empty_stock_answer(env: &Env) {
    let mut fixture: Value = serde_json::from_str(shopcaisse_sync::sandbox::DEMO_FIXTURE).unwrap();
    fixture.as_object_mut().unwrap().remove("stocks");
    let (status, answer) = env.sandbox.control("POST", "fixture", fixture);
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn an_empty_stock_answer_holds_the_run_and_force_applies_it() {
    let env = Env::start();
    let mut engine = env.engine_with(json!({"zero_missing": true}));
    link_all(&mut engine, &[(PLATE, 601), (CUP, 602), (COFFEE, 603)]);
    plan_and_apply(&mut engine);

    empty_stock_answer(&env);
    let held = call(&mut engine, "planStock", json!({}));
    assert_eq!(held["held"]["reason"], "empty_answer", "{held}");
    assert!(held["held_run_id"].is_i64(), "{held}");
    assert_eq!(writes(&held), owned(&[]));
    assert_eq!(held["would_write"], 3);
    // Held again at the next call: nothing reaches WooCommerce until a person decides.
    let again = call(&mut engine, "planStock", json!({}));
    assert!(again["held_run_id"].is_i64());
    assert_eq!(writes(&again), owned(&[]));
    // The cached stock the admin screens and imports read is not replaced by a held answer.
    let cached = call(&mut engine, "catalogItem", json!({"item_id": CUP}));
    assert_eq!(cached["row"]["stock"]["stock"], "40", "{cached}");

    // The merchant confirms: the run is applied.
    let forced = call(&mut engine, "planStock", json!({"force": true}));
    assert!(forced["held"].is_null(), "{forced}");
    assert!(forced["held_run_id"].is_null());
    assert_eq!(
        writes(&forced),
        owned(&[(601, "0"), (602, "0"), (603, "0")])
    );
    // The held run is settled as applied, not left waiting for a person.
    let state = State::open(env.dir.path()).unwrap();
    assert!(
        state.stock_ledger().pending_held().unwrap().is_empty(),
        "{:?}",
        state.stock_ledger().pending_held().unwrap()
    );
}

#[test]
fn an_empty_stock_answer_is_held_even_when_missing_items_are_left_alone() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(&mut engine, &[(PLATE, 601), (CUP, 602)]);
    plan_and_apply(&mut engine);
    empty_stock_answer(&env);
    let held = call(&mut engine, "planStock", json!({}));
    assert_eq!(held["held"]["reason"], "empty_answer", "{held}");
    // Forced, it writes nothing: items missing from the answer are left as they are.
    let forced = call(&mut engine, "planStock", json!({"force": true}));
    assert!(forced["held"].is_null());
    assert_eq!(writes(&forced), owned(&[]));
    assert_eq!(forced["counts"]["missing"], 2);
}

#[test]
fn a_held_run_is_listed_for_a_person_who_may_dismiss_it_and_a_sound_answer_supersedes_it() {
    let env = Env::start();
    let mut engine = env.engine_with(json!({"zero_missing": true}));
    link_all(&mut engine, &[(PLATE, 601), (CUP, 602)]);
    plan_and_apply(&mut engine);
    let demo: Value = serde_json::from_str(shopcaisse_sync::sandbox::DEMO_FIXTURE).unwrap();

    empty_stock_answer(&env);
    let first = call(&mut engine, "planStock", json!({}))["held_run_id"].clone();
    let listed = call(&mut engine, "heldStockRuns", json!({}));
    assert_eq!(listed["pending"][0]["id"], first, "{listed}");
    assert_eq!(
        listed["pending"][0]["summary"]["reason"]["reason"],
        "empty_answer"
    );
    let dismissed = call(&mut engine, "dismissHeldStockRun", json!({"id": first}));
    assert_eq!(dismissed["resolution"], "dismissed", "{dismissed}");
    assert_eq!(
        call(&mut engine, "heldStockRuns", json!({}))["pending"],
        json!([])
    );

    // Held again, then the POS answers soundly by itself: the held run is superseded.
    call(&mut engine, "planStock", json!({}));
    env.sandbox.control("POST", "fixture", demo);
    let sound = call(&mut engine, "planStock", json!({}));
    assert!(sound["held"].is_null(), "{sound}");
    let listed = call(&mut engine, "heldStockRuns", json!({}));
    assert_eq!(listed["pending"], json!([]), "{listed}");
    assert_eq!(listed["recent"][0]["resolution"], "superseded", "{listed}");
}
