//! The shop as PHP describes it: a snapshot of WooCommerce products ([`ShopProduct`]), indexed once
//! by id and by matching key ([`ShopIndex`]), and the links already made between Shopcaisse items
//! and those products ([`Links`]). Both are built from plain lists (what PHP sends as JSON) and
//! checked on the way in: a malformed snapshot is an [`ErrorKind::InvalidInput`](crate::ErrorKind)
//! error, never a silently wrong plan.
//!
//! Products fall into three pools that never match across: plain products (simple and other
//! types) take plain Shopcaisse items and packs, variable products take items with declinations,
//! variations take declinations.

use crate::model::keys::{barcode_key, name_key, name_tokens, reference_key};
use crate::model::{Attribute, ItemId};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The WooCommerce product type, as far as the sync cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShopKind {
    Simple,
    Variable,
    Variation,
    /// Grouped, external, bundles of other plugins…: matched like simple products.
    #[serde(other)]
    Other,
}

/// One WooCommerce product or variation, as PHP reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopProduct {
    /// The WooCommerce post id (product or variation).
    pub id: i64,
    /// The variable product of a variation.
    #[serde(default)]
    pub parent_id: Option<i64>,
    pub kind: ShopKind,
    #[serde(default)]
    pub sku: Option<String>,
    /// The GTIN/EAN field (WooCommerce's `global_unique_id` or a plugin's meta).
    #[serde(default, alias = "gtin")]
    pub barcode: Option<String>,
    #[serde(default)]
    pub name: String,
    /// A variation's attribute values ("Taille" = "M").
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// Whether customers can buy it now (purchasable), not "discounted".
    #[serde(default)]
    pub on_sale: bool,
    #[serde(default)]
    pub published: bool,
}

/// The three families of products that match only among themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Pool {
    /// Simple (and other) products ↔ plain items and packs.
    Plain,
    /// Variable products ↔ items with declinations.
    Parent,
    /// Variations ↔ declinations.
    Declination,
}

impl Pool {
    fn of(kind: ShopKind) -> Pool {
        match kind {
            ShopKind::Simple | ShopKind::Other => Pool::Plain,
            ShopKind::Variable => Pool::Parent,
            ShopKind::Variation => Pool::Declination,
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Product positions (in the index) sharing one key. Nearly every key has exactly one, held
/// without an allocation of its own: at 100 000 products this halves the index.
#[derive(Debug, Clone)]
pub(crate) enum Postings {
    One(u32),
    Many(Vec<u32>),
}

impl Postings {
    fn push(&mut self, at: u32) {
        match self {
            Postings::One(first) => *self = Postings::Many(vec![*first, at]),
            Postings::Many(all) => all.push(at),
        }
    }

    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            Postings::One(at) => std::slice::from_ref(at),
            Postings::Many(all) => all,
        }
    }
}

/// Normalised key → products carrying it.
pub(crate) type KeyMap = HashMap<Box<str>, Postings>;

fn post(map: &mut KeyMap, key: String, at: u32) {
    match map.get_mut(key.as_str()) {
        Some(postings) => postings.push(at),
        None => {
            map.insert(key.into_boxed_str(), Postings::One(at));
        }
    }
}

#[derive(Debug, Default, Clone)]
pub(crate) struct PoolKeys {
    pub(crate) reference: KeyMap,
    pub(crate) barcode: KeyMap,
}

/// Names and name words → products, built on the first suggestion only (matching never needs
/// them, so a matching run does not pay for them).
#[derive(Debug, Default)]
pub(crate) struct TokenIndex {
    pub(crate) names: KeyMap,
    pub(crate) postings: KeyMap,
    pub(crate) counts: Vec<u16>,
}

/// The shop's products, indexed by id, by normalised reference and barcode (per pool), and
/// variations by parent; by name on the first suggestion. Build it once per run; lookups are
/// hash lookups. It reads straight from PHP's list of products.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Vec<ShopProduct>")]
pub struct ShopIndex {
    products: Vec<ShopProduct>,
    by_id: HashMap<i64, u32>,
    keys: [PoolKeys; 3],
    children: HashMap<i64, Vec<u32>>,
    tokens: OnceLock<TokenIndex>,
}

impl ShopIndex {
    /// Indexes a snapshot. Refuses ids that are not positive, an id given twice, and a variation
    /// without its parent id: each means PHP sent something other than WooCommerce's products.
    pub fn new(products: Vec<ShopProduct>) -> Result<Self> {
        let mut by_id = HashMap::with_capacity(products.len());
        let mut keys: [PoolKeys; 3] = Default::default();
        let mut children: HashMap<i64, Vec<u32>> = HashMap::new();
        for (at, product) in products.iter().enumerate() {
            let at = u32::try_from(at)
                .map_err(|_| Error::invalid_input("more products than the index can hold"))?;
            if product.id <= 0 {
                return Err(Error::invalid_input(format!(
                    "shop product id {} is not a WooCommerce id",
                    product.id
                )));
            }
            if by_id.insert(product.id, at).is_some() {
                return Err(Error::invalid_input(format!(
                    "shop product {} is listed twice",
                    product.id
                )));
            }
            let pool = Pool::of(product.kind);
            if pool == Pool::Declination {
                let parent = product.parent_id.filter(|p| *p > 0).ok_or_else(|| {
                    Error::invalid_input(format!("variation {} has no parent id", product.id))
                })?;
                children.entry(parent).or_default().push(at);
            }
            let slot = &mut keys[pool.slot()];
            if let Some(key) = product.sku.as_deref().and_then(reference_key) {
                post(&mut slot.reference, key, at);
            }
            if let Some(key) = product.barcode.as_deref().and_then(barcode_key) {
                post(&mut slot.barcode, key, at);
            }
        }
        Ok(ShopIndex {
            products,
            by_id,
            keys,
            children,
            tokens: OnceLock::new(),
        })
    }

