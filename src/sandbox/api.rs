//! The emulated Shopcaisse API: endpoints 1 to 19 under `/v1`, with the contract's shapes,
//! assumptions included, and the malformations a test asks for.

use super::faults::{DuplicatePolicy, Malformation};
use super::http::{Request, Response};
use super::world::{FxCustomer, FxItem, Order, StockMove};
use super::State;
use crate::model::{Money, Quantity};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Marks where the non-UTF-8 byte goes once the body is serialised.
const LATIN1_MARK: &str = "@@LATIN1-E9@@";
/// Largest page the sandbox serves when no clamp is set.
const MAX_PAGE_SIZE: usize = 1000;
/// Page size when the client does not ask for one.
const DEFAULT_PAGE_SIZE: usize = 25;

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The API's error body `{"statusCode","message","error"}`.
pub(crate) fn error(status: u16, message: &str) -> Response {
    let error = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500..=599 => "Internal Server Error",
        _ => "Error",
    };
    Response::json(
        status,
        &json!({"statusCode": status, "message": message, "error": error}),
    )
}

/// Serves one API request (the path starts with `/v1`).
pub(crate) fn handle(state: &mut State, req: &Request) -> Response {
    let Some(rest) = req.path.strip_prefix("/v1") else {
        return error(404, "no such route");
    };
    let expected = format!("Bearer {}", state.token);
    if state.faults.revoked_token || req.header("authorization") != Some(expected.as_str()) {
        return error(401, "Unauthorized");
    }
    if state
        .faults
        .forbidden
        .iter()
        .any(|p| req.path.contains(p.as_str()))
    {
        return error(403, "Forbidden resource");
    }
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let method = req.method.as_str();
    match (method, segments.as_slice()) {
        ("GET", ["authentication"]) => authentication(state),
        ("GET", ["companies"]) => companies(state),
        ("GET", ["stores"]) => stores(state),
        ("GET", ["stores", s, "pos"]) => with_store(state, s, pos),
        ("GET", ["companies", c, "items"]) => with_company(state, c, |st, c| items(st, c, req)),
        ("POST", ["companies", c, "items"]) => {
            with_company(state, c, |st, c| create_item(st, c, req))
        }
        ("GET", ["companies", c, "items", i]) => with_company(state, c, |st, c| item(st, c, i)),
        ("PUT", ["companies", c, "items", i]) => {
            with_company(state, c, |st, c| update_item(st, c, i, req))
        }
        ("GET", ["companies", c, "families"]) => with_company(state, c, families),
        ("GET", ["companies", c, "prices"]) => with_company(state, c, price_lists),
        ("GET", ["companies", c, "prices", l]) => {
            with_company(state, c, |st, _| prices(st, l, req))
        }
        ("GET", ["stores", s, "stocks"]) => with_store(state, s, |st, s| stocks(st, s, req)),
        ("GET", ["stores", s, "sales"]) => with_store(state, s, |st, s| sales(st, s, req)),
        ("GET", ["stores", s, "customers"]) => {
            with_store(state, s, |st, s| find_customers(st, s, req))
        }
        ("POST", ["stores", s, "customers"]) => {
            with_store(state, s, |st, s| create_customer(st, s, req))
        }
        ("POST", ["stores", s, "orders"]) => with_store(state, s, |st, s| push_order(st, s, req)),
        ("GET", ["stores", s, "orders"]) => with_store(state, s, |st, s| find_orders(st, s, req)),
        ("GET", ["stores", s, "orders", o]) => with_store(state, s, |st, s| order(st, s, o)),
        ("DELETE", ["stores", s, "orders", o]) => {
            with_store(state, s, |st, s| cancel_order(st, s, o))
        }
        (_, ["authentication" | "companies" | "stores", ..]) => {
            error(405, "method not allowed on this route")
        }
        _ => error(404, "Cannot find this route"),
    }
}

fn with_company(
    state: &mut State,
    company: &str,
    f: impl FnOnce(&mut State, &str) -> Response,
) -> Response {
    if !state
        .world
        .fixture_org
        .companies
        .iter()
        .any(|c| c.id == company)
    {
        return error(404, "Company not found");
    }
    f(state, company)
}

