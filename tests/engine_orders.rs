//! Web orders through the engine, as PHP drives them (`Engine::call` with JSON), against the
//! sandbox: queued once, sent once, customers matched, problems named, cancellations followed,
//! and what reaches the till adds up to what was paid, to the cent.

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::sandbox::{FaultAction, FaultRule};
use std::time::{Duration, Instant};

/// The demo shop with plates (501), cups (502), coffee by weight (503) and mugs (504) linked.
fn linked_env() -> (Env, shopcaisse_sync::engine::Engine) {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(
        &mut engine,
        &[(PLATE, 501), (CUP, 502), (COFFEE, 503), (MUG, 504)],
    );
    (env, engine)
}

fn plates(wc_order_id: i64) -> Value {
    order(wc_order_id, &[(501, "Assiette plate", "2", 2490)])
}

#[test]
fn an_order_reaching_a_mapped_status_is_queued_once_however_many_times_the_hook_fires() {
    let (env, mut engine) = linked_env();
    let order = plates(1001);
    let pending = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "pending")}),
    );
    assert_eq!(pending["action"], "nothing");
    assert!(pending["order"].is_null(), "{pending}");

    let first = call(&mut engine, "orderChanged", json!({"order": order}));
    assert_eq!(first["action"], "enqueue");
    assert_eq!(first["order"]["state"], "queued");
    for status in ["processing", "wc-processing", "completed"] {
        let again = call(
            &mut engine,
            "orderChanged",
            json!({"order": with_status(&order, status)}),
        );
        assert_eq!(again["order"]["state"], "queued", "{again}");
    }
    let listed = call(&mut engine, "listOutbox", json!({}));
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["counts"]["queued"], 1);

    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(
        (run["claimed"].as_u64(), run["pushed"].as_u64()),
        (Some(1), Some(1))
    );
    // The hook fires again once the order is in the POS: nothing more happens.
    let later = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "completed")}),
    );
    assert_eq!(later["action"], "nothing");
    assert_eq!(later["order"]["state"], "pushed");
    assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);
    assert_eq!(env.pos_orders(&reference(1001)).len(), 1);
    assert_eq!(env.requests("POST", "/orders"), 1);
}

#[test]
fn a_double_push_creates_one_pos_order() {
    let (env, mut engine) = linked_env();
    let order = plates(1002);
    let first = call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(first["order"]["state"], "pushed", "{first}");
    let pos_id = first["order"]["pos_order_id"].clone();
    assert!(pos_id.is_string());

    let second = call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(second["order"]["state"], "pushed");
    assert_eq!(second["order"]["pos_order_id"], pos_id);
    // A second engine (another PHP worker) clicking too.
    let third = call(&mut env.engine(), "pushOrderNow", json!({"order": order}));
    assert_eq!(third["order"]["pos_order_id"], pos_id);

    assert_eq!(env.pos_order(&reference(1002))["id"], pos_id);
    assert_eq!(env.requests("POST", "/orders"), 1);
}

#[test]
fn two_buttons_clicked_at_the_same_moment_create_one_pos_order() {
    let (env, _) = linked_env();
    // The POS answers slowly, so both clicks overlap.
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 800 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let order = plates(1003);
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let mut engine = env.engine();
            let order = order.clone();
            std::thread::spawn(move || call(&mut engine, "pushOrderNow", json!({"order": order})))
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let mut engine = env.engine();
    assert_eq!(outbox_row(&mut engine, 1003)["state"], "pushed");
    assert_eq!(env.pos_orders(&reference(1003)).len(), 1);
}

#[test]
fn a_customer_is_found_by_email_first() {
    let (env, mut engine) = linked_env();
    let mut order = plates(1010);
    order["customer"] = json!({"first_name": "Jeanne", "last_name": "Martin",
                               "email": " JEANNE@example.fr ", "phone": "+33 7 11 11 11 11"});
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    let pos = env.pos_order(&reference(1010));
    assert_eq!(pos["customer"], JEANNE_ID);
    assert_eq!(env.requests("POST", "/customers"), 0);
    let searches: Vec<String> = env
        .sandbox
        .log()
        .into_iter()
        .filter(|e| e.method == "GET" && e.target.contains("/customers"))
        .map(|e| e.target)
        .collect();
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert!(searches[0].contains("email="), "{searches:?}");
}

