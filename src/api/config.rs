//! How the client talks to Shopcaisse: where, with which key, how long it waits, how hard it
//! insists and how many pages it reads at once.
//!
//! Every default lives here, once: the engine's settings fall back to [`defaults`], and a
//! client is shared between engines exactly when their whole configurations are equal.

use crate::model::AppToken;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The production base URL (note the hyphen).
pub const PRODUCTION_BASE_URL: &str = "https://api.shop-caisse.com/v1";

/// The defaults of [`ClientConfig::new`], which the engine's settings fall back to.
pub mod defaults {
    use std::time::Duration;

    /// Time allowed to open a connection, TLS included.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// Time allowed for one request, from connecting to the last byte of the answer.
    pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
    /// Rows asked per page.
    pub const PAGE_SIZE: u32 = 100;
    /// Attempts per request, the first included.
    pub const MAX_ATTEMPTS: u32 = 4;
    /// Longest time one request may spend retrying.
    pub const RETRY_BUDGET: Duration = Duration::from_secs(60);
    /// Pages of one listing read at once.
    pub const CONCURRENT_READS: u32 = 6;
    /// The most pages of one listing read at once that the settings accept.
    pub const MAX_CONCURRENT_READS: u32 = 16;
}

/// Something that waits: the runtime's timer unless a test injects its own (to record delays
/// instead of spending them).
pub type Sleeper = Arc<dyn Fn(Duration) + Send + Sync>;

/// The client's settings. Build with [`ClientConfig::new`] and adjust fields.
///
/// Two configurations are equal when every field is (the sleeper by identity): that equality is
/// what lets engines of one process share a client, so a field added here takes part in it
/// without anyone listing it again (the comparison destructures the whole struct and does not
/// compile until the new field is handled).
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
    /// Pages of an item, stock or price listing read at once (1 = one after the other). A 429
    /// or a 503 lowers it for the rest of the listing; it then climbs back one at a time.
    pub concurrent_reads: u32,
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
    /// How waits are spent; `None` is the runtime's timer.
    pub sleeper: Option<Sleeper>,
}

impl ClientConfig {
    /// Settings with the defaults of [`defaults`]: 5 s to connect, 30 s per request, pages of
    /// 100 read 6 at once, 4 attempts within 60 s, backoff from 500 ms to 10 s, `Retry-After`
    /// honoured up to 60 s.
    pub fn new(base_url: impl Into<String>, token: AppToken) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token,
            connect_timeout: defaults::CONNECT_TIMEOUT,
            total_timeout: defaults::TOTAL_TIMEOUT,
            page_size: defaults::PAGE_SIZE,
            concurrent_reads: defaults::CONCURRENT_READS,
            max_attempts: defaults::MAX_ATTEMPTS,
            retry_budget: defaults::RETRY_BUDGET,
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

impl PartialEq for ClientConfig {
    fn eq(&self, other: &Self) -> bool {
        // Exhaustive on purpose: a new field does not compile until it is compared.
        let ClientConfig {
            base_url,
            token,
            connect_timeout,
            total_timeout,
            page_size,
            concurrent_reads,
            max_attempts,
            retry_budget,
            base_backoff,
            max_backoff,
            max_retry_after,
            user_agent,
            sleeper,
        } = self;
        let same_sleeper = match (sleeper, &other.sleeper) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        *base_url == other.base_url
            && *token == other.token
            && *connect_timeout == other.connect_timeout
            && *total_timeout == other.total_timeout
            && *page_size == other.page_size
            && *concurrent_reads == other.concurrent_reads
            && *max_attempts == other.max_attempts
            && *retry_budget == other.retry_budget
            && *base_backoff == other.base_backoff
            && *max_backoff == other.max_backoff
            && *max_retry_after == other.max_retry_after
            && *user_agent == other.user_agent
            && same_sleeper
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
            .field("concurrent_reads", &self.concurrent_reads)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig::new(PRODUCTION_BASE_URL, AppToken::new("key-1").unwrap())
    }

    #[test]
    fn configurations_differing_in_any_field_are_not_equal() {
        assert_eq!(config(), config());
        let changes: Vec<fn(&mut ClientConfig)> = vec![
            |c| c.base_url.push('/'),
            |c| c.token = AppToken::new("key-2").unwrap(),
            |c| c.connect_timeout += Duration::from_millis(1),
            |c| c.total_timeout += Duration::from_millis(1),
            |c| c.page_size += 1,
            |c| c.concurrent_reads += 1,
            |c| c.max_attempts += 1,
            |c| c.retry_budget += Duration::from_millis(1),
            |c| c.base_backoff += Duration::from_millis(1),
            |c| c.max_backoff += Duration::from_millis(1),
            |c| c.max_retry_after += Duration::from_millis(1),
            |c| c.user_agent.push('x'),
            |c| c.sleeper = Some(Arc::new(|_| {})),
        ];
        for change in changes {
            let mut other = config();
            change(&mut other);
            assert_ne!(config(), other, "{other:?}");
        }
        let sleeper: Sleeper = Arc::new(|_| {});
        let (mut a, mut b) = (config(), config());
        a.sleeper = Some(Arc::clone(&sleeper));
        b.sleeper = Some(sleeper);
        assert_eq!(a, b);
    }
}
