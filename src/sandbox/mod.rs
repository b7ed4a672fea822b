//! The Shopcaisse sandbox server (see `docs/sandbox.md`).
//!
//! An in-memory POS that speaks the whole contract (endpoints 1 to 19 under `/v1`, assumed
//! shapes included) over real HTTP on loopback, and that can put on every hostile behaviour the
//! client must survive. Tests start it in-process with [`Sandbox::start`]; the
//! `shopcaisse-sandbox` binary serves it for the PHP, WordPress and browser tests and the demo.
//! Its own routes live under `/__sandbox/`, a prefix the real API cannot have.

mod api;
mod control;
mod faults;
mod generate;
mod http;
mod world;

pub use faults::{
    DuplicatePolicy, FaultAction, FaultRule, Faults, Malformation, PageFault, PageShape, Vanish,
};
pub use world::{
    Fixture, FxAttribute, FxCompany, FxComponent, FxCustomer, FxFamily, FxItem, FxPayment, FxPos,
    FxPrice, FxPriceList, FxSale, FxSaleLine, FxStock, FxStore, FxUnit, OrderStock, StockMove,
    DEMO_FIXTURE,
};

use crate::model::Quantity;
use serde::Serialize;
use std::io::{self, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use world::World;

/// The token the sandbox accepts unless told otherwise.
pub const DEMO_TOKEN: &str = "sandbox-demo-token";

/// What the sandbox holds when it starts (and again after a reset).
#[derive(Debug, Clone, PartialEq)]
pub enum Catalog {
    /// The demo shop of `fixtures/demo-catalog.json`.
    Demo,
    /// A fixture of the test's own.
    Fixture(Box<Fixture>),
    /// The demo organisation with `items` generated items (deterministic for a `seed`).
    Generated { items: usize, seed: u64 },
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// The bearer token accepted.
    pub token: String,
    pub catalog: Catalog,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            token: DEMO_TOKEN.into(),
            catalog: Catalog::Demo,
        }
    }
}

/// One API request as the sandbox saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    pub method: String,
    /// Path and query as received.
    pub target: String,
    /// The status written, or 0 when the connection was reset instead.
    pub status: u16,
    /// The fault applied, if any.
    pub fault: Option<String>,
}

/// Everything behind the sandbox's one mutex.
pub(crate) struct State {
    token: String,
    initial: Catalog,
    world: World,
    faults: Faults,
    /// When orders move stock, and whether pending ones are reserved.
    order_stock: OrderStock,
    log: Vec<LogEntry>,
}

impl State {
    fn new(token: String, initial: Catalog) -> State {
        let world = build_world(&initial);
        State {
            token,
            initial,
            world,
            faults: Faults::default(),
            order_stock: OrderStock::default(),
            log: Vec::new(),
        }
    }

    /// Back to the starting catalog: faults and order-stock switches off, orders, sales and log
    /// gone.
    fn reset(&mut self) {
        self.world = build_world(&self.initial);
        self.faults = Faults::default();
        self.order_stock = OrderStock::default();
        self.log.clear();
    }
}

fn build_world(catalog: &Catalog) -> World {
    match catalog {
        Catalog::Demo => World::from_fixture(Fixture::demo()),
        Catalog::Fixture(f) => World::from_fixture((**f).clone()),
        Catalog::Generated { items, seed } => {
            let mut world = World::from_fixture(Fixture::demo());
            generate::generate(&mut world, *items, *seed);
            world
        }
    }
}

struct Shared {
    state: Mutex<State>,
    stopping: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in a handler must not take the whole sandbox down with a poisoned lock.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Starts sandboxes.
pub struct Sandbox;

impl Sandbox {
    /// Binds 127.0.0.1 and serves in background threads until the handle is dropped.
    pub fn start(config: SandboxConfig) -> io::Result<SandboxHandle> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(config.token, config.catalog)),
            stopping: AtomicBool::new(false),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("sandbox-accept".into())
            .spawn(move || accept_loop(listener, accept_shared))?;
        Ok(SandboxHandle {
            addr,
            shared,
            accept: Some(accept),
        })
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("sandbox-conn".into())
            .spawn(move || serve(stream, shared));
    }
}