fn with_store(
    state: &mut State,
    store: &str,
    f: impl FnOnce(&mut State, &str) -> Response,
) -> Response {
    if !state.world.fixture_org.stores.iter().any(|s| s.id == store) {
        return error(404, "Store not found");
    }
    f(state, store)
}

fn body_json(req: &Request) -> Result<Value, Response> {
    serde_json::from_slice(&req.body).map_err(|_| error(400, "the body is not JSON"))
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

/// The rows of one page: `(offset, size)`, or a 400.
fn page_window(state: &State, req: &Request) -> Result<(usize, usize, u32), Response> {
    let page: usize = match req.query("page") {
        Some(p) => p
            .parse()
            .map_err(|_| error(400, "page must be an integer"))?,
        None => 0,
    };
    let asked: usize = match req.query("pageSize") {
        Some(p) => p
            .parse()
            .map_err(|_| error(400, "pageSize must be an integer"))?,
        None => DEFAULT_PAGE_SIZE,
    };
    if asked == 0 {
        return Err(error(400, "pageSize must be positive"));
    }
    let mut size = asked.min(MAX_PAGE_SIZE);
    if let Some(clamp) = state.faults.clamp_page_size {
        size = size.min(clamp.max(1) as usize);
    }
    Ok((page.saturating_mul(size), size, page as u32))
}

/// `{"items":[...],"hasNextPage":bool,"skipped":offset}`.
fn envelope(rows: Vec<Value>, offset: usize, size: usize, total: usize) -> Value {
    json!({
        "items": rows,
        "hasNextPage": offset.saturating_add(size) < total,
        "skipped": offset,
    })
}

fn paged<T>(state: &State, req: &Request, all: &[T], to_json: impl Fn(&T) -> Value) -> Response {
    let (offset, size, page) = match page_window(state, req) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let rows = all
        .iter()
        .skip(offset)
        .take(size)
        .map(to_json)
        .collect::<Vec<_>>();
    let body = envelope(rows, offset, size, all.len());
    Response::json(200, &state.faults.reshape_page(&req.path, page, body))
}

// ---------------------------------------------------------------------------------------------
// 1-4
// ---------------------------------------------------------------------------------------------

fn authentication(state: &State) -> Response {
    let org = &state.world.fixture_org;
    let resources = if state.faults.auth_resources_as_objects {
        json!([{
            "company": org.companies.iter().map(|c| &c.id).collect::<Vec<_>>(),
            "store": org.stores.iter().map(|s| &s.id).collect::<Vec<_>>(),
            "pos": org.pos.iter().map(|p| &p.id).collect::<Vec<_>>(),
        }])
    } else {
        let mut list: Vec<String> = Vec::new();
        list.extend(org.companies.iter().map(|c| format!("company.{}", c.id)));
        list.extend(org.stores.iter().map(|s| format!("store.{}", s.id)));
        list.extend(org.pos.iter().map(|p| format!("pos.{}", p.id)));
        json!(list)
    };
    let permissions: Vec<&str> = [
        "items.read",
        "items.write",
        "stocks.read",
        "sales.read",
        "customers.read",
        "customers.write",
        "orders.write",
    ]
    .into_iter()
    .filter(|p| !state.faults.missing_permissions.iter().any(|m| m == p))
    .collect();
    Response::json(
        200,
        &json!({"bundle": {"resources": resources, "permissions": permissions}}),
    )
}

fn companies(state: &State) -> Response {
    let rows: Vec<Value> = state
        .world
        .fixture_org
        .companies
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name}))
        .collect();
    Response::json(200, &json!(rows))
}

fn stores(state: &State) -> Response {
    let rows: Vec<Value> = state
        .world
        .fixture_org
        .stores
        .iter()
        .map(|s| json!({"id": s.id, "name": s.name, "companyId": s.company_id}))
        .collect();
    Response::json(200, &json!(rows))
}

