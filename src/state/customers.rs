//! WooCommerce buyers already known as Shopcaisse customers, by normalised email or phone.
//!
//! Pushing an order attaches it to a Shopcaisse customer found by email, then by phone, and
//! creates one otherwise. Remembering the answer saves those look-ups on the next order of the
//! same buyer, and, more importantly, stops a second customer being created when the POS
//! search lags behind a creation. A mapping is kept until the POS says the customer is gone
//! ([`Customers::forget_customer`]).

use super::db::parse_stored;
use super::State;
use crate::error::{Error, Result};
use crate::model::keys::{email_key, phone_key};
use crate::model::CustomerId;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A normalised contact: `email:jane@example.com` or `phone:+33612345678`, normalised as the
/// POS search and customer matching normalise them ([`crate::model::keys`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerKey(String);

impl CustomerKey {
    /// An email, trimmed and lowercased (see [`email_key`]).
    pub fn email(raw: &str) -> Option<CustomerKey> {
        email_key(raw)
            .filter(|email| !email.chars().any(char::is_whitespace))
            .map(|email| CustomerKey(format!("email:{email}")))
    }

    /// A phone number in its international form (see [`phone_key`]); `None` under six digits.
    pub fn phone(raw: &str) -> Option<CustomerKey> {
        phone_key(raw).map(|phone| CustomerKey(format!("phone:{phone}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The customer mappings of the state file.
pub struct Customers<'a> {
    state: &'a State,
}

impl<'a> Customers<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Customers { state }
    }

    /// Remembers that `key` belongs to the Shopcaisse customer `customer`.
    pub fn remember(&self, key: &CustomerKey, customer: &CustomerId, now_ms: i64) -> Result<()> {
        self.state.db.write("remembering a customer", |tx| {
            tx.prepare_cached(
                "INSERT INTO customers (key, customer_id, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET
                     customer_id = excluded.customer_id, updated_at = excluded.updated_at",
            )?
            .execute(params![key.as_str(), customer.as_str(), now_ms])?;
            Ok(())
        })
    }

    /// The customer remembered for `key`.
    pub fn find(&self, key: &CustomerKey) -> Result<Option<CustomerId>> {
        self.state.db.read("looking up a customer", |conn| {
            Ok(conn
                .prepare_cached("SELECT customer_id FROM customers WHERE key = ?1")?
                .query_row([key.as_str()], |row| {
                    parse_stored(0, row.get(0)?, CustomerId::parse)
                })
                .optional()?)
        })
    }

    /// The customer remembered for this email, else for this phone.
    pub fn find_by_contact(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Option<CustomerId>> {
        let keys = [
            email.and_then(CustomerKey::email),
            phone.and_then(CustomerKey::phone),
        ];
        for key in keys.iter().flatten() {
            if let Some(found) = self.find(key)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Forgets every key of a customer the POS no longer has; how many keys went.
    pub fn forget_customer(&self, customer: &CustomerId) -> Result<usize> {
        self.state.db.write("forgetting a customer", |tx| {
            Ok(tx
                .prepare_cached("DELETE FROM customers WHERE customer_id = ?1")?
                .execute([customer.as_str()])?)
        })
    }

    /// Forgets every mapping (the store changed: its customers are not the new store's).
    pub fn clear(&self) -> Result<usize> {
        self.state.db.write("forgetting customers", |tx| {
            Ok(tx.execute("DELETE FROM customers", [])?)
        })
    }
}

impl std::str::FromStr for CustomerKey {
    type Err = Error;

    /// Parses a stored key back (`email:…` or `phone:…`), normalising it again.
    fn from_str(raw: &str) -> Result<Self> {
        let parsed = match raw.split_once(':') {
            Some(("email", rest)) => CustomerKey::email(rest),
            Some(("phone", rest)) => CustomerKey::phone(rest),
            _ => None,
        };
        parsed.ok_or_else(|| Error::invalid_input(format!("{raw:?} is not a customer key")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_written_three_ways_give_one_key() {
        let a = CustomerKey::phone("06 12 34 56 78").unwrap();
        assert_eq!(CustomerKey::phone("+33 6 12 34 56 78"), Some(a.clone()));
        assert_eq!(CustomerKey::phone("0033612345678"), Some(a));
        assert_eq!(CustomerKey::phone("12"), None);
    }

    #[test]
    fn a_key_is_the_form_the_pos_search_and_customer_matching_use() {
        use crate::model::keys::phone_key;
        let key = CustomerKey::phone("+33 (0)6 12 34 56 78").unwrap();
        assert_eq!(key.as_str(), "phone:+33612345678");
        assert_eq!(
            key.as_str().strip_prefix("phone:"),
            phone_key("06.12.34.56.78").as_deref()
        );
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            CustomerKey::email(" Jane@Example.COM ").unwrap().as_str(),
            "email:jane@example.com"
        );
        assert_eq!(CustomerKey::email("nobody"), None);
        assert_eq!(CustomerKey::email("@x"), None);
    }
}
