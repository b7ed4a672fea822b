//! The Shopcaisse HTTP client.
//!
//! [`Client`] offers one method per endpoint of the contract (`docs/shopcaisse-api.md`,
//! endpoints 1 to 19) over a single private chokepoint that sets the bearer token, applies the
//! timeouts, maps statuses to [`crate::ErrorKind`]s and retries what is safe to retry. It runs on
//! `reqwest` and a `tokio` runtime of the process (`runtime`); every public method blocks until
//! its answer. Listings read every page (the item, stock and price listings several pages at
//! once, `concurrent_reads`) and return a [`Listing`]: the rows that could be read plus a report of the
//! rows that could not ([`Problem`]), so one malformed item never sinks a catalog. Order pushes
//! are idempotent per external reference: see [`Client::push_order`].
//!
//! Every JSON field name and URL path, observed or assumed, lives in the private `wire` module.

mod client;
mod config;
mod listing;
mod paging;
mod requests;
mod retry;
mod runtime;
mod transport;
mod wire;

pub(crate) use client::CatalogListing;
pub use client::Client;
pub use config::{defaults, ClientConfig, Sleeper, PRODUCTION_BASE_URL};
pub use listing::{Known, Listing, Page, Problem, ProblemKind};
pub use paging::{Flow, Resume};
pub use requests::{ItemUpdate, NewItem, PushHow, PushOutcome};
