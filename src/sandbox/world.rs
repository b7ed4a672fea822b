//! What the sandbox POS holds, and the fixture format that fills it.
//!
//! A fixture is JSON in the API's own shapes (camelCase, euros as decimal numbers, quantities as
//! numbers), plus the links the API leaves implicit (which store a POS, a stock row or a
//! customer belongs to). See `docs/sandbox.md`.

use crate::model::{Money, Quantity};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The demo catalog: a French shop (vaisselle, épicerie with weighed items, a T-shirt with
/// sizes, a pack). Loaded when nothing else is asked.
pub const DEMO_FIXTURE: &str = include_str!("../../fixtures/demo-catalog.json");

// ---------------------------------------------------------------------------------------------
// Fixture format
// ---------------------------------------------------------------------------------------------

/// A whole POS: organisation, catalog, stock, customers and past sales.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Fixture {
    pub companies: Vec<FxCompany>,
    pub stores: Vec<FxStore>,
    pub pos: Vec<FxPos>,
    pub families: Vec<FxFamily>,
    pub price_lists: Vec<FxPriceList>,
    pub items: Vec<FxItem>,
    pub prices: Vec<FxPrice>,
    pub stocks: Vec<FxStock>,
    pub customers: Vec<FxCustomer>,
    pub sales: Vec<FxSale>,
}

impl Fixture {
    /// The demo fixture.
    pub fn demo() -> Fixture {
        serde_json::from_str(DEMO_FIXTURE).expect("the demo fixture is valid")
    }

