//! The one error type every public operation of the core returns.
//!
//! Callers act on the [`ErrorKind`], never on message text. Each kind has a stable numeric code:
//! the FFI library returns it, and both PHP backends turn it into the same exception class
//! (`ShopcaisseSync\InvalidTokenException`, …), so PHP can `catch` exactly what it can handle.
//! Messages are English; the plugin translates by kind, and a message never contains the token.

use std::fmt;

/// What went wrong, as far as a caller can act on it. Codes are part of the PHP and FFI contract:
/// never renumber, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The AppToken is invalid, expired or revoked (401 on `/authentication`).
    InvalidToken,
    /// The POS lacks the paid order-management module (401 on order push while the token is valid).
    OrderModuleMissing,
    /// The token lacks a permission (403).
    PermissionDenied,
    /// The resource does not exist (404).
    NotFound,
    /// The API asked us to slow down (429) and retries ran out.
    RateLimited,
    /// The API failed (5xx) and retries ran out.
    Server,
    /// DNS, connection refused or reset, TLS failure.
    Network,
    /// The connect or total timeout ran out.
    Timeout,
    /// The API answered something the contract does not allow (bad JSON, missing fields).
    UnexpectedPayload,
    /// The API refused a duplicate (409), or a local record changed under us.
    Conflict,
    /// The caller handed the core something invalid (settings, an order snapshot, an id).
    InvalidInput,
    /// The local state file is unreadable, locked, corrupt or full.
    State,
    /// Another run of the same job holds the lease.
    Busy,
    /// A setting the operation needs is missing (no token, no store chosen).
    NotConfigured,
    /// A bug: a panic caught at the boundary, or an invariant broken. The process lives on.
    Internal,
}

impl ErrorKind {
    /// Every kind, in code order (for tables and tests).
    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::InvalidToken,
        ErrorKind::OrderModuleMissing,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::UnexpectedPayload,
        ErrorKind::Conflict,
        ErrorKind::InvalidInput,
        ErrorKind::State,
        ErrorKind::Busy,
        ErrorKind::NotConfigured,
        ErrorKind::Internal,
    ];

    /// The stable code, also the PHP exception's `getCode()`.
    pub const fn code(self) -> i32 {
        match self {
            ErrorKind::InvalidToken => 10,
            ErrorKind::OrderModuleMissing => 11,
            ErrorKind::PermissionDenied => 12,
            ErrorKind::NotFound => 13,
            ErrorKind::RateLimited => 20,
            ErrorKind::Server => 21,
            ErrorKind::Network => 22,
            ErrorKind::Timeout => 23,
            ErrorKind::UnexpectedPayload => 24,
            ErrorKind::Conflict => 30,
            ErrorKind::InvalidInput => 40,
            ErrorKind::State => 50,
            ErrorKind::Busy => 51,
            ErrorKind::NotConfigured => 60,
            ErrorKind::Internal => 99,
        }
    }

    /// The short PHP exception class name (under the `ShopcaisseSync` namespace).
    pub const fn php_class(self) -> &'static str {
        match self {
            ErrorKind::InvalidToken => "InvalidTokenException",
            ErrorKind::OrderModuleMissing => "OrderModuleMissingException",
            ErrorKind::PermissionDenied => "PermissionDeniedException",
            ErrorKind::NotFound => "NotFoundException",
            ErrorKind::RateLimited => "RateLimitedException",
            ErrorKind::Server => "ServerException",
            ErrorKind::Network => "NetworkException",
            ErrorKind::Timeout => "TimeoutException",
            ErrorKind::UnexpectedPayload => "UnexpectedPayloadException",
            ErrorKind::Conflict => "ConflictException",
            ErrorKind::InvalidInput => "InvalidInputException",
            ErrorKind::State => "StateException",
            ErrorKind::Busy => "BusyException",
            ErrorKind::NotConfigured => "NotConfiguredException",
            ErrorKind::Internal => "InternalException",
        }
    }

    /// A machine-readable name ("invalid_token"), used in JSON summaries and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidToken => "invalid_token",
            ErrorKind::OrderModuleMissing => "order_module_missing",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::UnexpectedPayload => "unexpected_payload",
            ErrorKind::Conflict => "conflict",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::State => "state",
            ErrorKind::Busy => "busy",
            ErrorKind::NotConfigured => "not_configured",
            ErrorKind::Internal => "internal",
        }
    }

    /// The kind for a code, if any.
    pub fn from_code(code: i32) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether trying the same thing again later may succeed without a person doing anything.
    pub const fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::Server
                | ErrorKind::Network
                | ErrorKind::Timeout
                | ErrorKind::Busy
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the core: a kind to act on, a message for people, and optional details as data
/// (HTTP status, the API's own message, the operation). Boxed so `Result<T>` stays small.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    http_status: Option<u16>,
    /// Seconds the API asked us to wait (429 `Retry-After`).
    retry_after_secs: Option<u64>,
    /// A finer cause within the kind, for people ("tls" within network), never for decisions.
    cause: Option<&'static str>,
    /// A request that may have been carried out although it failed (an order POST answered
    /// by a timeout, a reset or a 5xx): what it did is not known yet.
    outcome_unknown: bool,
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a message for people (English, no secrets).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            http_status: None,
            retry_after_secs: None,
            cause: None,
            outcome_unknown: false,
        }))
    }

    /// Attaches the HTTP status that caused it.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.0.http_status = Some(status);
        self
    }

    /// Attaches the delay the API asked for.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.0.retry_after_secs = Some(secs);
        self
    }

    /// Attaches a finer cause within the kind ("tls" for a network error), so a screen can say
    /// "the certificate was refused" rather than "unreachable".
    pub fn with_cause(mut self, cause: &'static str) -> Self {
        self.0.cause = Some(cause);
        self
    }

    pub fn cause(&self) -> Option<&'static str> {
        self.0.cause
    }

    /// Marks a failure after which the request may still have been carried out.
    pub fn with_outcome_unknown(mut self) -> Self {
        self.0.outcome_unknown = true;
        self
    }

    /// Whether the failed request may have been carried out all the same.
    pub fn outcome_unknown(&self) -> bool {
        self.0.outcome_unknown
    }

    /// Prefixes the message with what was being done ("listing stock: …").
    pub fn context(mut self, doing: impl fmt::Display) -> Self {
        self.0.message = format!("{doing}: {}", self.0.message);
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        self.0.retry_after_secs
    }

    /// Shorthand for [`ErrorKind::InvalidInput`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// Shorthand for [`ErrorKind::Internal`].
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }

    /// The error as plain data for PHP and FFI: `{kind, code, message, http_status, retry_after}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind().as_str(),
            "code": self.kind().code(),
            "class": self.kind().php_class(),
            "message": self.message(),
            "http_status": self.http_status(),
            "retry_after": self.retry_after_secs(),
            "cause": self.cause(),
        })
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("http_status", &self.0.http_status)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_classes_are_unique_and_round_trip() {
        let codes: HashSet<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        let classes: HashSet<_> = ErrorKind::ALL.iter().map(|k| k.php_class()).collect();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert_eq!(classes.len(), ErrorKind::ALL.len());
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
        }
    }

    #[test]
    fn context_prefixes_the_message() {
        let e = Error::new(ErrorKind::Timeout, "no answer after 10 s").context("listing stock");
        assert_eq!(e.to_string(), "listing stock: no answer after 10 s");
        assert_eq!(e.to_json()["code"], 23);
    }
}
