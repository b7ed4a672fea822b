//! Matching: which Shopcaisse item is which WooCommerce product, decided from keys only.
//!
//! [`match_items`] applies the configured [`MatchMethod`] to every item not linked yet and
//! returns a [`MatchPlan`]: links to make, products to create (forced method), conflicts, and
//! what stays unmatched. The rules, in the order they apply:
//!
//! - Keys are normalised ([`crate::model::keys`]); an empty key matches nothing.
//! - Items and products only match within their pool: plain items and packs with simple
//!   products, items with declinations with variable products, declinations with variations.
//! - A key carried by more than one product, or by more than one item, links nothing: it is
//!   reported as a [`Conflict`] listing both sides, for a person to settle. Already-linked items
//!   and products count when deciding whether a key is shared, but are never matched again.
//! - An item whose key is in conflict does not fall through to the next key (forced method):
//!   the ambiguity needs a person, and a second key could just as well hide the same mistake.
//! - Declinations match variations by the method's keys, then by attribute values within their
//!   parent's product. A declination may only link to a variation of the product its parent is
//!   (or is being) linked to; an unlinked parent whose matched declinations all sit in one
//!   unlinked variable product is linked to it ([`MatchedBy::Declinations`]).
//!
//! [`suggest`] ranks candidate products for one item for the "Matching" column: same reference,
//! same barcode, same attributes, same or similar name. Both are hash lookups: a run over 100 000
//! items and products takes a fraction of a second.

use super::catalog::{Catalog, ItemRole};
use super::shop::{KeyMap, Link, Links, Pool, PoolKeys, ShopIndex, TokenIndex};
use crate::model::keys::{attributes_key, barcode_key, name_key, name_tokens, reference_key};
use crate::model::{Item, ItemId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How items find their products (setting "méthode d'association").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// Same reference (SKU).
    #[default]
    Reference,
    /// Same barcode (GTIN/EAN).
    Barcode,
    /// Nothing automatic: only links made by hand.
    ManualOnly,
    /// Reference, then barcode; an item matching nothing is created, known by its Shopcaisse id.
    Forced,
}

impl MatchMethod {
    fn keys(self) -> &'static [KeyKind] {
        match self {
            MatchMethod::Reference => &[KeyKind::Reference],
            MatchMethod::Barcode => &[KeyKind::Barcode],
            MatchMethod::ManualOnly => &[],
            MatchMethod::Forced => &[KeyKind::Reference, KeyKind::Barcode],
        }
    }
}

/// What made a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Reference,
    Barcode,
    /// A declination's attribute values equal a variation's, within the same parent.
    Attributes,
    /// A parent item and a variable product whose declinations and variations matched.
    Declinations,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Reference,
    Barcode,
}

impl KeyKind {
    fn by(self) -> MatchedBy {
        match self {
            KeyKind::Reference => MatchedBy::Reference,
            KeyKind::Barcode => MatchedBy::Barcode,
        }
    }
}

/// A link the plan proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedLink {
    pub item: ItemId,
    pub wc_id: i64,
    pub by: MatchedBy,
}

/// A key that points at several products or several items: nothing linked, a person decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub by: MatchedBy,
    /// The normalised key ("ADM-PLT", "3760000000001", "taille=m"), or the parent item's id for
    /// [`MatchedBy::Declinations`]. Several keys of one item are joined with " | ".
    pub key: String,
    pub items: Vec<ItemId>,
    pub products: Vec<i64>,
}

/// A product to create (forced method): a whole product, or a variation under a linked parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedCreation {
    pub item: ItemId,
    /// The variable product to add the variation to; `None` for a product of its own.
    pub parent_wc_id: Option<i64>,
}

/// Figures for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchCounts {
    pub items: usize,
    pub already_linked: usize,
    pub links: usize,
    pub to_create: usize,
    /// Items held back by a conflict.
    pub conflicted_items: usize,
    pub unmatched: usize,
    pub unsupported: usize,
}

