//! The personal data of one buyer, as the state holds it, found and erased for WordPress's
//! privacy tools (Outils > Exporter / Effacer les données personnelles).
//!
//! A buyer is named by an e-mail address. What the state keeps of them:
//! - the outbox payloads of their orders (`push.customer_details`: names, e-mail, phone, and
//!   the order note);
//! - the customer memory (`customers`): their e-mail key and every other key (a phone) that
//!   points at the same Shopcaisse customer;
//! - log rows whose message or details quote their e-mail, phone or name (API traces, errors).
//!
//! Erasing never touches what makes delivery exactly-once: the row, its reference, its state
//! and its POS order id stay. An order not delivered yet keeps its payload (the POS still needs
//! the buyer) and is marked: [`PersonalData::anonymise_delivered`] blanks it once it is pushed
//! or cancelled.

use super::db::{like_pattern, Work};
use super::State;
use crate::error::Result;
use crate::model::keys::{email_key, phone_key};
use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What replaces an erased value in a log row.
pub const ERASED: &str = "[erased]";

/// One order of the buyer, with what the state holds of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalOrder {
    pub wc_order_id: i64,
    pub external_reference: String,
    pub state: String,
    pub customer_details: Value,
    pub note: Option<String>,
    /// Erasure was asked while the order was on its way: it is blanked once delivered.
    pub erase_requested: bool,
}

/// One log row quoting the buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalLogRow {
    pub id: i64,
    pub at_ms: i64,
    pub message: String,
}

/// Everything the state holds of one buyer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    pub orders: Vec<PersonalOrder>,
    /// Normalised contacts remembered for their Shopcaisse customer (`email:…`, `phone:…`).
    pub customer_keys: Vec<String>,
    pub log_rows: Vec<PersonalLogRow>,
}

/// What an erasure did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erased {
    /// Orders delivered or cancelled: blanked now.
    pub orders_anonymised: usize,
    /// Orders still on their way to the POS: blanked once delivered.
    pub orders_pending: usize,
    pub customer_keys_removed: usize,
    pub log_rows_redacted: usize,
}

/// States in which the POS no longer needs the buyer's details.
const SETTLED: &str = "('pushed', 'cancelled')";

/// Log rows read at most when looking for a buyer (the export shows these).
const MAX_LOG_ROWS: i64 = 1000;

/// The state's personal data, by buyer.
pub struct PersonalData<'a> {
    state: &'a State,
}

