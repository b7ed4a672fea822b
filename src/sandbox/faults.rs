//! The hostile behaviours the sandbox can put on, each a switch (see `docs/sandbox.md`).
//!
//! The same struct is set from Rust tests (`SandboxHandle::set_faults`) and over HTTP
//! (`POST /__sandbox/faults`, camelCase JSON), so both describe faults the same way.

use serde::{Deserialize, Serialize};

/// Every switch, all off by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Pages never hold more rows than this, whatever `pageSize` asks; `hasNextPage` stays true
    /// on such a short page when rows remain (behaviour 1).
    pub clamp_page_size: Option<u32>,
    /// Per-request faults, tried in order; the first that matches applies (behaviours 2, 3).
    pub rules: Vec<FaultRule>,
    /// What a second order with the same `externalReference` gets (behaviour 4).
    pub duplicate_reference: DuplicatePolicy,
    /// Every API request answers 401, as for a revoked token (behaviour 5).
    pub revoked_token: bool,
    /// API paths (substrings) answered 403, as for a missing permission (behaviour 5).
    pub forbidden: Vec<String>,
    /// Oddities put into item listings (behaviour 6).
    pub malformed: Vec<Malformation>,
    /// An item removed from the catalog right after a given page of the item listing was
    /// served (behaviour 7). Fires once.
    pub vanish: Option<Vanish>,
    /// `/authentication` lists resources as objects (`{"company": [...]}`) instead of strings.
    pub auth_resources_as_objects: bool,
    /// Pages of paginated listings answered in another shape than the contract's envelope.
    pub pages: Vec<PageFault>,
    /// Orders are answered (endpoints 16 to 19) with `"total": "douze euros"`.
    pub malformed_order_total: bool,
    /// Permissions `/authentication` leaves out of the key's bundle (`"orders.write"`).
    pub missing_permissions: Vec<String>,
    /// Every API request waits this long before it is handled, as over a real network.
    pub latency: Option<Latency>,
    /// API requests handled at once; one more is answered 429 (no `Retry-After`) at once,
    /// after the latency.
    pub max_concurrent: Option<u32>,
    /// This share of the API requests, in percent, answered 429 (no `Retry-After`), drawn at
    /// random (the same draws at every start).
    pub throttle_percent: Option<u32>,
}

/// The wait before each API request is handled: `fixed_ms`, plus up to `jitter_ms` more drawn
/// at random.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Latency {
    pub fixed_ms: u64,
    #[serde(default)]
    pub jitter_ms: u64,
}

/// One page (or every page) of the paginated listings whose path contains `path` answered in
/// `shape`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageFault {
    /// Substring of the API path, e.g. `"/items"`, `"/stocks"`, `"/prices/"`.
    pub path: String,
    /// The 0-based page; every page when absent.
    #[serde(default)]
    pub page: Option<u32>,
    pub shape: PageShape,
}

/// How a page departs from `{"items":[...],"hasNextPage":bool,"skipped":int}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PageShape {
    /// The rows as a bare JSON array, no envelope.
    BareArray,
    /// The envelope without `hasNextPage`.
    NoNextPage,
    /// `{"items": null, "hasNextPage": false}`.
    NullItems,
    /// A well-formed empty last page: `{"items": [], "hasNextPage": false}`.
    Empty,
    /// Every row keeps its id but its `stock`, `price` and `defaultPrice` become `"???"`; a row
    /// with none of these (a customer) gets an object as id instead. Applies to the customer
    /// search (a bare list) too.
    BrokenRows,
}

impl PageShape {
    /// The page body in this shape.
    pub(crate) fn apply(self, mut body: serde_json::Value) -> serde_json::Value {
        use serde_json::{json, Value};
        match self {
            PageShape::BareArray => body["items"].take(),
            PageShape::NoNextPage => {
                if let Some(map) = body.as_object_mut() {
                    map.remove("hasNextPage");
                }
                body
            }
            PageShape::NullItems => {
                json!({"items": null, "hasNextPage": false, "skipped": body["skipped"]})
            }
            PageShape::Empty => {
                json!({"items": [], "hasNextPage": false, "skipped": body["skipped"]})
            }
            PageShape::BrokenRows => {
                if let Some(rows) = body["items"].as_array_mut() {
                    for row in rows.iter_mut().filter_map(Value::as_object_mut) {
                        let mut broken = false;
                        for key in ["stock", "price", "defaultPrice"] {
                            if let Some(value) = row.get_mut(key) {
                                *value = json!("???");
                                broken = true;
                            }
                        }
                        if !broken {
                            row.insert("id".into(), json!({"unreadable": true}));
                        }
                    }
                }
                body
            }
        }
    }
}

/// A fault for the requests that match `method` and `path`, `times` times (forever if absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// HTTP method to match (any if absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Substring of the API path to match (any if absent), e.g. `"/orders"`.
    #[serde(default)]
    pub path: Option<String>,
    /// How many matching requests get the fault; absent = every one until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    #[serde(flatten)]
    pub action: FaultAction,
}

impl FaultRule {
    /// A rule for every request, `times` times.
    pub fn next(times: u32, action: FaultAction) -> FaultRule {
        FaultRule {
            method: None,
            path: None,
            times: Some(times),
            action,
        }
    }

    /// Restricts the rule to a method.
    pub fn on_method(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_owned());
        self
    }

    /// Restricts the rule to paths containing `path`.
    pub fn on_path(mut self, path: &str) -> FaultRule {
        self.path = Some(path.to_owned());
        self
    }

    /// Forever, until cleared.
    pub fn always(mut self) -> FaultRule {
        self.times = None;
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .map_or(true, |m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().map_or(true, |p| path.contains(p))
    }
}

