//! WordPress's privacy tools over the engine: a buyer's data found by e-mail, then erased,
//! without breaking exactly-once delivery for an order still on its way.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::Engine;
use shopcaisse_sync::state::{LogLevel, NewLog, State};

const PLATE_WC: i64 = 501;

/// An order by Jeanne (e-mail, phone, a note), as WooCommerce reports it.
fn jeannes_order(wc_order_id: i64) -> Value {
    let mut order = order(wc_order_id, &[(PLATE_WC, "Assiette plate", "1", 2490)]);
    order["customer"] = json!({
        "first_name": "Jeanne", "last_name": "Martin",
        "email": "Jeanne.Martin@Example.fr", "phone": "06 12 34 56 78",
    });
    order["note"] = json!("Sonner chez Jeanne Martin");
    order
}

fn engine_with_plate(env: &Env) -> Engine {
    let mut engine = env.engine_with(json!({ "debug": true }));
    link_all(&mut engine, &[(PLATE, PLATE_WC)]);
    engine
}

#[test]
fn an_order_on_its_way_is_delivered_whole_then_blanked_and_the_logs_forget_the_buyer() {
    let env = Env::start();
    let mut engine = engine_with_plate(&env);
    call(
        &mut engine,
        "orderChanged",
        json!({ "order": jeannes_order(1001) }),
    );

    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "jeanne.martin@example.fr " }),
    );
    assert_eq!(found["orders"][0]["wc_order_id"], 1001, "{found}");
    assert_eq!(
        found["orders"][0]["customer_details"]["last_name"],
        "Martin"
    );

    // Erased while queued: the POS still gets the buyer, once.
    let erased = call(
        &mut engine,
        "erasePersonalData",
        json!({ "email": "JEANNE.MARTIN@example.fr" }),
    );
    assert_eq!(erased["orders_pending"], 1, "{erased}");
    assert_eq!(erased["orders_anonymised"], 0);
    let pushed = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(pushed["pushed"], 1, "{pushed}");
    let in_pos = env.pos_orders(&reference(1001));
    assert_eq!(in_pos.len(), 1);
    assert!(in_pos[0].to_string().contains("Martin"), "{}", in_pos[0]);

    // Delivered: blanked, with the row, its reference and its POS id kept.
    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "jeanne.martin@example.fr" }),
    );
    assert_eq!(found["orders"], json!([]), "{found}");
    let row = outbox_row(&mut engine, 1001);
    assert_eq!(row["state"], "pushed");
    assert!(row["pos_order_id"].is_string());

    // The same order again changes nothing in the POS.
    call(&mut engine, "pushOrders", json!({}));
    assert_eq!(env.pos_orders(&reference(1001)).len(), 1);
}

#[test]
fn a_delivered_order_is_blanked_at_once_and_customer_keys_and_log_rows_go() {
    let env = Env::start();
    let mut engine = engine_with_plate(&env);
    call(
        &mut engine,
        "orderChanged",
        json!({ "order": jeannes_order(1002) }),
    );
    call(&mut engine, "pushOrders", json!({}));
    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "jeanne.martin@example.fr" }),
    );
    assert_eq!(found["orders"][0]["state"], "pushed", "{found}");
    assert!(
        !found["customer_keys"].as_array().unwrap().is_empty(),
        "the customer found or created is remembered: {found}"
    );
    // What an error text or a trace could quote: the e-mail in another case, URL-encoded in
    // details, the phone, the full name.
    let state = State::open(env.dir.path()).unwrap();
    state
        .logs()
        .write_all(&[
            NewLog::new(
                now_ms(),
                LogLevel::Warning,
                "order_push",
                "no customer JEANNE.MARTIN@example.fr (Jeanne Martin)",
            )
            .details(
                json!({ "query": "email=jeanne.martin%40example.fr", "phone": "06 12 34 56 78" }),
            ),
            NewLog::new(
                now_ms(),
                LogLevel::Info,
                "order_push",
                "customer +33612345678 found",
            ),
            NewLog::new(
                now_ms(),
                LogLevel::Info,
                "stock_sync",
                "12 stock changes planned",
            ),
        ])
        .unwrap();
    drop(state);
    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "jeanne.martin@example.fr" }),
    );
    assert_eq!(found["log_rows"].as_array().unwrap().len(), 2, "{found}");

    let erased = call(
        &mut engine,
        "erasePersonalData",
        json!({ "email": "jeanne.martin@example.fr" }),
    );
    assert_eq!(erased["orders_anonymised"], 1, "{erased}");
    assert!(erased["customer_keys_removed"].as_u64().unwrap() >= 1);
    assert_eq!(erased["log_rows_redacted"], 2);
    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "jeanne.martin@example.fr" }),
    );
    assert_eq!(
        found,
        json!({ "orders": [], "customer_keys": [], "log_rows": [] }),
        "nothing left"
    );
    let logs = call(&mut engine, "exportLogs", json!({ "query": {} }));
    let text = logs.to_string().to_lowercase();
    for value in [
        "jeanne.martin@example.fr",
        "jeanne.martin%40example.fr",
        "06 12 34 56 78",
        "+33612345678",
        "jeanne martin",
    ] {
        assert!(!text.contains(value), "{value} still in the logs");
    }
    assert!(
        text.contains("personal data erased"),
        "the erasure is logged, without whose"
    );
}

#[test]
fn an_address_nobody_used_finds_and_erases_nothing() {
    let env = Env::start();
    let mut engine = engine_with_plate(&env);
    call(
        &mut engine,
        "orderChanged",
        json!({ "order": jeannes_order(1003) }),
    );
    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "nobody@example.fr" }),
    );
    assert_eq!(found["orders"], json!([]));
    let erased = call(
        &mut engine,
        "erasePersonalData",
        json!({ "email": "not an address" }),
    );
    assert_eq!(erased["orders_pending"], 0);
    let found = call(
        &mut engine,
        "personalData",
        json!({ "email": "jeanne.martin@example.fr" }),
    );
    assert_eq!(
        found["orders"][0]["customer_details"]["first_name"],
        "Jeanne"
    );
}