#[test]
fn a_customer_is_found_by_phone_when_the_email_finds_nobody() {
    let (env, mut engine) = linked_env();
    let mut order = plates(1011);
    order["customer"] = json!({"first_name": "Jeanne", "last_name": "Martin", "email": null,
               "phone": "+33600000000"});
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(env.pos_order(&reference(1011))["customer"], JEANNE_ID);
    assert_eq!(env.requests("POST", "/customers"), 0);
}

#[test]
fn a_phone_typed_the_french_way_finds_the_customer_stored_internationally() {
    let (env, mut engine) = linked_env();
    let mut order = plates(1012);
    order["customer"] = json!({"first_name": "Jeanne", "last_name": "Martin", "email": null,
               "phone": "06 00 00 00 00"});
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(env.pos_order(&reference(1012))["customer"], JEANNE_ID);
    assert_eq!(
        env.requests("POST", "/customers"),
        0,
        "a second Jeanne was created"
    );
}

#[test]
fn an_unknown_buyer_is_created_once_and_remembered() {
    let (env, mut engine) = linked_env();
    let buyer = json!({"first_name": "Luc", "last_name": "Nouveau",
                       "email": "luc@example.org", "phone": "+33 6 12 34 56 78"});
    let mut first = plates(1020);
    first["customer"] = buyer.clone();
    call(&mut engine, "pushOrderNow", json!({"order": first}));
    assert_eq!(env.requests("POST", "/customers"), 1);
    let created = env.pos_order(&reference(1020))["customer"].clone();
    assert!(created.is_string());
    assert_ne!(created, JEANNE_ID);

    env.sandbox.clear_log();
    let mut second = plates(1021);
    second["customer"] = buyer;
    // Another engine on the same state (the next request of the site).
    call(&mut env.engine(), "pushOrderNow", json!({"order": second}));
    assert_eq!(env.pos_order(&reference(1021))["customer"], created);
    assert_eq!(env.requests("GET", "/customers"), 0);
    assert_eq!(env.requests("POST", "/customers"), 0);
}

#[test]
fn an_order_with_an_unlinked_product_is_blocked_naming_it_and_goes_once_linked() {
    let (env, mut engine) = linked_env();
    let order = order(
        1030,
        &[
            (501, "Assiette plate", "1", 2490),
            (777, "Miel de lavande", "2", 890),
        ],
    );
    let changed = call(&mut engine, "orderChanged", json!({"order": order}));
    let row = &changed["order"];
    assert_eq!(row["state"], "blocked", "{changed}");
    let reasons = row["blocked_reasons"].to_string();
    assert!(reasons.contains("unlinked_products"), "{reasons}");
    assert!(
        reasons.contains("Miel de lavande") && reasons.contains("777"),
        "{reasons}"
    );
    assert!(
        row["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unlinked"),
        "{row}"
    );
    assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);
    assert_eq!(env.requests("POST", "/orders"), 0);

    call(&mut engine, "link", json!({"item_id": HONEY, "wc_id": 777}));
    let again = call(&mut engine, "orderChanged", json!({"order": order}));
    assert_eq!(again["action"], "enqueue");
    assert_eq!(again["order"]["state"], "queued", "{again}");
    assert!(again["order"]["blocked_reasons"].is_null());
    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(run["pushed"], 1, "{run}");
    let pos = env.pos_order(&reference(1030));
    let items: Vec<&Value> = pos["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["item"])
        .collect();
    assert_eq!(items, [&json!(PLATE), &json!(HONEY)]);
}