    /// How many products and variations the snapshot holds.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// Every product, in the order PHP sent them.
    pub fn products(&self) -> &[ShopProduct] {
        &self.products
    }

    /// A product by WooCommerce id.
    pub fn get(&self, wc_id: i64) -> Option<&ShopProduct> {
        self.position(wc_id).map(|at| self.at(at))
    }

    /// The variations of a variable product.
    pub fn variations_of(&self, parent: i64) -> impl Iterator<Item = &ShopProduct> {
        self.children_at(parent).iter().map(|&at| self.at(at))
    }

    /// Products (any kind) whose SKU has this reference's key.
    pub fn by_reference(&self, raw: &str) -> Vec<&ShopProduct> {
        let Some(key) = reference_key(raw) else {
            return Vec::new();
        };
        self.collect(|keys| keys.reference.get(key.as_str()))
    }

    /// Products (any kind) whose barcode has this barcode's key.
    pub fn by_barcode(&self, raw: &str) -> Vec<&ShopProduct> {
        let Some(key) = barcode_key(raw) else {
            return Vec::new();
        };
        self.collect(|keys| keys.barcode.get(key.as_str()))
    }

    fn collect<'a>(
        &'a self,
        pick: impl Fn(&'a PoolKeys) -> Option<&'a Postings>,
    ) -> Vec<&'a ShopProduct> {
        let mut found: Vec<u32> = self
            .keys
            .iter()
            .filter_map(&pick)
            .flat_map(Postings::as_slice)
            .copied()
            .collect();
        found.sort_unstable();
        found.into_iter().map(|at| self.at(at)).collect()
    }

    pub(crate) fn at(&self, at: u32) -> &ShopProduct {
        &self.products[at as usize]
    }

    pub(crate) fn position(&self, wc_id: i64) -> Option<u32> {
        self.by_id.get(&wc_id).copied()
    }

    pub(crate) fn pool_of(&self, at: u32) -> Pool {
        Pool::of(self.at(at).kind)
    }

    pub(crate) fn keys(&self, pool: Pool) -> &PoolKeys {
        &self.keys[pool.slot()]
    }

    pub(crate) fn children_at(&self, parent: i64) -> &[u32] {
        self.children.get(&parent).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn tokens(&self) -> &TokenIndex {
        self.tokens.get_or_init(|| {
            let mut index = TokenIndex {
                names: KeyMap::new(),
                postings: KeyMap::new(),
                counts: Vec::with_capacity(self.products.len()),
            };
            for (at, product) in self.products.iter().enumerate() {
                if let Some(key) = name_key(&product.name) {
                    post(&mut index.names, key, at as u32);
                }
                let tokens = name_tokens(&product.name);
                index
                    .counts
                    .push(tokens.len().min(u16::MAX as usize) as u16);
                for token in tokens {
                    post(&mut index.postings, token, at as u32);
                }
            }
            index
        })
    }
}

impl TryFrom<Vec<ShopProduct>> for ShopIndex {
    type Error = Error;
    fn try_from(products: Vec<ShopProduct>) -> Result<Self> {
        ShopIndex::new(products)
    }
}

/// One link: this Shopcaisse item is this WooCommerce product or variation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub item: ItemId,
    pub wc_id: i64,
}

/// The links already made, both ways. A link is one item to one product: a list where an item
/// or a product appears twice with different partners is refused, since a stock or an order
/// would then go to a product chosen by chance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Link>", into = "Vec<Link>")]
pub struct Links {
    by_item: HashMap<ItemId, i64>,
    by_wc: HashMap<i64, ItemId>,
}

impl Links {
    /// Builds the two-way map; the same link given twice is fine.
    pub fn new(links: impl IntoIterator<Item = Link>) -> Result<Self> {
        let links = links.into_iter();
        let mut by_item = HashMap::with_capacity(links.size_hint().0);
        let mut by_wc = HashMap::with_capacity(links.size_hint().0);
        for Link { item, wc_id } in links {
            if wc_id <= 0 {
                return Err(Error::invalid_input(format!(
                    "link of item {item} to {wc_id}: not a WooCommerce id"
                )));
            }
            if let Some(other) = by_wc.get(&wc_id) {
                if *other != item {
                    return Err(Error::invalid_input(format!(
                        "product {wc_id} is linked to two items ({other} and {item})"
                    )));
                }
                continue;
            }
            if let Some(other) = by_item.get(&item) {
                return Err(Error::invalid_input(format!(
                    "item {item} is linked to two products ({other} and {wc_id})"
                )));
            }
            by_wc.insert(wc_id, item.clone());
            by_item.insert(item, wc_id);
        }
        Ok(Links { by_item, by_wc })
    }

