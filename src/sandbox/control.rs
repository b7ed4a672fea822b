//! The sandbox's own routes under `/__sandbox/`: no auth, JSON in and out. They set the scene
//! for a test (fixture, stock, sales, faults) and read what the client did (orders, log).

use super::api::{error, now_ms};
use super::faults::{FaultRule, Faults};
use super::http::{Request, Response};
use super::world::{Fixture, FxPayment, FxSale, FxSaleLine, OrderStock, StockMove};
use super::{Catalog, State};
use crate::model::{Money, Quantity};
use serde_json::{json, Value};

pub(crate) fn handle(state: &mut State, req: &Request) -> Response {
    let rest = req.path.trim_start_matches("/__sandbox");
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let body = || -> Result<Value, Response> {
        if req.body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(&req.body).map_err(|e| error(400, &format!("bad JSON: {e}")))
    };
    let result = match (req.method.as_str(), segments.as_slice()) {
        ("GET", []) | ("GET", ["state"]) => Ok(summary(state)),
        ("POST", ["reset"]) => {
            state.reset();
            Ok(summary(state))
        }
        ("POST", ["fixture"]) => match Fixture::from_json(&String::from_utf8_lossy(&req.body)) {
            Ok(fixture) => {
                state.initial = Catalog::Fixture(Box::new(fixture));
                state.reset();
                Ok(summary(state))
            }
            Err(e) => Err(error(400, &e)),
        },
        ("POST", ["generate"]) => body().and_then(|b| {
            let count = b["items"]
                .as_u64()
                .ok_or_else(|| error(400, "items is required"))?;
            let seed = b["seed"].as_u64().unwrap_or(1);
            super::generate::generate(&mut state.world, count as usize, seed);
            Ok(summary(state))
        }),
        ("POST", ["stock"]) => body().and_then(|b| set_stock(state, &b)),
        ("POST", ["sales"]) => body().and_then(|b| record_sale(state, &b)),
        ("GET", ["orders"]) => Ok(json!(state
            .world
            .orders
            .iter()
            .map(|o| {
                let mut v = o.to_json();
                v["store"] = json!(o.store);
                v
            })
            .collect::<Vec<_>>())),
        ("POST", ["orders", id, "ack"]) => acknowledge(state, id),
        ("GET", ["order-stock"]) => Ok(json!(state.order_stock)),
        ("POST", ["order-stock"]) => body().and_then(|b| {
            state.order_stock = serde_json::from_value::<OrderStock>(b)
                .map_err(|e| error(400, &format!("bad order-stock switches: {e}")))?;
            Ok(json!(state.order_stock))
        }),
        ("POST", ["orders", id, "finalise"]) => finalise(state, id),
        ("GET", ["log"]) => Ok(json!(state.log)),
        ("DELETE", ["log"]) => {
            state.log.clear();
            Ok(json!({"cleared": true}))
        }
        ("GET", ["faults"]) => Ok(json!(state.faults)),
        ("POST", ["faults"]) => body().and_then(|b| {
            state.faults = serde_json::from_value::<Faults>(b)
                .map_err(|e| error(400, &format!("bad faults: {e}")))?;
            Ok(json!(state.faults))
        }),
        ("POST", ["faults", "rules"]) => body().and_then(|b| {
            let rule = serde_json::from_value::<FaultRule>(b)
                .map_err(|e| error(400, &format!("bad rule: {e}")))?;
            state.faults.rules.push(rule);
            Ok(json!(state.faults))
        }),
        ("DELETE", ["faults"]) => {
            state.faults = Faults::default();
            Ok(json!(state.faults))
        }
        ("POST", ["pos", id]) => body().and_then(|b| {
            let pos = state
                .world
                .fixture_org
                .pos
                .iter_mut()
                .find(|p| p.id == *id)
                .ok_or_else(|| error(404, "no such POS"))?;
            if let Some(on) = b["orderManagement"].as_bool() {
                pos.order_management = on;
            }
            Ok(json!(pos))
        }),
        ("DELETE", ["items", id]) => {
            if state.world.remove_item(id) {
                Ok(json!({"removed": id}))
            } else {
                Err(error(404, "no such item"))
            }
        }
        _ => Err(error(404, "no such sandbox route")),
    };
    match result {
        Ok(value) => Response::json(200, &value),
        Err(response) => response,
    }
}

/// Ids a test or a demo needs to start from, and counts.
pub(crate) fn summary(state: &State) -> Value {
    let org = &state.world.fixture_org;
    json!({
        "token": state.token,
        "companies": org.companies.iter().map(|c| &c.id).collect::<Vec<_>>(),
        "stores": org.stores.iter().map(|s| &s.id).collect::<Vec<_>>(),
        "pos": org.pos.iter().map(|p| json!({
            "id": p.id, "name": p.name, "orderManagement": p.order_management,
        })).collect::<Vec<_>>(),
        "priceLists": org.price_lists.iter().map(|l| json!({"id": l.id, "name": l.name}))
            .collect::<Vec<_>>(),
        "items": state.world.items.len(),
        "orders": state.world.orders.len(),
        "sales": state.world.sales.len(),
    })
}

fn store_of(state: &State, body: &Value) -> String {
    body["store"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| state.world.first_store())
}