#[test]
fn a_pos_without_the_order_module_blocks_with_order_module_missing_not_invalid_token() {
    let (env, _) = linked_env();
    let without = env.sandbox.ids().pos_without_module.unwrap();
    let mut engine = env.engine_with(json!({"pos_id": without}));
    let pushed = call(&mut engine, "pushOrderNow", json!({"order": plates(1040)}));
    let row = &pushed["order"];
    assert_eq!(row["state"], "blocked", "{pushed}");
    assert_eq!(row["error"]["kind"], "order_module_missing", "{row}");
    assert!(env.pos_orders(&reference(1040)).is_empty());
    // Blocked: the cron leaves it for a person.
    assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);

    // The merchant buys the module; the button pushes it.
    env.sandbox.set_order_management(&without, true);
    let retried = call(&mut engine, "pushOrderNow", json!({"order": plates(1040)}));
    assert_eq!(retried["order"]["state"], "pushed", "{retried}");
    assert_eq!(env.pos_orders(&reference(1040)).len(), 1);
}

#[test]
fn a_revoked_token_blocks_with_invalid_token() {
    let (env, mut engine) = linked_env();
    call(&mut engine, "orderChanged", json!({"order": plates(1041)}));
    env.sandbox.set_faults(|f| f.revoked_token = true);
    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(run["blocked"], 1, "{run}");
    let row = outbox_row(&mut engine, 1041);
    assert_eq!(row["state"], "blocked");
    assert_eq!(row["error"]["kind"], "invalid_token", "{row}");
    assert!(env.pos_orders(&reference(1041)).is_empty());
}

#[test]
fn a_503_fails_with_a_retry_scheduled_and_succeeds_on_a_later_due_push() {
    let (env, _) = linked_env();
    // A 503 on POST leaves the outcome unknown: a short grace window, then a new POST.
    let mut engine = env.engine_with(json!({"max_attempts": 2, "push_grace_ms": 1000}));
    call(&mut engine, "orderChanged", json!({"order": plates(1050)}));
    env.sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 503,
                retry_after: None,
            },
        )
        .on_method("POST")
        .on_path("/orders")
        .always(),
    );
    let before = now_ms();
    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(run["failed"], 1, "{run}");
    let row = outbox_row(&mut engine, 1050);
    assert_eq!(row["state"], "failed");
    assert_eq!(row["error"]["kind"], "server", "{row}");
    let due = row["next_attempt_at_ms"].as_i64().unwrap();
    assert!(due > before, "next attempt {due} is not after {before}");
    assert!(env.pos_orders(&reference(1050)).is_empty());

    env.sandbox.clear_faults();
    // Not due yet (unless the machine is very slow): nothing claimed.
    if now_ms() < due {
        assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let run = call(&mut engine, "pushOrders", json!({}));
        if run["pushed"] == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "never retried: {run}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(now_ms() >= due);
    let row = outbox_row(&mut engine, 1050);
    assert_eq!(row["state"], "pushed");
    assert!(row["attempts"].as_u64().unwrap() >= 2, "{row}");
    assert_eq!(env.pos_orders(&reference(1050)).len(), 1);
}

#[test]
fn an_order_cancelled_in_woocommerce_after_its_push_is_cancelled_in_the_pos() {
    let (env, mut engine) = linked_env();
    let order = plates(1060);
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(env.pos_order(&reference(1060))["status"], "not_acked");

    let cancelled = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    assert_eq!(cancelled["action"], "cancel", "{cancelled}");
    assert_eq!(env.pos_order(&reference(1060))["status"], "cancelled");
    // The order screen shows where it ended, with the POS id kept; reaching "processing"
    // again never sends it by itself.
    assert_eq!(cancelled["order"]["state"], "cancelled", "{cancelled}");
    assert!(
        cancelled["order"]["pos_order_id"].is_string(),
        "{cancelled}"
    );
    let again = call(&mut engine, "orderChanged", json!({"order": order}));
    assert_eq!(again["action"], "nothing", "{again}");
    // The hook firing again (refunded after cancelled) changes nothing and fails nothing.
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "refunded")}),
    );
    assert_eq!(env.pos_order(&reference(1060))["status"], "cancelled");
    assert_eq!(env.requests("DELETE", "/orders/"), 1);
}

#[test]
fn an_order_cancelled_while_queued_is_withdrawn_and_never_sent() {
    let (env, mut engine) = linked_env();
    let order = plates(1070);
    call(&mut engine, "orderChanged", json!({"order": order}));
    let withdrawn = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    assert_eq!(withdrawn["action"], "withdraw");
    assert_eq!(withdrawn["order"]["state"], "cancelled");
    assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);
    assert!(env.pos_orders(&reference(1070)).is_empty());
    assert_eq!(env.requests("POST", "/orders"), 0);
    assert_eq!(env.requests("DELETE", "/orders"), 0);
}

