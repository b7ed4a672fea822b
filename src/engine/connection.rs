//! "Tester la connexion": what the key reaches, or what is wrong, in one report.
//!
//! A failed test is an expected outcome, not an exception: the report carries the error kind
//! (invalid key, permission, network, …) so the settings screen can say it in plain words. Once
//! the key is valid, failures of the follow-up listings are warnings: a key may be allowed to read
//! stores but not price lists, and the merchant should see both facts.

use super::Engine;
use crate::api::{Client, Listing};
use crate::model::{Pos, PriceList};
use crate::{Error, ErrorKind, Result};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// At most this many stores get their POS listed: a test must stay quick.
const MAX_STORES_DETAILED: usize = 20;

/// The test answers within about 15 s even against an API that never answers (a proxy in front
/// of the settings screen typically gives up at 60 s): one attempt per request, short timeouts,
/// and no new request once `TEST_DEADLINE` has gone by.
const TEST_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const TEST_REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
const TEST_DEADLINE: Duration = Duration::from_secs(10);

impl Engine {
    /// Checks the key against the API and lists what it reaches, and what it cannot do for
    /// this configuration (`limitations`).
    pub fn test_connection(&self) -> Result<Value> {
        let client = match self.client_config().and_then(|mut config| {
            config.max_attempts = 1;
            config.retry_budget = Duration::ZERO;
            config.connect_timeout = config.connect_timeout.min(TEST_CONNECT_TIMEOUT);
            config.total_timeout = config.total_timeout.min(TEST_REQUEST_TIMEOUT);
            super::clients::shared(config)
        }) {
            Ok(client) => client,
            Err(error) => return Ok(failed(&error)),
        };
        let client = &*client;
        let deadline = Instant::now() + TEST_DEADLINE;
        let bundle = match client.authentication() {
            Ok(bundle) => bundle,
            Err(error) => return Ok(failed(&error)),
        };
        let mut warnings = Vec::new();
        let companies = keep(
            deadline,
            || client.companies(),
            "listing companies",
            &mut warnings,
        );
        let stores = keep(
            deadline,
            || client.stores(),
            "listing stores",
            &mut warnings,
        );
        let mut all_pos: Vec<Pos> = Vec::new();
        let stores: Vec<Value> = stores
            .iter()
            .enumerate()
            .map(|(index, store)| {
                let pos = if index < MAX_STORES_DETAILED {
                    keep(
                        deadline,
                        || client.pos_of_store(&store.id),
                        "listing points of sale",
                        &mut warnings,
                    )
                } else {
                    Vec::new()
                };
                all_pos.extend(pos.iter().cloned());
                json!({"id": store.id, "name": store.name, "company_id": store.company_id, "pos": pos})
            })
            .collect();
        let company = self
            .settings
            .company
            .clone()
            .or_else(|| companies.first().map(|c| c.id.clone()));
        let price_lists: Vec<PriceList> = match &company {
            Some(company) => keep(
                deadline,
                || client.price_lists(company),
                "listing price lists",
                &mut warnings,
            ),
            None => Vec::new(),
        };
        let limitations = self.limitations(&bundle.permissions, &all_pos);
        Ok(json!({
            "ok": true,
            "error": null,
            "companies": companies,
            "stores": stores,
            "price_lists": price_lists,
            "permissions": bundle.permissions,
            "resources": {
                "companies": bundle.companies,
                "stores": bundle.stores,
                "pos": bundle.pos,
                "other": bundle.other_resources,
            },
            "warnings": warnings,
            "limitations": limitations,
        }))
    }

    /// What the key cannot do for this configuration: a permission a configured feature needs
    /// and the key lacks (only when the API lists permissions at all), or the chosen point of
    /// sale without the order module. Each entry: feature, missing, message.
    fn limitations(&self, permissions: &[String], pos: &[Pos]) -> Vec<Value> {
        let fold = |p: &str| p.trim().to_ascii_lowercase().replace(':', ".");
        let held: Vec<String> = permissions.iter().map(|p| fold(p)).collect();
        let mut needs: Vec<(&str, &str)> = vec![("catalog", "items:read")];
        if self.settings.store.is_some() {
            needs.push(("stock", "stocks:read"));
        }
        if self.settings.pos.is_some() {
            needs.extend([
                ("orders", "orders:write"),
                ("orders", "customers:read"),
                ("orders", "customers:write"),
            ]);
        }
        let mut out: Vec<Value> = if held.is_empty() {
            Vec::new()
        } else {
            needs
                .into_iter()
                .filter(|(_, permission)| !held.contains(&fold(permission)))
                .map(|(feature, permission)| {
                    json!({
                        "feature": feature,
                        "missing": permission,
                        "message": format!("the key lacks the {permission} permission"),
                    })
                })
                .collect()
        };
        if let Some(chosen) = &self.settings.pos {
            if let Some(found) = pos.iter().find(|p| &p.id == chosen) {
                if !found.order_management {
                    out.push(json!({
                        "feature": "orders",
                        "missing": "order_module",
                        "message": format!(
                            "the point of sale {} has no order-management module: web orders cannot reach it",
                            found.name
                        ),
                    }));
                }
            }
        }
        out
    }

    /// The API client, built on first use from the settings (no socket until a request) and
    /// shared with the other engines of this process that have the same settings.
    pub(super) fn client(&self) -> Result<&Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = super::clients::shared(self.client_config()?)?;
        Ok(self.client.get_or_init(|| client))
    }

    /// The client settings this engine's settings give.
    fn client_config(&self) -> Result<crate::api::ClientConfig> {
        let token = self.settings.token.clone().ok_or_else(|| {
            Error::new(
                ErrorKind::NotConfigured,
                "no Shopcaisse access key (AppToken) is set",
            )
        })?;
        let mut config = crate::api::ClientConfig::new(self.settings.base_url.clone(), token);
        config.connect_timeout = self.settings.connect_timeout;
        config.total_timeout = self.settings.request_timeout;
        config.page_size = self.settings.page_size;
        config.concurrent_reads = self.settings.concurrent_reads;
        config.max_attempts = self.settings.max_attempts;
        config.retry_budget = self.settings.retry_budget;
        Ok(config)
    }
}

/// The rows of a listing, or none and a warning saying why; rows it could not read are a
/// warning too (what the key reaches may be more than what is shown).
fn keep<T>(
    deadline: Instant,
    list: impl FnOnce() -> Result<Listing<T>>,
    doing: &str,
    warnings: &mut Vec<Value>,
) -> Vec<T> {
    if Instant::now() >= deadline {
        let error = Error::new(
            ErrorKind::Timeout,
            format!("{doing}: skipped, the connection test ran out of time"),
        );
        warnings.push(json!({"operation": doing, "error": error.to_json()}));
        return Vec::new();
    }
    match list() {
        Ok(listing) => {
            let (rows, problems) = listing.into_parts();
            let gaps: Vec<String> = problems
                .iter()
                .filter(|p| p.is_gap())
                .map(ToString::to_string)
                .collect();
            if !gaps.is_empty() {
                warnings.push(json!({"operation": doing, "error": null, "problems": gaps}));
            }
            rows
        }
        Err(error) => {
            warnings.push(json!({"operation": doing, "error": error.to_json()}));
            Vec::new()
        }
    }
}

fn failed(error: &Error) -> Value {
    json!({
        "ok": false,
        "error": error.to_json(),
        "companies": [],
        "stores": [],
        "price_lists": [],
        "permissions": [],
        "resources": null,
        "warnings": [],
        "limitations": [],
    })
}