/// The outcome of matching: nothing here is applied yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchPlan {
    pub method: MatchMethod,
    pub links: Vec<ProposedLink>,
    /// Forced method only.
    pub create: Vec<PlannedCreation>,
    pub conflicts: Vec<Conflict>,
    /// Items left without a product (not in conflict, not created).
    pub unmatched_items: Vec<ItemId>,
    /// Items the shop cannot hold (unknown type, orphan declination, pack with declinations).
    pub unsupported_items: Vec<ItemId>,
    /// Existing links whose product is not in the snapshot (deleted in WooCommerce?).
    /// Meaningful when the snapshot holds every product.
    pub links_to_missing_products: Vec<Link>,
    /// Products customers can buy that are linked to nothing, even after this plan: orders
    /// containing them cannot reach the POS correctly.
    pub unlinked_on_sale: Vec<i64>,
    pub counts: MatchCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not matched at all (unsupported).
    Skip,
    Linked(i64),
    Open,
    Proposed(u32, MatchedBy),
    Conflicted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PoolTag {
    Plain,
    Parent,
    Declination,
}

impl From<Pool> for PoolTag {
    fn from(pool: Pool) -> Self {
        match pool {
            Pool::Plain => PoolTag::Plain,
            Pool::Parent => PoolTag::Parent,
            Pool::Declination => PoolTag::Declination,
        }
    }
}

/// Conflicts gathered by (pool, by, scope, key); the scope separates attribute keys of
/// different parents.
type ConflictKey = (PoolTag, MatchedBy, i64, String);

/// The items holding one key: most keys have one, held without an allocation.
struct Holders {
    first: u32,
    more: Vec<u32>,
}

#[derive(Default)]
struct ConflictSides {
    items: BTreeSet<u32>,
    products: BTreeSet<u32>,
}

fn item_pool(role: ItemRole) -> Option<Pool> {
    match role {
        ItemRole::Simple | ItemRole::Pack => Some(Pool::Plain),
        ItemRole::Parent => Some(Pool::Parent),
        ItemRole::Declination => Some(Pool::Declination),
        ItemRole::Unsupported => None,
    }
}

fn item_keys(item: &Item, kind: KeyKind) -> Vec<String> {
    match kind {
        KeyKind::Reference => item
            .reference
            .as_deref()
            .and_then(reference_key)
            .into_iter()
            .collect(),
        KeyKind::Barcode => {
            let mut keys: Vec<String> = item
                .barcodes
                .iter()
                .filter_map(|b| barcode_key(b))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        }
    }
}

fn item_attributes_key(item: &Item) -> Option<String> {
    attributes_key(
        item.attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str())),
    )
}

struct Matcher<'a> {
    catalog: &'a Catalog,
    index: &'a ShopIndex,
    state: Vec<State>,
    taken: Vec<bool>,
    conflicts: BTreeMap<ConflictKey, ConflictSides>,
    /// The key a declination was tentatively matched by, for the conflict report.
    used_key: HashMap<u32, String>,
}

impl<'a> Matcher<'a> {
    fn new(catalog: &'a Catalog, index: &'a ShopIndex, links: &Links) -> Self {
        let state = catalog
            .items()
            .iter()
            .enumerate()
            .map(|(at, item)| {
                if catalog.role_at(at as u32) == ItemRole::Unsupported {
                    State::Skip
                } else if let Some(wc) = links.wc_of(&item.id) {
                    State::Linked(wc)
                } else {
                    State::Open
                }
            })
            .collect();
        let taken = index
            .products()
            .iter()
            .map(|p| links.item_of(p.id).is_some())
            .collect();
        Matcher {
            catalog,
            index,
            state,
            taken,
            conflicts: BTreeMap::new(),
            used_key: HashMap::new(),
        }
    }

