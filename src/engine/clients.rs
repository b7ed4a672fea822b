//! One API client per process and configuration, shared by every engine the process builds.
//!
//! PHP builds a new engine for each request, but a PHP-FPM or Apache worker serves many: keeping
//! the client (its connection pool, with live TLS sessions) in the process saves a TCP and TLS
//! handshake per request against the real API. The client is still created lazily, in the process
//! that uses it: a worker forked after the parent made one (the pid changed) never reuses the
//! parent's sockets, it builds its own.

use crate::api::{Client, ClientConfig};
use crate::Result;
use std::sync::{Arc, Mutex};

/// Configurations kept at once (a site has one; a multisite process may serve a few).
const MAX_KEPT: usize = 4;

struct Kept {
    pid: u32,
    /// The whole configuration is the key (it holds the token, in memory only).
    config: ClientConfig,
    client: Arc<Client>,
}

static KEPT: Mutex<Vec<Kept>> = Mutex::new(Vec::new());

/// The process's client for this configuration, built on first use.
pub(super) fn shared(config: ClientConfig) -> Result<Arc<Client>> {
    let pid = std::process::id();
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Sockets inherited through a fork are the parent's: never used by the child.
    // (the client itself leaves them untouched when it is dropped in the child).
    kept.retain(|k| k.pid == pid);
    if let Some(found) = kept.iter().find(|k| k.config == config) {
        return Ok(Arc::clone(&found.client));
    }
    let client = Arc::new(Client::new(config.clone())?);
    if kept.len() >= MAX_KEPT {
        kept.remove(0);
    }
    kept.push(Kept {
        pid,
        config,
        client: Arc::clone(&client),
    });
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppToken;

    fn config(token: &str) -> ClientConfig {
        ClientConfig::new("http://127.0.0.1:9/v1", AppToken::new(token).unwrap())
    }

    #[test]
    fn engines_of_one_process_share_the_client_of_one_configuration() {
        let a = shared(config("key-shared-a")).unwrap();
        let b = shared(config("key-shared-a")).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let other = shared(config("key-shared-b")).unwrap();
        assert!(!Arc::ptr_eq(&a, &other));
        let mut slower = config("key-shared-a");
        slower.total_timeout = std::time::Duration::from_secs(99);
        assert!(!Arc::ptr_eq(&a, &shared(slower).unwrap()));
    }
}