/// One connection: requests one after the other (keep-alive), faults applied around the
/// handler, the lock never held while sleeping or writing.
fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        let request = match http::read_request(&mut reader) {
            Ok(r) => r,
            Err(http::ReadError::Closed) => return,
            Err(http::ReadError::Bad(status, message)) => {
                let _ = http::write_response(&mut stream, &api::error(status, message), true);
                return;
            }
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let close = http::closes_after(&request);
        if request.path.starts_with("/__sandbox") {
            let response = control::handle(&mut shared.lock(), &request);
            if http::write_response(&mut stream, &response, close).is_err() || close {
                return;
            }
            continue;
        }
        let fault = shared.lock().faults.take(&request.method, &request.path);
        let log = |status: u16| {
            shared.lock().log.push(LogEntry {
                method: request.method.clone(),
                target: request.target.clone(),
                status,
                fault: fault.as_ref().map(FaultAction::label),
            });
        };
        let response = match &fault {
            Some(FaultAction::Status {
                status,
                retry_after,
            }) => {
                let mut r = api::error(*status, "injected by the sandbox");
                if let Some(secs) = retry_after {
                    r = r.with_header("Retry-After", secs.to_string());
                }
                r
            }
            Some(FaultAction::Reset) => {
                log(0);
                http::reset(stream);
                return;
            }
            Some(FaultAction::Delay { ms }) => {
                std::thread::sleep(Duration::from_millis(*ms));
                api::handle(&mut shared.lock(), &request)
            }
            _ => api::handle(&mut shared.lock(), &request),
        };
        let response = match &fault {
            Some(FaultAction::StatusAfter { status }) => {
                api::error(*status, "injected by the sandbox after processing")
            }
            _ => response,
        };
        match &fault {
            Some(FaultAction::ResetAfter) => {
                log(0);
                http::reset(stream);
                return;
            }
            Some(FaultAction::DelayAfter { ms }) => {
                log(response.status);
                std::thread::sleep(Duration::from_millis(*ms));
            }
            _ => log(response.status),
        }
        if http::write_response(&mut stream, &response, close).is_err() || close {
            return;
        }
    }
}

/// The ids of the demo organisation (or of the first records of a fixture).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxIds {
    pub company: String,
    pub store: String,
    /// A POS with the order-management module.
    pub pos: String,
    /// A POS without it, if the fixture has one.
    pub pos_without_module: Option<String>,
    /// The price list named "Défaut", if any.
    pub default_price_list: Option<String>,
}