impl<'a> PersonalData<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        PersonalData { state }
    }

    /// What the state holds of the buyer with this e-mail; empty for an address that is not one.
    pub fn find(&self, email: &str) -> Result<Found> {
        let Some(email) = email_key(email) else {
            return Ok(Found::default());
        };
        self.state
            .db
            .read("finding a buyer's personal data", |conn| {
                let orders = orders_of(conn, &email)?;
                let customer_keys = {
                    let mut stmt = conn.prepare_cached(
                        "SELECT key FROM customers WHERE customer_id IN
                         (SELECT customer_id FROM customers WHERE key = ?1) ORDER BY key",
                    )?;
                    let keys = stmt.query_map([format!("email:{email}")], |row| row.get(0))?;
                    keys.collect::<rusqlite::Result<Vec<String>>>()?
                };
                let mut log_rows = Vec::new();
                for needle in needles(&email, &orders) {
                    let mut stmt = conn.prepare_cached(
                        "SELECT id, at, message FROM logs
                     WHERE message LIKE ?1 ESCAPE '\\' OR details LIKE ?1 ESCAPE '\\'
                     ORDER BY id DESC LIMIT ?2",
                    )?;
                    let rows =
                        stmt.query_map(params![like_pattern(&needle), MAX_LOG_ROWS], |row| {
                            Ok(PersonalLogRow {
                                id: row.get(0)?,
                                at_ms: row.get(1)?,
                                message: row.get(2)?,
                            })
                        })?;
                    for row in rows {
                        let row = row?;
                        if !log_rows.iter().any(|r: &PersonalLogRow| r.id == row.id) {
                            log_rows.push(row);
                        }
                    }
                }
                log_rows.sort_by_key(|r| std::cmp::Reverse(r.id));
                log_rows.truncate(MAX_LOG_ROWS as usize);
                Ok(Found {
                    orders,
                    customer_keys,
                    log_rows,
                })
            })
    }

    /// Erases the buyer with this e-mail: settled orders blanked, the others marked to be
    /// blanked once delivered, their customer keys forgotten, their values in log rows replaced
    /// by [`ERASED`]. One transaction.
    pub fn erase(&self, email: &str) -> Result<Erased> {
        let Some(email) = email_key(email) else {
            return Ok(Erased::default());
        };
        self.state.db.write("erasing a buyer's personal data", |tx| {
            let orders = orders_of(tx, &email)?;
            let needles = needles(&email, &orders);
            let mut erased = Erased::default();
            for order in &orders {
                if matches!(order.state.as_str(), "pushed" | "cancelled") {
                    blank(tx, order.wc_order_id)?;
                    erased.orders_anonymised += 1;
                } else {
                    tx.prepare_cached(
                        "UPDATE outbox SET erase_requested = 1 WHERE wc_order_id = ?1",
                    )?
                    .execute([order.wc_order_id])?;
                    erased.orders_pending += 1;
                }
            }
            erased.customer_keys_removed = tx
                .prepare_cached(
                    "DELETE FROM customers WHERE customer_id IN
                         (SELECT customer_id FROM customers WHERE key = ?1)",
                )?
                .execute([format!("email:{email}")])?;
            // Every row quoting any needle, each rewritten once with all of them.
            let mut quoting = std::collections::BTreeSet::new();
            for needle in &needles {
                let mut stmt = tx.prepare_cached(
                    "SELECT id FROM logs WHERE message LIKE ?1 ESCAPE '\\' OR details LIKE ?1 ESCAPE '\\'",
                )?;
                for id in stmt.query_map([like_pattern(needle)], |row| row.get::<_, i64>(0))? {
                    quoting.insert(id?);
                }
            }
            for id in &quoting {
                redact_log_row(tx, *id, &needles)?;
            }
            erased.log_rows_redacted = quoting.len();
            Ok(erased)
        })
    }

    /// Blanks the orders marked for erasure that are now delivered or cancelled; how many.
    pub fn anonymise_delivered(&self) -> Result<usize> {
        // Read first: this runs after every delivery, and almost never has anything to do.
        let marked = self
            .state
            .db
            .read("looking for orders marked for erasure", |conn| {
                Ok(conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM outbox WHERE erase_requested = 1)",
                    )?
                    .query_row([], |row| row.get::<_, bool>(0))?)
            })?;
        if !marked {
            return Ok(0);
        }
        self.state.db.write("blanking delivered orders marked for erasure", |tx| {
            let ids = tx
                .prepare_cached(&format!(
                    "SELECT wc_order_id FROM outbox WHERE erase_requested = 1 AND state IN {SETTLED}"
                ))?
                .query_map([], |row| row.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for id in &ids {
                blank(tx, *id)?;
            }
            Ok(ids.len())
        })
    }
}