    /// Parses a fixture.
    pub fn from_json(text: &str) -> Result<Fixture, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid fixture: {e}"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxCompany {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxStore {
    pub id: String,
    pub name: String,
    /// Defaults to the first company.
    #[serde(default)]
    pub company_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxPos {
    pub id: String,
    pub name: String,
    /// Defaults to the first store.
    #[serde(default)]
    pub store_id: String,
    #[serde(default)]
    pub price_list: Option<String>,
    #[serde(default)]
    pub order_management: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxFamily {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub position: u32,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub company_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxPriceList {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub owner_store_id: Option<String>,
    #[serde(default)]
    pub company_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxItem {
    pub id: String,
    #[serde(default)]
    pub company_id: String,
    pub name: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub barcodes: Vec<String>,
    #[serde(default, with = "money_opt")]
    pub default_price: Option<Money>,
    #[serde(rename = "type", default = "simple")]
    pub kind: String,
    /// A family id.
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub short_description: String,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub parent_item: Option<String>,
    #[serde(default)]
    pub declinations: Vec<String>,
    #[serde(default)]
    pub components: Vec<FxComponent>,
    #[serde(default)]
    pub attributes: Vec<FxAttribute>,
    #[serde(default)]
    pub unit: Option<FxUnit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxComponent {
    pub item: String,
    #[serde(with = "quantity")]
    pub quantity: Quantity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FxAttribute {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FxUnit {
    pub kind: String,
    pub symbol: String,
    pub decimals: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxPrice {
    pub price_list: String,
    pub item: String,
    #[serde(with = "money")]
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxStock {
    /// Defaults to the first store.
    #[serde(default)]
    pub store: String,
    pub item: String,
    #[serde(with = "quantity")]
    pub stock: Quantity,
    #[serde(default, with = "quantity")]
    pub reserved_for_customers: Quantity,
    #[serde(default, with = "quantity")]
    pub reserved_for_suppliers: Quantity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxCustomer {
    pub id: String,
    #[serde(default)]
    pub store: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxSale {
    pub id: String,
    #[serde(default)]
    pub store: String,
    #[serde(default)]
    pub number: String,
    pub timestamp: i64,
    #[serde(default = "done")]
    pub status: String,
    pub lines: Vec<FxSaleLine>,
    #[serde(default)]
    pub payments: Vec<FxPayment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxSaleLine {
    #[serde(default)]
    pub item: Option<String>,
    #[serde(with = "quantity")]
    pub quantity: Quantity,
    #[serde(with = "money")]
    pub unit_price: Money,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxPayment {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(with = "money")]
    pub amount: Money,
}

fn yes() -> bool {
    true
}
fn simple() -> String {
    "SIMPLE".into()
}
fn done() -> String {
    "done".into()
}

/// Euros as JSON numbers, exact both ways.
mod money {
    use super::*;
    pub fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        m.to_json_number().serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        Money::from_json(&Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

mod money_opt {
    use super::*;
    pub fn serialize<S: Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
        m.map(Money::to_json_number).serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => Money::from_json(&v)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

mod quantity {
    use super::*;
    pub fn serialize<S: Serializer>(q: &Quantity, s: S) -> Result<S::Ok, S::Error> {
        q.to_json_number().serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        Quantity::from_json(&Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// The live state
// ---------------------------------------------------------------------------------------------

/// An order pushed to the sandbox POS.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: String,
    pub store: String,
    pub body: Value,
    pub external_reference: String,
    pub status: String,
    pub fiscal_status: String,
    pub total: Money,
    pub statuses: Vec<(String, i64)>,
    /// Whether the order has lowered the stock (see [`OrderStock`]).
    pub moved_stock: bool,
}

/// When a pushed order lowers the POS stock: the contract does not say, so the sandbox can
/// play each answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StockMove {
    /// As soon as the POS takes the order in.
    Creation,
    /// When the till acknowledges it (`POST /__sandbox/orders/{o}/ack`).
    Acknowledgement,
    /// When it is finalised (a sale recorded): the sandbox's historic behaviour.
    #[default]
    Finalisation,
    /// Never: a finalised order records its ticket without touching the stock.
    Never,
}

/// How pushed orders touch the stock (`GET`/`POST /__sandbox/order-stock`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderStock {
    pub moves_at: StockMove,
    /// Orders that have not moved stock yet (and are neither cancelled nor finalised) count in
    /// the `reservedForCustomers` of the stock listing.
    pub pending_reserved: bool,
}

impl Order {
    /// The item lines `(item, quantity)` of the order.
    pub fn item_lines(&self) -> Vec<(String, Quantity)> {
        self.body["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| {
                Some((
                    l["item"].as_str()?.to_owned(),
                    Quantity::from_json(&l["quantity"]).ok()?,
                ))
            })
            .collect()
    }

    /// Whether it still waits for its stock move (reserved, when the POS counts those).
    pub fn is_pending(&self) -> bool {
        !self.moved_stock && self.status != "cancelled" && self.status != "finalized"
    }
}

impl Order {
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "id": self.id,
            "externalReference": self.external_reference,
            "status": self.status,
            "fiscalStatus": self.fiscal_status,
            "total": self.total.to_json_number(),
            "statuses": self.statuses.iter()
                .map(|(s, at)| json!({"status": s, "at": at}))
                .collect::<Vec<_>>(),
        });
        for key in [
            "pos",
            "customer",
            "customerDetails",
            "lines",
            "payments",
            "note",
            "createdAt",
        ] {
            if let Some(v) = self.body.get(key) {
                out[key] = v.clone();
            }
        }
        out
    }
}

/// A stock row of one store.
#[derive(Debug, Clone)]
pub(crate) struct Stock {
    pub item: String,
    pub stock: Quantity,
    pub reserved_for_customers: Quantity,
    pub reserved_for_suppliers: Quantity,
}

/// Everything the POS holds, behind the sandbox mutex.
pub(crate) struct World {
    pub fixture_org: Fixture,
    pub items: Vec<FxItem>,
    item_index: HashMap<String, usize>,
    /// Per price list, in insertion order.
    pub prices: HashMap<String, Vec<FxPrice>>,
    /// Per store, in insertion order, with an index by item.
    pub stocks: HashMap<String, (Vec<Stock>, HashMap<String, usize>)>,
    pub customers: Vec<FxCustomer>,
    pub orders: Vec<Order>,
    pub sales: Vec<FxSale>,
    next_id: u64,
}

impl World {
    /// A world filled from `fixture`; missing links default to the first company and store.
    pub fn from_fixture(mut fixture: Fixture) -> World {
        let company = fixture
            .companies
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        for s in &mut fixture.stores {
            if s.company_id.is_empty() {
                s.company_id = company.clone();
            }
        }
        let store = fixture
            .stores
            .first()
            .map(|s| s.id.clone())
            .unwrap_or_default();
        for p in &mut fixture.pos {
            if p.store_id.is_empty() {
                p.store_id = store.clone();
            }
        }
        for f in &mut fixture.families {
            if f.company_id.is_empty() {
                f.company_id = company.clone();
            }
        }
        for l in &mut fixture.price_lists {
            if l.company_id.is_empty() {
                l.company_id = company.clone();
            }
        }
        let items = std::mem::take(&mut fixture.items);
        let prices = std::mem::take(&mut fixture.prices);
        let stocks = std::mem::take(&mut fixture.stocks);
        let customers = std::mem::take(&mut fixture.customers);
        let sales = std::mem::take(&mut fixture.sales);
        let mut world = World {
            fixture_org: fixture,
            items: Vec::new(),
            item_index: HashMap::new(),
            prices: HashMap::new(),
            stocks: HashMap::new(),
            customers: Vec::new(),
            orders: Vec::new(),
            sales: Vec::new(),
            next_id: 1,
        };
        world.replace_catalog(items, prices, stocks);
        world.customers = customers
            .into_iter()
            .map(|mut c| {
                if c.store.is_empty() {
                    c.store = store.clone();
                }
                c
            })
            .collect();
        world.sales = sales
            .into_iter()
            .map(|mut s| {
                if s.store.is_empty() {
                    s.store = store.clone();
                }
                s
            })
            .collect();
        world
    }

    /// Replaces items, prices and stock (the organisation stays).
    pub fn replace_catalog(
        &mut self,
        mut items: Vec<FxItem>,
        prices: Vec<FxPrice>,
        stocks: Vec<FxStock>,
    ) {
        let company = self.first_company();
        let store = self.first_store();
        for item in &mut items {
            if item.company_id.is_empty() {
                item.company_id = company.clone();
            }
        }
        self.items = items;
        self.reindex();
        self.prices.clear();
        for p in prices {
            self.prices.entry(p.price_list.clone()).or_default().push(p);
        }
        self.stocks.clear();
        for s in stocks {
            let store = if s.store.is_empty() {
                store.clone()
            } else {
                s.store.clone()
            };
            self.set_stock(&store, &s.item, s.stock);
            let (rows, index) = self.stocks.get_mut(&store).expect("just set");
            let row = &mut rows[index[&s.item]];
            row.reserved_for_customers = s.reserved_for_customers;
            row.reserved_for_suppliers = s.reserved_for_suppliers;
        }
    }

    fn reindex(&mut self) {
        self.item_index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id.clone(), i))
            .collect();
    }

    pub fn first_company(&self) -> String {
        self.fixture_org
            .companies
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    pub fn first_store(&self) -> String {
        self.fixture_org
            .stores
            .first()
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }

    pub fn item(&self, id: &str) -> Option<&FxItem> {
        self.item_index.get(id).map(|&i| &self.items[i])
    }

    pub fn item_mut(&mut self, id: &str) -> Option<&mut FxItem> {
        self.item_index.get(id).map(|&i| &mut self.items[i])
    }

    pub fn add_item(&mut self, item: FxItem) {
        self.item_index.insert(item.id.clone(), self.items.len());
        self.items.push(item);
    }

    /// Removes an item from the catalog (its stock rows and prices stay, as in a real POS
    /// where a deleted item leaves history behind).
    pub fn remove_item(&mut self, id: &str) -> bool {
        match self.item_index.get(id) {
            Some(&i) => {
                self.items.remove(i);
                self.reindex();
                true
            }
            None => false,
        }
    }

    pub fn set_stock(&mut self, store: &str, item: &str, stock: Quantity) {
        let (rows, index) = self.stocks.entry(store.to_owned()).or_default();
        match index.get(item) {
            Some(&i) => rows[i].stock = stock,
            None => {
                index.insert(item.to_owned(), rows.len());
                rows.push(Stock {
                    item: item.to_owned(),
                    stock,
                    reserved_for_customers: Quantity::ZERO,
                    reserved_for_suppliers: Quantity::ZERO,
                });
            }
        }
    }

    pub fn stock(&self, store: &str, item: &str) -> Option<Quantity> {
        let (rows, index) = self.stocks.get(store)?;
        index.get(item).map(|&i| rows[i].stock)
    }

    /// Lowers the stock of `item` by `quantity` (a pack lowers its components).
    pub fn decrement(&mut self, store: &str, item: &str, quantity: Quantity) {
        if let Some(pack) = self.item(item).filter(|i| i.kind == "PACK").cloned() {
            for c in &pack.components {
                let per_pack = c.quantity.thousandths() as i128 * quantity.thousandths() as i128;
                self.decrement(
                    store,
                    &c.item,
                    Quantity::from_thousandths((per_pack / 1000) as i64),
                );
            }
            return;
        }
        let current = self.stock(store, item).unwrap_or(Quantity::ZERO);
        self.set_stock(store, item, current.saturating_sub(quantity));
    }

    /// Lowers the stock by an order's lines once (`back`: puts them back, once they were taken).
    pub fn move_order_stock(&mut self, order_at: usize, back: bool) {
        let order = &self.orders[order_at];
        if order.moved_stock != back {
            return;
        }
        let store = order.store.clone();
        for (item, quantity) in order.item_lines() {
            let quantity = if back {
                Quantity::from_thousandths(-quantity.thousandths())
            } else {
                quantity
            };
            self.decrement(&store, &item, quantity);
        }
        self.orders[order_at].moved_stock = !back;
    }

    /// What pending orders of `store` hold of each stock item (packs through components).
    pub fn pending_by_item(&self, store: &str) -> HashMap<String, Quantity> {
        let mut out: HashMap<String, Quantity> = HashMap::new();
        for order in self
            .orders
            .iter()
            .filter(|o| o.store == store && o.is_pending())
        {
            for (item, quantity) in order.item_lines() {
                self.add_components(&item, quantity, 0, &mut out);
            }
        }
        out
    }

    fn add_components(
        &self,
        item: &str,
        quantity: Quantity,
        depth: u32,
        out: &mut HashMap<String, Quantity>,
    ) {
        match self.item(item).filter(|i| i.kind == "PACK" && depth < 8) {
            Some(pack) => {
                for c in &pack.components {
                    let per = c.quantity.thousandths() as i128 * quantity.thousandths() as i128;
                    let q = Quantity::from_thousandths((per / 1000) as i64);
                    self.add_components(&c.item, q, depth + 1, out);
                }
            }
            None => {
                let slot = out.entry(item.to_owned()).or_default();
                *slot = slot.saturating_add(quantity);
            }
        }
    }

    /// A fresh id shaped like a UUID, unique in this world.
    pub fn new_id(&mut self, kind: u16) -> String {
        self.next_id += 1;
        uuid_like(0x5A4D_B0C5 ^ u64::from(kind), self.next_id)
    }

    /// The family of an item as the API nests it.
    pub fn family_json(&self, id: &str) -> Value {
        match self.fixture_org.families.iter().find(|f| f.id == id) {
            Some(f) => json!({"id": f.id, "name": f.name, "active": f.active}),
            None => json!({"id": id, "name": "", "active": true}),
        }
    }

    /// An item in the API's read shape.
    pub fn item_json(&self, item: &FxItem) -> Value {
        json!({
            "id": item.id,
            "companyId": item.company_id,
            "name": item.name,
            "reference": item.reference,
            "barcodes": item.barcodes,
            "defaultPrice": item.default_price.map(Money::to_json_number),
            "type": item.kind,
            "family": item.family.as_deref().map(|f| self.family_json(f)),
            "description": item.description,
            "shortDescription": item.short_description,
            "images": item.images,
            "parentItem": item.parent_item,
            "declinations": item.declinations,
            "components": item.components.iter()
                .map(|c| json!({"item": c.item, "quantity": c.quantity.to_json_number()}))
                .collect::<Vec<_>>(),
            "attributes": item.attributes.iter()
                .map(|a| json!({"name": a.name, "value": a.value}))
                .collect::<Vec<_>>(),
            "unit": item.unit.as_ref()
                .map(|u| json!({"kind": u.kind, "symbol": u.symbol, "decimals": u.decimals})),
        })
    }
}

/// A deterministic UUID-looking id.
pub(crate) fn uuid_like(seed: u64, n: u64) -> String {
    let a = splitmix(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let b = splitmix(a ^ n);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        8 + (b >> 62) as u8,
        ((b >> 48) & 0xfff) as u16,
        b & 0xffff_ffff_ffff
    )
}

/// splitmix64: a tiny, well-mixed, deterministic generator step.
pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_fixture_loads_and_links_up() {
        let world = World::from_fixture(Fixture::demo());
        assert!(world.items.len() >= 15);
        for item in &world.items {
            for d in &item.declinations {
                assert!(world.item(d).is_some(), "declination {d} of {}", item.id);
            }
            for c in &item.components {
                assert!(
                    world.item(&c.item).is_some(),
                    "component {} of {}",
                    c.item,
                    item.id
                );
            }
        }
        assert!(world.fixture_org.pos.iter().any(|p| !p.order_management));
    }

    #[test]
    fn ids_look_like_uuids_and_do_not_repeat() {
        let a = uuid_like(1, 1);
        assert_eq!(a.len(), 36);
        assert_ne!(a, uuid_like(1, 2));
        assert_eq!(a, uuid_like(1, 1));
    }
}
