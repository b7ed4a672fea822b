//! What every engine method needs besides its arguments: the state file (opened on first use),
//! the clock, typed arguments, run ids and the log.

use super::Engine;
use crate::model::{CompanyId, StoreId};
use crate::state::{LogLevel, LogRetention, NewLog, State};
use crate::{Error, ErrorKind, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

impl Engine {
    /// The site's state, opened (and migrated) on first use by this engine.
    pub(super) fn state(&self) -> Result<&State> {
        if let Some(state) = self.state.get() {
            return Ok(state);
        }
        let retention = LogRetention {
            max_rows: self.settings.log_max_rows,
            max_age_ms: i64::from(self.settings.log_max_age_days) * 24 * 3600 * 1000,
        };
        let state = State::open(&self.state_dir)?.with_log_retention(retention);
        Ok(self.state.get_or_init(|| state))
    }

    /// The chosen company, or a `NotConfigured` error saying what to choose.
    pub(super) fn company(&self) -> Result<&CompanyId> {
        self.settings.company.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::NotConfigured,
                "no Shopcaisse company is chosen in the settings",
            )
        })
    }

    /// The chosen store, or a `NotConfigured` error saying what to choose.
    pub(super) fn store(&self) -> Result<&StoreId> {
        self.settings.store.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::NotConfigured,
                "no Shopcaisse store is chosen in the settings",
            )
        })
    }

    /// Writes a log row; a failure to log never fails the operation it describes.
    pub(super) fn log(&self, log: NewLog) {
        if log.level == LogLevel::Debug && !self.settings.debug {
            return;
        }
        if let Ok(state) = self.state() {
            if let Err(error) = state.logs().write(&log) {
                tracing::warn!(%error, "could not write a log row");
            }
        }
    }

    /// A run id: the job, the time and the process, enough to group one run's log rows.
    pub(super) fn run_id(&self, job: &str) -> String {
        format!("{job}-{}-{}", now_ms(), std::process::id())
    }
}

/// Now, in epoch milliseconds.
pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The method's arguments as a typed value; a wrong shape is an `InvalidInput` naming the method.
pub(super) fn parse_args<T: DeserializeOwned>(method: &str, args: &Value) -> Result<T> {
    let args = match args {
        // PHP's empty array arrives as a JSON list: treat it as "no arguments".
        Value::Array(list) if list.is_empty() => Value::Object(Default::default()),
        Value::Null => Value::Object(Default::default()),
        other => other.clone(),
    };
    serde_json::from_value(args)
        .map_err(|e| Error::invalid_input(format!("invalid arguments for {method}: {e}")))
}

/// A value as JSON for PHP.
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::internal(format!("cannot encode a result: {e}")))
}

/// For a field holding a map: PHP's `[]` is both an empty list and an empty map, and reaches
/// the core as an empty JSON list; read it (and null) as the map's default.
pub(super) fn php_map<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    use serde::Deserialize;
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(T::default()),
        Value::Array(list) if list.is_empty() => Ok(T::default()),
        other => serde_json::from_value(other).map_err(serde::de::Error::custom),
    }
}