/// A running sandbox; stops when dropped.
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT/v1`, the base URL a client is given.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `http://127.0.0.1:PORT`, where `/__sandbox/` routes live.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The token accepted.
    pub fn token(&self) -> String {
        self.shared.lock().token.clone()
    }

    /// Ids to start from.
    pub fn ids(&self) -> SandboxIds {
        let state = self.shared.lock();
        let org = &state.world.fixture_org;
        SandboxIds {
            company: state.world.first_company(),
            store: state.world.first_store(),
            pos: org
                .pos
                .iter()
                .find(|p| p.order_management)
                .map(|p| p.id.clone())
                .unwrap_or_default(),
            pos_without_module: org
                .pos
                .iter()
                .find(|p| !p.order_management)
                .map(|p| p.id.clone()),
            default_price_list: org
                .price_lists
                .iter()
                .find(|l| l.name == "Défaut")
                .map(|l| l.id.clone()),
        }
    }

    /// Changes the faults in place.
    pub fn set_faults(&self, change: impl FnOnce(&mut Faults)) {
        change(&mut self.shared.lock().faults);
    }

    /// Adds one per-request fault rule.
    pub fn add_rule(&self, rule: FaultRule) {
        self.shared.lock().faults.rules.push(rule);
    }

    /// The faults now in force (counted rules show what is left of them).
    pub fn faults(&self) -> Faults {
        self.shared.lock().faults.clone()
    }

    /// When pushed orders lower the stock, and whether pending ones count as reserved.
    pub fn set_order_stock(&self, switches: OrderStock) {
        self.shared.lock().order_stock = switches;
    }

    /// The order-stock switches in force.
    pub fn order_stock(&self) -> OrderStock {
        self.shared.lock().order_stock
    }

    /// Every fault off.
    pub fn clear_faults(&self) {
        self.shared.lock().faults = Faults::default();
    }

    /// Back to the starting catalog, faults off, orders and log cleared.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// Replaces everything with `fixture` (kept as the new starting point for `reset`).
    pub fn load_fixture(&self, fixture: Fixture) {
        let mut state = self.shared.lock();
        state.initial = Catalog::Fixture(Box::new(fixture));
        state.reset();
    }

    /// Replaces the catalog with `items` generated items.
    pub fn generate(&self, items: usize, seed: u64) {
        generate::generate(&mut self.shared.lock().world, items, seed);
    }

    /// Every order held, all stores, as JSON (`id`, `externalReference`, `status`, …).
    pub fn orders(&self) -> Vec<serde_json::Value> {
        let state = self.shared.lock();
        state.world.orders.iter().map(|o| o.to_json()).collect()
    }

    /// How many orders carry `reference` (duplicates included).
    pub fn orders_with_reference(&self, reference: &str) -> usize {
        let state = self.shared.lock();
        state
            .world
            .orders
            .iter()
            .filter(|o| o.external_reference == reference)
            .count()
    }

    /// The API requests received so far.
    pub fn log(&self) -> Vec<LogEntry> {
        self.shared.lock().log.clone()
    }

    pub fn clear_log(&self) {
        self.shared.lock().log.clear();
    }

    /// Item ids in catalog order.
    pub fn item_ids(&self) -> Vec<String> {
        let state = self.shared.lock();
        state.world.items.iter().map(|i| i.id.clone()).collect()
    }

    /// One item as the fixture holds it.
    pub fn item(&self, id: &str) -> Option<FxItem> {
        self.shared.lock().world.item(id).cloned()
    }

    /// Removes an item now (a 404 from then on).
    pub fn remove_item(&self, id: &str) -> bool {
        self.shared.lock().world.remove_item(id)
    }

    /// Sets the stock of an item in the first store.
    pub fn set_stock(&self, item: &str, stock: Quantity) {
        let mut state = self.shared.lock();
        let store = state.world.first_store();
        state.world.set_stock(&store, item, stock);
    }

    /// The stock of an item in the first store.
    pub fn stock(&self, item: &str) -> Option<Quantity> {
        let state = self.shared.lock();
        state.world.stock(&state.world.first_store(), item)
    }

    /// Turns the order module of a POS on or off.
    pub fn set_order_management(&self, pos: &str, on: bool) {
        let mut state = self.shared.lock();
        if let Some(p) = state.world.fixture_org.pos.iter_mut().find(|p| p.id == pos) {
            p.order_management = on;
        }
    }

    /// Runs a control route in-process, as `POST /__sandbox/...` would (method, path under
    /// `/__sandbox`, JSON body); returns the status and JSON answer.
    pub fn control(
        &self,
        method: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let request = http::Request {
            method: method.to_ascii_uppercase(),
            path: format!("/__sandbox/{}", path.trim_start_matches('/')),
            target: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: serde_json::to_vec(&body).unwrap_or_default(),
        };
        let response = control::handle(&mut self.shared.lock(), &request);
        let value = serde_json::from_slice(&response.body).unwrap_or_default();
        (response.status, value)
    }

    /// Stops accepting connections and waits for the accept thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
