//! What the client sends that the domain model does not already describe, and what an order
//! push ends with.

use crate::model::{FamilyId, Money, PosOrder};
use serde::Serialize;

/// A SIMPLE item to create in the POS catalog (endpoint 7). Variations, images and stock are not
/// accepted by the API on creation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewItem {
    pub name: String,
    /// Price tax included, in the default list.
    pub price: Money,
    pub reference: Option<String>,
    /// One barcode (the API takes a single string here).
    pub barcode: Option<String>,
    pub description: Option<String>,
    pub family: Option<FamilyId>,
}

/// The fields of an item the API lets us change (endpoint 8); `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub reference: Option<String>,
}

/// How a pushed order came to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushHow {
    /// Our POST created it.
    Created,
    /// It was already in the POS under our external reference (an earlier push whose answer was
    /// lost, or a 409), and was adopted instead of being pushed again.
    Adopted,
}

/// The order the POS holds for a push, and how it was obtained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PushOutcome {
    pub order: PosOrder,
    pub how: PushHow,
    /// Other orders found under the same reference (duplicates made by someone else, or before
    /// this client): reported, never adopted, never cancelled by the client.
    pub others: Vec<PosOrder>,
}

impl PushOutcome {
    /// Whether this call created the order.
    pub fn was_created(&self) -> bool {
        self.how == PushHow::Created
    }
}
