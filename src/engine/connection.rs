//! "Tester la connexion": what the key reaches, or what is wrong, in one report.
//!
//! A failed test is an expected outcome, not an exception: the report carries the error kind
//! (invalid key, permission, network, …) so the settings screen can say it in plain words. Once
//! the key is valid, failures of the follow-up listings are warnings: a key may be allowed to read
//! stores but not price lists, and the merchant should see both facts.

use super::Engine;
use crate::api::Client;
use crate::model::{Pos, PriceList, StoreId};
use crate::{Error, ErrorKind, Result};
use serde_json::{json, Value};

/// At most this many stores get their POS listed: a test must stay quick.
const MAX_STORES_DETAILED: usize = 20;

impl Engine {
    /// Checks the key against the API and lists what it reaches.
    pub fn test_connection(&self) -> Result<Value> {
        let client = match self.client() {
            Ok(client) => client,
            Err(error) => return Ok(failed(&error)),
        };
        let bundle = match client.authentication() {
            Ok(bundle) => bundle,
            Err(error) => return Ok(failed(&error)),
        };
        let mut warnings = Vec::new();
        let companies = keep(
            client.companies().map(|l| l.items),
            "listing companies",
            &mut warnings,
        );
        let stores = keep(
            client.stores().map(|l| l.items),
            "listing stores",
            &mut warnings,
        );
        let stores: Vec<Value> = stores
            .iter()
            .enumerate()
            .map(|(index, store)| {
                let pos = if index < MAX_STORES_DETAILED {
                    keep(pos_of(client, &store.id), "listing points of sale", &mut warnings)
                } else {
                    Vec::new()
                };
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
                client.price_lists(company).map(|l| l.items),
                "listing price lists",
                &mut warnings,
            ),
            None => Vec::new(),
        };
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
        }))
    }

    /// The API client, built on first use from the settings (no socket until a request) and
    /// shared with the other engines of this process that have the same settings.
    pub(super) fn client(&self) -> Result<&Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
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
        config.max_attempts = self.settings.max_attempts;
        config.retry_budget = self.settings.retry_budget;
        let client = super::clients::shared(config)?;
        Ok(self.client.get_or_init(|| client))
    }
}

fn pos_of(client: &Client, store: &StoreId) -> Result<Vec<Pos>> {
    client.pos_of_store(store).map(|l| l.items)
}

/// The rows of a listing, or none and a warning saying why.
fn keep<T>(result: Result<Vec<T>>, doing: &str, warnings: &mut Vec<Value>) -> Vec<T> {
    result.unwrap_or_else(|error| {
        warnings.push(json!({"operation": doing, "error": error.to_json()}));
        Vec::new()
    })
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
    })
}
