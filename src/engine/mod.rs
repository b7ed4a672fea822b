//! The façade both PHP backends call: one `Engine` per WordPress site, built from the settings
//! array and a state directory.
//!
//! Adapters (`php` for the extension, `ffi` for the C ABI) stay thin: they turn PHP values into
//! JSON, call [`Engine::call`] with a method name, and turn the answer or the error back. Routing
//! every method through one table is what makes the two backends behave identically, and
//! [`Engine::call_guarded`] is the one place a panic is caught and turned into an error.

mod catalog;
mod clients;
mod connection;
mod context;
mod dashboard;
pub mod input;
mod jobs;
mod links;
mod logs;
mod orders;
mod privacy;
mod products;
mod settings;
mod stock;
mod trace;

pub use settings::{Settings, DEFAULT_BASE_URL};

use crate::api::Client;
use crate::state::{LogLevel, NewLog, State};
use crate::{Error, ErrorKind, Result};
use serde_json::{json, Value};
use std::cell::OnceCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// Bumped whenever the C ABI or the JSON shape of a method changes incompatibly; `php-shim`
/// refuses a library whose ABI it does not know.
pub const ABI_VERSION: u32 = 1;

/// The library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Which binding loaded the library; reported by `diagnostics()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Extension,
    Ffi,
    /// Called from Rust directly (tests, benchmarks).
    Native,
}

impl Backend {
    fn as_str(self) -> &'static str {
        match self {
            Backend::Extension => "extension",
            Backend::Ffi => "ffi",
            Backend::Native => "native",
        }
    }
}

/// A method of the engine: its arguments as a JSON object in, its answer out.
type Handler = fn(&mut Engine, &Value) -> Result<Value>;

/// Every method PHP can call, by the name the adapters send. `php-shim/stubs` declares the PHP
/// API each one serves (`tests/method_table.rs` checks the two agree).
const DISPATCH: &[(&str, Handler)] = &[
    ("version", |_, _| Ok(json!(VERSION))),
    ("diagnostics", |e, _| Ok(e.diagnostics())),
    ("testConnection", |e, _| e.test_connection()),
    ("refreshCatalog", |e, a| e.refresh_catalog(a)),
    ("searchCatalog", |e, a| e.search_catalog(a)),
    ("catalogItem", |e, a| e.catalog_item(a)),
    ("link", |e, a| e.link(a)),
    ("unlink", |e, a| e.unlink(a)),
    ("restoreLink", |e, a| e.restore_link(a)),
    ("listLinks", |e, a| e.list_links(a)),
    ("planMatching", |e, a| e.plan_matching(a)),
    ("applyMatching", |e, a| e.apply_matching(a)),
    ("suggestProducts", |e, a| e.suggest_products(a)),
    ("previewImport", |e, a| e.preview_import(a)),
    ("planImport", |e, a| e.plan_import(a)),
    ("reportImported", |e, a| e.report_imported(a)),
    ("planProductUpdates", |e, a| e.plan_product_updates(a)),
    ("planStock", |e, a| e.plan_stock_run(a)),
    ("reportStockApplied", |e, a| e.report_stock_applied(a)),
    ("heldStockRuns", |e, _| e.held_stock_runs()),
    ("dismissHeldStockRun", |e, a| e.dismiss_held_stock_run(a)),
    ("orderChanged", |e, a| e.order_changed(a)),
    ("pushOrders", |e, a| e.push_orders(a)),
    ("pushOrderNow", |e, a| e.push_order_now(a)),
    ("orderStates", |e, a| e.order_states(a)),
    ("listOutbox", |e, a| e.list_outbox(a)),
    ("queryLogs", |e, a| e.query_logs(a)),
    ("exportLogs", |e, a| e.export_logs(a)),
    ("purgeLogs", |e, _| e.purge_logs()),
    ("personalData", |e, a| e.personal_data(a)),
    ("erasePersonalData", |e, a| e.erase_personal_data(a)),
    ("startJob", |e, a| e.start_job(a)),
    ("finishJob", |e, a| e.finish_job(a)),
    ("jobHealth", |e, _| e.job_health()),
    ("dashboard", |e, a| e.dashboard(a)),
    ("triggerPanicForTest", |e, a| e.trigger_panic_for_test(a)),
    ("roundTripForTest", |e, a| e.round_trip_for_test(a)),
];

/// One site's engine.
pub struct Engine {
    settings: Settings,
    state_dir: PathBuf,
    backend: Backend,
    client: OnceCell<std::sync::Arc<Client>>,
    state: OnceCell<State>,
}

impl Engine {
    /// Builds an engine. Cheap: nothing is opened or connected until a method needs it, which
    /// keeps PHP-FPM's forked workers from sharing sockets or file handles.
    pub fn new(
        settings: &Value,
        state_dir: impl Into<PathBuf>,
        backend: Backend,
    ) -> Result<Engine> {
        let state_dir = state_dir.into();
        input::admit_state_dir(&state_dir.to_string_lossy())?;
        input::admit("settings", settings)?;
        Ok(Engine {
            settings: Settings::from_json(settings)?,
            state_dir,
            backend,
            client: OnceCell::new(),
            state: OnceCell::new(),
        })
    }

    /// Calls a method by its PHP name, catching any panic so the PHP worker lives on.
    /// Arguments are admitted first ([`input::admit`]): the one check both backends pass
    /// through.
    pub fn call_guarded(&mut self, method: &str, args: &Value) -> Result<Value> {
        input::admit(method, args)?;
        if self.settings.debug {
            return self.call_traced(method, args);
        }
        self.call_catching(method, args)
    }

