//! The Shopcaisse catalog as the planners read it: items by id, each with the role it plays in
//! WooCommerce (simple product, pack, variable product, variation, or nothing the shop can hold),
//! and each parent's declinations in a stable order. Built once from the list of items (the
//! catalog cache); an id listed twice (pages overlapping) keeps its first copy.

use crate::model::{Item, ItemId, ItemKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What an item becomes in WooCommerce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemRole {
    /// A simple product (weighed items included).
    Simple,
    /// A simple product whose stock follows its components.
    Pack,
    /// A variable product: the item has declinations.
    Parent,
    /// A variation of its parent's variable product.
    Declination,
    /// Nothing the shop can hold: an unknown item type, a pack with declinations, or a
    /// declination whose parent is not in the catalog.
    Unsupported,
}

/// The items, indexed. Positions are stable for the life of the value.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    items: Vec<Item>,
    by_id: HashMap<ItemId, u32>,
    roles: Vec<ItemRole>,
    declinations: HashMap<u32, Vec<u32>>,
    duplicates: usize,
}

impl Catalog {
    /// Indexes a list of items.
    pub fn new(items: Vec<Item>) -> Self {
        let mut by_id = HashMap::with_capacity(items.len());
        let mut kept = Vec::with_capacity(items.len());
        let mut duplicates = 0;
        for item in items {
            if by_id.contains_key(&item.id) {
                duplicates += 1;
                continue;
            }
            by_id.insert(item.id.clone(), kept.len() as u32);
            kept.push(item);
        }
        let items = kept;

        // A parent's declinations: those it lists, in its order, then any child pointing at it
        // that it forgot to list.
        let mut declinations: HashMap<u32, Vec<u32>> = HashMap::new();
        for (at, item) in items.iter().enumerate() {
            for child in &item.declinations {
                if let Some(&child_at) = by_id.get(child) {
                    if child_at as usize != at {
                        declinations.entry(at as u32).or_default().push(child_at);
                    }
                }
            }
        }
        for (at, item) in items.iter().enumerate() {
            if let Some(&parent_at) = item.parent.as_ref().and_then(|p| by_id.get(p)) {
                let list = declinations.entry(parent_at).or_default();
                if parent_at as usize != at && !list.contains(&(at as u32)) {
                    list.push(at as u32);
                }
            }
        }
        for list in declinations.values_mut() {
            let mut seen = std::collections::HashSet::with_capacity(list.len());
            list.retain(|at| seen.insert(*at));
        }

        let parent_role = |at: usize| -> ItemRole {
            let item = &items[at];
            match item.kind {
                ItemKind::Unsupported(_) | ItemKind::Pack => ItemRole::Unsupported,
                _ => ItemRole::Parent,
            }
        };
        let roles = items
            .iter()
            .enumerate()
            .map(|(at, item)| {
                if is_declination(item) {
                    let parent = item.parent.as_ref().and_then(|p| by_id.get(p)).copied();
                    return match parent {
                        Some(p)
                            if !is_declination(&items[p as usize])
                                && declinations.contains_key(&p)
                                && parent_role(p as usize) == ItemRole::Parent =>
                        {
                            ItemRole::Declination
                        }
                        _ => ItemRole::Unsupported,
                    };
                }
                if declinations.contains_key(&(at as u32)) || !item.declinations.is_empty() {
                    return parent_role(at);
                }
                match item.kind {
                    ItemKind::Simple => ItemRole::Simple,
                    ItemKind::Pack => ItemRole::Pack,
                    ItemKind::Variation | ItemKind::Unsupported(_) => ItemRole::Unsupported,
                }
            })
            .collect();
        Catalog {
            items,
            by_id,
            roles,
            declinations,
            duplicates,
        }
    }

    /// Every item, in catalog order (duplicates dropped).
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many repeated ids were dropped.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    pub fn get(&self, id: &ItemId) -> Option<&Item> {
        self.position(id).map(|at| &self.items[at as usize])
    }

    /// The role of an item, `None` when it is not in the catalog.
    pub fn role(&self, id: &ItemId) -> Option<ItemRole> {
        self.position(id).map(|at| self.roles[at as usize])
    }

    /// A parent's declinations, in the parent's order.
    pub fn declinations_of(&self, id: &ItemId) -> impl Iterator<Item = &Item> {
        self.position(id)
            .map(|at| self.declination_positions(at))
            .unwrap_or(&[])
            .iter()
            .map(|&at| &self.items[at as usize])
    }

