//! `ShopcaisseSync\Engine` as a native class. Each method is one line over [`PhpEngine::call`].

use super::{convert, exceptions};
use crate::engine::{Backend, Engine};
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::{json, Value};

/// The Shopcaisse Sync engine of one site.
#[php_class]
#[php(name = "ShopcaisseSync\\Engine")]
pub struct PhpEngine {
    inner: Engine,
}

impl PhpEngine {
    fn call(&mut self, method: &str, args: Value) -> PhpResult<Zval> {
        let result = self
            .inner
            .call_guarded(method, &args)
            .map_err(|e| exceptions::to_php(&e))?;
        convert::from_json(&result).map_err(|e| exceptions::to_php(&e))
    }
}

fn arg(zval: &Zval) -> PhpResult<Value> {
    convert::to_json(zval).map_err(|e| exceptions::to_php(&e))
}

#[php_impl]
impl PhpEngine {
    /// Builds the engine from the settings array and the directory of the state file.
    pub fn __construct(settings: &Zval, state_dir: String) -> PhpResult<Self> {
        crate::engine::install_panic_hook();
        let settings = arg(settings)?;
        Engine::new(&settings, state_dir, Backend::Extension)
            .map(|inner| PhpEngine { inner })
            .map_err(|e| exceptions::to_php(&e))
    }

    /// The library version.
    pub fn version(&mut self) -> PhpResult<Zval> {
        self.call("version", json!({}))
    }

    /// Which backend is loaded, its ABI version and the PHP it was built for.
    pub fn diagnostics(&mut self) -> PhpResult<Zval> {
        self.call("diagnostics", json!({}))
    }

    /// Checks the key against the API: what it reaches, or the kind of failure.
    pub fn test_connection(&mut self) -> PhpResult<Zval> {
        self.call("testConnection", json!({}))
    }

    /// Panics inside the core on purpose (only with the `test_hooks` setting on).
    pub fn trigger_panic_for_test(&mut self, message: String) -> PhpResult<Zval> {
        self.call("triggerPanicForTest", json!({ "message": message }))
    }

    /// Returns the value it was given, through the core (only with `test_hooks` on).
    pub fn round_trip_for_test(&mut self, value: &Zval) -> PhpResult<Zval> {
        self.call("roundTripForTest", json!({ "value": arg(value)? }))
    }
}