fn set_stock(state: &mut State, body: &Value) -> Result<Value, Response> {
    let store = store_of(state, body);
    let item = body["item"]
        .as_str()
        .ok_or_else(|| error(400, "item is required"))?;
    let stock =
        Quantity::from_json(&body["stock"]).map_err(|_| error(400, "stock must be a number"))?;
    state.world.set_stock(&store, item, stock);
    Ok(json!({"store": store, "item": item, "stock": stock.to_json_number()}))
}

/// A till sale: lowers stock and adds a ticket. Lines `{item, quantity, unitPrice?}`.
fn record_sale(state: &mut State, body: &Value) -> Result<Value, Response> {
    let store = store_of(state, body);
    let mut lines = Vec::new();
    for line in body["lines"].as_array().into_iter().flatten() {
        let item = line["item"].as_str().map(str::to_owned);
        let quantity = Quantity::from_json(&line["quantity"])
            .map_err(|_| error(400, "each line needs a quantity"))?;
        let known = item.as_deref().and_then(|i| state.world.item(i));
        let unit_price = match Money::from_json(&line["unitPrice"]) {
            Ok(p) => p,
            Err(_) => known.and_then(|i| i.default_price).unwrap_or(Money::ZERO),
        };
        let label = known.map(|i| i.name.clone()).unwrap_or_default();
        lines.push(FxSaleLine {
            item,
            quantity,
            unit_price,
            label,
        });
    }
    if lines.is_empty() {
        return Err(error(400, "lines should not be empty"));
    }
    let sale = add_sale(state, &store, lines, body["timestamp"].as_i64());
    Ok(sale)
}

fn add_sale(
    state: &mut State,
    store: &str,
    lines: Vec<FxSaleLine>,
    timestamp: Option<i64>,
) -> Value {
    add_ticket(state, store, lines, timestamp, true)
}

/// Records a ticket; `lowers_stock` false for an order whose stock already moved (or never
/// does).
fn add_ticket(
    state: &mut State,
    store: &str,
    lines: Vec<FxSaleLine>,
    timestamp: Option<i64>,
    lowers_stock: bool,
) -> Value {
    for line in lines.iter().filter(|_| lowers_stock) {
        if let Some(item) = &line.item {
            state.world.decrement(store, item, line.quantity);
        }
    }
    let total: Money = lines.iter().map(|l| l.unit_price.times(l.quantity)).sum();
    let number = format!("T-{:06}", state.world.sales.len() + 1);
    let sale = FxSale {
        id: state.world.new_id(13),
        store: store.to_owned(),
        number,
        timestamp: timestamp.unwrap_or_else(now_ms),
        status: "done".into(),
        lines,
        payments: vec![FxPayment {
            kind: "CASH".into(),
            name: "Espèces".into(),
            amount: total,
        }],
    };
    let out = json!({"id": sale.id, "number": sale.number, "timestamp": sale.timestamp,
                     "total": total.to_json_number()});
    state.world.sales.push(sale);
    out
}

fn set_order_status(state: &mut State, id: &str, status: &str) -> Result<Value, Response> {
    let order = state
        .world
        .orders
        .iter_mut()
        .find(|o| o.id == id)
        .ok_or_else(|| error(404, "no such order"))?;
    order.status = status.into();
    order.statuses.push((status.into(), now_ms()));
    Ok(order.to_json())
}

/// The till acknowledges the order: it lowers the stock then when the switch says so.
fn acknowledge(state: &mut State, id: &str) -> Result<Value, Response> {
    let value = set_order_status(state, id, "accepted")?;
    if state.order_stock.moves_at == StockMove::Acknowledgement {
        if let Some(at) = state.world.orders.iter().position(|o| o.id == id) {
            state.world.move_order_stock(at, false);
        }
    }
    Ok(value)
}

/// Fiscal finalisation: the order becomes a sale (a ticket), which lowers the stock unless the
/// order did already or the switch says orders never do.
fn finalise(state: &mut State, id: &str) -> Result<Value, Response> {
    let order = state
        .world
        .orders
        .iter()
        .find(|o| o.id == id)
        .cloned()
        .ok_or_else(|| error(404, "no such order"))?;
    if order.status == "finalized" {
        return Err(error(409, "already finalized"));
    }
    let lines = order.body["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| FxSaleLine {
            item: l["item"].as_str().map(str::to_owned),
            quantity: Quantity::from_json(&l["quantity"]).unwrap_or(Quantity::ZERO),
            unit_price: Money::from_json(&l["unitPrice"]).unwrap_or(Money::ZERO),
            label: l["label"].as_str().unwrap_or("").to_owned(),
        })
        .collect();
    let lowers = !order.moved_stock && state.order_stock.moves_at != StockMove::Never;
    add_ticket(state, &order.store, lines, None, lowers);
    if let Some(o) = state.world.orders.iter_mut().find(|o| o.id == id) {
        o.moved_stock |= lowers;
    }
    let value = set_order_status(state, id, "finalized")?;
    if let Some(o) = state.world.orders.iter_mut().find(|o| o.id == id) {
        o.fiscal_status = "done".into();
    }
    let _ = value;
    Ok(state
        .world
        .orders
        .iter()
        .find(|o| o.id == id)
        .map(|o| o.to_json())
        .unwrap_or_default())
}
