//! Settings handed to the engine by PHP (WordPress owns them as options).
//!
//! Parsed once, at the edge, into typed values with defaults, so the rest of the core never reads
//! a raw array. Unknown keys are ignored (a newer plugin may send more); a wrong type is an
//! `InvalidInput` error that names the key.

use crate::api::defaults;
use crate::model::{AppToken, CompanyId, PosId, PriceListId, StoreId};
use crate::sync::{MatchMethod, OrderSettings, StatusMap, StockSettings};
use crate::{Error, Result};
use serde_json::Value;
use std::time::Duration;

/// The production API; a setting so that a sandbox or staging host can be used.
pub const DEFAULT_BASE_URL: &str = crate::api::PRODUCTION_BASE_URL;

/// The engine's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub token: Option<AppToken>,
    pub company: Option<CompanyId>,
    pub store: Option<StoreId>,
    pub pos: Option<PosId>,
    pub price_list: Option<PriceListId>,
    pub page_size: u32,
    /// Pages of the item, stock and price listings read at once.
    pub concurrent_reads: u32,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Attempts per idempotent request, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Longest time one request may spend retrying.
    pub retry_budget: Duration,
    /// After an order POST whose outcome is unknown (timeout, reset, 5xx after sending), how
    /// long the order is only looked up, never posted again: a POS that commits a POST late
    /// is given this long to show it.
    pub push_grace: Duration,
    /// Log retention: newest rows kept, and their longest age.
    pub log_max_rows: u32,
    pub log_max_age_days: u32,
    /// Debug mode: redacted request traces go to the log.
    pub debug: bool,
    /// Enables entry points that exist only to test the bindings (a deliberate panic).
    pub test_hooks: bool,
    /// How items find their products.
    pub matching_method: MatchMethod,
    /// Order prefix, status mapping, payment type.
    pub orders: OrderSettings,
    /// Reservations, missing rows, the mass-drop guard.
    pub stock: StockSettings,
    /// Every other key, kept for the modules that read their own settings.
    pub raw: serde_json::Map<String, Value>,
}

impl Settings {
    /// Parses the settings array PHP passes.
    pub fn from_json(value: &Value) -> Result<Settings> {
        let map = match value {
            Value::Object(map) => map.clone(),
            Value::Array(list) if list.is_empty() => serde_json::Map::new(),
            Value::Null => serde_json::Map::new(),
            _ => {
                return Err(Error::invalid_input(
                    "settings must be an array of key => value",
                ))
            }
        };
        let reader = Reader(&map);
        Ok(Settings {
            base_url: match reader.string("base_url")? {
                Some(url) => checked_base_url(url)?,
                None => DEFAULT_BASE_URL.to_owned(),
            },
            token: reader.string("token")?.as_deref().and_then(AppToken::new),
            company: reader.id("company_id", CompanyId::parse)?,
            store: reader.id("store_id", StoreId::parse)?,
            pos: reader.id("pos_id", PosId::parse)?,
            price_list: reader.id("price_list_id", PriceListId::parse)?,
            page_size: reader
                .integer("page_size", 1, 1000)?
                .map_or(defaults::PAGE_SIZE, |n| n as u32),
            concurrent_reads: reader
                .integer(
                    "concurrent_reads",
                    1,
                    i64::from(defaults::MAX_CONCURRENT_READS),
                )?
                .map_or(defaults::CONCURRENT_READS, |n| n as u32),
            connect_timeout: reader
                .integer("connect_timeout_ms", 100, 60_000)?
                .map_or(defaults::CONNECT_TIMEOUT, |ms| {
                    Duration::from_millis(ms as u64)
                }),
            request_timeout: reader
                .integer("request_timeout_ms", 100, 300_000)?
                .map_or(defaults::TOTAL_TIMEOUT, |ms| {
                    Duration::from_millis(ms as u64)
                }),
            max_attempts: reader
                .integer("max_attempts", 1, 10)?
                .map_or(defaults::MAX_ATTEMPTS, |n| n as u32),
            retry_budget: reader
                .integer("retry_budget_ms", 0, 600_000)?
                .map_or(defaults::RETRY_BUDGET, |ms| {
                    Duration::from_millis(ms as u64)
                }),
            push_grace: Duration::from_millis(
                reader
                    .integer("push_grace_ms", 1_000, 3_600_000)?
                    .unwrap_or(120_000) as u64,
            ),
            log_max_rows: reader
                .integer("log_max_rows", 100, 5_000_000)?
                .unwrap_or(50_000) as u32,
            log_max_age_days: reader.integer("log_max_age_days", 1, 3650)?.unwrap_or(30) as u32,
            debug: reader.boolean("debug")?.unwrap_or(false),
            test_hooks: reader.boolean("test_hooks")?.unwrap_or(false),
            matching_method: reader.parsed("matching_method")?.unwrap_or_default(),
            orders: order_settings(&reader)?,
            stock: stock_settings(&reader)?,
            raw: map,
        })
    }
}