    /// A declination's parent item.
    pub fn parent_of(&self, item: &Item) -> Option<&Item> {
        item.parent.as_ref().and_then(|p| self.get(p))
    }

    pub(crate) fn position(&self, id: &ItemId) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn at(&self, at: u32) -> &Item {
        &self.items[at as usize]
    }

    pub(crate) fn role_at(&self, at: u32) -> ItemRole {
        self.roles[at as usize]
    }

    pub(crate) fn declination_positions(&self, at: u32) -> &[u32] {
        self.declinations.get(&at).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn parent_position(&self, at: u32) -> Option<u32> {
        self.items[at as usize]
            .parent
            .as_ref()
            .and_then(|p| self.position(p))
    }
}

impl From<Vec<Item>> for Catalog {
    fn from(items: Vec<Item>) -> Self {
        Catalog::new(items)
    }
}

impl<'de> Deserialize<'de> for Catalog {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Item>::deserialize(d).map(Catalog::new)
    }
}

impl Serialize for Catalog {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

fn is_declination(item: &Item) -> bool {
    item.parent.is_some() || item.kind == ItemKind::Variation
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Small item builders shared by the planners' unit tests.
    use crate::model::*;

    pub fn id(raw: &str) -> ItemId {
        ItemId::parse(raw).unwrap()
    }

    pub fn simple(raw_id: &str, reference: &str, price_cents: i64) -> Item {
        Item {
            reference: (!reference.is_empty()).then(|| reference.to_owned()),
            default_price: Some(Money::from_cents(price_cents)),
            ..Item::new(id(raw_id), format!("Item {raw_id}"))
        }
    }

    pub fn parent(raw_id: &str, reference: &str, children: &[&str]) -> Item {
        Item {
            declinations: children.iter().map(|c| id(c)).collect(),
            ..simple(raw_id, reference, 1000)
        }
    }

    pub fn declination(raw_id: &str, parent: &str, reference: &str, size: &str) -> Item {
        Item {
            kind: ItemKind::Variation,
            parent: Some(id(parent)),
            attributes: vec![Attribute {
                name: "Taille".into(),
                value: size.into(),
            }],
            ..simple(raw_id, reference, 1000)
        }
    }

    pub fn pack(raw_id: &str, components: &[(&str, i64)]) -> Item {
        Item {
            kind: ItemKind::Pack,
            components: components
                .iter()
                .map(|(c, q)| PackComponent {
                    item: id(c),
                    quantity: Quantity::pieces(*q),
                })
                .collect(),
            ..simple(raw_id, "", 1000)
        }
    }

    pub fn weighed(raw_id: &str, decimals: u8) -> Item {
        Item {
            unit: Some(Unit {
                kind: UnitKind::Weight,
                symbol: "kg".into(),
                decimals,
            }),
            ..simple(raw_id, "", 1299)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn gives_each_item_its_role() {
        let mut odd = simple("odd", "", 100);
        odd.kind = ItemKind::Unsupported("SERVICE".into());
        let catalog = Catalog::new(vec![
            simple("s", "S", 100),
            pack("p", &[("s", 2)]),
            parent("t", "T", &["t-m"]),
            declination("t-m", "t", "T-M", "M"),
            declination("lost", "nobody", "L", "L"),
            odd,
        ]);
        let role = |raw: &str| catalog.role(&id(raw)).unwrap();
        assert_eq!(role("s"), ItemRole::Simple);
        assert_eq!(role("p"), ItemRole::Pack);
        assert_eq!(role("t"), ItemRole::Parent);
        assert_eq!(role("t-m"), ItemRole::Declination);
        assert_eq!(role("lost"), ItemRole::Unsupported);
        assert_eq!(role("odd"), ItemRole::Unsupported);
    }

    #[test]
    fn finds_declinations_listed_or_pointing_at_their_parent() {
        let catalog = Catalog::new(vec![
            parent("t", "T", &["t-s"]),
            declination("t-m", "t", "T-M", "M"),
            declination("t-s", "t", "T-S", "S"),
            simple("t", "dup", 1),
        ]);
        let names: Vec<_> = catalog
            .declinations_of(&id("t"))
            .map(|i| i.id.as_str().to_owned())
            .collect();
        assert_eq!(names, ["t-s", "t-m"]);
        assert_eq!(catalog.duplicates(), 1);
        assert_eq!(catalog.len(), 3);
    }
}