#[test]
fn an_order_cancelled_while_its_push_is_in_flight_does_not_stay_live_in_the_pos() {
    let (env, _) = linked_env();
    // The POS takes its time before processing the push.
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 1500 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let order = plates(1071);
    let mut button = env.engine();
    let sent = order.clone();
    let worker =
        std::thread::spawn(move || call(&mut button, "pushOrderNow", json!({"order": sent})));
    let deadline = Instant::now() + Duration::from_secs(10);
    // The delay rule is used up when the POST arrives: from then on the POS is working on it.
    while !env.sandbox.faults().rules.is_empty() {
        assert!(Instant::now() < deadline, "the push never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The merchant cancels the order while the POS is still working on the push.
    let mut engine = env.engine();
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    worker.join().unwrap();
    let in_pos = env.pos_orders(&reference(1071));
    assert!(
        in_pos.iter().all(|o| o["status"] == "cancelled"),
        "a cancelled web order is live in the POS: {in_pos:#?}"
    );
}

#[test]
fn an_order_cancelled_after_a_push_of_unknown_outcome_does_not_stay_live_in_the_pos() {
    let (env, _) = linked_env();
    let mut engine = env.engine_with(json!({"max_attempts": 1}));
    let order = plates(1072);
    call(&mut engine, "orderChanged", json!({"order": order}));
    // The POS commits the order and the answer is lost; with one attempt allowed, the worker
    // gives up without knowing whether the POS has it.
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::ResetAfter)
            .on_method("POST")
            .on_path("/orders"),
    );
    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(run["failed"], 1, "{run}");
    assert_eq!(env.pos_orders(&reference(1072)).len(), 1);

    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    let in_pos = env.pos_order(&reference(1072));
    assert_eq!(
        in_pos["status"], "cancelled",
        "a cancelled web order is live in the POS"
    );
    assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);
}

#[test]
fn a_weighed_item_reaches_the_pos_with_its_decimal_quantity() {
    let (env, mut engine) = linked_env();
    let order = order(1080, &[(503, "Café en grains", "0.355", 3250)]);
    let pushed = call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(pushed["order"]["state"], "pushed", "{pushed}");
    let pos = env.pos_order(&reference(1080));
    let line = &pos["lines"][0];
    assert_eq!(line["item"], COFFEE);
    assert_eq!(line["quantity"].to_string(), "0.355");
    assert_eq!(cents(&pos["total"]), 1154); // 0.355 × 32.50 = 11.5375
}

#[test]
fn a_fraction_of_a_product_sold_by_the_piece_is_blocked() {
    let (_env, mut engine) = linked_env();
    let order = order(1081, &[(501, "Assiette plate", "1.5", 2490)]);
    let row = call(&mut engine, "orderChanged", json!({"order": order}))["order"].clone();
    assert_eq!(row["state"], "blocked");
    assert!(row["blocked_reasons"]
        .to_string()
        .contains("invalid_quantity"));
}

#[test]
fn shipping_and_fees_are_free_lines_and_the_pos_total_equals_the_paid_total_in_cents() {
    let (env, mut engine) = linked_env();
    let mut order = order(
        1090,
        &[
            (501, "Assiette plate", "3", 2490),
            (502, "Tasse à café", "1", 990),
            (503, "Café en grains", "0.25", 3250),
        ],
    );
    // A 10 % discount on the plates.
    order["lines"][0]["discount"] = json!(747);
    order["lines"][0]["total_ttc"] = json!(7470 - 747);
    order["shipping"] = json!([{"name": "Colissimo", "total_ttc": 490}]);
    order["fees"] =
        json!([{"name": "Emballage cadeau", "total_ttc": 150}, {"name": "", "total_ttc": 99}]);
    let paid = 7470 - 747 + 990 + 813 + 490 + 150 + 99;
    order["total_ttc"] = json!(paid);
    let pushed = call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(pushed["order"]["state"], "pushed", "{pushed}");

    let pos = env.pos_order(&reference(1090));
    assert_eq!(cents(&pos["total"]), paid);
    assert_eq!(cents(&pos["payments"][0]["amount"]), paid);
    let lines = pos["lines"].as_array().unwrap();
    let free: Vec<(&str, i64)> = lines
        .iter()
        .filter(|l| l["item"].is_null())
        .map(|l| (l["label"].as_str().unwrap(), cents(&l["unitPrice"])))
        .collect();
    assert_eq!(
        free,
        [("Colissimo", 490), ("Emballage cadeau", 150), ("Frais", 99)]
    );
    // The lines add up, to the cent, to what was paid.
    let sum: i64 = lines
        .iter()
        .map(|l| {
            let q = parse_thousandths(&l["quantity"].to_string());
            (cents(&l["unitPrice"]) * q + 500) / 1000 - cents(&l["discount"])
        })
        .sum();
    assert_eq!(sum, paid);
}

