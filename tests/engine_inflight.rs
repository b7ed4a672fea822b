//! Web orders the POS has not absorbed yet hold their units back from the stock written to
//! WooCommerce: the engine against the sandbox, under each of the sandbox's answers to "when
//! does a pushed order lower the POS stock".

#![cfg(feature = "sandbox")]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::engine::Engine;
use shopcaisse_sync::model::Quantity;
use shopcaisse_sync::sandbox::{OrderStock, StockMove};
use std::collections::BTreeMap;

const MUG_WC: i64 = 601;
const TEE_M: &str = "9fc6990a-fbaa-4ee1-a243-bc3ad375ede8"; // T-shirt M, stock 5

/// WooCommerce as the plugin keeps it: stock per product, lowered at checkout, set by each
/// stock run's writes (which are then reported back).
struct Shop {
    stock: BTreeMap<i64, Quantity>,
}

impl Shop {
    fn new() -> Shop {
        Shop {
            stock: BTreeMap::new(),
        }
    }

    /// A stock run: plans, applies the writes, reports them.
    fn run(&mut self, engine: &mut Engine) -> Value {
        let plan = call(engine, "planStock", json!({}));
        assert!(plan["held"].is_null(), "{plan}");
        let mut applied = Vec::new();
        for w in plan["writes"].as_array().unwrap() {
            let q = Quantity::parse(w["quantity"].as_str().unwrap()).unwrap();
            self.stock.insert(w["wc_id"].as_i64().unwrap(), q);
            applied.push(json!({"wc_id": w["wc_id"], "quantity": w["quantity"]}));
        }
        call(engine, "reportStockApplied", json!({ "writes": applied }));
        plan
    }

    /// A checkout: WooCommerce lowers its stock, the plugin reports the paid order.
    fn sell(&mut self, engine: &mut Engine, wc_order_id: i64, lines: &[(i64, &str)]) -> Value {
        for (wc_id, quantity) in lines {
            let q = Quantity::parse(quantity).unwrap();
            let slot = self.stock.entry(*wc_id).or_default();
            *slot = slot.saturating_sub(q);
        }
        let order = order(
            wc_order_id,
            &lines
                .iter()
                .map(|(wc_id, quantity)| (*wc_id, "Article", *quantity, 1000))
                .collect::<Vec<_>>(),
        );
        let changed = call(engine, "orderChanged", json!({ "order": order }));
        assert_eq!(changed["order"]["state"], "queued", "{changed}");
        order
    }

    fn shows(&self, wc_id: i64) -> String {
        self.stock
            .get(&wc_id)
            .copied()
            .unwrap_or_default()
            .to_string()
    }
}

/// The demo shop with the mug at 5 and linked, the sandbox moving order stock at `moves_at`, and
/// an engine assuming `engine_moved_at` (the default when `None`).
fn mug_shop(moves_at: StockMove, engine_moved_at: Option<&str>) -> (Env, Engine, Shop) {
    let env = Env::start();
    env.sandbox.set_order_stock(OrderStock {
        moves_at,
        pending_reserved: false,
    });
    env.sandbox.set_stock(MUG, Quantity::pieces(5));
    let mut engine = match engine_moved_at {
        Some(at) => env.engine_with(json!({ "stock_moved_at": at })),
        None => env.engine(),
    };
    link_all(&mut engine, &[(MUG, MUG_WC)]);
    let mut shop = Shop::new();
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "5");
    (env, engine, shop)
}

fn push(engine: &mut Engine) {
    let pushed = call(engine, "pushOrders", json!({}));
    assert_eq!(pushed["pushed"], 1, "{pushed}");
}

fn ack(env: &Env, wc_order_id: i64) {
    let id = env.pos_order(&reference(wc_order_id))["id"].clone();
    let (status, answer) = env.sandbox.control(
        "POST",
        &format!("orders/{}/ack", id.as_str().unwrap()),
        json!({}),
    );
    assert_eq!(status, 200, "{answer}");
}

/// Every sandbox behaviour, with the engine setting that matches it (the default for
/// acknowledgement).
const MODES: [(StockMove, Option<&str>); 4] = [
    (StockMove::Creation, Some("push")),
    (StockMove::Acknowledgement, None),
    (StockMove::Finalisation, Some("finalisation")),
    (StockMove::Never, Some("never")),
];