fn pos(state: &mut State, store: &str) -> Response {
    let rows: Vec<Value> = state
        .world
        .fixture_org
        .pos
        .iter()
        .filter(|p| p.store_id == store)
        .map(|p| {
            json!({"id": p.id, "name": p.name, "priceList": p.price_list,
                   "orderManagement": p.order_management})
        })
        .collect();
    Response::json(200, &json!(rows))
}

// ---------------------------------------------------------------------------------------------
// 5-8 items
// ---------------------------------------------------------------------------------------------

fn items(state: &mut State, company: &str, req: &Request) -> Response {
    let (offset, size, page) = match page_window(state, req) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let world = &state.world;
    let catalog: Vec<&FxItem> = world
        .items
        .iter()
        .filter(|i| i.company_id == company)
        .collect();
    let total = catalog.len();
    let mut rows: Vec<Value> = catalog
        .iter()
        .skip(offset)
        .take(size)
        .map(|i| world.item_json(i))
        .collect();
    let faults = &state.faults;
    if faults.has(Malformation::DuplicateIds) && page > 0 {
        if let Some(previous) = catalog.get(offset.saturating_sub(size)) {
            rows.push(world.item_json(previous));
        }
    }
    if faults.has(Malformation::NullArrays) {
        for row in &mut rows {
            for key in [
                "barcodes",
                "images",
                "declinations",
                "components",
                "attributes",
            ] {
                if row.get(key).is_some() {
                    row[key] = Value::Null;
                }
            }
        }
    }
    // Injected after the in-place changes, so each injected row stays as documented.
    if page == 0 {
        rows.extend(injected_rows(faults));
    }
    let mut body = envelope(rows, offset, size, total);
    if faults.has(Malformation::UnknownFields) {
        if let Some(list) = body["items"].as_array_mut() {
            for row in list.iter_mut().filter(|r| r.is_object()) {
                row["colourHex"] = json!("#6b4e71");
                row["legacy"] = json!({"code": [1, 2, 3], "since": null});
            }
        }
        body["meta"] = json!({"apiVersion": "1.9", "deprecated": false});
    }
    if let Some(vanish) = &state.faults.vanish {
        if vanish.after_page == page {
            let item = vanish.item.clone();
            state.faults.vanish = None;
            state.world.remove_item(&item);
        }
    }
    let body = state.faults.reshape_page(&req.path, page, body);
    let mut bytes = serde_json::to_vec(&body).unwrap_or_default();
    if state.faults.has(Malformation::NonUtf8) {
        bytes = replace_bytes(&bytes, LATIN1_MARK.as_bytes(), &[0xE9]);
    }
    Response::raw_json(200, bytes)
}

