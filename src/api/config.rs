//! How the client talks to Shopcaisse: where, with which key, how long it waits and how hard it
//! insists.

use crate::model::AppToken;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The production base URL (note the hyphen).
pub const PRODUCTION_BASE_URL: &str = "https://api.shop-caisse.com/v1";

/// Something that waits: `std::thread::sleep` unless a test injects its own (to record delays
/// instead of spending them).
pub type Sleeper = Arc<dyn Fn(Duration) + Send + Sync>;

/// The client's settings. Build with [`ClientConfig::new`] and adjust fields.
#[derive(Clone)]
pub struct ClientConfig {
    /// The API root, `/v1` included (`https://api.shop-caisse.com/v1`); no trailing slash needed.
    pub base_url: String,
    /// The merchant's AppToken; only the HTTP chokepoint reads it.
    pub token: AppToken,
    /// Time allowed to open a connection (DNS and TLS included).
    pub connect_timeout: Duration,
    /// Time allowed for one request, from connecting to the last byte of the answer.
    pub total_timeout: Duration,
    /// Rows asked per page (the API may clamp it lower; the client copes).
    pub page_size: u32,
    /// Attempts per request, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Longest time one request may spend retrying, waits included; past it the last error is
    /// returned (a 429 whose `Retry-After` would overrun it is returned at once).
    pub retry_budget: Duration,
    /// First backoff; it doubles each retry, with jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a longer one is cut to this.
    pub max_retry_after: Duration,
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// How waits are spent; `None` is `std::thread::sleep`.
    pub sleeper: Option<Sleeper>,
}

impl ClientConfig {
    /// Settings with the defaults: 10 s to connect, 30 s per request, pages of 100, 4 attempts
    /// within 60 s, backoff from 500 ms to 10 s, `Retry-After` honoured up to 60 s.
    pub fn new(base_url: impl Into<String>, token: AppToken) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            page_size: 100,
            max_attempts: 4,
            retry_budget: Duration::from_secs(60),
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            user_agent: concat!("shopcaisse-sync/", env!("CARGO_PKG_VERSION")).to_owned(),
            sleeper: None,
        }
    }

    /// The base URL without its trailing slashes.
    pub(crate) fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("connect_timeout", &self.connect_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("page_size", &self.page_size)
            .field("max_attempts", &self.max_attempts)
            .field("retry_budget", &self.retry_budget)
            .field("base_backoff", &self.base_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("user_agent", &self.user_agent)
            .field("sleeper", &self.sleeper.as_ref().map(|_| "custom"))
            .finish()
    }
}
