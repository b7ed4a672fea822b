//! The AppToken: a bearer secret that must never be printed.

use std::fmt;

/// The merchant's Shopcaisse access key. `Debug` and `Display` print a redaction, never the key,
/// so it cannot leak through logs, errors or traces; only the HTTP chokepoint reads it.
#[derive(Clone, PartialEq, Eq)]
pub struct AppToken(String);

impl AppToken {
    /// Wraps a key, trimming the spaces a paste often brings. `None` when nothing is left.
    pub fn new(raw: &str) -> Option<Self> {
        let trimmed = raw.trim();
        (!trimmed.is_empty()).then(|| AppToken(trimmed.to_owned()))
    }

    /// The key itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AppToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppToken(***)")
    }
}

impl fmt::Display for AppToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_key() {
        let token = AppToken::new(" eyJhbGciOi.secret ").unwrap();
        assert_eq!(token.expose(), "eyJhbGciOi.secret");
        assert!(!format!("{token:?} {token}").contains("secret"));
        assert!(AppToken::new("   ").is_none());
    }
}