/// The extra rows page 0 gains for each malformation asked.
fn injected_rows(faults: &super::faults::Faults) -> Vec<Value> {
    let mut rows = Vec::new();
    if faults.has(Malformation::WrongTypes) {
        rows.push(json!({"id": {"oops": 1}, "name": "Identifiant objet", "type": "SIMPLE"}));
        rows.push(
            json!({"id": "bad-price-1", "name": "Prix en lettres", "type": "SIMPLE",
                         "defaultPrice": "douze euros"}),
        );
        rows.push(
            json!({"id": "bad-barcodes-1", "name": "Codes-barres objet", "type": "SIMPLE",
                         "barcodes": {"ean": "3760000000001"}}),
        );
    }
    if faults.has(Malformation::MissingFields) {
        rows.push(json!({"name": "Sans identifiant", "type": "SIMPLE", "defaultPrice": 3}));
        rows.push(json!({"id": "no-name-1", "type": "SIMPLE", "defaultPrice": 3}));
    }
    if faults.has(Malformation::UnknownType) {
        rows.push(
            json!({"id": "gift-card-1", "name": "Carte cadeau 50 €", "type": "GIFT_CARD",
                         "defaultPrice": 50, "barcodes": []}),
        );
    }
    if faults.has(Malformation::HugeStrings) {
        rows.push(
            json!({"id": "huge-1", "name": "N".repeat(5_000), "type": "SIMPLE",
                         "defaultPrice": 1.5,
                         "description": format!("<p>{}</p>", "é".repeat(100_000))}),
        );
    }
    if faults.has(Malformation::NonUtf8) {
        rows.push(
            json!({"id": "latin1-1", "name": format!("Caf{LATIN1_MARK} moulu"),
                         "type": "SIMPLE", "defaultPrice": 4.5}),
        );
    }
    rows
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn item(state: &mut State, company: &str, id: &str) -> Response {
    match state.world.item(id).filter(|i| i.company_id == company) {
        Some(item) => Response::json(200, &state.world.item_json(item)),
        None => error(404, "Item not found"),
    }
}

fn create_item(state: &mut State, company: &str, req: &Request) -> Response {
    let body = match body_json(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let name = body["name"].as_str().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return error(400, "name should not be empty");
    }
    let price = match Money::from_json(&body["price"]) {
        Ok(p) => p,
        Err(_) => return error(400, "price must be a number"),
    };
    let text = |k: &str| body[k].as_str().unwrap_or("").to_owned();
    // Structural fields (declinations, images, stock) are silently ignored, as by the API.
    let item = FxItem {
        id: state.world.new_id(7),
        company_id: company.to_owned(),
        name: name.to_owned(),
        reference: text("reference"),
        barcodes: body["barcode"]
            .as_str()
            .filter(|b| !b.trim().is_empty())
            .map(|b| vec![b.to_owned()])
            .unwrap_or_default(),
        default_price: Some(price),
        kind: "SIMPLE".into(),
        family: body["familyId"].as_str().map(str::to_owned),
        description: text("description"),
        short_description: String::new(),
        images: Vec::new(),
        parent_item: None,
        declinations: Vec::new(),
        components: Vec::new(),
        attributes: Vec::new(),
        unit: None,
    };
    let out = state.world.item_json(&item);
    state.world.add_item(item);
    Response::json(201, &out)
}

fn update_item(state: &mut State, company: &str, id: &str, req: &Request) -> Response {
    let body = match body_json(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(item) = state.world.item_mut(id).filter(|i| i.company_id == company) else {
        return error(404, "Item not found");
    };
    // Only name, description and reference are editable.
    if let Some(name) = body["name"].as_str() {
        item.name = name.to_owned();
    }
    if let Some(description) = body["description"].as_str() {
        item.description = description.to_owned();
    }
    if let Some(reference) = body["reference"].as_str() {
        item.reference = reference.to_owned();
    }
    let item = item.clone();
    Response::json(200, &state.world.item_json(&item))
}

// ---------------------------------------------------------------------------------------------
// 9-12
// ---------------------------------------------------------------------------------------------

fn families(state: &mut State, company: &str) -> Response {
    let rows: Vec<Value> = state
        .world
        .fixture_org
        .families
        .iter()
        .filter(|f| f.company_id == company)
        .map(|f| json!({"id": f.id, "name": f.name, "position": f.position}))
        .collect();
    Response::json(200, &json!(rows))
}

fn price_lists(state: &mut State, company: &str) -> Response {
    let rows: Vec<Value> = state
        .world
        .fixture_org
        .price_lists
        .iter()
        .filter(|l| l.company_id == company)
        .map(|l| json!({"id": l.id, "name": l.name, "ownerStoreId": l.owner_store_id}))
        .collect();
    Response::json(200, &json!(rows))
}

fn prices(state: &mut State, list: &str, req: &Request) -> Response {
    if !state
        .world
        .fixture_org
        .price_lists
        .iter()
        .any(|l| l.id == list)
    {
        return error(404, "Price list not found");
    }
    let rows = state
        .world
        .prices
        .get(list)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    paged(
        state,
        req,
        rows,
        |p| json!({"priceList": p.price_list, "item": p.item, "price": p.price.to_json_number()}),
    )
}

fn stocks(state: &mut State, store: &str, req: &Request) -> Response {
    if req.query("type") != Some("DEFAULT") {
        return error(400, "type must be DEFAULT");
    }
    let rows = state
        .world
        .stocks
        .get(store)
        .map(|(rows, _)| rows.as_slice())
        .unwrap_or(&[]);
    let pending = if state.order_stock.pending_reserved {
        state.world.pending_by_item(store)
    } else {
        HashMap::new()
    };
    paged(state, req, rows, |s| {
        let reserved = s
            .reserved_for_customers
            .saturating_add(pending.get(&s.item).copied().unwrap_or_default());
        json!({"item": s.item, "stock": s.stock.to_json_number(),
               "reservedForCustomers": reserved.to_json_number(),
               "reservedForSuppliers": s.reserved_for_suppliers.to_json_number()})
    })
}

// ---------------------------------------------------------------------------------------------
// 13 sales
// ---------------------------------------------------------------------------------------------

fn sales(state: &mut State, store: &str, req: &Request) -> Response {
    let bound = |k: &str, default: i64| -> Result<i64, Response> {
        match req.query(k) {
            Some(v) => v
                .parse()
                .map_err(|_| error(400, "from and to are epoch milliseconds")),
            None => Ok(default),
        }
    };
    let (from, to) = match (bound("from", 0), bound("to", i64::MAX)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let status = req.query("status").unwrap_or("all");
    let rows: Vec<_> = state
        .world
        .sales
        .iter()
        .filter(|s| s.store == store && s.timestamp >= from && s.timestamp < to)
        .filter(|s| status == "all" || s.status == status)
        .cloned()
        .collect();
    paged(state, req, &rows, |s| {
        let total: Money = s.lines.iter().map(|l| l.unit_price.times(l.quantity)).sum();
        json!({
            "id": s.id, "number": s.number, "timestamp": s.timestamp, "status": s.status,
            "total": total.to_json_number(),
            "lines": s.lines.iter().map(|l| json!({
                "item": l.item, "quantity": l.quantity.to_json_number(),
                "unitPrice": l.unit_price.to_json_number(),
                "total": l.unit_price.times(l.quantity).to_json_number(), "label": l.label,
            })).collect::<Vec<_>>(),
            "payments": s.payments.iter().map(|p| json!({
                "type": p.kind, "name": p.name, "amount": p.amount.to_json_number(),
            })).collect::<Vec<_>>(),
        })
    })
}

// ---------------------------------------------------------------------------------------------
// 14, 15 customers
// ---------------------------------------------------------------------------------------------

fn customer_json(c: &FxCustomer) -> Value {
    json!({"id": c.id, "firstName": c.first_name, "lastName": c.last_name,
           "email": c.email, "phone": c.phone})
}

fn digits(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

fn find_customers(state: &mut State, store: &str, req: &Request) -> Response {
    let email = req.query("email").map(str::trim).filter(|e| !e.is_empty());
    let phone = req.query("phone").map(digits).filter(|p| !p.is_empty());
    let rows: Vec<Value> = state
        .world
        .customers
        .iter()
        .filter(|c| c.store == store)
        .filter(|c| {
            email.map_or(true, |e| {
                c.email
                    .as_deref()
                    .is_some_and(|ce| ce.eq_ignore_ascii_case(e))
            })
        })
        .filter(|c| {
            phone.as_deref().map_or(true, |p| {
                c.phone.as_deref().map(digits).as_deref() == Some(p)
            })
        })
        .map(customer_json)
        .collect();
    Response::json(200, &state.faults.reshape_list(&req.path, rows))
}

fn create_customer(state: &mut State, store: &str, req: &Request) -> Response {
    let body = match body_json(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let text = |k: &str| {
        body[k]
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let customer = FxCustomer {
        id: state.world.new_id(15),
        store: store.to_owned(),
        first_name: text("firstName").unwrap_or_default(),
        last_name: text("lastName").unwrap_or_default(),
        email: text("email"),
        phone: text("phone"),
    };
    if customer.first_name.is_empty() && customer.last_name.is_empty() && customer.email.is_none() {
        return error(400, "a customer needs a name or an email");
    }
    let out = customer_json(&customer);
    state.world.customers.push(customer);
    Response::json(201, &out)
}

// ---------------------------------------------------------------------------------------------
// 16-19 orders
// ---------------------------------------------------------------------------------------------

fn push_order(state: &mut State, store: &str, req: &Request) -> Response {
    let body = match body_json(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let reference = body["externalReference"]
        .as_str()
        .map(str::trim)
        .unwrap_or("");
    if reference.is_empty() {
        return error(400, "externalReference should not be empty");
    }
    let Some(pos) = state
        .world
        .fixture_org
        .pos
        .iter()
        .find(|p| Some(p.id.as_str()) == body["pos"].as_str() && p.store_id == store)
    else {
        return error(400, "pos must be a point of sale of this store");
    };
    if !pos.order_management {
        // What the real API answers for a POS without the paid order module.
        return error(401, "Unauthorized");
    }
    let Some(lines) = body["lines"].as_array().filter(|l| !l.is_empty()) else {
        return error(400, "lines should not be empty");
    };
    let mut total = Money::ZERO;
    for line in lines {
        let (Ok(quantity), Ok(price)) = (
            Quantity::from_json(&line["quantity"]),
            Money::from_json(&line["unitPrice"]),
        ) else {
            return error(400, "each line needs a quantity and a unitPrice");
        };
        let discount = Money::from_json(&line["discount"]).unwrap_or(Money::ZERO);
        if let Some(item) = line["item"].as_str() {
            if state.world.item(item).is_none() {
                return error(400, "a line refers to an unknown item");
            }
        }
        total = total + price.times(quantity) - discount;
    }
    let duplicate = state
        .world
        .orders
        .iter()
        .any(|o| o.store == store && o.external_reference == reference);
    if duplicate && state.faults.duplicate_reference == DuplicatePolicy::Refuse {
        return error(409, "an order with this externalReference already exists");
    }
    let order = Order {
        id: state.world.new_id(16),
        store: store.to_owned(),
        external_reference: reference.to_owned(),
        status: "not_acked".into(),
        fiscal_status: "pending".into(),
        total,
        statuses: vec![("not_acked".into(), now_ms())],
        body,
        moved_stock: false,
    };
    let out = order_json(state, &order);
    state.world.orders.push(order);
    if state.order_stock.moves_at == StockMove::Creation {
        let at = state.world.orders.len() - 1;
        state.world.move_order_stock(at, false);
    }
    Response::json(201, &out)
}

fn find_orders(state: &mut State, store: &str, req: &Request) -> Response {
    let reference = req.query("externalReference");
    let rows: Vec<Value> = state
        .world
        .orders
        .iter()
        .filter(|o| o.store == store)
        .filter(|o| reference.map_or(true, |r| o.external_reference == r))
        .map(|o| order_json(state, o))
        .collect();
    paged(state, req, &rows, Value::clone)
}

fn order(state: &mut State, store: &str, id: &str) -> Response {
    match state
        .world
        .orders
        .iter()
        .find(|o| o.store == store && o.id == id)
    {
        Some(o) => Response::json(200, &order_json(state, o)),
        None => error(404, "Order not found"),
    }
}

fn cancel_order(state: &mut State, store: &str, id: &str) -> Response {
    let Some(at) = state
        .world
        .orders
        .iter()
        .position(|o| o.store == store && o.id == id)
    else {
        return error(404, "Order not found");
    };
    if state.world.orders[at].status == "finalized" {
        return error(409, "a finalized order cannot be cancelled");
    }
    // The goods an order took from the stock go back to it.
    state.world.move_order_stock(at, true);
    let order = &mut state.world.orders[at];
    order.status = "cancelled".into();
    order.statuses.push(("cancelled".into(), now_ms()));
    let order = order.clone();
    Response::json(200, &order_json(state, &order))
}

/// An order as the API answers it, with its total broken when the fault says so.
fn order_json(state: &State, order: &Order) -> Value {
    let mut out = order.to_json();
    if state.faults.malformed_order_total {
        out["total"] = json!("douze euros");
    }
    out
}