#[test]
fn a_queued_order_is_held_back_before_the_push() {
    for (moves_at, setting) in MODES {
        let (_env, mut engine, mut shop) = mug_shop(moves_at, setting);
        shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
        assert_eq!(shop.shows(MUG_WC), "3");
        let plan = shop.run(&mut engine);
        assert_eq!(shop.shows(MUG_WC), "3", "{moves_at:?}: {plan}");
        assert_eq!(plan["reserved_in_flight"][0]["quantity"], "2", "{plan}");
        assert_eq!(plan["reserved_in_flight"][0]["wc_id"], MUG_WC);
        assert_eq!(plan["in_flight"]["orders"][0]["where"], "outbox", "{plan}");
    }
}

#[test]
fn a_pushed_order_is_held_back_until_acknowledged() {
    for (moves_at, setting) in MODES {
        let (env, mut engine, mut shop) = mug_shop(moves_at, setting);
        shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
        push(&mut engine);
        let plan = shop.run(&mut engine);
        assert_eq!(shop.shows(MUG_WC), "3", "{moves_at:?}: {plan}");
        let pos_stock = env.sandbox.stock(MUG).unwrap().to_string();
        let expect_pos = if moves_at == StockMove::Creation {
            "3"
        } else {
            "5"
        };
        assert_eq!(pos_stock, expect_pos, "{moves_at:?}");
    }
}

#[test]
fn once_acknowledged_and_the_pos_reads_3_the_shop_reads_3_with_nothing_subtracted_twice() {
    for (moves_at, setting) in [MODES[0], MODES[1]] {
        let (env, mut engine, mut shop) = mug_shop(moves_at, setting);
        shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
        push(&mut engine);
        shop.run(&mut engine);
        ack(&env, 1001);
        assert_eq!(env.sandbox.stock(MUG).unwrap().to_string(), "3");
        let plan = shop.run(&mut engine);
        assert_eq!(shop.shows(MUG_WC), "3", "{moves_at:?}: {plan}");
        assert_eq!(plan["reserved_in_flight"], json!([]), "{plan}");
        // And it stays so: the order is never counted again.
        shop.run(&mut engine);
        assert_eq!(shop.shows(MUG_WC), "3");
    }
}

#[test]
fn a_pos_that_lowers_stock_at_creation_is_seen_by_the_drop_under_the_default_setting() {
    // The engine waits for the acknowledgement; the POS lowered its stock at the push. A run
    // before the push saw 5; after it the POS reads 3 with no till sale: the drop releases it.
    let (env, mut engine, mut shop) = mug_shop(StockMove::Creation, None);
    shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    shop.run(&mut engine);
    push(&mut engine);
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "3", "{plan}");
    assert_eq!(
        plan["in_flight"]["released"][0]["released"]["reason"],
        "stock_dropped"
    );
    // A till sale meanwhile is not taken for the order: 5 → 3 (web) → 2 (till).
    shop.sell(&mut engine, 1002, &[(MUG_WC, "1")]);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "2");
    till_sale(&env, MUG, 1);
    let plan = shop.run(&mut engine);
    // POS 2 − order 1002 still waiting (1) = 1.
    assert_eq!(shop.shows(MUG_WC), "1", "{plan}");
}

#[test]
fn a_till_sale_of_the_same_quantity_is_not_taken_for_the_order() {
    // The POS waits for the acknowledgement; the till sells 2 mugs after the push: 5 → 3. That
    // drop is the till's ticket, not the order: 3 − 2 still in flight = 1.
    let (env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    shop.run(&mut engine);
    push(&mut engine);
    till_sale(&env, MUG, 2);
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "1", "{plan}");
    assert_eq!(plan["in_flight"]["released"], json!([]), "{plan}");
    ack(&env, 1001);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "1");
}

#[test]
fn the_drop_of_an_acknowledged_order_does_not_release_another() {
    // Two orders of 2 pushed; the till acknowledges the first (5 → 3). Its drop is its own:
    // the second still counts, 3 − 2 = 1.
    let (env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    shop.sell(&mut engine, 1002, &[(MUG_WC, "2")]);
    shop.run(&mut engine);
    let pushed = call(&mut engine, "pushOrders", json!({}));
    assert_eq!(pushed["pushed"], 2, "{pushed}");
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "1");
    ack(&env, 1001);
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "1", "{plan}");
    // And at the next run too.
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "1");
    ack(&env, 1002);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "1");
}