    fn positions_in(&self, pool: Pool) -> impl Iterator<Item = u32> + '_ {
        (0..self.state.len() as u32).filter(move |&at| {
            self.state[at as usize] != State::Skip
                && item_pool(self.catalog.role_at(at)) == Some(pool)
        })
    }

    fn conflict(
        &mut self,
        pool: Pool,
        by: MatchedBy,
        scope: i64,
        key: &str,
        items: &[u32],
        products: &[u32],
    ) {
        let sides = self
            .conflicts
            .entry((pool.into(), by, scope, key.to_owned()))
            .or_default();
        sides.items.extend(items);
        sides.products.extend(products);
    }

    /// One key kind over one pool: unique key on both sides and a free product → proposed.
    ///
    /// Two passes over the items: the first counts who holds each key some product carries, the
    /// second decides item by item, computing its keys again rather than keeping them all (at
    /// 100 000 items, keeping them costs more memory than recomputing costs time).
    fn key_stage(&mut self, pool: Pool, kind: KeyKind) {
        let index = self.index;
        let product_keys = match kind {
            KeyKind::Reference => &index.keys(pool).reference,
            KeyKind::Barcode => &index.keys(pool).barcode,
        };
        if product_keys.is_empty() {
            return;
        }
        // A key is known by the first product carrying it: no key text is kept between passes.
        let mut holders: HashMap<u32, Holders> = HashMap::new();
        for at in self.positions_in(pool) {
            for key in item_keys(self.catalog.at(at), kind) {
                let Some(products) = product_keys.get(key.as_str()) else {
                    continue;
                };
                holders
                    .entry(products.as_slice()[0])
                    .and_modify(|found| found.more.push(at))
                    .or_insert(Holders {
                        first: at,
                        more: Vec::new(),
                    });
            }
        }
        if holders.is_empty() {
            return;
        }
        let by = kind.by();
        let open: Vec<u32> = self
            .positions_in(pool)
            .filter(|&at| self.state[at as usize] == State::Open)
            .collect();
        for at in open {
            let mut keys = item_keys(self.catalog.at(at), kind);
            keys.retain(|k| product_keys.contains_key(k.as_str()));
            if !keys.is_empty() {
                self.decide(pool, by, at, &keys, product_keys, &holders);
            }
        }
    }

    fn decide(
        &mut self,
        pool: Pool,
        by: MatchedBy,
        at: u32,
        keys: &[String],
        product_keys: &KeyMap,
        holders: &HashMap<u32, Holders>,
    ) {
        let mut candidate: Option<(u32, &str)> = None;
        let mut conflicted = false;
        for key in keys {
            let products = product_keys[key.as_str()].as_slice();
            let items = &holders[&products[0]];
            if products.len() > 1 || !items.more.is_empty() {
                if products.iter().any(|&p| !self.taken[p as usize]) {
                    let all: Vec<u32> = std::iter::once(items.first)
                        .chain(items.more.iter().copied())
                        .collect();
                    self.conflict(pool, by, 0, key, &all, products);
                    conflicted = true;
                }
                continue;
            }
            let product = products[0];
            if self.taken[product as usize] {
                continue;
            }
            match candidate {
                None => candidate = Some((product, key)),
                Some((same, _)) if same == product => {}
                Some((other, other_key)) => {
                    let joined = format!("{other_key} | {key}");
                    self.conflict(pool, by, 0, &joined, &[at], &[other, product]);
                    conflicted = true;
                }
            }
        }
        if conflicted {
            self.state[at as usize] = State::Conflicted;
        } else if let Some((product, key)) = candidate {
            self.state[at as usize] = State::Proposed(product, by);
            self.taken[product as usize] = true;
            if pool == Pool::Declination {
                self.used_key.insert(at, key.to_owned());
            }
        }
    }

    fn drop_proposal(&mut self, at: u32, to: State) {
        if let State::Proposed(product, _) = self.state[at as usize] {
            self.taken[product as usize] = false;
        }
        self.state[at as usize] = to;
    }

    /// Declinations: keep only matches inside the parent's product, infer the parent's product
    /// from its declinations' matches, then match the rest by attributes.
    fn settle_declinations(&mut self, by_attributes: bool) {
        let parents: Vec<u32> = self.positions_in(Pool::Parent).collect();
        for parent in parents {
            let declinations = self.catalog.declination_positions(parent);
            let wc = match self.state[parent as usize] {
                State::Linked(wc) => Some(wc),
                State::Proposed(product, _) => Some(self.index.at(product).id),
                State::Open => self.infer_parent(parent, declinations),
                State::Conflicted | State::Skip => None,
            };
            let Some(wc) = wc else {
                for &d in declinations {
                    if matches!(self.state[d as usize], State::Proposed(..)) {
                        self.drop_proposal(d, State::Open);
                    }
                }
                continue;
            };
            for &d in declinations {
                if let State::Proposed(product, by) = self.state[d as usize] {
                    if self.index.at(product).parent_id != Some(wc) {
                        let key = self.used_key.get(&d).cloned().unwrap_or_default();
                        self.drop_proposal(d, State::Conflicted);
                        self.conflict(Pool::Declination, by, 0, &key, &[d], &[product]);
                    }
                }
            }
            if by_attributes {
                self.attribute_stage(wc, declinations);
            }
        }
    }

    fn infer_parent(&mut self, parent: u32, declinations: &[u32]) -> Option<i64> {
        let wanted: BTreeSet<i64> = declinations
            .iter()
            .filter_map(|&d| match self.state[d as usize] {
                State::Proposed(product, _) => self.index.at(product).parent_id,
                _ => None,
            })
            .collect();
        if wanted.is_empty() {
            return None;
        }
        if wanted.len() == 1 {
            let wc = *wanted.first().expect("one parent");
            if let Some(at) = self.index.position(wc) {
                if self.index.pool_of(at) == Pool::Parent && !self.taken[at as usize] {
                    self.state[parent as usize] = State::Proposed(at, MatchedBy::Declinations);
                    self.taken[at as usize] = true;
                    return Some(wc);
                }
            }
        }
        let products: Vec<u32> = wanted
            .iter()
            .filter_map(|&wc| self.index.position(wc))
            .collect();
        let key = self.catalog.at(parent).id.to_string();
        self.conflict(
            Pool::Parent,
            MatchedBy::Declinations,
            0,
            &key,
            &[parent],
            &products,
        );
        self.state[parent as usize] = State::Conflicted;
        None
    }

    fn attribute_stage(&mut self, wc: i64, declinations: &[u32]) {
        let index = self.index;
        let mut variations: HashMap<String, Vec<u32>> = HashMap::new();
        for &v in index.children_at(wc) {
            if let Some(key) = attributes_key(
                index
                    .at(v)
                    .attributes
                    .iter()
                    .map(|a| (a.name.as_str(), a.value.as_str())),
            ) {
                variations.entry(key).or_default().push(v);
            }
        }
        if variations.is_empty() {
            return;
        }
        let mut items: HashMap<String, Vec<u32>> = HashMap::new();
        let mut open: Vec<(u32, String)> = Vec::new();
        for &d in declinations {
            if self.state[d as usize] == State::Skip {
                continue;
            }
            if let Some(key) = item_attributes_key(self.catalog.at(d)) {
                items.entry(key.clone()).or_default().push(d);
                if self.state[d as usize] == State::Open {
                    open.push((d, key));
                }
            }
        }
        for (d, key) in open {
            let Some(products) = variations.get(&key) else {
                continue;
            };
            let same_items = &items[&key];
            if products.len() > 1 || same_items.len() > 1 {
                if products.iter().any(|&p| !self.taken[p as usize]) {
                    let (products, same_items) = (products.clone(), same_items.clone());
                    self.conflict(
                        Pool::Declination,
                        MatchedBy::Attributes,
                        wc,
                        &key,
                        &same_items,
                        &products,
                    );
                    self.state[d as usize] = State::Conflicted;
                }
                continue;
            }
            let product = products[0];
            if !self.taken[product as usize] {
                self.state[d as usize] = State::Proposed(product, MatchedBy::Attributes);
                self.taken[product as usize] = true;
            }
        }
    }

    fn into_plan(self, method: MatchMethod, links: &Links) -> MatchPlan {
        let Matcher {
            catalog,
            index,
            state,
            taken,
            conflicts,
            ..
        } = self;
        let mut plan = MatchPlan {
            method,
            links: Vec::new(),
            create: Vec::new(),
            conflicts: Vec::new(),
            unmatched_items: Vec::new(),
            unsupported_items: Vec::new(),
            links_to_missing_products: Vec::new(),
            unlinked_on_sale: Vec::new(),
            counts: MatchCounts {
                items: catalog.len(),
                ..MatchCounts::default()
            },
        };
        let parent_wc = |at: u32| match catalog.parent_position(at).map(|p| state[p as usize]) {
            Some(State::Linked(wc)) => Some(Some(wc)),
            Some(State::Proposed(product, _)) => Some(Some(index.at(product).id)),
            // The parent is created whole, declinations included.
            Some(State::Open) => Some(None),
            _ => None,
        };
        for (at, item) in catalog.items().iter().enumerate() {
            match state[at] {
                State::Skip => plan.unsupported_items.push(item.id.clone()),
                State::Linked(_) => plan.counts.already_linked += 1,
                State::Proposed(product, by) => plan.links.push(ProposedLink {
                    item: item.id.clone(),
                    wc_id: index.at(product).id,
                    by,
                }),
                State::Conflicted => plan.counts.conflicted_items += 1,
                State::Open if method == MatchMethod::Forced => {
                    if catalog.role_at(at as u32) != ItemRole::Declination {
                        plan.create.push(PlannedCreation {
                            item: item.id.clone(),
                            parent_wc_id: None,
                        });
                    } else {
                        match parent_wc(at as u32) {
                            Some(Some(wc)) => plan.create.push(PlannedCreation {
                                item: item.id.clone(),
                                parent_wc_id: Some(wc),
                            }),
                            Some(None) => {}
                            None => plan.unmatched_items.push(item.id.clone()),
                        }
                    }
                }
                State::Open => plan.unmatched_items.push(item.id.clone()),
            }
        }
        plan.conflicts = conflicts
            .into_iter()
            .map(|((_, by, _, key), sides)| Conflict {
                by,
                key,
                items: sides
                    .items
                    .into_iter()
                    .map(|at| catalog.at(at).id.clone())
                    .collect(),
                products: {
                    let mut ids: Vec<i64> =
                        sides.products.into_iter().map(|p| index.at(p).id).collect();
                    ids.sort_unstable();
                    ids
                },
            })
            .collect();
        plan.links_to_missing_products = links
            .iter()
            .filter(|link| index.position(link.wc_id).is_none())
            .collect();
        plan.links_to_missing_products.sort();
        plan.unlinked_on_sale = index
            .products()
            .iter()
            .zip(&taken)
            .filter(|(product, taken)| product.on_sale && !**taken)
            .map(|(product, _)| product.id)
            .collect();
        plan.counts.links = plan.links.len();
        plan.counts.to_create = plan.create.len();
        plan.counts.unmatched = plan.unmatched_items.len();
        plan.counts.unsupported = plan.unsupported_items.len();
        plan
    }
}

