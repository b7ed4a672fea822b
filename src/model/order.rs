//! Orders pushed to the POS and the customers they are attached to.

use super::{CustomerId, ItemId, Money, PosId, PosOrderId, Quantity};
use serde::{Deserialize, Serialize};

/// A customer of a store, as Shopcaisse holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A customer to create in a store.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewCustomer {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The buyer's details carried on the order itself.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// One line of a pushed order. `item: None` is a free-text line (shipping, fees).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub item: Option<ItemId>,
    pub quantity: Quantity,
    /// Unit price, tax included.
    pub unit_price: Money,
    /// Discount on the whole line, tax included.
    pub discount: Money,
    pub label: String,
}

/// A payment received for a pushed order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment type on the wire ("ONLINE").
    pub kind: String,
    /// What the till shows ("Carte bancaire (en ligne)").
    pub name: String,
    pub amount: Money,
}

/// An order as pushed to the POS (`POST /stores/{s}/orders`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPush {
    /// The prefix plus the WooCommerce order number: the key that makes a push idempotent.
    pub external_reference: String,
    pub pos: PosId,
    pub customer: Option<CustomerId>,
    pub customer_details: CustomerDetails,
    pub lines: Vec<OrderLine>,
    pub payments: Vec<Payment>,
    pub note: Option<String>,
    /// Epoch milliseconds.
    pub created_at_ms: i64,
}

/// The status of an order in the POS. The wire values are read in one place
/// (`api::wire::pos_order_status`); `docs/shopcaisse-api.md` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PosOrderStatus {
    /// `not_acked`: received, not yet acknowledged by the POS app.
    NotAcked,
    /// `accepted` (or `acked`): acknowledged by the POS app.
    Accepted,
    /// `finalized` (or `finalised`, `done`): fiscally closed, a sale recorded; no longer
    /// cancellable.
    Finalized,
    /// `cancelled` (or `canceled`).
    Cancelled,
    /// Any other value, kept as sent (lower case); never taken for a cancellation.
    Other(String),
}

impl PosOrderStatus {
    /// Whether the order no longer counts in the POS.
    pub fn is_cancelled(&self) -> bool {
        *self == PosOrderStatus::Cancelled
    }

    /// The status as the contract writes it.
    pub fn as_str(&self) -> &str {
        match self {
            PosOrderStatus::NotAcked => "not_acked",
            PosOrderStatus::Accepted => "accepted",
            PosOrderStatus::Finalized => "finalized",
            PosOrderStatus::Cancelled => "cancelled",
            PosOrderStatus::Other(raw) => raw,
        }
    }
}

/// An order as the POS holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosOrder {
    pub id: PosOrderId,
    pub external_reference: Option<String>,
    /// Where the order stands in the POS (read once, in `api::wire`).
    pub status: PosOrderStatus,
    pub fiscal_status: Option<String>,
    pub total: Option<Money>,
}
