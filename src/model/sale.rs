//! Sales (tickets) recorded by the POS: what was sold in the shop, read to follow stock moves.

use super::{ItemId, Money, Payment, Quantity};
use serde::{Deserialize, Serialize};

/// One line of a ticket. `item: None` is a free-text line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleLine {
    pub item: Option<ItemId>,
    /// May be decimal (weighed items) or negative (a return).
    pub quantity: Quantity,
    /// Unit price, tax included, when the API gives it.
    pub unit_price: Option<Money>,
    /// Line total, tax included, when the API gives it.
    pub total: Option<Money>,
    pub label: String,
}

/// A ticket of a store, from `GET /stores/{s}/sales`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sale {
    /// Opaque ticket id, kept as sent.
    pub id: String,
    /// The ticket number the till prints, when the API gives it.
    pub number: Option<String>,
    /// Epoch milliseconds.
    pub timestamp_ms: i64,
    /// Kept as sent ("done", "cancelled"…).
    pub status: String,
    pub total: Option<Money>,
    pub lines: Vec<SaleLine>,
    pub payments: Vec<Payment>,
}