    /// The product an item is linked to.
    pub fn wc_of(&self, item: &ItemId) -> Option<i64> {
        self.by_item.get(item).copied()
    }

    /// The item a product is linked to.
    pub fn item_of(&self, wc_id: i64) -> Option<&ItemId> {
        self.by_wc.get(&wc_id)
    }

    pub fn len(&self) -> usize {
        self.by_item.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_item.is_empty()
    }

    /// Every link as (item, product), borrowed, in no particular order.
    pub fn pairs(&self) -> impl Iterator<Item = (&ItemId, i64)> + '_ {
        self.by_item.iter().map(|(item, &wc_id)| (item, wc_id))
    }

    /// Every link, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = Link> + '_ {
        self.by_item.iter().map(|(item, &wc_id)| Link {
            item: item.clone(),
            wc_id,
        })
    }
}

impl TryFrom<Vec<Link>> for Links {
    type Error = Error;
    fn try_from(links: Vec<Link>) -> Result<Self> {
        Links::new(links)
    }
}

impl From<Links> for Vec<Link> {
    fn from(links: Links) -> Vec<Link> {
        let mut list: Vec<Link> = links.iter().collect();
        list.sort();
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64, kind: ShopKind, sku: &str) -> ShopProduct {
        ShopProduct {
            id,
            parent_id: None,
            kind,
            sku: Some(sku.into()),
            barcode: None,
            name: format!("Product {id}"),
            attributes: Vec::new(),
            on_sale: true,
            published: true,
        }
    }

    fn item(id: &str) -> ItemId {
        ItemId::parse(id).unwrap()
    }

    #[test]
    fn looks_products_up_by_normalised_keys() {
        let mut variation = product(3, ShopKind::Variation, "adm-plt-m");
        variation.parent_id = Some(2);
        let index = ShopIndex::new(vec![
            product(1, ShopKind::Simple, " adm plt"),
            product(2, ShopKind::Variable, "ADM-TEE"),
            variation,
        ])
        .unwrap();
        assert_eq!(index.by_reference("ADMPLT")[0].id, 1);
        assert_eq!(index.by_reference("adm-tee")[0].id, 2);
        assert_eq!(
            index.variations_of(2).map(|p| p.id).collect::<Vec<_>>(),
            [3]
        );
        assert!(index.by_reference("   ").is_empty());
    }

    #[test]
    fn refuses_duplicate_ids_and_orphan_variations() {
        let twice = vec![
            product(1, ShopKind::Simple, "A"),
            product(1, ShopKind::Simple, "B"),
        ];
        assert_eq!(
            ShopIndex::new(twice).unwrap_err().kind(),
            crate::ErrorKind::InvalidInput
        );
        let orphan = vec![product(4, ShopKind::Variation, "A")];
        assert!(ShopIndex::new(orphan).is_err());
    }

    #[test]
    fn reads_php_arrays_with_unknown_kinds_and_missing_fields() {
        let json = r#"[{"id": 7, "kind": "grouped", "name": "Lot", "gtin": "376"}]"#;
        let products: Vec<ShopProduct> = serde_json::from_str(json).unwrap();
        assert_eq!(products[0].kind, ShopKind::Other);
        assert_eq!(products[0].barcode.as_deref(), Some("376"));
    }

    #[test]
    fn an_index_reads_from_a_list_and_refuses_a_bad_one() {
        let index: ShopIndex =
            serde_json::from_str(r#"[{"id": 1, "kind": "simple", "sku": "A"}]"#).unwrap();
        assert_eq!(index.by_reference("a")[0].id, 1);
        assert!(serde_json::from_str::<ShopIndex>(r#"[{"id": 0, "kind": "simple"}]"#).is_err());
    }

    #[test]
    fn links_are_one_to_one() {
        let a = Link {
            item: item("a"),
            wc_id: 1,
        };
        let links = Links::new([a.clone(), a.clone()]).unwrap();
        assert_eq!(links.wc_of(&item("a")), Some(1));
        assert_eq!(links.item_of(1), Some(&item("a")));
        let b_same_product = Link {
            item: item("b"),
            wc_id: 1,
        };
        assert!(Links::new([a.clone(), b_same_product]).is_err());
        let a_other_product = Link {
            item: item("a"),
            wc_id: 2,
        };
        assert!(Links::new([a, a_other_product]).is_err());
    }

    #[test]
    fn links_travel_as_a_list() {
        let links: Links = serde_json::from_str(r#"[{"item": "a", "wc_id": 5}]"#).unwrap();
        assert_eq!(links.wc_of(&item("a")), Some(5));
        assert_eq!(
            serde_json::to_string(&links).unwrap(),
            r#"[{"item":"a","wc_id":5}]"#
        );
    }
}