/// Matches every item of the catalog not linked yet to the shop's products by `method`.
pub fn match_items(
    catalog: &Catalog,
    index: &ShopIndex,
    links: &Links,
    method: MatchMethod,
) -> MatchPlan {
    let mut matcher = Matcher::new(catalog, index, links);
    for &kind in method.keys() {
        matcher.key_stage(Pool::Plain, kind);
        matcher.key_stage(Pool::Parent, kind);
    }
    for &kind in method.keys() {
        matcher.key_stage(Pool::Declination, kind);
    }
    matcher.settle_declinations(method != MatchMethod::ManualOnly);
    matcher.into_plan(method, links)
}

/// Why a product is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionReason {
    SameReference,
    SameBarcode,
    SameAttributes,
    SameName,
    SimilarName,
}

/// A product proposed for an item, best first. Scores: same reference 100, same barcode 95,
/// same attributes in the parent's product 90, same name 80, similar name 55 to 79 (share of
/// common words, at least half).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub wc_id: i64,
    pub why: SuggestionReason,
    pub score: u8,
}

/// A word carried by more products than this says nothing about which one is meant, and would
/// make one suggestion cost a scan of the shop.
const MAX_WORD_POSTINGS: usize = 2_000;

/// Products to propose for `item` in the "Matching" column: unlinked products of the item's pool
/// (for a declination of a linked parent, that parent's variations only), at most `limit`.
pub fn suggest(
    item: &Item,
    catalog: &Catalog,
    index: &ShopIndex,
    links: &Links,
    limit: usize,
) -> Vec<Suggestion> {
    let role = catalog.role(&item.id).unwrap_or(if item.parent.is_some() {
        ItemRole::Declination
    } else if item.has_declinations() {
        ItemRole::Parent
    } else {
        ItemRole::Simple
    });
    let Some(pool) = item_pool(role) else {
        return Vec::new();
    };
    let parent_wc = match pool {
        Pool::Declination => item.parent.as_ref().and_then(|p| links.wc_of(p)),
        _ => None,
    };
    let allowed = |at: u32| {
        let product = index.at(at);
        index.pool_of(at) == pool
            && links.item_of(product.id).is_none()
            && (parent_wc.is_none() || product.parent_id == parent_wc)
    };
    let mut best: HashMap<u32, (u8, SuggestionReason)> = HashMap::new();
    let mut offer = |at: u32, score: u8, why: SuggestionReason| {
        if allowed(at) {
            let entry = best.entry(at).or_insert((score, why));
            if score > entry.0 {
                *entry = (score, why);
            }
        }
    };
    offer_same_keys(item, index.keys(pool), &mut offer);
    if let Some(wc) = parent_wc {
        offer_same_attributes(item, wc, index, &mut offer);
    }
    offer_similar_names(item, index.tokens(), &mut offer);
    let mut list: Vec<Suggestion> = best
        .into_iter()
        .map(|(at, (score, why))| Suggestion {
            wc_id: index.at(at).id,
            why,
            score,
        })
        .collect();
    list.sort_by(|a, b| b.score.cmp(&a.score).then(a.wc_id.cmp(&b.wc_id)));
    list.truncate(limit);
    list
}

