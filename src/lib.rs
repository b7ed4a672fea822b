//! Shopcaisse Sync core: everything the WooCommerce plugin decides, in one library.
//!
//! - [`model`]: the domain vocabulary (ids, money in cents, decimal quantities, items, orders).
//! - [`error`]: the one error type, with kinds PHP catches as exception classes.
//!
//! The same crate builds as a PHP extension (feature `ext`) and, without it, as a portable FFI
//! library driven by `php-shim/`; both call the same engine.

pub mod error;
pub mod model;

pub use error::{Error, ErrorKind, Result};
