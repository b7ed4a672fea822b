//! Shared set-up for the engine tests: an in-process sandbox on loopback, a private state
//! directory, and engines driven through `Engine::call` with JSON, exactly as both PHP backends
//! drive them.

#![allow(dead_code)]

use serde_json::{json, Value};
use shopcaisse_sync::engine::{Backend, Engine};
use shopcaisse_sync::sandbox::{Catalog, Sandbox, SandboxConfig, SandboxHandle};
use shopcaisse_sync::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Demo catalog items (fixtures/demo-catalog.json).
pub const PLATE: &str = "6e7de1b3-0f22-4414-ab93-a439a3b9f824"; // 24.90, stock 12, 2 reserved
pub const DEEP_PLATE: &str = "8c18cd2c-d367-4452-a9ab-7e2254bb1984"; // 22.50, stock 0
pub const BOWL: &str = "53bfdcf1-e801-411e-a384-fbdb5b1d66ce"; // 14.00, stock -2
pub const CUP: &str = "97076447-2dc5-4301-a5f8-45fba77e6f05"; // 9.90, stock 40
pub const MUG: &str = "b826b225-1ae8-42dc-a4f0-d91ada1feb0b"; // 16.50, stock 7
pub const COFFEE: &str = "210f22f4-cac1-4554-a5bd-c4293c303767"; // 32.50 / kg, 12.345 kg
pub const LENTILS: &str = "3ed046bc-0b9a-4d2d-a365-8c516c0fc2e7"; // 6.80 / kg, 4.5 kg
pub const HONEY: &str = "37fd894b-fecd-42fc-a47e-bc713bb9e6fd"; // 8.90, stock 18
pub const BOX: &str = "bb5c2790-b820-43dc-af9c-11a2089819db"; // pack: 2 bowls + 0.25 kg coffee
pub const BAG: &str = "daf97452-7542-45db-a1b0-72c812f99e43"; // 0.20, stock 500
/// The demo shop's one customer.
pub const JEANNE_ID: &str = "ecf7d65f-71fd-427b-acc1-0514d127e375";
pub const JEANNE_EMAIL: &str = "jeanne@example.fr";
pub const JEANNE_PHONE: &str = "+33600000000";

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "scs-{tag}-{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("a temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sandbox and a state directory, with the settings a merchant would have chosen.
pub struct Env {
    pub sandbox: SandboxHandle,
    pub dir: TempDir,
    pub settings: Value,
}

impl Env {
    /// The demo shop, and settings pointing at its store, first POS and "Défaut" price list.
    pub fn start() -> Env {
        Env::start_with(Catalog::Demo)
    }

    pub fn start_with(catalog: Catalog) -> Env {
        let sandbox = Sandbox::start(SandboxConfig {
            catalog,
            ..SandboxConfig::default()
        })
        .expect("the sandbox starts");
        let ids = sandbox.ids();
        let settings = json!({
            "base_url": sandbox.base_url(),
            "token": sandbox.token(),
            "company_id": ids.company,
            "store_id": ids.store,
            "pos_id": ids.pos,
            "price_list_id": ids.default_price_list,
            "connect_timeout_ms": 5000,
            "request_timeout_ms": 10000,
            "max_attempts": 4,
            "retry_budget_ms": 30000,
            "test_hooks": true,
            // Failed orders come back after ~0.2 s instead of a minute.
            "order_retry_base_ms": 200,
        });
        Env {
            sandbox,
            dir: TempDir::new("engine"),
            settings,
        }
    }

    /// An engine on this environment's state directory.
    pub fn engine(&self) -> Engine {
        self.engine_with(json!({}))
    }

    /// An engine with some settings changed (`null` removes a key).
    pub fn engine_with(&self, changes: Value) -> Engine {
        let mut settings = self.settings.clone();
        for (key, value) in changes.as_object().expect("an object of changes") {
            if value.is_null() {
                settings.as_object_mut().unwrap().remove(key);
            } else {
                settings[key] = value.clone();
            }
        }
        Engine::new(&settings, self.dir.path(), Backend::Native).expect("an engine")
    }

    /// How many API requests matched `method` and a target containing `path`.
    pub fn requests(&self, method: &str, path: &str) -> usize {
        self.sandbox
            .log()
            .iter()
            .filter(|e| e.method == method && e.target.contains(path))
            .count()
    }

    /// Every order the sandbox holds under `reference`.
    pub fn pos_orders(&self, reference: &str) -> Vec<Value> {
        self.sandbox
            .orders()
            .into_iter()
            .filter(|o| o["externalReference"] == reference)
            .collect()
    }