/// Products with the item's reference (score 100) or one of its barcodes (95).
fn offer_same_keys(
    item: &Item,
    keys: &PoolKeys,
    offer: &mut impl FnMut(u32, u8, SuggestionReason),
) {
    if let Some(found) = item
        .reference
        .as_deref()
        .and_then(reference_key)
        .and_then(|k| keys.reference.get(k.as_str()))
    {
        found
            .as_slice()
            .iter()
            .for_each(|&at| offer(at, 100, SuggestionReason::SameReference));
    }
    for key in item_keys(item, KeyKind::Barcode) {
        if let Some(found) = keys.barcode.get(key.as_str()) {
            found
                .as_slice()
                .iter()
                .for_each(|&at| offer(at, 95, SuggestionReason::SameBarcode));
        }
    }
}

/// Variations of the parent's product (`parent_wc`) with the declination's attributes (90).
fn offer_same_attributes(
    item: &Item,
    parent_wc: i64,
    index: &ShopIndex,
    offer: &mut impl FnMut(u32, u8, SuggestionReason),
) {
    let Some(key) = item_attributes_key(item) else {
        return;
    };
    for &at in index.children_at(parent_wc) {
        let attributes = &index.at(at).attributes;
        let theirs = attributes_key(
            attributes
                .iter()
                .map(|a| (a.name.as_str(), a.value.as_str())),
        );
        if theirs.as_deref() == Some(key.as_str()) {
            offer(at, 90, SuggestionReason::SameAttributes);
        }
    }
}

