//! Shopcaisse Sync core: everything the WooCommerce plugin decides, in one library.
//!
//! - [`model`]: the domain vocabulary (ids, money in cents, decimal quantities, items, orders).
//! - [`error`]: the one error type, with kinds PHP catches as exception classes.
//! - [`api`]: the Shopcaisse HTTP client; every assumed wire shape lives in `api::wire`.
//! - [`sync`]: pure planning (matching, imports, stock, orders).
//! - [`state`]: the SQLite state file (links, catalog cache, outbox, leases, logs).
//! - [`engine`]: the façade both PHP backends call, method by method.
//! - [`ffi`]: the C ABI for PHP's FFI; `php` (feature `ext`): the native extension.
//!
//! The same crate builds as a PHP extension (feature `ext`) and, without it, as a portable FFI
//! library driven by `php-shim/`; both call the same engine.

pub mod api;
pub mod engine;
pub mod error;
pub mod ffi;
pub mod model;
pub mod state;
pub mod sync;

/// The PHP extension: a thin ext-php-rs adapter over the engine.
#[cfg(feature = "ext")]
mod php;

/// The Shopcaisse sandbox server: test and demo only, never in the shipped libraries.
#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use error::{Error, ErrorKind, Result};
