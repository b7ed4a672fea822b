//! The Shopcaisse sandbox server (see `docs/sandbox.md`).
//!
//! An in-memory POS that speaks the whole contract (endpoints 1 to 19 under `/v1`, assumed
//! shapes included) over real HTTP on loopback, and that can put on every hostile behaviour the
//! client must survive, and a network's latency and limits (see `Faults::latency`). It runs on
//! hyper and a tokio runtime of its own (two threads). Tests start it in-process with [`Sandbox::start`]; the
//! `shopcaisse-sandbox` binary serves it for the PHP, WordPress and browser tests and the demo.
//! Its own routes live under `/__sandbox/`, a prefix the real API cannot have.

mod api;
mod control;
mod faults;
mod generate;
mod http;
mod world;

pub use faults::{
    DuplicatePolicy, FaultAction, FaultRule, Faults, Latency, Malformation, PageFault, PageShape,
    Vanish,
};
pub use world::{
    Fixture, FxAttribute, FxCompany, FxComponent, FxCustomer, FxFamily, FxItem, FxPayment, FxPos,
    FxPrice, FxPriceList, FxSale, FxSaleLine, FxStock, FxStore, FxUnit, OrderStock, StockMove,
    DEMO_FIXTURE,
};

use crate::model::Quantity;
use serde::Serialize;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
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
    /// API requests being handled now (the concurrency limit counts them).
    in_flight: AtomicU32,
    /// Draws for the latency jitter and the random 429s (xorshift; deterministic per start).
    draws: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in a handler must not take the whole sandbox down with a poisoned lock.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    fn draw(&self, bound: u64) -> u64 {
        let step = |mut x: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Some(x)
        };
        let before = self
            .draws
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, step)
            .unwrap_or(1);
        match bound {
            0 => 0,
            _ => step(before).unwrap_or(1) % bound,
        }
    }
}

/// One API request counted as in progress until dropped.
struct InFlight<'a>(&'a AtomicU32);

impl<'a> InFlight<'a> {
    /// Counts the request in; returns how many are in progress, this one included.
    fn enter(counter: &'a AtomicU32) -> (InFlight<'a>, u32) {
        let now = counter.fetch_add(1, Ordering::SeqCst) + 1;
        (InFlight(counter), now)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts sandboxes.
pub struct Sandbox;

impl Sandbox {
    /// Binds 127.0.0.1 and serves (hyper on a two-thread tokio runtime of its own) until the
    /// handle is dropped.
    pub fn start(config: SandboxConfig) -> io::Result<SandboxHandle> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(config.token, config.catalog)),
            stopping: AtomicBool::new(false),
            in_flight: AtomicU32::new(0),
            draws: AtomicU64::new(0x2545_F491_4F6C_DD1D),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sandbox")
            .enable_all()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        runtime.spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(SandboxHandle {
            addr,
            shared,
            runtime: Some(runtime),
        })
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors, most likely: let some connections end first.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        tokio::spawn(connection(stream, Arc::clone(&shared)));
    }
}

/// How a handler drops its connection with a reset.
#[derive(Clone)]
struct Conn {
    fd: std::os::fd::RawFd,
    kill: Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>,
}

impl Conn {
    /// Resets the connection: SO_LINGER 0, then the connection future drops it. Never returns
    /// (the request gets no answer).
    async fn reset(&self) -> hyper::Response<http::Body> {
        http::arm_reset(self.fd);
        let kill = self.kill.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(kill) = kill {
            let _ = kill.send(());
        }
        std::future::pending().await
    }
}

/// One connection: hyper serves its requests one after the other (keep-alive) until the peer
/// closes, or a handler resets it.
async fn connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    use std::os::fd::AsRawFd;
    let _ = stream.set_nodelay(true);
    let (kill, killed) = tokio::sync::oneshot::channel::<()>();
    let conn = Conn {
        fd: stream.as_raw_fd(),
        kill: Arc::new(Mutex::new(Some(kill))),
    };
    let service = hyper::service::service_fn(move |request| {
        let shared = Arc::clone(&shared);
        let conn = conn.clone();
        async move { Ok::<_, std::convert::Infallible>(respond(request, &shared, &conn).await) }
    });
    let served = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = served => {}
        // Dropping the connection closes its socket, with a reset since SO_LINGER is 0.
        _ = killed => {}
    }
}

/// The whole request body, refused past [`http::MAX_BODY`].
async fn read_body(mut body: hyper::body::Incoming) -> Result<Vec<u8>, (u16, &'static str)> {
    use hyper::body::Body as _;
    let mut out = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|_| (400, "the request body could not be read"))?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > http::MAX_BODY {
                return Err((413, "body too large"));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// One request: control routes at once; API requests through the network model (latency,
/// concurrency limit, random 429s), then the faults around the handler. The lock is never held
/// while waiting or writing.
async fn respond(
    request: hyper::Request<hyper::body::Incoming>,
    shared: &Shared,
    conn: &Conn,
) -> hyper::Response<http::Body> {
    let (parts, body) = request.into_parts();
    let request = match read_body(body).await {
        Ok(body) => http::Request::from_parts(&parts, body),
        Err((status, message)) => return api::error(status, message).into_hyper(None),
    };
    if request.path.starts_with("/__sandbox") {
        return control::handle(&mut shared.lock(), &request).into_hyper(None);
    }
    let log = |status: u16, fault: Option<String>| {
        shared.lock().log.push(LogEntry {
            method: request.method.clone(),
            target: request.target.clone(),
            status,
            fault,
        });
    };
    let (latency, limit, throttle) = {
        let state = shared.lock();
        let f = &state.faults;
        (f.latency, f.max_concurrent, f.throttle_percent)
    };
    let (slot, in_progress) = InFlight::enter(&shared.in_flight);
    let over_limit = limit.is_some_and(|max| in_progress > max);
    if over_limit {
        drop(slot);
    }
    if let Some(latency) = latency {
        let wait = latency.fixed_ms + shared.draw(latency.jitter_ms + 1);
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
    if over_limit {
        log(429, Some("concurrency limit".into()));
        return api::error(429, "too many requests at once").into_hyper(None);
    }
    if throttle.is_some_and(|percent| shared.draw(100) < u64::from(percent)) {
        log(429, Some("throttled".into()));
        return api::error(429, "rate limited").into_hyper(None);
    }
    let fault = shared.lock().faults.take(&request.method, &request.path);
    let label = fault.as_ref().map(FaultAction::label);
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
            log(0, label);
            return conn.reset().await;
        }
        Some(FaultAction::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
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
            log(0, label);
            conn.reset().await
        }
        Some(FaultAction::DelayAfter { ms }) => {
            log(response.status, label);
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            response.into_hyper(None)
        }
        Some(FaultAction::SlowBody { ms }) => {
            log(response.status, label);
            response.into_hyper(Some(Duration::from_millis(*ms)))
        }
        _ => {
            log(response.status, label);
            response.into_hyper(None)
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
    runtime: Option<tokio::runtime::Runtime>,
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

    /// Stops serving: the listener and every connection are closed.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