    /// The one order the sandbox holds under `reference`.
    pub fn pos_order(&self, reference: &str) -> Value {
        let found = self.pos_orders(reference);
        assert_eq!(found.len(), 1, "orders under {reference}: {found:#?}");
        found.into_iter().next().unwrap()
    }
}

/// Calls a method and expects success.
pub fn call(engine: &mut Engine, method: &str, args: Value) -> Value {
    match engine.call_guarded(method, &args) {
        Ok(value) => value,
        Err(error) => panic!("{method} failed: {error} ({:?})", error.kind()),
    }
}

/// Calls a method and expects an error.
pub fn call_err(engine: &mut Engine, method: &str, args: Value) -> shopcaisse_sync::Error {
    match engine.call_guarded(method, &args) {
        Ok(value) => panic!("{method} succeeded: {value}"),
        Err(error) => error,
    }
}

/// Starts a run of `job` and finishes it with `outcome` and `summary`; the start's answer.
pub fn run_job(engine: &mut Engine, job: &str, outcome: &str, summary: Value) -> Value {
    let started = call(engine, "startJob", json!({"job": job, "lease_ms": 60_000}));
    call(
        engine,
        "finishJob",
        json!({"job": job, "run_id": started["run_id"], "outcome": outcome, "summary": summary}),
    );
    started
}

/// The jobs a `jobHealth` (or `dashboard`) answer lists, in order.
pub fn job_names(answer: &Value) -> Vec<String> {
    answer["jobs"]
        .as_array()
        .expect("a list of jobs")
        .iter()
        .map(|j| j["job"].as_str().expect("a job name").to_owned())
        .collect()
}

/// Refreshes the catalog and links each `(item, wc_id)`.
pub fn link_all(engine: &mut Engine, links: &[(&str, i64)]) {
    call(engine, "refreshCatalog", json!({}));
    for (item, wc_id) in links {
        call(engine, "link", json!({"item_id": item, "wc_id": wc_id}));
    }
}

/// A paid (processing) order in euros by a buyer nobody knows, with one line per
/// `(wc_product_id, name, quantity, unit price in cents)`; its total is the sum of the lines.
pub fn order(wc_order_id: i64, lines: &[(i64, &str, &str, i64)]) -> Value {
    let mut total = 0i64;
    let lines: Vec<Value> = lines
        .iter()
        .map(|(product, name, quantity, unit)| {
            let thousandths = parse_thousandths(quantity);
            // Round half up to the cent, as WooCommerce does.
            let line_total = (unit * thousandths + 500) / 1000;
            total += line_total;
            json!({
                "wc_product_id": product,
                "name": name,
                "quantity": quantity,
                "unit_price_ttc": unit,
                "total_ttc": line_total,
            })
        })
        .collect();
    json!({
        "wc_order_id": wc_order_id,
        "number": wc_order_id.to_string(),
        "status": "processing",
        "created_at_ms": 1_785_578_400_000i64,
        "currency": "EUR",
        "customer": {
            "first_name": "Paul",
            "last_name": format!("Client{wc_order_id}"),
            "email": format!("client{wc_order_id}@example.org"),
            "phone": null,
        },
        "lines": lines,
        "shipping": [],
        "fees": [],
        "payment_method_title": "Carte bancaire",
        "total_ttc": total,
    })
}

/// The same order with another status.
pub fn with_status(order: &Value, status: &str) -> Value {
    let mut order = order.clone();
    order["status"] = json!(status);
    order
}

/// The external reference of an order number under the default prefix.
pub fn reference(wc_order_id: i64) -> String {
    format!("WEB-{wc_order_id}")
}

/// "0.355" → 355.
pub fn parse_thousandths(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<3}");
    whole.parse::<i64>().unwrap() * 1000 + frac[..3].parse::<i64>().unwrap()
}

/// A wire amount in euros (a JSON number) as cents, without floats.
pub fn cents(value: &Value) -> i64 {
    let text = value.to_string();
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = format!("{frac:0<2}");
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    let whole: i64 = whole.trim_start_matches('-').parse().unwrap();
    sign * (whole * 100 + frac[..2].parse::<i64>().unwrap())
}

/// The outbox row of an order, as `orderStates` gives it.
pub fn outbox_row(engine: &mut Engine, wc_order_id: i64) -> Value {
    let rows = call(
        engine,
        "orderStates",
        json!({"wc_order_ids": [wc_order_id]}),
    );
    rows.as_array()
        .and_then(|r| r.first())
        .cloned()
        .unwrap_or(Value::Null)
}

/// The error kind's stable name, as PHP sees it.
pub fn kind_name(kind: ErrorKind) -> &'static str {
    kind.as_str()
}

/// Now in epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
