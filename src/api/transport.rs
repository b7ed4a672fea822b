//! The chokepoint: the only code that touches HTTP.
//!
//! [`Transport::send`] sets the bearer token and the JSON headers, applies the connect and total
//! timeouts, maps statuses and transport failures to [`ErrorKind`]s, and retries what is safe to
//! retry. It is async (every request runs on the process's tokio runtime, see `runtime`) and the
//! client's public methods wrap it in blocking calls. A listing read several pages at once
//! passes a [`Pace`], which a 429 or a 503 slows down and a `Retry-After` pauses.

use super::config::ClientConfig;
use super::retry::{Backoff, Retry};
use super::runtime;
use super::wire;
use crate::error::{Error, ErrorKind, Result};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::Mutex;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// Largest response body read (a page of items with long descriptions stays far below).
const MAX_BODY: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    fn to_http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    /// Repeating the request cannot do more than doing it once.
    fn idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// A successful (2xx) answer.
pub(super) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// A failed attempt and whether it may be repeated.
struct Failure {
    error: Error,
    retry: Retry,
    retry_after: Option<Duration>,
}

/// The HTTP client of one process: a client forked after use builds its own (see `runtime`).
struct Http {
    pid: u32,
    client: reqwest::Client,
}

/// The configuration, the backoff and the lazily built HTTP client of one [`super::Client`].
pub(super) struct Transport {
    pub config: ClientConfig,
    backoff: Backoff,
    http: Mutex<Option<Http>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("config", &self.config)
            .field("started", &self.started())
            .finish()
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        let http = self
            .http
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(http) = http.filter(|h| h.pid != runtime::pid()) {
            // The parent's connections, inherited through a fork: never touched, not even to
            // close them (their sockets are registered in the parent's runtime).
            std::mem::forget(http);
        }
    }
}

impl Transport {
    pub fn new(config: ClientConfig) -> Transport {
        Transport {
            backoff: Backoff::new(&config),
            config,
            http: Mutex::new(None),
        }
    }

    /// Whether the HTTP client (and its connection pool) exists in this process yet.
    pub fn started(&self) -> bool {
        let http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        http.as_ref().is_some_and(|h| h.pid == runtime::pid())
    }

