//! WordPress's privacy tools over the state (`state::privacy`): a buyer's personal data found
//! by e-mail for Outils > Exporter les données personnelles, and erased for Outils > Effacer
//! les données personnelles without breaking exactly-once delivery.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::state::{LogLevel, NewLog};
use crate::Result;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct ByEmail {
    email: String,
}

impl Engine {
    /// What the state holds of the buyer with this e-mail: orders, customer keys, log rows.
    pub(super) fn personal_data(&self, args: &Value) -> Result<Value> {
        let ByEmail { email } = parse_args("personalData", args)?;
        to_json(&self.state()?.personal_data().find(&email)?)
    }

    /// Erases the buyer with this e-mail; orders still on their way are blanked once delivered.
    pub(super) fn erase_personal_data(&self, args: &Value) -> Result<Value> {
        let ByEmail { email } = parse_args("erasePersonalData", args)?;
        let erased = self.state()?.personal_data().erase(&email)?;
        // The address itself is what was erased: the log row says what, not whose.
        self.log(
            NewLog::new(
                now_ms(),
                LogLevel::Info,
                "privacy",
                format!(
                    "a buyer's personal data erased: {} orders blanked, {} to blank once delivered, \
                     {} customer keys forgotten, {} log rows redacted",
                    erased.orders_anonymised,
                    erased.orders_pending,
                    erased.customer_keys_removed,
                    erased.log_rows_redacted
                ),
            )
            .details(json!(erased)),
        );
        to_json(&erased)
    }

    /// Blanks the orders whose erasure waited for their delivery (after each delivery step).
    pub(super) fn blank_erased_orders(&self) -> Result<usize> {
        self.state()?.personal_data().anonymise_delivered()
    }
}
