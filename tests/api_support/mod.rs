//! Shared set-up for the client tests: an in-process sandbox on loopback and a client tuned to
//! fail fast (short backoffs, waits recorded rather than spent when they are long).

#![allow(dead_code)]

use shopcaisse_sync::api::{Client, ClientConfig};
use shopcaisse_sync::model::{
    AppToken, CompanyId, CustomerDetails, ItemId, Money, OrderLine, OrderPush, Payment, PosId,
    Quantity, StoreId,
};
use shopcaisse_sync::sandbox::{Catalog, Sandbox, SandboxConfig, SandboxHandle};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A sandbox, a client pointed at it, and the waits the client asked for.
pub struct Env {
    pub sandbox: SandboxHandle,
    pub client: Client,
    pub company: CompanyId,
    pub store: StoreId,
    pub pos: PosId,
    pub pos_without_module: PosId,
    pub waits: Arc<Mutex<Vec<Duration>>>,
}

impl Env {
    /// The waits (backoffs) the client asked for so far.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }

    /// A second client on the same sandbox, with `change` applied to its settings.
    pub fn client_with(&self, change: impl FnOnce(&mut ClientConfig)) -> Client {
        let mut config = fast_config(&self.sandbox, Arc::clone(&self.waits));
        change(&mut config);
        Client::new(config).unwrap()
    }

    /// How many API requests matched `method` and a path containing `path`.
    pub fn requests(&self, method: &str, path: &str) -> usize {
        self.sandbox
            .log()
            .iter()
            .filter(|e| e.method == method && e.target.contains(path))
            .count()
    }
}

/// Settings for tests: generous timeouts (a loaded 2-core machine must not trip them), tiny
/// backoffs, and a sleeper that records every wait and only really sleeps a few milliseconds.
pub fn fast_config(sandbox: &SandboxHandle, waits: Arc<Mutex<Vec<Duration>>>) -> ClientConfig {
    let mut config =
        ClientConfig::new(sandbox.base_url(), AppToken::new(&sandbox.token()).unwrap());
    config.connect_timeout = Duration::from_secs(5);
    config.total_timeout = Duration::from_secs(10);
    config.page_size = 100;
    config.max_attempts = 4;
    config.retry_budget = Duration::from_secs(30);
    config.base_backoff = Duration::from_millis(5);
    config.max_backoff = Duration::from_millis(40);
    config.max_retry_after = Duration::from_secs(5);
    config.sleeper = Some(Arc::new(move |d: Duration| {
        waits.lock().unwrap().push(d);
        std::thread::sleep(d.min(Duration::from_millis(20)));
    }));
    config
}

pub fn start() -> Env {
    start_with(Catalog::Demo)
}

pub fn start_with(catalog: Catalog) -> Env {
    let sandbox = Sandbox::start(SandboxConfig {
        catalog,
        ..SandboxConfig::default()
    })
    .expect("the sandbox starts");
    let waits = Arc::new(Mutex::new(Vec::new()));
    let client = Client::new(fast_config(&sandbox, Arc::clone(&waits))).unwrap();
    let ids = sandbox.ids();
    Env {
        company: CompanyId::parse(&ids.company).unwrap(),
        store: StoreId::parse(&ids.store).unwrap(),
        pos: PosId::parse(&ids.pos).unwrap(),
        pos_without_module: PosId::parse(&ids.pos_without_module.unwrap()).unwrap(),
        sandbox,
        client,
        waits,
    }
}

/// The id of the demo item called `name`.
pub fn demo_item(env: &Env, name: &str) -> ItemId {
    item_named(&env.sandbox, name)
}

/// The id of the item called `name` in `sandbox`.
pub fn item_named(sandbox: &SandboxHandle, name: &str) -> ItemId {
    let id = sandbox
        .item_ids()
        .into_iter()
        .find(|id| sandbox.item(id).unwrap().name == name)
        .unwrap_or_else(|| panic!("no demo item {name:?}"));
    ItemId::parse(&id).unwrap()
}

/// A web order of two plates and 355 g of coffee, plus shipping (66.09 €).
pub fn web_order(env: &Env, reference: &str, pos: &PosId) -> OrderPush {
    order_in(&env.sandbox, reference, pos)
}

/// The same order, for any sandbox holding the demo catalog.
pub fn order_in(sandbox: &SandboxHandle, reference: &str, pos: &PosId) -> OrderPush {
    let env = sandbox;
    OrderPush {
        external_reference: reference.into(),
        pos: pos.clone(),
        customer: None,
        customer_details: CustomerDetails {
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            email: Some("jeanne@example.fr".into()),
            phone: Some("+33600000000".into()),
        },
        lines: vec![
            OrderLine {
                item: Some(item_named(env, "Assiette plate")),
                quantity: Quantity::pieces(2),
                unit_price: Money::from_cents(2490),
                discount: Money::ZERO,
                label: "Assiette plate".into(),
            },
            OrderLine {
                item: Some(item_named(env, "Café en grains — Éthiopie")),
                quantity: Quantity::from_thousandths(355),
                unit_price: Money::from_cents(3250),
                discount: Money::from_cents(15),
                label: "Café en grains".into(),
            },
            OrderLine {
                item: None,
                quantity: Quantity::pieces(1),
                unit_price: Money::from_cents(490),
                discount: Money::ZERO,
                label: "Livraison".into(),
            },
        ],
        payments: vec![Payment {
            kind: "ONLINE".into(),
            name: "Carte bancaire (en ligne)".into(),
            amount: Money::from_cents(6609),
        }],
        note: Some("Retrait en magasin".into()),
        created_at_ms: 1_785_578_400_000,
    }
}