#[test]
fn a_cancelled_order_restocked_by_woocommerce_is_written_over_again() {
    // Two orders (1 and 2) and a till sale of 3 leave nothing to sell: the shop shows 0.
    // WooCommerce puts 1 back when the first is cancelled; the POS can still give 2 − 2 = 0.
    let (env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    let first = shop.sell(&mut engine, 1001, &[(MUG_WC, "1")]);
    shop.sell(&mut engine, 1002, &[(MUG_WC, "2")]);
    till_sale(&env, MUG, 3);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "0");
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&first, "cancelled")}),
    );
    *shop.stock.get_mut(&MUG_WC).unwrap() = Quantity::pieces(1);
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "0", "{plan}");
}

#[test]
fn an_order_blocked_before_it_had_lines_holds_nothing_and_never_expires_with_a_warning() {
    let env = Env::start();
    let mut engine = env.engine_with(json!({ "in_flight_max_age_ms": 200 }));
    link_all(&mut engine, &[(MUG, MUG_WC)]);
    let mut shop = Shop::new();
    shop.run(&mut engine);
    // Product 777 is linked to nothing: the order is queued blocked, without a payload.
    let changed = call(
        &mut engine,
        "orderChanged",
        json!({"order": order(1001, &[(777, "Inconnu", "1", 100)])}),
    );
    assert_eq!(changed["order"]["state"], "blocked", "{changed}");
    let plan = shop.run(&mut engine);
    assert_eq!(plan["in_flight"]["orders"], json!([]), "{plan}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let plan = shop.run(&mut engine);
    assert_eq!(plan["in_flight"]["released"], json!([]), "{plan}");
    let logs = call(
        &mut engine,
        "queryLogs",
        json!({"query": {"min_level": "warning", "operation": "stock_sync"}}),
    );
    assert_eq!(logs["total"], 0, "{logs}");
}

#[test]
fn an_order_cancelled_after_the_pos_absorbed_it_has_its_restock_written_over() {
    // The POS lowers its stock at the push and the engine knows it: the order stops counting.
    // Cancelled later, WooCommerce and the POS both put the mug back; then the till sells one.
    let (env, mut engine, mut shop) = mug_shop(StockMove::Creation, Some("push"));
    let first = shop.sell(&mut engine, 1001, &[(MUG_WC, "1")]);
    push(&mut engine);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "4");
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&first, "cancelled")}),
    );
    *shop.stock.get_mut(&MUG_WC).unwrap() = Quantity::pieces(5);
    till_sale(&env, MUG, 1);
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "4", "{plan}");
}

#[test]
fn a_checkout_is_written_over_even_when_the_plan_comes_back_to_the_last_figure() {
    // 5 mugs, an order of 2 shown as 3, then absorbed by the POS (3). Another order of 1 lowers
    // the shop to 2 and a delivery brings the POS to 4: the plan is 4 − 1 = 3, the figure last
    // written, yet the shop shows 2. It is written again.
    let (env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    push(&mut engine);
    ack(&env, 1001);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "3");
    shop.sell(&mut engine, 1002, &[(MUG_WC, "1")]);
    env.sandbox.set_stock(MUG, Quantity::pieces(4));
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "3", "{plan}");
}