/// What a matching request gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum FaultAction {
    /// This status, unprocessed, with an optional `Retry-After` (seconds).
    #[serde(rename_all = "camelCase")]
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// The request is processed (an order is committed), then answered with this status
    /// instead of its own, as by a gateway that lost the backend's answer.
    StatusAfter { status: u16 },
    /// The connection is reset before the request is processed.
    Reset,
    /// The request is processed (an order is committed), then the connection is reset: the
    /// answer is lost.
    ResetAfter,
    /// The answer comes this late (the request is processed after the wait).
    Delay { ms: u64 },
    /// The request is processed at once (committed), and the answer is written this late.
    DelayAfter { ms: u64 },
    /// The request is processed at once, the head of the answer is written at once, and its
    /// body trickles out in pieces over this long.
    SlowBody { ms: u64 },
}

impl FaultAction {
    pub(crate) fn label(&self) -> String {
        match self {
            FaultAction::Status { status, .. } => format!("status {status}"),
            FaultAction::StatusAfter { status } => format!("status {status} after processing"),
            FaultAction::Reset => "reset".into(),
            FaultAction::ResetAfter => "reset after processing".into(),
            FaultAction::Delay { ms } => format!("delay {ms} ms"),
            FaultAction::DelayAfter { ms } => format!("delay {ms} ms after processing"),
            FaultAction::SlowBody { ms } => format!("body over {ms} ms"),
        }
    }
}

/// Whether the POS refuses a second order with the same external reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DuplicatePolicy {
    /// Accepted silently: a second order is created (the worst case, and the default, since
    /// the real behaviour is unknown).
    #[default]
    Accept,
    /// Refused with 409.
    Refuse,
}

/// An oddity of the item listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Malformation {
    /// Page 0 gains three rows with wrong types: an object as id, text as price, an object as
    /// barcodes.
    WrongTypes,
    /// Page 0 gains a row without id and a row (`no-name-1`) without name.
    MissingFields,
    /// Every row has `null` for its lists (barcodes, images, declinations, components).
    NullArrays,
    /// Every row and page carries fields the contract does not know.
    UnknownFields,
    /// Page 0 gains an item (`gift-card-1`) of type `GIFT_CARD`.
    UnknownType,
    /// Page 0 gains an item (`huge-1`) with a 5 000-byte name and a 200 000-byte description.
    HugeStrings,
    /// Page 0 gains an item (`latin1-1`) whose name holds a Latin-1 byte (invalid UTF-8).
    NonUtf8,
    /// Every page after the first repeats the first row of the page before it.
    DuplicateIds,
}

/// Removes `item` once page `after_page` of an item listing has been served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vanish {
    pub after_page: u32,
    pub item: String,
}

impl Faults {
    /// Takes the action for a request, consuming one use of the matching rule.
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<FaultAction> {
        let index = self.rules.iter().position(|r| r.matches(method, path))?;
        let rule = &mut self.rules[index];
        let action = rule.action.clone();
        if let Some(times) = &mut rule.times {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.rules.remove(index);
            }
        }
        Some(action)
    }

    pub(crate) fn has(&self, malformation: Malformation) -> bool {
        self.malformed.contains(&malformation)
    }

    /// A page body of the listing at `path`, reshaped when a page fault says so.
    pub(crate) fn reshape_page(
        &self,
        path: &str,
        page: u32,
        body: serde_json::Value,
    ) -> serde_json::Value {
        match self
            .pages
            .iter()
            .find(|f| path.contains(f.path.as_str()) && f.page.map_or(true, |p| p == page))
        {
            Some(fault) => fault.shape.apply(body),
            None => body,
        }
    }

    /// A non-paginated listing (a bare list) at `path`, with its rows broken when a
    /// `BrokenRows` page fault says so.
    pub(crate) fn reshape_list(
        &self,
        path: &str,
        rows: Vec<serde_json::Value>,
    ) -> serde_json::Value {
        let broken = self
            .pages
            .iter()
            .any(|f| path.contains(f.path.as_str()) && f.shape == PageShape::BrokenRows);
        let list = serde_json::Value::Array(rows);
        if broken {
            PageShape::BrokenRows.apply(serde_json::json!({ "items": list }))["items"].take()
        } else {
            list
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_as_documented_json() {
        let faults: Faults = serde_json::from_str(
            r#"{"clampPageSize": 25, "rules": [
                {"action": "status", "status": 429, "retryAfter": 1, "times": 2},
                {"action": "resetAfter", "method": "POST", "path": "/orders"}],
               "duplicateReference": "refuse", "malformed": ["nonUtf8"]}"#,
        )
        .unwrap();
        assert_eq!(faults.clamp_page_size, Some(25));
        assert_eq!(faults.duplicate_reference, DuplicatePolicy::Refuse);
        assert_eq!(
            faults.rules[0].action,
            FaultAction::Status {
                status: 429,
                retry_after: Some(1)
            }
        );
    }

    #[test]
    fn a_counted_rule_wears_out() {
        let mut faults = Faults {
            rules: vec![FaultRule::next(2, FaultAction::Reset).on_path("/items")],
            ..Faults::default()
        };
        assert!(faults.take("GET", "/v1/stores").is_none());
        assert!(faults.take("GET", "/v1/companies/c/items").is_some());
        assert!(faults.take("GET", "/v1/companies/c/items").is_some());
        assert!(faults.take("GET", "/v1/companies/c/items").is_none());
    }
}