#[test]
fn an_order_not_in_euros_is_blocked() {
    let (env, mut engine) = linked_env();
    let mut order = plates(1100);
    order["currency"] = json!("CHF");
    let row = call(&mut engine, "orderChanged", json!({"order": order}))["order"].clone();
    assert_eq!(row["state"], "blocked");
    let reasons = row["blocked_reasons"].to_string();
    assert!(
        reasons.contains("not_eur") && reasons.contains("CHF"),
        "{reasons}"
    );
    // The button refuses to send it as well.
    let pushed = call(&mut engine, "pushOrderNow", json!({"order": order}));
    assert_eq!(pushed["order"]["state"], "blocked");
    assert!(env.pos_orders(&reference(1100)).is_empty());
    assert_eq!(env.requests("POST", "/orders"), 0);
}

#[test]
fn the_order_screen_reads_states_and_the_list_counts_them() {
    let (_env, mut engine) = linked_env();
    call(&mut engine, "pushOrderNow", json!({"order": plates(1110)}));
    let mut chf = plates(1111);
    chf["currency"] = json!("USD");
    call(&mut engine, "orderChanged", json!({"order": chf}));
    call(&mut engine, "orderChanged", json!({"order": plates(1112)}));
    let states = call(
        &mut engine,
        "orderStates",
        json!({"wc_order_ids": [1110, 1111, 1112, 9999]}),
    );
    let by_id: Vec<(i64, &str)> = states
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["wc_order_id"].as_i64().unwrap(),
                r["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_id,
        [(1110, "pushed"), (1111, "blocked"), (1112, "queued")]
    );
    let list = call(
        &mut engine,
        "listOutbox",
        json!({"filter": {"state": "blocked"}}),
    );
    assert_eq!(list["total"], 1);
    assert_eq!(list["counts"]["pushed"], 1);
    assert_eq!(list["counts"]["queued"], 1);
}