/// Products with the same name (80), or sharing at least half of their words with it (55 to 79,
/// by the share of common words; words carried by too many products are ignored).
fn offer_similar_names(
    item: &Item,
    tokens: &TokenIndex,
    offer: &mut impl FnMut(u32, u8, SuggestionReason),
) {
    if let Some(found) = name_key(&item.name).and_then(|k| tokens.names.get(k.as_str())) {
        found
            .as_slice()
            .iter()
            .for_each(|&at| offer(at, 80, SuggestionReason::SameName));
    }
    let words = name_tokens(&item.name);
    if words.is_empty() {
        return;
    }
    let mut shared: HashMap<u32, u16> = HashMap::new();
    for word in &words {
        match tokens.postings.get(word.as_str()).map(|p| p.as_slice()) {
            Some(found) if found.len() <= MAX_WORD_POSTINGS => {
                for &at in found {
                    *shared.entry(at).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    for (at, common) in shared {
        let common = u32::from(common);
        let union = words.len() as u32 + u32::from(tokens.counts[at as usize]) - common;
        if union > 0 && common * 2 >= union {
            let score = 30 + 49 * common / union;
            offer(at, score as u8, SuggestionReason::SimilarName);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attribute;
    use crate::sync::catalog::fixtures::*;
    use crate::sync::shop::{ShopKind, ShopProduct};

    fn product(id: i64, kind: ShopKind, sku: &str, barcode: &str) -> ShopProduct {
        ShopProduct {
            id,
            parent_id: None,
            kind,
            sku: Some(sku.into()),
            barcode: Some(barcode.into()),
            name: format!("Produit {id}"),
            attributes: Vec::new(),
            on_sale: true,
            published: true,
        }
    }

    fn simple_product(id: i64, sku: &str) -> ShopProduct {
        product(id, ShopKind::Simple, sku, "")
    }

    fn variation(id: i64, parent: i64, sku: &str, size: &str) -> ShopProduct {
        ShopProduct {
            parent_id: Some(parent),
            attributes: vec![Attribute {
                name: "taille".into(),
                value: size.into(),
            }],
            ..product(id, ShopKind::Variation, sku, "")
        }
    }

    fn run(
        items: Vec<Item>,
        products: Vec<ShopProduct>,
        links: &[(&str, i64)],
        method: MatchMethod,
    ) -> MatchPlan {
        let links = Links::new(links.iter().map(|(item, wc_id)| Link {
            item: id(item),
            wc_id: *wc_id,
        }))
        .unwrap();
        match_items(
            &Catalog::new(items),
            &ShopIndex::new(products).unwrap(),
            &links,
            method,
        )
    }

    fn linked(plan: &MatchPlan) -> Vec<(String, i64, MatchedBy)> {
        plan.links
            .iter()
            .map(|l| (l.item.to_string(), l.wc_id, l.by))
            .collect()
    }

    #[test]
    fn links_unique_references_whatever_their_spelling() {
        let plan = run(
            vec![simple("a", "adm-plt", 100), simple("b", "", 100)],
            vec![simple_product(10, " ADM-PLT "), simple_product(11, "")],
            &[],
            MatchMethod::Reference,
        );
        assert_eq!(linked(&plan), [("a".into(), 10, MatchedBy::Reference)]);
        assert_eq!(plan.unmatched_items, [id("b")]);
        assert_eq!(plan.unlinked_on_sale, [11]);
    }

    #[test]
    fn a_reference_shared_by_two_products_links_nothing() {
        let plan = run(
            vec![simple("a", "X", 100)],
            vec![simple_product(10, "x"), simple_product(11, "X")],
            &[],
            MatchMethod::Reference,
        );
        assert!(plan.links.is_empty());
        assert_eq!(plan.conflicts.len(), 1);
        assert_eq!(plan.conflicts[0].key, "X");
        assert_eq!(plan.conflicts[0].products, [10, 11]);
        assert_eq!(plan.counts.conflicted_items, 1);
    }

    #[test]
    fn a_reference_shared_by_two_items_links_nothing() {
        let plan = run(
            vec![simple("a", "X", 100), simple("b", "X", 100)],
            vec![simple_product(10, "X")],
            &[],
            MatchMethod::Reference,
        );
        assert!(plan.links.is_empty());
        assert_eq!(plan.conflicts[0].items, [id("a"), id("b")]);
    }

    #[test]
    fn linked_items_and_products_are_not_matched_again() {
        let plan = run(
            vec![simple("a", "X", 100), simple("b", "Y", 100)],
            vec![simple_product(10, "X"), simple_product(11, "Y")],
            &[("a", 11)],
            MatchMethod::Reference,
        );
        assert!(plan.links.is_empty());
        assert_eq!(plan.counts.already_linked, 1);
        assert_eq!(plan.unmatched_items, [id("b")]);
    }

    #[test]
    fn barcodes_match_in_their_ean_and_upc_forms() {
        let mut item = simple("a", "", 100);
        item.barcodes = vec!["036000291452".into()];
        let plan = run(
            vec![item],
            vec![product(10, ShopKind::Simple, "", "0036000291452")],
            &[],
            MatchMethod::Barcode,
        );
        assert_eq!(linked(&plan), [("a".into(), 10, MatchedBy::Barcode)]);
    }

    #[test]
    fn forced_tries_reference_then_barcode_then_creates() {
        let mut by_barcode = simple("b", "NOPE", 100);
        by_barcode.barcodes = vec!["3760000000001".into()];
        let plan = run(
            vec![simple("a", "A", 100), by_barcode, simple("c", "", 100)],
            vec![
                simple_product(10, "A"),
                product(11, ShopKind::Simple, "", "3760000000001"),
            ],
            &[],
            MatchMethod::Forced,
        );
        assert_eq!(
            linked(&plan),
            [
                ("a".into(), 10, MatchedBy::Reference),
                ("b".into(), 11, MatchedBy::Barcode)
            ]
        );
        assert_eq!(
            plan.create,
            [PlannedCreation {
                item: id("c"),
                parent_wc_id: None
            }]
        );
    }

    #[test]
    fn manual_only_links_nothing() {
        let plan = run(
            vec![simple("a", "A", 100)],
            vec![simple_product(10, "A")],
            &[],
            MatchMethod::ManualOnly,
        );
        assert!(plan.links.is_empty());
        assert_eq!(plan.unmatched_items, [id("a")]);
    }

    #[test]
    fn pools_keep_parents_and_plain_items_apart() {
        let plan = run(
            vec![
                parent("t", "TEE", &["t-m"]),
                declination("t-m", "t", "", "M"),
            ],
            vec![simple_product(10, "TEE")],
            &[],
            MatchMethod::Reference,
        );
        assert!(plan.links.is_empty());
    }

    #[test]
    fn declinations_match_by_reference_then_attributes_within_their_parent() {
        let plan = run(
            vec![
                parent("t", "TEE", &["t-m", "t-l"]),
                declination("t-m", "t", "TEE-M", "M"),
                declination("t-l", "t", "", "l"),
            ],
            vec![
                product(20, ShopKind::Variable, "TEE", ""),
                variation(21, 20, "TEE-M", "M"),
                variation(22, 20, "", "L"),
            ],
            &[],
            MatchMethod::Reference,
        );
        assert_eq!(
            linked(&plan),
            [
                ("t".into(), 20, MatchedBy::Reference),
                ("t-m".into(), 21, MatchedBy::Reference),
                ("t-l".into(), 22, MatchedBy::Attributes),
            ]
        );
    }

    #[test]
    fn a_parent_without_reference_follows_its_declinations() {
        let plan = run(
            vec![
                parent("t", "", &["t-m"]),
                declination("t-m", "t", "TEE-M", "M"),
            ],
            vec![
                product(20, ShopKind::Variable, "", ""),
                variation(21, 20, "TEE-M", "M"),
            ],
            &[],
            MatchMethod::Reference,
        );
        assert_eq!(
            linked(&plan),
            [
                ("t".into(), 20, MatchedBy::Declinations),
                ("t-m".into(), 21, MatchedBy::Reference),
            ]
        );
    }

    #[test]
    fn a_declination_never_links_into_another_parents_product() {
        let plan = run(
            vec![
                parent("t", "", &["t-m"]),
                declination("t-m", "t", "TEE-M", "M"),
            ],
            vec![
                product(20, ShopKind::Variable, "", ""),
                product(30, ShopKind::Variable, "", ""),
                variation(31, 30, "TEE-M", "M"),
            ],
            &[("t", 20)],
            MatchMethod::Reference,
        );
        assert!(plan.links.is_empty());
        assert_eq!(plan.conflicts[0].products, [31]);
    }

    #[test]
    fn forced_adds_missing_variations_to_a_linked_parent() {
        let plan = run(
            vec![
                parent("t", "", &["t-xl"]),
                declination("t-xl", "t", "", "XL"),
                parent("u", "", &["u-m"]),
                declination("u-m", "u", "", "M"),
            ],
            vec![product(20, ShopKind::Variable, "", "")],
            &[("t", 20)],
            MatchMethod::Forced,
        );
        assert_eq!(
            plan.create,
            [
                PlannedCreation {
                    item: id("t-xl"),
                    parent_wc_id: Some(20)
                },
                PlannedCreation {
                    item: id("u"),
                    parent_wc_id: None
                },
            ]
        );
    }

    #[test]
    fn unsupported_items_and_stale_links_are_reported() {
        let mut odd = simple("odd", "A", 100);
        odd.kind = crate::model::ItemKind::Unsupported("SERVICE".into());
        let plan = run(
            vec![odd],
            vec![simple_product(10, "A")],
            &[("gone", 99)],
            MatchMethod::Reference,
        );
        assert_eq!(plan.unsupported_items, [id("odd")]);
        assert_eq!(plan.links_to_missing_products[0].wc_id, 99);
        assert!(plan.links.is_empty());
    }

    #[test]
    fn suggests_same_reference_first_then_names() {
        let catalog = Catalog::new(vec![Item {
            name: "Assiette plate bleue".into(),
            ..simple("a", "ADM-PLT", 100)
        }]);
        let mut by_name = simple_product(11, "");
        by_name.name = "Assiette plate bleue".into();
        let mut similar = simple_product(12, "");
        similar.name = "Grande assiette plate bleue".into();
        let mut unrelated = simple_product(13, "");
        unrelated.name = "Bol".into();
        let index = ShopIndex::new(vec![
            simple_product(10, " adm-plt"),
            by_name,
            similar,
            unrelated,
        ])
        .unwrap();
        let found = suggest(&catalog.items()[0], &catalog, &index, &Links::default(), 10);
        let summary: Vec<_> = found.iter().map(|s| (s.wc_id, s.why)).collect();
        assert_eq!(
            summary,
            [
                (10, SuggestionReason::SameReference),
                (11, SuggestionReason::SameName),
                (12, SuggestionReason::SimilarName),
            ]
        );
        assert!(found[2].score < 80 && found[2].score >= 55);
    }

    #[test]
    fn plans_serialise_with_snake_case_names() {
        let plan = run(
            vec![simple("a", "A", 100)],
            vec![simple_product(10, "A")],
            &[],
            MatchMethod::Forced,
        );
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["method"], "forced");
        assert_eq!(json["links"][0]["by"], "reference");
        assert_eq!(json["counts"]["already_linked"], 0);
    }
}