    /// Runs `future` on the process's runtime, blocking the caller.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        runtime::runtime().block_on(future)
    }

    /// Sends one request and waits for it (see [`Transport::send`]).
    pub fn send_blocking(
        &self,
        op: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Reply> {
        let url = self.url(path, query);
        self.block_on(self.send(op, method, &url, body, None))
    }

    /// The full URL of `path` with `query`.
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        format!(
            "{}{}{}",
            self.config.base(),
            path,
            wire::encode_query(query)
        )
    }

    /// Sends one request, retrying what is safe: every method on 429 (after `Retry-After`) and
    /// on failures before the request left; idempotent methods (GET, PUT, DELETE) also on 5xx,
    /// timeouts and dropped connections. Bounded by `max_attempts` and `retry_budget`.
    pub async fn send(
        &self,
        op: &str,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
        pace: Option<&Pace>,
    ) -> Result<Reply> {
        let path = url.strip_prefix(self.config.base()).unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        let started = Instant::now();
        let mut attempt = 1u32;
        loop {
            let place = match pace {
                Some(pace) => Some(pace.enter().await),
                None => None,
            };
            let begun = Instant::now();
            let result = self.attempt(op, method, url, body).await;
            drop(place);
            let failure = match result {
                Ok(reply) => {
                    tracing::debug!(
                        method = method.as_str(),
                        path,
                        status = reply.status,
                        attempt,
                        ms = begun.elapsed().as_millis() as u64,
                        "shopcaisse request"
                    );
                    if let Some(pace) = pace {
                        pace.answered();
                    }
                    return Ok(reply);
                }
                Err(failure) => failure,
            };
            // In a paced walk, a 429 or a 503 halves the pages in flight: that is the back-off.
            // The first retry of the page then only waits for a place in the smaller window (or
            // the Retry-After); waiting the exponential delay as well would stall every page
            // behind it, since pages are handed over in order. A page refused again backs off
            // as usual.
            let mut paced_back = false;
            if let Some(pace) = pace {
                if matches!(failure.error.http_status(), Some(429 | 503)) {
                    pace.congested(failure.retry_after);
                    paced_back = attempt == 1 && failure.retry_after.is_none();
                }
            }
            let retryable = match failure.retry {
                Retry::No => false,
                Retry::Always => true,
                Retry::IfIdempotent => method.idempotent(),
            };
            let delay = if paced_back {
                Duration::ZERO
            } else {
                self.backoff.delay(attempt, failure.retry_after)
            };
            let give_up = !retryable
                || attempt >= self.config.max_attempts.max(1)
                || started.elapsed() + delay > self.config.retry_budget;
            tracing::debug!(
                method = method.as_str(),
                path,
                status = failure.error.http_status(),
                kind = failure.error.kind().as_str(),
                attempt,
                give_up,
                "shopcaisse request failed"
            );
            if give_up {
                return Err(failure.error);
            }
            self.sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, no retry.
    async fn attempt(
        &self,
        op: &str,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
    ) -> std::result::Result<Reply, Failure> {
        let client = self.client().map_err(|e| Failure {
            error: e,
            retry: Retry::No,
            retry_after: None,
        })?;
        let mut bearer = reqwest::header::HeaderValue::from_str(&format!(
            "Bearer {}",
            self.config.token.expose()
        ))
        .map_err(|_| Failure {
            error: Error::new(
                ErrorKind::NotConfigured,
                format!("{op}: the access key holds characters a header cannot carry"),
            ),
            retry: Retry::No,
            retry_after: None,
        })?;
        bearer.set_sensitive(true);
        let mut request = client
            .request(method.to_http(), url)
            .header(reqwest::header::AUTHORIZATION, bearer)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| self.transport_failure(op, e))?;
        let status = response.status().as_u16();
        let retry_after_secs = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let read = read_body(&mut response).await;
        if (200..300).contains(&status) {
            return match read {
                Ok(body) => Ok(Reply { status, body }),
                Err(BodyError::TooLarge) => Err(Failure {
                    error: Error::new(
                        ErrorKind::UnexpectedPayload,
                        format!(
                            "{op}: the answer is too large or undecodable (over {MAX_BODY} bytes)"
                        ),
                    ),
                    retry: Retry::No,
                    retry_after: None,
                }),
                Err(BodyError::Transport(e)) => Err(self.transport_failure(op, e)),
            };
        }
        let body = read.unwrap_or_default();
        Err(self.status_failure(op, status, retry_after_secs, &body))
    }

    fn status_failure(
        &self,
        op: &str,
        status: u16,
        retry_after_secs: Option<u64>,
        body: &[u8],
    ) -> Failure {
        let (kind, retry) = match status {
            401 => (ErrorKind::InvalidToken, Retry::No),
            403 => (ErrorKind::PermissionDenied, Retry::No),
            404 | 410 => (ErrorKind::NotFound, Retry::No),
            409 => (ErrorKind::Conflict, Retry::No),
            429 => (ErrorKind::RateLimited, Retry::Always),
            500..=599 => (ErrorKind::Server, Retry::IfIdempotent),
            400..=499 => (ErrorKind::InvalidInput, Retry::No),
            _ => (ErrorKind::UnexpectedPayload, Retry::No),
        };
        let explained = match wire::api_message(body) {
            Some(message) => format!("{op}: HTTP {status}: {message}"),
            None => format!("{op}: HTTP {status}"),
        };
        let mut error = Error::new(kind, self.scrub(explained)).with_http_status(status);
        if let Some(secs) = retry_after_secs {
            error = error.with_retry_after(secs);
        }
        Failure {
            error,
            retry,
            retry_after: retry_after_secs.map(|s| self.backoff.capped(Duration::from_secs(s))),
        }
    }

    /// Maps a transport failure. What failed before the request could leave (DNS, refused,
    /// connect timeout) may be retried whatever the method; anything later may have reached
    /// the server. A TLS refusal is never retried: a certificate does not fix itself.
    fn transport_failure(&self, op: &str, e: reqwest::Error) -> Failure {
        let e = e.without_url();
        let (kind, retry, what) = if is_tls(&e) {
            (ErrorKind::Network, Retry::No, TLS_FAILED)
        } else if e.is_timeout() && e.is_connect() {
            (
                ErrorKind::Timeout,
                Retry::Always,
                "could not connect in time",
            )
        } else if e.is_timeout() {
            (
                ErrorKind::Timeout,
                Retry::IfIdempotent,
                "no complete answer in time",
            )
        } else if e.is_connect() {
            let what = if has_io_kind(&e, std::io::ErrorKind::ConnectionRefused) {
                "connection refused"
            } else if chain(&e).contains("dns error") {
                "host not found"
            } else {
                "connection failed"
            };
            (ErrorKind::Network, Retry::Always, what)
        } else if e.is_decode() {
            (
                ErrorKind::UnexpectedPayload,
                Retry::No,
                "the answer is too large or undecodable",
            )
        } else if e.is_builder() || e.is_redirect() {
            (
                ErrorKind::NotConfigured,
                Retry::No,
                "the API URL is unusable",
            )
        } else {
            (ErrorKind::Network, Retry::IfIdempotent, "connection lost")
        };
        let error = Error::new(kind, self.scrub(format!("{op}: {what} ({})", chain(&e))));
        Failure {
            error: if what == TLS_FAILED {
                error.with_cause("tls")
            } else {
                error
            },
            retry,
            retry_after: None,
        }
    }

    /// The HTTP client of this process, built on first use (never at construction: a PHP-FPM
    /// master forks after building its module).
    fn client(&self) -> Result<reqwest::Client> {
        let pid = runtime::pid();
        let mut http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = http.as_ref().filter(|h| h.pid == pid) {
            return Ok(h.client.clone());
        }
        let client = reqwest::Client::builder()
            .connect_timeout(self.config.connect_timeout)
            .timeout(self.config.total_timeout)
            // A redirect could carry the bearer token to another host: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(self.config.user_agent.as_str())
            .tcp_nodelay(true)
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::NotConfigured,
                    format!("the HTTP client cannot be built: {}", chain(&e)),
                )
            })?;
        if let Some(inherited) = http.replace(Http {
            pid,
            client: client.clone(),
        }) {
            std::mem::forget(inherited);
        }
        Ok(client)
    }

    pub async fn sleep(&self, delay: Duration) {
        match &self.config.sleeper {
            Some(sleeper) => sleeper(delay),
            None => tokio::time::sleep(delay).await,
        }
    }

    /// The wait before attempt `failed + 1` (see [`Backoff::delay`]).
    pub fn backoff(&self, failed: u32) -> Duration {
        self.backoff.delay(failed, None)
    }

    /// An `UnexpectedPayload` error for an answer `op` could not read.
    pub fn unexpected(&self, op: &str, detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorKind::UnexpectedPayload,
            self.scrub(format!("{op}: unexpected answer: {detail}")),
        )
    }

    /// Removes the token from a text that may quote a server (which could echo it back).
    pub fn scrub(&self, text: String) -> String {
        let token = self.config.token.expose();
        if token.len() >= 4 && text.contains(token) {
            text.replace(token, "***")
        } else {
            text
        }
    }
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// The whole body, refused past [`MAX_BODY`] bytes.
async fn read_body(response: &mut reqwest::Response) -> std::result::Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

