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