/// An API address: http(s), a host, no spaces or query. Anything else is refused when saved,
/// not discovered at the first request.
fn checked_base_url(url: String) -> Result<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or(""));
    let plain = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#');
    match host {
        Some(host) if !host.is_empty() && plain => Ok(url),
        _ => Err(Error::invalid_input(
            "setting base_url must be an http:// or https:// address with a host",
        )),
    }
}

fn order_settings(reader: &Reader<'_>) -> Result<OrderSettings> {
    let mut orders = OrderSettings::default();
    if let Some(prefix) = reader.raw_string("order_prefix")? {
        if prefix.chars().count() > 20 || prefix.chars().any(char::is_control) {
            return Err(Error::invalid_input(
                "setting order_prefix must be at most 20 plain characters",
            ));
        }
        orders.prefix = prefix;
    }
    if let Some(map) = reader.parsed::<std::collections::BTreeMap<String, Value>>("status_map")? {
        let mut statuses = StatusMap {
            send: Default::default(),
            cancel: orders.status_map.cancel.clone(),
        };
        for (status, sends) in map {
            let sends = Reader::truthy(&sends).ok_or_else(|| {
                Error::invalid_input(format!("status_map[{status}] must be true or false"))
            })?;
            statuses.set(&status, sends);
        }
        orders.status_map = statuses;
    }
    if let Some(cancel) = reader.parsed::<Vec<String>>("cancel_statuses")? {
        orders.status_map.cancel = cancel.iter().map(|s| crate::sync::status_key(s)).collect();
    }
    if let Some(kind) = reader.string("payment_type")? {
        orders.payment_type = kind;
    }
    Ok(orders)
}

fn stock_settings(reader: &Reader<'_>) -> Result<StockSettings> {
    let mut stock = StockSettings::default();
    if let Some(on) = reader.boolean("subtract_reserved")? {
        stock.subtract_reserved = on;
    }
    if let Some(on) = reader.boolean("zero_missing")? {
        stock.zero_missing = on;
    }
    if let Some(percent) = reader.integer("max_drop_percent", 1, 100)? {
        stock.max_drop_percent = percent as u32;
    }
    if let Some(count) = reader.integer("min_drop_count", 0, 1_000_000)? {
        stock.min_drop_count = count as usize;
    }
    if let Some(percent) = reader.integer("min_answer_percent", 0, 100)? {
        stock.min_answer_percent = percent as u32;
    }
    // When the POS lowers its own stock for a pushed web order (until then the order's units
    // are subtracted from the POS figure). If the POS also counts pending orders in
    // reservedForCustomers, both are subtracted for a while: the shop sells too little, never
    // too much.
    if let Some(moved_at) = reader.parsed("stock_moved_at")? {
        stock.in_flight.moved_at = moved_at;
    }
    if let Some(hours) = reader.integer("in_flight_max_hours", 1, 24 * 30)? {
        stock.in_flight.max_age_ms = hours * 3_600_000;
    }
    // Hidden, for tests only: the time limit in milliseconds.
    if let Some(ms) = reader
        .integer("in_flight_max_age_ms", 1, i64::MAX)?
        .filter(|_| reader.boolean("test_hooks").ok().flatten() == Some(true))
    {
        stock.in_flight.max_age_ms = ms;
    }
    Ok(stock)
}

/// Typed reads of one settings map, each error naming its key.
struct Reader<'a>(&'a serde_json::Map<String, Value>);