const TLS_FAILED: &str = "TLS failed";

/// The error and its causes, as one line (no URL: a query may carry an email or a phone).
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let shown = cause.to_string();
        if !text.ends_with(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        source = cause.source();
    }
    text
}

fn causes<'a>(
    e: &'a reqwest::Error,
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(std::error::Error::source(e), |cause| cause.source())
}

/// Whether rustls refused the peer (a certificate, or a server that does not speak TLS),
/// anywhere in the causes, directly or wrapped in I/O errors (the connector wraps rustls's own
/// I/O error in another, and an I/O error hands its inner error out through `get_ref`, not
/// `source`).
fn is_tls(e: &reqwest::Error) -> bool {
    causes(e).any(|cause| {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(cause);
        while let Some(error) = current {
            if error.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            current = error
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .map(|inner| inner as &(dyn std::error::Error + 'static));
        }
        false
    })
}

fn has_io_kind(e: &reqwest::Error, kind: std::io::ErrorKind) -> bool {
    causes(e).any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
    })
}

/// How many requests of one listing may be in flight, and until when none may start.
///
/// Additive increase, multiplicative decrease: each answer adds `1/window` (one more request per
/// window's worth of answers), each 429 or 503 halves the window (never below one), and a
/// `Retry-After` holds every request of the listing until it has passed. Every attempt, a retry
/// included, takes a place within the window first. It lives in the one future that drives a
/// listing, so plain cells are enough.
pub(super) struct Pace {
    ceiling: f64,
    window: Cell<f64>,
    active: Cell<usize>,
    waiting: RefCell<Vec<Waker>>,
    not_before: Cell<Option<Instant>>,
    slowdowns: Cell<u32>,
}