#[test]
fn an_order_cancelled_while_its_worker_is_still_preparing_it_is_never_sent() {
    let (env, _) = linked_env();
    // The customer search is slow: the order is claimed but not yet posted.
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 1500 })
            .on_method("GET")
            .on_path("/customers"),
    );
    let order = plates(1073);
    let mut cron = env.engine();
    call(&mut cron, "orderChanged", json!({"order": order}));
    let worker = std::thread::spawn(move || call(&mut cron, "pushOrders", json!({})));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !env.sandbox.faults().rules.is_empty() {
        assert!(Instant::now() < deadline, "the push never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut engine = env.engine();
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    let run = worker.join().unwrap();
    assert_eq!(run["pushed"], 0, "{run}");
    assert_eq!(outbox_row(&mut engine, 1073)["state"], "cancelled");
    assert!(env.pos_orders(&reference(1073)).is_empty());
    assert_eq!(env.requests("POST", "/orders"), 0);
    assert_eq!(call(&mut engine, "pushOrders", json!({}))["claimed"], 0);
}

#[test]
fn two_orders_of_the_same_new_buyer_sent_at_once_create_one_customer() {
    let (env, _) = linked_env();
    // The customer searches are slow, so both workers are searching at the same time.
    env.sandbox.add_rule(
        FaultRule::next(2, FaultAction::Delay { ms: 400 })
            .on_method("GET")
            .on_path("/customers"),
    );
    let buyer = json!({"first_name": "Zoé", "last_name": "Double",
                       "email": "zoe@example.org", "phone": null});
    let workers: Vec<_> = [1120, 1121]
        .into_iter()
        .map(|id| {
            let mut order = plates(id);
            order["customer"] = buyer.clone();
            let mut engine = env.engine();
            std::thread::spawn(move || call(&mut engine, "pushOrderNow", json!({"order": order})))
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap()["order"]["state"], "pushed");
    }
    assert_eq!(env.requests("POST", "/customers"), 1);
    assert_eq!(
        env.pos_order(&reference(1120))["customer"],
        env.pos_order(&reference(1121))["customer"]
    );
}

/// Calls `pushOrders` until the order's row is in `state`, for at most `secs` seconds.
fn push_until(
    engine: &mut shopcaisse_sync::engine::Engine,
    id: i64,
    state: &str,
    secs: u64,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        call(engine, "pushOrders", json!({}));
        let row = outbox_row(engine, id);
        if row["state"] == state {
            return row;
        }
        assert!(Instant::now() < deadline, "never {state}: {row}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_post_committed_after_the_client_gave_up_and_looked_is_not_posted_twice() {
    let (env, _) = linked_env();
    // The client gives up after 0.5 s; the POS commits the order 2.5 s after it arrived,
    // past the client's look-ups that follow the timeout. Duplicates are accepted.
    let mut engine = env.engine_with(json!({
        "request_timeout_ms": 500, "max_attempts": 2, "retry_budget_ms": 1500,
        "push_grace_ms": 6000,
    }));
    call(&mut engine, "orderChanged", json!({"order": plates(1090)}));
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 2500 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let run = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(run["failed"], 1, "{run}");
    let row = push_until(&mut engine, 1090, "pushed", 20);
    assert_eq!(
        env.pos_orders(&reference(1090)).len(),
        1,
        "a slow commit made a duplicate: {row}"
    );
    assert_eq!(
        env.requests("POST", "/orders"),
        1,
        "posted again within the grace window"
    );
    let warned = call(
        &mut engine,
        "queryLogs",
        json!({"query": {"operation": "order_push", "min_level": "warning"}}),
    );
    assert!(warned["total"].as_u64().unwrap() >= 1, "{warned}");
}

#[test]
fn a_cancellation_refused_by_a_503_is_kept_and_retried_until_the_pos_agrees() {
    let (env, mut engine) = linked_env();
    let order = plates(1091);
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    env.sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 503,
                retry_after: None,
            },
        )
        .on_method("DELETE")
        .on_path("/orders")
        .always(),
    );
    let cancelling = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    assert_eq!(cancelling["order"]["state"], "cancelling", "{cancelling}");
    assert_eq!(env.pos_order(&reference(1091))["status"], "not_acked");

    env.sandbox.clear_faults();
    let row = push_until(&mut engine, 1091, "cancelled", 20);
    assert!(row["pos_order_id"].is_string(), "{row}");
    assert_eq!(env.pos_order(&reference(1091))["status"], "cancelled");
}

#[test]
fn a_cancellation_whose_answer_is_lost_ends_cancelled() {
    let (env, mut engine) = linked_env();
    let order = plates(1092);
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    env.sandbox.add_rule(
        FaultRule::next(4, FaultAction::ResetAfter)
            .on_method("DELETE")
            .on_path("/orders"),
    );
    let cancelled = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    assert_eq!(cancelled["order"]["state"], "cancelled", "{cancelled}");
    assert_eq!(env.pos_order(&reference(1092))["status"], "cancelled");
}

#[test]
fn a_malformed_total_in_the_pos_order_does_not_block_its_cancellation() {
    let (env, mut engine) = linked_env();
    let order = plates(1093);
    call(&mut engine, "pushOrderNow", json!({"order": order}));
    env.sandbox.set_faults(|f| f.malformed_order_total = true);
    let cancelled = call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    assert_eq!(cancelled["order"]["state"], "cancelled", "{cancelled}");
    assert_eq!(env.pos_order(&reference(1093))["status"], "cancelled");
}