    /// Debug mode: the call's trace events (API requests, retries) go to the log, redacted.
    fn call_traced(&mut self, method: &str, args: &Value) -> Result<Value> {
        let collector = trace::Collector::default();
        let result = collector.capture(|| self.call_catching(method, args));
        let (events, dropped) = collector.take(self.settings.token.as_ref());
        let now = context::now_ms();
        for event in events {
            let level = if event.warning {
                LogLevel::Warning
            } else {
                LogLevel::Debug
            };
            self.log(
                NewLog::new(
                    now,
                    level,
                    "api_trace",
                    format!("{method}: {}", event.message),
                )
                .details(Value::Object(event.fields)),
            );
        }
        if dropped > 0 {
            self.log(NewLog::new(
                now,
                LogLevel::Debug,
                "api_trace",
                format!("{method}: {dropped} more trace events left out"),
            ));
        }
        result
    }

    fn call_catching(&mut self, method: &str, args: &Value) -> Result<Value> {
        match catch_unwind(AssertUnwindSafe(|| self.call(method, args))) {
            Ok(result) => result,
            Err(payload) => Err(Error::internal(format!(
                "internal error in {method}: {}{}",
                panic_message(payload.as_ref()),
                LAST_PANIC_AT
                    .with(|at| at.take())
                    .map(|at| format!(" (at {at})"))
                    .unwrap_or_default()
            ))),
        }
    }

    /// Calls a method by its PHP name with its arguments as a JSON object.
    pub fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        match DISPATCH.iter().find(|(name, _)| *name == method) {
            Some((_, handler)) => handler(self, args),
            None => Err(Error::invalid_input(format!(
                "unknown engine method {method:?}"
            ))),
        }
    }

    /// The names of the methods [`Engine::call`] dispatches.
    pub fn methods() -> impl Iterator<Item = &'static str> {
        DISPATCH.iter().map(|(name, _)| *name)
    }

    /// What is loaded and what it was built for.
    pub fn diagnostics(&self) -> Value {
        let built_for = option_env!("SCS_BUILT_FOR_PHP").filter(|v| !v.is_empty());
        json!({
            "backend": self.backend.as_str(),
            "version": VERSION,
            "abi_version": ABI_VERSION,
            "built_for_php": built_for,
            "built_for_zts": option_env!("SCS_BUILT_FOR_ZTS").filter(|v| !v.is_empty()).map(|v| v == "1"),
            "built_for_debug": option_env!("SCS_BUILT_FOR_DEBUG").filter(|v| !v.is_empty()).map(|v| v == "1"),
            "target": format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
            "state_dir": self.state_dir.display().to_string(),
            "base_url": self.settings.base_url,
            "token_set": self.settings.token.is_some(),
            "error_kinds": ErrorKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), json!(k.as_str())))
                .collect::<serde_json::Map<_, _>>(),
        })
    }

    /// Panics on purpose, to prove both bindings survive it. Refused unless the engine was built
    /// with `test_hooks` on, so no production caller can reach it by mistake.
    fn trigger_panic_for_test(&self, args: &Value) -> Result<Value> {
        if !self.settings.test_hooks {
            return Err(Error::new(ErrorKind::InvalidInput, "test hooks are off"));
        }
        let message = args
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("test panic");
        panic!("{message}");
    }
}

impl Engine {
    /// Hands back the value it was given, to prove both bindings carry every kind of value the
    /// same way. Refused unless `test_hooks` is on.
    fn round_trip_for_test(&self, args: &Value) -> Result<Value> {
        if !self.settings.test_hooks {
            return Err(Error::new(ErrorKind::InvalidInput, "test hooks are off"));
        }
        Ok(args.get("value").cloned().unwrap_or(Value::Null))
    }
}

thread_local! {
    /// Where the last panic of this thread happened, for the error message.
    static LAST_PANIC_AT: std::cell::Cell<Option<String>> = const { std::cell::Cell::new(None) };
}

/// Replaces Rust's default panic output (a multi-line backtrace on the PHP worker's stderr) with
/// one line, and remembers the location for the error PHP receives. Called by the adapters when
/// an engine is created; installing it more than once is harmless.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()));
            eprintln!(
                "shopcaisse-sync: internal error caught: {} at {}",
                panic_message(info.payload()),
                at.as_deref().unwrap_or("unknown place")
            );
            LAST_PANIC_AT.with(|cell| cell.set(at));
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(settings: Value) -> Engine {
        Engine::new(&settings, "/tmp/scs-test", Backend::Native).unwrap()
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let mut e = engine(json!({"test_hooks": true}));
        let err = e
            .call_guarded("triggerPanicForTest", &json!({"message": "boom"}))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Internal);
        assert!(err.message().contains("boom"));
        assert_eq!(
            e.call_guarded("version", &json!({})).unwrap(),
            json!(VERSION)
        );
    }

    #[test]
    fn the_panic_hook_is_refused_without_test_hooks() {
        let mut e = engine(json!({}));
        let err = e
            .call_guarded("triggerPanicForTest", &json!({}))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn unknown_methods_are_invalid_input() {
        let mut e = engine(json!({}));
        assert_eq!(
            e.call_guarded("nope", &json!({})).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }

    #[test]
    fn diagnostics_never_print_the_token() {
        let e = engine(json!({"token": "secret-token-value"}));
        let text = e.diagnostics().to_string();
        assert!(!text.contains("secret-token-value"));
        assert!(text.contains("\"token_set\":true"));
    }
}