impl Pace {
    pub fn new(ceiling: u32) -> Pace {
        let ceiling = f64::from(ceiling.max(1));
        Pace {
            ceiling,
            window: Cell::new(ceiling),
            active: Cell::new(0),
            waiting: RefCell::new(Vec::new()),
            not_before: Cell::new(None),
            slowdowns: Cell::new(0),
        }
    }

    /// Requests that may be in flight now.
    pub fn window(&self) -> usize {
        self.window.get().floor().max(1.0) as usize
    }

    /// How many times the window was halved.
    pub fn slowdowns(&self) -> u32 {
        self.slowdowns.get()
    }

    /// Waits for a place within the window, then for any `Retry-After` to have passed.
    async fn enter(&self) -> Place<'_> {
        std::future::poll_fn(|cx| {
            if self.active.get() < self.window() {
                self.active.set(self.active.get() + 1);
                Poll::Ready(())
            } else {
                self.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        let place = Place(self);
        if let Some(until) = self.not_before.get() {
            if until > Instant::now() {
                tokio::time::sleep_until(until.into()).await;
            }
        }
        place
    }

    fn answered(&self) {
        let w = self.window.get();
        self.window.set((w + 1.0 / w).min(self.ceiling));
    }

    fn congested(&self, retry_after: Option<Duration>) {
        self.window.set((self.window.get() / 2.0).max(1.0));
        self.slowdowns.set(self.slowdowns.get() + 1);
        if let Some(wait) = retry_after {
            let until = Instant::now() + wait;
            if self.not_before.get().map_or(true, |t| t < until) {
                self.not_before.set(Some(until));
            }
        }
    }
}

/// A place within a [`Pace`]'s window, given back when dropped.
struct Place<'a>(&'a Pace);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let pace = self.0;
        pace.active.set(pace.active.get().saturating_sub(1));
        for waker in pace.waiting.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_halves_on_congestion_and_climbs_back_one_per_window() {
        let pace = Pace::new(6);
        assert_eq!(pace.window(), 6);
        pace.congested(None);
        assert_eq!(pace.window(), 3);
        pace.congested(None);
        pace.congested(None);
        pace.congested(None);
        assert_eq!(pace.window(), 1, "never below one");
        pace.answered();
        assert_eq!(pace.window(), 2);
        // About a window's worth of answers for one more place (2 + 1/2 + 1/2.5 < 3).
        pace.answered();
        pace.answered();
        assert_eq!(pace.window(), 2);
        pace.answered();
        assert_eq!(pace.window(), 3);
        for _ in 0..100 {
            pace.answered();
        }
        assert_eq!(pace.window(), 6, "never above the setting");
        assert_eq!(pace.slowdowns(), 4);
    }

    #[test]
    fn a_retry_after_holds_every_request_until_it_has_passed() {
        let pace = Pace::new(4);
        pace.congested(Some(Duration::from_millis(120)));
        pace.congested(Some(Duration::from_millis(10)));
        let started = Instant::now();
        runtime::runtime().block_on(async {
            let _place = pace.enter().await;
        });
        assert!(started.elapsed() >= Duration::from_millis(100));
    }

    #[test]
    fn every_attempt_takes_a_place_within_the_window() {
        let pace = Pace::new(2);
        runtime::runtime().block_on(async {
            let a = pace.enter().await;
            let _b = pace.enter().await;
            let third = tokio::time::timeout(Duration::from_millis(30), pace.enter()).await;
            assert!(third.is_err(), "the window is full");
            drop(a);
            let third = tokio::time::timeout(Duration::from_millis(30), pace.enter()).await;
            assert!(third.is_ok(), "a place came free");
        });
    }
}