/// The buyer's orders: those whose payload carries this (normalised) e-mail.
fn orders_of(conn: &rusqlite::Connection, email: &str) -> Work<Vec<PersonalOrder>> {
    let mut stmt = conn.prepare_cached(
        "SELECT wc_order_id, external_reference, state, payload, erase_requested FROM outbox
         WHERE lower(trim(json_extract(payload, '$.push.customer_details.email'))) = ?1
         ORDER BY wc_order_id",
    )?;
    let rows = stmt.query_map([email], |row| {
        let payload: String = row.get(3)?;
        let payload: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
        Ok(PersonalOrder {
            wc_order_id: row.get(0)?,
            external_reference: row.get(1)?,
            state: row.get(2)?,
            customer_details: payload["push"]["customer_details"].clone(),
            note: payload["push"]["note"].as_str().map(str::to_owned),
            erase_requested: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The texts that quote the buyer in a log row: the e-mail (plain and URL-encoded), each phone
/// as the orders carry it and in its international form, each full name.
fn needles(email: &str, orders: &[PersonalOrder]) -> Vec<String> {
    let mut out = vec![email.to_owned(), email.replace('@', "%40")];
    for order in orders {
        let details = &order.customer_details;
        if let Some(phone) = details["phone"].as_str() {
            out.push(phone.to_owned());
            out.extend(phone_key(phone));
        }
        let name = format!(
            "{} {}",
            details["first_name"].as_str().unwrap_or(""),
            details["last_name"].as_str().unwrap_or("")
        );
        out.push(name.trim().to_owned());
    }
    // A needle too short would blank ordinary words.
    out.retain(|n| n.chars().count() >= 5);
    out.sort();
    out.dedup();
    out
}

/// Replaces the buyer's details and note in one outbox payload.
fn blank(tx: &Transaction, wc_order_id: i64) -> Work<()> {
    tx.prepare_cached(
        "UPDATE outbox SET erase_requested = 0,
             payload = CASE WHEN json_type(payload, '$.push') IS NULL THEN payload ELSE
                 json_set(payload,
                     '$.push.customer_details', json_object('first_name', '', 'last_name', '',
                         'email', NULL, 'phone', NULL),
                     '$.push.note', NULL) END
         WHERE wc_order_id = ?1",
    )?
    .execute(params![wc_order_id])?;
    Ok(())
}

/// Replaces every needle in a log row's message and details, whatever their case.
fn redact_log_row(tx: &Transaction, id: i64, needles: &[String]) -> Work<()> {
    let (message, details): (String, Option<String>) = tx
        .prepare_cached("SELECT message, details FROM logs WHERE id = ?1")?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let message = replace_all(&message, needles);
    let details = details.map(|d| replace_all(&d, needles));
    tx.prepare_cached("UPDATE logs SET message = ?2, details = ?3 WHERE id = ?1")?
        .execute(params![id, message, details])?;
    Ok(())
}

/// `text` with each needle replaced by [`ERASED`], ignoring ASCII case.
fn replace_all(text: &str, needles: &[String]) -> String {
    let mut out = text.to_owned();
    for needle in needles {
        let lower_needle = needle.to_lowercase();
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = find_ignoring_case(rest, &lower_needle) {
            result.push_str(&rest[..at]);
            result.push_str(ERASED);
            rest = &rest[at + lower_needle.len()..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Where `needle` (lowercased) starts in `haystack`, comparing ASCII letters without case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.char_indices().map(|(i, _)| i).find(|&i| {
        haystack
            .get(i..i + needle.len())
            .is_some_and(|slice| slice.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_ignores_ascii_case_and_keeps_the_rest() {
        let needles = vec!["jeanne@example.fr".to_owned(), "Jeanne Martin".to_owned()];
        assert_eq!(
            replace_all(
                "customer JEANNE@example.fr (jeanne martin) not found; Jeanne Martin again",
                &needles
            ),
            "customer [erased] ([erased]) not found; [erased] again"
        );
    }

    #[test]
    fn needles_are_the_email_its_encoded_form_phones_and_full_names() {
        let order = PersonalOrder {
            wc_order_id: 1,
            external_reference: "WEB-1".into(),
            state: "queued".into(),
            customer_details: serde_json::json!({
                "first_name": "Jeanne", "last_name": "Martin",
                "email": "jeanne@example.fr", "phone": "06 12 34 56 78"
            }),
            note: None,
            erase_requested: false,
        };
        let needles = needles("jeanne@example.fr", &[order]);
        assert!(needles.contains(&"jeanne%40example.fr".to_owned()));
        assert!(needles.contains(&"06 12 34 56 78".to_owned()));
        assert!(needles.contains(&"+33612345678".to_owned()), "{needles:?}");
        assert!(needles.contains(&"Jeanne Martin".to_owned()));
    }
}
