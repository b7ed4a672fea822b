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

/// An order as the POS holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosOrder {
    pub id: PosOrderId,
    pub external_reference: Option<String>,
    /// "not_acked", "acked", "finalized", "cancelled"… kept as sent.
    pub status: String,
    pub fiscal_status: Option<String>,
    pub total: Option<Money>,
}
