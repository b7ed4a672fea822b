//! When to try again, and how long to wait first: capped exponential backoff with jitter, a
//! bounded number of attempts and a bounded total time.

use super::config::ClientConfig;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Whether a failed attempt may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Never: the answer is final (4xx other than 429).
    No,
    /// Whatever the method: the request was refused before being processed (429) or never left
    /// (connection refused, DNS, connect timeout).
    Always,
    /// Only for idempotent methods: the request may have been processed (5xx, reset or timeout
    /// after sending).
    IfIdempotent,
}

/// Backoff schedule with its own jitter source (no global state, no extra crate).
pub(crate) struct Backoff {
    base: Duration,
    max: Duration,
    max_retry_after: Duration,
    seed: AtomicU64,
}

impl Backoff {
    pub(crate) fn new(config: &ClientConfig) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Backoff {
            base: config.base_backoff,
            max: config.max_backoff.max(config.base_backoff),
            max_retry_after: config.max_retry_after,
            seed: AtomicU64::new(now | 1),
        }
    }

    /// The wait before attempt `failed + 1`, after `failed` failures: `base * 2^(failed-1)`
    /// capped at `max`, drawn in its upper half; never shorter than the server's `Retry-After`
    /// (itself capped at `max_retry_after`).
    pub(crate) fn delay(&self, failed: u32, retry_after: Option<Duration>) -> Duration {
        let exp = failed.saturating_sub(1).min(20);
        let ceiling = self.base.saturating_mul(1 << exp).min(self.max);
        let half = ceiling / 2;
        let jitter = if half.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_nanos(self.next() % (half.as_nanos() as u64 + 1))
        };
        let backoff = half + jitter;
        match retry_after {
            Some(wanted) => backoff.max(wanted.min(self.max_retry_after)),
            None => backoff,
        }
    }

    /// The server's wish, capped as it will be honoured.
    pub(crate) fn capped(&self, retry_after: Duration) -> Duration {
        retry_after.min(self.max_retry_after)
    }

    /// xorshift64*: plenty for jitter.
    fn next(&self) -> u64 {
        let mut x = self.seed.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.seed.store(x, Ordering::Relaxed);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppToken;

    fn backoff() -> Backoff {
        let mut config = ClientConfig::new("http://x/v1", AppToken::new("t").unwrap());
        config.base_backoff = Duration::from_millis(100);
        config.max_backoff = Duration::from_millis(1000);
        config.max_retry_after = Duration::from_secs(5);
        Backoff::new(&config)
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let b = backoff();
        for _ in 0..50 {
            let first = b.delay(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = b.delay(3, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let tenth = b.delay(10, None);
            assert!(tenth >= Duration::from_millis(500) && tenth <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let b = backoff();
        assert!(b.delay(1, Some(Duration::from_secs(2))) >= Duration::from_secs(2));
        assert!(b.delay(1, Some(Duration::from_secs(3600))) <= Duration::from_secs(5));
    }
}
