//! A partial answer never passes for a whole one: a page that lost its envelope fails the walk,
//! an empty or shrunk answer is held until forced, a row that could not be read is "unknown"
//! (its cached values kept, never zeroed, never taken for "nobody").

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::Engine;
use shopcaisse_sync::model::Money;
use shopcaisse_sync::sandbox::{Catalog, Fixture, PageFault, PageShape};
use shopcaisse_sync::ErrorKind;

fn page_fault(env: &Env, path: &str, page: Option<u32>, shape: PageShape) {
    env.sandbox.set_faults(|f| {
        f.pages = vec![PageFault {
            path: path.into(),
            page,
            shape,
        }]
    });
}

fn cached_total(engine: &mut Engine) -> u64 {
    call(engine, "searchCatalog", json!({"query": {}}))["total"]
        .as_u64()
        .unwrap()
}

fn cached_row(engine: &mut Engine, item: &str) -> Value {
    call(engine, "catalogItem", json!({ "item_id": item }))["row"].clone()
}

/// 300 generated items read in pages of 100, cached once.
fn generated() -> (Env, Engine) {
    let env = Env::start_with(Catalog::Generated {
        items: 300,
        seed: 7,
    });
    let mut engine = env.engine_with(json!({"page_size": 100}));
    call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(cached_total(&mut engine), 300);
    (env, engine)
}

#[test]
fn a_page_that_lost_its_envelope_fails_the_walk_and_the_cache_stays_whole() {
    let (env, mut engine) = generated();
    for shape in [
        PageShape::BareArray,
        PageShape::NoNextPage,
        PageShape::NullItems,
    ] {
        page_fault(&env, "/items", Some(1), shape);
        let error = call_err(&mut engine, "refreshCatalog", json!({}));
        assert_eq!(
            error.kind(),
            ErrorKind::UnexpectedPayload,
            "{shape:?}: {error}"
        );
        assert_eq!(cached_total(&mut engine), 300, "{shape:?}");
    }
}

#[test]
fn an_empty_or_shrunk_catalog_is_held_and_replaces_the_cache_only_when_forced() {
    let (env, mut engine) = generated();
    page_fault(&env, "/items", Some(0), PageShape::Empty);
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(summary["items_held"]["reason"], "empty_answer", "{summary}");
    assert_eq!(cached_total(&mut engine), 300);

    env.sandbox.clear_faults();
    env.sandbox.generate(100, 7);
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(summary["items_held"]["reason"], "shrunk", "{summary}");
    assert_eq!(summary["items_held"]["cached"], 300);
    assert_eq!(cached_total(&mut engine), 300);
    let held = call(
        &mut engine,
        "queryLogs",
        json!({"query": {"operation": "catalog_refresh", "min_level": "warning"}}),
    );
    assert!(held["total"].as_u64().unwrap() >= 2, "{held}");

    let forced = call(&mut engine, "refreshCatalog", json!({"force": true}));
    assert!(forced["items_held"].is_null(), "{forced}");
    assert_eq!(cached_total(&mut engine), 100);
}