fn till_sale(env: &Env, item: &str, quantity: i64) {
    let (status, answer) = env.sandbox.control(
        "POST",
        "sales",
        json!({"lines": [{"item": item, "quantity": quantity}]}),
    );
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn without_a_run_before_the_push_a_pos_moving_stock_at_creation_sells_too_little_not_too_much() {
    let (env, mut engine, mut shop) = mug_shop(StockMove::Creation, None);
    // POS 3, the order still subtracted until acknowledged: 1.
    sell_push_then_ack(&env, &mut engine, &mut shop, "1");
}

/// Sells 2 mugs, pushes the order: the shop shows `before`; acknowledged, it shows 3.
fn sell_push_then_ack(env: &Env, engine: &mut Engine, shop: &mut Shop, before: &str) {
    shop.sell(engine, 1001, &[(MUG_WC, "2")]);
    push(engine);
    shop.run(engine);
    assert_eq!(shop.shows(MUG_WC), before);
    ack(env, 1001);
    shop.run(engine);
    assert_eq!(shop.shows(MUG_WC), "3");
}

#[test]
fn a_pos_counting_pending_orders_as_reserved_makes_the_shop_sell_too_little_for_a_while() {
    let (env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    env.sandbox.set_order_stock(OrderStock {
        moves_at: StockMove::Acknowledgement,
        pending_reserved: true,
    });
    // 5 − 2 reserved by the POS − 2 in flight.
    sell_push_then_ack(&env, &mut engine, &mut shop, "1");
}

#[test]
fn an_order_cancelled_before_acknowledgement_gives_its_units_back() {
    for (moves_at, setting) in [MODES[0], MODES[1]] {
        let (env, mut engine, mut shop) = mug_shop(moves_at, setting);
        let order = shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
        push(&mut engine);
        shop.run(&mut engine);
        // WooCommerce puts the units back when the order is cancelled.
        *shop.stock.get_mut(&MUG_WC).unwrap() = Quantity::pieces(5);
        let changed = call(
            &mut engine,
            "orderChanged",
            json!({"order": with_status(&order, "cancelled")}),
        );
        assert_eq!(changed["order"]["state"], "cancelled", "{changed}");
        assert_eq!(env.pos_order(&reference(1001))["status"], "cancelled");
        let plan = shop.run(&mut engine);
        assert_eq!(shop.shows(MUG_WC), "5", "{moves_at:?}: {plan}");
        if moves_at == StockMove::Acknowledgement {
            // Under "push" it was released as absorbed at the run after the push; the POS put
            // its units back when it was cancelled.
            assert_eq!(
                plan["in_flight"]["released"][0]["released"]["reason"],
                "cancelled"
            );
        }
    }
    // Withdrawn before the push.
    let (_env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    let order = shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    *shop.stock.get_mut(&MUG_WC).unwrap() = Quantity::pieces(5);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "5");
}

#[test]
fn a_pack_and_a_variation_in_an_order_reserve_their_components() {
    let env = Env::start();
    env.sandbox.set_stock(BOWL, Quantity::pieces(10));
    let mut engine = env.engine();
    // The box holds 2 bowls and 0.25 kg of coffee.
    link_all(
        &mut engine,
        &[(BOWL, 601), (COFFEE, 602), (BOX, 603), (TEE_M, 604)],
    );
    let mut shop = Shop::new();
    shop.run(&mut engine);
    assert_eq!(
        [
            shop.shows(601),
            shop.shows(602),
            shop.shows(603),
            shop.shows(604)
        ],
        ["10", "12.345", "5", "5"]
    );
    let mut order = order(
        1001,
        &[(603, "Coffret", "1", 4500), (699, "T-shirt", "1", 2000)],
    );
    order["lines"][1]["variation_id"] = json!(604);
    call(&mut engine, "orderChanged", json!({ "order": order }));
    let plan = shop.run(&mut engine);
    let reserved: BTreeMap<String, String> = plan["reserved_in_flight"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["item"].as_str().unwrap().to_owned(),
                r["quantity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        reserved,
        BTreeMap::from([
            (BOWL.to_owned(), "2".to_owned()),
            (COFFEE.to_owned(), "0.25".to_owned()),
            (TEE_M.to_owned(), "1".to_owned()),
        ]),
        "{plan}"
    );
    // Bowls 8, coffee 12.095, the box min(8 / 2, 12.095 / 0.25) = 4, the T-shirt 4.
    assert_eq!(
        [
            shop.shows(601),
            shop.shows(602),
            shop.shows(603),
            shop.shows(604)
        ],
        ["8", "12.095", "4", "4"]
    );
}

#[test]
fn a_weighed_quantity_is_reserved_to_the_gram() {
    let env = Env::start();
    let mut engine = env.engine();
    link_all(&mut engine, &[(COFFEE, 602)]);
    let mut shop = Shop::new();
    shop.run(&mut engine);
    shop.sell(&mut engine, 1001, &[(602, "0.355")]);
    let plan = shop.run(&mut engine);
    assert_eq!(plan["reserved_in_flight"][0]["quantity"], "0.355", "{plan}");
    assert_eq!(shop.shows(602), "11.99");
    assert_eq!(plan["writes"][0]["reserved_in_flight"], "0.355", "{plan}");
}

#[test]
fn an_order_stuck_unacknowledged_past_the_limit_stops_counting_with_a_warning() {
    let env = Env::start();
    env.sandbox.set_stock(MUG, Quantity::pieces(5));
    let mut engine = env.engine_with(json!({ "in_flight_max_age_ms": 1500 }));
    link_all(&mut engine, &[(MUG, MUG_WC)]);
    let mut shop = Shop::new();
    shop.run(&mut engine);
    shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    push(&mut engine);
    shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "3");
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let plan = shop.run(&mut engine);
    assert_eq!(shop.shows(MUG_WC), "5", "{plan}");
    assert_eq!(
        plan["in_flight"]["released"][0]["released"]["reason"],
        "expired"
    );
    let logs = call(
        &mut engine,
        "queryLogs",
        json!({"query": {"min_level": "warning", "operation": "stock_sync"}}),
    );
    let rows = logs["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{logs}");
    assert!(
        rows[0]["message"].as_str().unwrap().contains("WEB-1001"),
        "{logs}"
    );
    // Logged once: the next run neither counts it nor warns again.
    shop.run(&mut engine);
    let logs = call(
        &mut engine,
        "queryLogs",
        json!({"query": {"min_level": "warning", "operation": "stock_sync"}}),
    );
    assert_eq!(logs["rows"].as_array().unwrap().len(), 1, "{logs}");
}

/// The catalog row of `item` as the admin tabs read it.
fn admin_row(engine: &mut Engine, item: &str) -> Value {
    let page = call(
        engine,
        "searchCatalog",
        json!({"query": {"linked": true, "per_page": 500}}),
    );
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == item)
        .cloned()
        .unwrap_or_else(|| panic!("{item} not in {page}"))
}

#[test]
fn the_admin_rows_show_what_orders_in_flight_hold_back_between_runs() {
    let (env, mut engine, mut shop) = mug_shop(StockMove::Acknowledgement, None);
    let row = admin_row(&mut engine, MUG);
    assert_eq!(
        (&row["reserved_in_flight"], &row["shop_units"]),
        (&json!("0"), &json!(5)),
        "{row}"
    );
    // Queued, no stock run since: the screen already says why the shop shows 3.
    shop.sell(&mut engine, 1001, &[(MUG_WC, "2")]);
    let row = admin_row(&mut engine, MUG);
    assert_eq!(row["stock"]["stock"], "5", "{row}");
    assert_eq!(row["reserved_in_flight"], "2", "{row}");
    assert_eq!(row["shop_units"], 3, "{row}");
    // Pushed: still held back (the POS has not said it took it in).
    push(&mut engine);
    assert_eq!(admin_row(&mut engine, MUG)["reserved_in_flight"], "2");
    // Acknowledged, and a run saw it: released, the POS reads 3 itself.
    ack(&env, 1001);
    shop.run(&mut engine);
    let row = admin_row(&mut engine, MUG);
    assert_eq!(row["stock"]["stock"], "3", "{row}");
    assert_eq!(
        (&row["reserved_in_flight"], &row["shop_units"]),
        (&json!("0"), &json!(3)),
        "{row}"
    );
}

#[test]
fn the_admin_rows_show_a_pack_order_on_its_components_and_forget_a_cancelled_order() {
    let env = Env::start();
    env.sandbox.set_stock(BOWL, Quantity::pieces(10));
    let mut engine = env.engine();
    link_all(&mut engine, &[(BOWL, 601), (COFFEE, 602), (BOX, 603)]);
    let mut shop = Shop::new();
    shop.run(&mut engine);
    let order = shop.sell(&mut engine, 1001, &[(603, "1")]);
    let bowl = admin_row(&mut engine, BOWL);
    assert_eq!(
        (&bowl["reserved_in_flight"], &bowl["shop_units"]),
        (&json!("2"), &json!(8)),
        "{bowl}"
    );
    let coffee = admin_row(&mut engine, COFFEE);
    assert_eq!(coffee["reserved_in_flight"], "0.25", "{coffee}");
    // A weighed item shows the whole units WooCommerce gets: 12.095 kg → 12.
    assert_eq!(coffee["shop_units"], 12, "{coffee}");
    // A pack's own figure is made up from its components: none given for it.
    assert!(admin_row(&mut engine, BOX)["shop_units"].is_null());
    call(
        &mut engine,
        "orderChanged",
        json!({"order": with_status(&order, "cancelled")}),
    );
    let bowl = admin_row(&mut engine, BOWL);
    assert_eq!(
        (&bowl["reserved_in_flight"], &bowl["shop_units"]),
        (&json!("0"), &json!(10)),
        "{bowl}"
    );
}