impl Reader<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(_) => Err(Error::invalid_input(format!(
                "setting {key} must be a string"
            ))),
        }
    }

    fn id<T>(
        &self,
        key: &str,
        parse: fn(&str) -> Result<T, crate::model::IdError>,
    ) -> Result<Option<T>> {
        match self.string(key)? {
            None => Ok(None),
            Some(text) => parse(&text)
                .map(Some)
                .map_err(|e| Error::invalid_input(format!("setting {key}: {e}"))),
        }
    }

    /// A string kept as typed (a prefix may end with a space or a dash).
    fn raw_string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid_input(format!(
                "setting {key} must be a string"
            ))),
        }
    }

    /// A value of a serde type ("reference", {"processing": true}).
    fn parsed<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| Error::invalid_input(format!("setting {key}: {e}"))),
        }
    }

    fn truthy(value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => Some(n.as_i64() != Some(0)),
            Value::String(s) => match s.trim() {
                "1" | "true" | "yes" | "on" => Some(true),
                "0" | "false" | "no" | "off" | "" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    fn integer(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>> {
        let value = match self.get(key) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            // Values saved through HTML forms arrive as strings.
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        match value {
            Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
            _ => Err(Error::invalid_input(format!(
                "setting {key} must be a whole number from {min} to {max}"
            ))),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => Ok(Some(n.as_i64() != Some(0))),
            Some(Value::String(s)) => match s.trim() {
                "1" | "true" | "yes" | "on" => Ok(Some(true)),
                "0" | "false" | "no" | "off" | "" => Ok(Some(false)),
                _ => Err(Error::invalid_input(format!(
                    "setting {key} must be true or false"
                ))),
            },
            Some(_) => Err(Error::invalid_input(format!(
                "setting {key} must be true or false"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_api_address_must_be_http_with_a_host() {
        for bad in [
            "not a url",
            "ftp://x",
            "https://",
            "https://a b",
            "https://h/v1?x=1",
        ] {
            let e = Settings::from_json(&serde_json::json!({ "base_url": bad })).unwrap_err();
            assert!(e.to_string().contains("base_url"), "{bad}: {e}");
        }
        for good in ["https://api.example.com/v1", "http://127.0.0.1:8765/v1"] {
            let s = Settings::from_json(&serde_json::json!({ "base_url": good })).unwrap();
            assert_eq!(s.base_url, good);
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn empty_settings_take_defaults() {
        let s = Settings::from_json(&json!([])).unwrap();
        assert_eq!(s.base_url, DEFAULT_BASE_URL);
        assert_eq!(s.page_size, 100);
        assert_eq!(s.concurrent_reads, 6);
        assert_eq!(s.connect_timeout, Duration::from_secs(5));
        assert!(s.token.is_none());
    }

    #[test]
    fn form_strings_are_accepted() {
        let s =
            Settings::from_json(&json!({"page_size": "25", "debug": "1", "token": " k "})).unwrap();
        assert_eq!(s.page_size, 25);
        assert!(s.debug);
        assert_eq!(s.token.unwrap().expose(), "k");
    }

    #[test]
    fn order_settings_read_the_prefix_and_any_status() {
        let s = Settings::from_json(&json!({
            "order_prefix": "SHOP-",
            "status_map": {"wc-processing": "1", "completed": false, "wc-expedie": true},
            "matching_method": "barcode",
        }))
        .unwrap();
        assert_eq!(s.orders.prefix, "SHOP-");
        assert!(s.orders.status_map.sends("processing"));
        assert!(!s.orders.status_map.sends("completed"));
        assert!(s.orders.status_map.sends("expedie"));
        assert_eq!(s.matching_method, MatchMethod::Barcode);
        assert!(Settings::from_json(&json!({"matching_method": "psychic"})).is_err());
        assert!(Settings::from_json(&json!({"status_map": {"x": "maybe"}})).is_err());
    }

    #[test]
    fn in_flight_settings_default_to_acknowledgement_and_a_day() {
        use crate::sync::StockMovedAt;
        let s = Settings::from_json(&json!([])).unwrap();
        assert_eq!(s.stock.in_flight.moved_at, StockMovedAt::Acknowledgement);
        assert_eq!(s.stock.in_flight.max_age_ms, 24 * 3_600_000);
        let s = Settings::from_json(&json!({"stock_moved_at": "finalisation",
                                            "in_flight_max_hours": "48"}))
        .unwrap();
        assert_eq!(s.stock.in_flight.moved_at, StockMovedAt::Finalisation);
        assert_eq!(s.stock.in_flight.max_age_ms, 48 * 3_600_000);
        let e = Settings::from_json(&json!({"stock_moved_at": "sometimes"})).unwrap_err();
        assert!(e.message().contains("stock_moved_at"));
        // The test-only limit needs the test hooks.
        let s = Settings::from_json(&json!({"in_flight_max_age_ms": 50})).unwrap();
        assert_eq!(s.stock.in_flight.max_age_ms, 24 * 3_600_000);
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = Settings::from_json(&json!({"page_size": 0})).unwrap_err();
        assert!(e.message().contains("page_size"));
        for bad in [json!(0), json!(17), json!("many")] {
            let e = Settings::from_json(&json!({ "concurrent_reads": bad })).unwrap_err();
            assert!(e.message().contains("concurrent_reads"), "{e}");
        }
        let s = Settings::from_json(&json!({"concurrent_reads": "1"})).unwrap();
        assert_eq!(s.concurrent_reads, 1);
        let e = Settings::from_json(&json!({"store_id": "a/b"})).unwrap_err();
        assert!(e.message().contains("store_id"));
        assert!(Settings::from_json(&json!("x")).is_err());
    }
}