#[test]
fn empty_null_or_malformed_stock_keeps_the_previous_stock_and_reports_it() {
    let env = Env::start();
    let mut engine = env.engine();
    call(&mut engine, "refreshCatalog", json!({}));
    let before = cached_row(&mut engine, PLATE)["stock"].clone();
    assert_eq!(before["stock"], "12", "{before}");

    for shape in [PageShape::Empty, PageShape::NullItems, PageShape::BareArray] {
        page_fault(&env, "/stocks", Some(0), shape);
        let summary = call(&mut engine, "refreshCatalog", json!({}));
        assert!(!summary["stock_held"].is_null(), "{shape:?}: {summary}");
        assert_eq!(cached_row(&mut engine, PLATE)["stock"], before, "{shape:?}");
    }

    page_fault(&env, "/stocks", Some(0), PageShape::BrokenRows);
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert!(summary["problem_count"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["stock_held"].is_null(), "{summary}");
    assert_eq!(cached_row(&mut engine, PLATE)["stock"], before);
}

#[test]
fn an_empty_or_malformed_price_list_keeps_the_previous_prices_and_reports_it() {
    let env = Env::start();
    // A list price that differs from the default price (24.90), so a fallback would show.
    let mut fixture = Fixture::demo();
    for price in fixture.prices.iter_mut().filter(|p| p.item == PLATE) {
        price.price = Money::from_cents(2100);
    }
    env.sandbox.load_fixture(fixture);
    let mut engine = env.engine();
    call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(cached_row(&mut engine, PLATE)["price"], 2100);

    page_fault(&env, "/prices/", Some(0), PageShape::BrokenRows);
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert!(summary["problem_count"].as_u64().unwrap() > 0, "{summary}");
    assert_eq!(cached_row(&mut engine, PLATE)["price"], 2100, "{summary}");

    page_fault(&env, "/prices/", Some(0), PageShape::Empty);
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(
        summary["prices_held"]["reason"], "empty_answer",
        "{summary}"
    );
    assert_eq!(cached_row(&mut engine, PLATE)["price"], 2100);
}

#[test]
fn a_shrunk_price_list_is_held_and_replaces_the_cached_prices_only_when_forced() {
    let env = Env::start();
    let list = env.sandbox.ids().default_price_list.expect("a price list");
    // A list price that differs from the default price (24.90), so a fallback would show.
    let mut fixture = Fixture::demo();
    for price in fixture.prices.iter_mut().filter(|p| p.item == PLATE) {
        price.price = Money::from_cents(2100);
    }
    env.sandbox.load_fixture(fixture.clone());
    let mut engine = env.engine_with(json!({"min_drop_count": 1}));
    call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(cached_row(&mut engine, PLATE)["price"], 2100);

    // The list now prices one item only: every other price would fall back to the default one.
    fixture
        .prices
        .retain(|p| p.price_list != list || p.item == CUP);
    env.sandbox.load_fixture(fixture);
    let summary = call(&mut engine, "refreshCatalog", json!({}));
    assert_eq!(summary["prices_held"]["reason"], "shrunk", "{summary}");
    assert_eq!(summary["prices_held"]["answered"], 1, "{summary}");
    assert_eq!(cached_row(&mut engine, PLATE)["price"], 2100);
    let held = call(
        &mut engine,
        "queryLogs",
        json!({"query": {"operation": "catalog_refresh", "min_level": "warning"}}),
    );
    assert!(held["total"].as_u64().unwrap() >= 1, "{held}");

    let forced = call(&mut engine, "refreshCatalog", json!({"force": true}));
    assert!(forced["prices_held"].is_null(), "{forced}");
    assert_eq!(forced["prices_from_list"], 1, "{forced}");
    assert_ne!(cached_row(&mut engine, PLATE)["price"], 2100);
}

#[test]
fn zero_missing_never_zeroes_an_item_whose_row_could_not_be_read() {
    let env = Env::start();
    let mut engine = env.engine_with(json!({"zero_missing": true}));
    link_all(&mut engine, &[(PLATE, 601), (CUP, 602)]);
    let plan = call(&mut engine, "planStock", json!({}));
    assert_eq!(plan["writes"].as_array().unwrap().len(), 2, "{plan}");
    call(
        &mut engine,
        "reportStockApplied",
        json!({ "writes": plan["writes"] }),
    );

    page_fault(&env, "/stocks", Some(0), PageShape::BrokenRows);
    let plan = call(&mut engine, "planStock", json!({}));
    assert_eq!(plan["writes"], json!([]), "{plan}");
    assert!(plan["unknown_items"].as_u64().unwrap() > 0, "{plan}");
}

#[test]
fn a_customer_search_that_skipped_a_row_is_not_taken_for_nobody() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(&mut engine, &[(PLATE, 601)]);
    let mut paid = order(9101, &[(601, "Assiette plate", "1", 2490)]);
    paid["customer"] = json!({"first_name": "Jeanne", "last_name": "Martin",
                              "email": JEANNE_EMAIL, "phone": null});
    call(&mut engine, "orderChanged", json!({ "order": paid }));

    page_fault(&env, "/customers", None, PageShape::BrokenRows);
    let pushed = call(&mut engine, "pushOrders", json!({"limit": 10}));
    assert_eq!(pushed["failed"], 1, "{pushed}");
    assert_eq!(
        env.requests("POST", "/customers"),
        0,
        "no duplicate customer"
    );
    assert!(env.pos_orders(&reference(9101)).is_empty());

    env.sandbox.clear_faults();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let pushed = call(&mut engine, "pushOrders", json!({"limit": 10}));
    assert_eq!(pushed["pushed"], 1, "{pushed}");
    assert_eq!(env.requests("POST", "/customers"), 0);
    assert_eq!(env.pos_order(&reference(9101))["customer"], JEANNE_ID);
}
