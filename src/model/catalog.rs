//! What Shopcaisse holds: companies, stores, POS, items with their declinations, packs and units,
//! price lists, prices and stock rows, as the core sees them once parsed.

use super::{CompanyId, FamilyId, ItemId, Money, PosId, PriceListId, Quantity, StoreId};
use serde::{Deserialize, Serialize};

/// What the token reaches, from `GET /authentication`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthBundle {
    pub companies: Vec<CompanyId>,
    pub stores: Vec<StoreId>,
    pub pos: Vec<PosId>,
    /// Resources of a kind the core does not know, kept to be shown, never interpreted.
    pub other_resources: Vec<String>,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Company {
    pub id: CompanyId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Store {
    pub id: StoreId,
    pub name: String,
    pub company_id: Option<CompanyId>,
}

/// A point of sale (caisse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pos {
    pub id: PosId,
    pub name: String,
    pub price_list: Option<PriceListId>,
    /// Whether the paid order-management module is active: without it order pushes answer 401.
    pub order_management: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceList {
    pub id: PriceListId,
    pub name: String,
    pub owner_store_id: Option<StoreId>,
}

impl PriceList {
    /// Shopcaisse names its default list "Défaut".
    pub fn is_default(&self) -> bool {
        self.name.trim().eq_ignore_ascii_case("défaut") || self.name.trim() == "Défaut"
    }
}

/// One price of one item in one price list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub price_list: PriceListId,
    pub item: ItemId,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Family {
    pub id: FamilyId,
    pub name: String,
    pub active: bool,
}

impl Family {
    /// Technical families Shopcaisse creates by itself; never offered as product categories.
    pub fn is_technical(&self) -> bool {
        matches!(self.name.trim(), "System family" | "Pas de famille")
    }
}

/// The kind of an item. Unknown kinds are kept, and reported as unsupported rather than dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ItemKind {
    /// A plain item; with declinations it is the parent of a variable product.
    Simple,
    /// A declination of a parent item.
    Variation,
    /// A pack whose stock follows its components.
    Pack,
    /// A type the core does not know (the raw name is kept for the report).
    Unsupported(String),
}

/// How an item is sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Sold by weight: price per unit, decimal stock.
    Weight,
    /// Sold by another measure (volume, length): treated like weight.
    Measure,
}

/// The unit of a weighed item; `None` on an item for items sold by the piece.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub kind: UnitKind,
    pub symbol: String,
    pub decimals: u8,
}

/// A declination attribute ("Taille" = "M").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// A component of a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackComponent {
    pub item: ItemId,
    pub quantity: Quantity,
}

/// A catalog item as the core knows it: validated, money in cents, text as plain text (HTML kept
/// as characters, never interpreted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub name: String,
    /// The reference (SKU) as sent, spaces trimmed; `None` when empty.
    pub reference: Option<String>,
    /// Barcodes as sent, spaces trimmed, empty ones dropped.
    pub barcodes: Vec<String>,
    pub default_price: Option<Money>,
    pub kind: ItemKind,
    pub family: Option<Family>,
    pub description: String,
    pub short_description: String,
    pub images: Vec<String>,
    /// The parent item of a declination.
    pub parent: Option<ItemId>,
    /// The declinations of a parent item.
    pub declinations: Vec<ItemId>,
    /// The components of a pack.
    pub components: Vec<PackComponent>,
    /// The attributes of a declination.
    pub attributes: Vec<Attribute>,
    /// The unit of a weighed item; `None` for items sold by the piece.
    pub unit: Option<Unit>,
}

impl Item {
    /// A simple item sold by the piece, with nothing else set: the base that parsers and tests
    /// complete with struct update syntax (`Item { reference, ..Item::new(id, name) }`).
    pub fn new(id: ItemId, name: impl Into<String>) -> Item {
        Item {
            id,
            name: name.into(),
            reference: None,
            barcodes: Vec::new(),
            default_price: None,
            kind: ItemKind::Simple,
            family: None,
            description: String::new(),
            short_description: String::new(),
            images: Vec::new(),
            parent: None,
            declinations: Vec::new(),
            components: Vec::new(),
            attributes: Vec::new(),
            unit: None,
        }
    }

    /// Whether this item is sold by weight or another measure (decimal stock and quantities).
    pub fn is_weighed(&self) -> bool {
        self.unit.is_some()
    }

    /// Whether this item is the parent of declinations (a variable product in WooCommerce).
    pub fn has_declinations(&self) -> bool {
        !self.declinations.is_empty()
    }
}

/// A stock row of a store, for one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockRow {
    pub item: ItemId,
    /// May be negative, and decimal for weighed items.
    pub stock: Quantity,
    pub reserved_for_customers: Quantity,
    pub reserved_for_suppliers: Quantity,
}
