//! Imports: what WooCommerce product a Shopcaisse item becomes ([`plan_import`] →
//! [`ProductSpec`]), what a bulk import would do before it does it ([`dry_run`] →
//! [`ImportPreview`]), and what is kept updated afterwards ([`plan_update`] → [`UpdateSpec`]).
//!
//! The first import carries everything the shop needs to sell the item: name, reference (SKU),
//! price from the chosen price list (else the item's default price, integer cents), images,
//! short and long descriptions, and its shape: a simple product; a variable product with one
//! variation per declination and the attribute values gathered across them; a pack (a simple
//! product flagged with its components, whose stock follows them); a weighed item (a simple
//! product flagged with its unit, decimals and price per unit, sold in steps of the unit's
//! smallest decimal). After that, only stock and images follow Shopcaisse: the merchant's names,
//! descriptions and prices in WooCommerce are never overwritten.
//!
//! What cannot be imported is said, item by item, with a [`SkipReason`]: unknown types, no price,
//! a SKU WooCommerce already uses, a conflict the matcher found.

use super::catalog::{Catalog, ItemRole};
use super::matching::{match_items, Conflict, MatchMethod, ProposedLink};
use super::shop::{Links, ShopIndex, ShopProduct};
use crate::model::keys::{attributes_key, barcode_key, name_key, reference_key};
use crate::model::{
    Attribute, Item, ItemId, ItemKind, Money, PackComponent, Price, PriceListId, Quantity, Unit,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The prices of the chosen price list; items it does not price fall back to their default
/// price.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PriceBook {
    prices: HashMap<ItemId, Money>,
}

impl PriceBook {
    /// Keeps the prices of `list` (all of `prices` when `None`, for a list fetched alone).
    pub fn new(list: Option<&PriceListId>, prices: Vec<Price>) -> Self {
        let prices = prices
            .into_iter()
            .filter(|p| list.map_or(true, |l| *l == p.price_list))
            .map(|p| (p.item, p.price))
            .collect();
        PriceBook { prices }
    }

    /// The price an item is sold at: its price in the list, else its default price.
    pub fn price_of(&self, item: &Item) -> Option<Money> {
        self.prices.get(&item.id).copied().or(item.default_price)
    }
}

/// What an import may read besides the item: the catalog (declinations, components), the
/// prices, and optionally the stock levels to create products with ([`super::shop_levels`]).
#[derive(Debug, Clone, Copy)]
pub struct ImportContext<'a> {
    pub catalog: &'a Catalog,
    pub prices: &'a PriceBook,
    pub levels: Option<&'a HashMap<ItemId, Quantity>>,
}

/// WooCommerce product type to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductType {
    Simple,
    Variable,
}

/// A variable product's attribute with every value its variations use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// A pack: its components, kept on the product so the shop can show what is inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSpec {
    pub components: Vec<PackComponent>,
    /// Components not in the catalog: the pack shows 0 until they are.
    pub missing_components: Vec<ItemId>,
}

/// A weighed (or measured) item: the price is per unit and quantities are decimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeighedSpec {
    pub unit: Unit,
    pub price_per_unit: Money,
    /// The smallest quantity step: one unit of the last decimal (0.001 kg for 3 decimals).
    pub quantity_step: Quantity,
    /// The least a customer can order: one step.
    pub min_quantity: Quantity,
}

impl WeighedSpec {
    fn of(unit: &Unit, price_per_unit: Money) -> Self {
        let step = Quantity::from_thousandths(10i64.pow(3 - u32::from(unit.decimals.min(3))));
        WeighedSpec {
            unit: unit.clone(),
            price_per_unit,
            quantity_step: step,
            min_quantity: step,
        }
    }

    /// Whether a customer may order `quantity`: at least one step, in whole steps.
    pub fn allows(&self, quantity: Quantity) -> bool {
        quantity >= self.min_quantity
            && quantity.thousandths() % self.quantity_step.thousandths() == 0
    }
}

/// One variation of a variable product to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariationSpec {
    pub item: ItemId,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub regular_price: Money,
    /// Its values, spelled as in the parent's [`AttributeSpec`]s.
    pub attributes: Vec<Attribute>,
    /// A variation has one image in WooCommerce: the declination's first.
    pub image: Option<String>,
    pub stock: Option<Quantity>,
    pub weighed: Option<WeighedSpec>,
}

/// A product PHP must create. The Shopcaisse id travels with it (`item`) so the link is recorded
/// with the product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSpec {
    pub item: ItemId,
    pub product_type: ProductType,
    pub name: String,
    pub sku: Option<String>,
    /// The first barcode, for WooCommerce's GTIN field.
    pub barcode: Option<String>,
    /// `None` for a variable product (its variations carry prices).
    pub regular_price: Option<Money>,
    pub images: Vec<String>,
    pub short_description: String,
    pub description: String,
    pub attributes: Vec<AttributeSpec>,
    pub variations: Vec<VariationSpec>,
    pub pack: Option<PackSpec>,
    pub weighed: Option<WeighedSpec>,
    /// Initial stock when levels were given; the next stock run writes it anyway.
    pub stock: Option<Quantity>,
    /// Declinations left out (no price, same attributes as another…).
    pub skipped: Vec<Skipped>,
}

/// Why an item (or a declination) is not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// A type the shop cannot hold (the raw type name, or what is odd about it).
    Unsupported {
        kind: String,
    },
    /// Neither the price list nor the item has a price.
    NoPrice,
    /// An item with declinations none of which is in the catalog.
    NoDeclinations,
    /// Declinations are imported with their parent.
    IsDeclination {
        parent: Option<ItemId>,
    },
    NotInCatalog,
    /// The matcher found a conflict on one of its keys.
    Conflict,
    /// A WooCommerce product already uses this SKU.
    SkuTaken {
        wc_id: i64,
    },
    /// Another item of the same import has the same reference.
    DuplicateReference {
        reference: String,
    },
    /// A WooCommerce product already uses this barcode as its GTIN (WooCommerce refuses a
    /// second one).
    BarcodeTaken {
        wc_id: i64,
    },
    /// Another item of the same import has the same barcode.
    DuplicateBarcode {
        barcode: String,
    },
    /// Its attribute values are those of another declination of the parent.
    DuplicateAttributes {
        of: ItemId,
    },
    /// Matching by reference and the item has none: it could never be matched again.
    MissingReference,
    /// Matching by barcode and the item has none.
    MissingBarcode,
}

/// An item left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub item: ItemId,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// Variations to add to a product already linked (declinations created in Shopcaisse since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariationsToAdd {
    pub parent_wc_id: i64,
    pub parent_item: ItemId,
    pub variations: Vec<VariationSpec>,
}

/// Figures of a preview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub products_to_create: usize,
    pub variations_to_create: usize,
    pub links: usize,
    pub conflicts: usize,
    pub skipped: usize,
    pub already_linked: usize,
}

/// What a bulk import would do. Nothing is applied: the merchant confirms first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub create: Vec<ProductSpec>,
    pub add_variations: Vec<VariationsToAdd>,
    pub link: Vec<ProposedLink>,
    pub conflicts: Vec<Conflict>,
    pub skipped: Vec<Skipped>,
    pub counts: ImportCounts,
}

/// After the first import: what follows Shopcaisse. `None` fields mean "leave as is".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateSpec {
    pub wc_id: i64,
    pub item: ItemId,
    pub images: Option<Vec<String>>,
    pub stock: Option<Quantity>,
}

fn unsupported(kind: &str) -> SkipReason {
    SkipReason::Unsupported {
        kind: kind.to_owned(),
    }
}

fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn first_barcode(item: &Item) -> Option<String> {
    item.barcodes
        .iter()
        .find(|b| barcode_key(b).is_some())
        .map(|b| b.trim().to_owned())
}

/// The product to create for `item` (a simple item, a pack, a weighed item, or an item with
/// declinations), or why it cannot be.
pub fn plan_import(item: &Item, ctx: &ImportContext<'_>) -> Result<ProductSpec, SkipReason> {
    let role = ctx.catalog.role(&item.id).ok_or(SkipReason::NotInCatalog)?;
    let level = |id: &ItemId| ctx.levels.and_then(|l| l.get(id).copied());
    let mut spec = ProductSpec {
        item: item.id.clone(),
        product_type: ProductType::Simple,
        name: item.name.trim().to_owned(),
        sku: clean(&item.reference),
        barcode: first_barcode(item),
        regular_price: None,
        images: item.images.clone(),
        short_description: item.short_description.clone(),
        description: item.description.clone(),
        attributes: Vec::new(),
        variations: Vec::new(),
        pack: None,
        weighed: None,
        stock: level(&item.id),
        skipped: Vec::new(),
    };
    match role {
        ItemRole::Unsupported => Err(match &item.kind {
            ItemKind::Unsupported(kind) => unsupported(kind),
            ItemKind::Pack => unsupported("pack with declinations"),
            _ => unsupported("declination without its parent"),
        }),
        ItemRole::Declination => Err(SkipReason::IsDeclination {
            parent: item.parent.clone(),
        }),
        ItemRole::Simple | ItemRole::Pack => {
            let price = ctx.prices.price_of(item).ok_or(SkipReason::NoPrice)?;
            spec.regular_price = Some(price);
            spec.weighed = item.unit.as_ref().map(|u| WeighedSpec::of(u, price));
            if role == ItemRole::Pack {
                spec.pack = Some(PackSpec {
                    components: item.components.clone(),
                    missing_components: item
                        .components
                        .iter()
                        .filter(|c| ctx.catalog.get(&c.item).is_none())
                        .map(|c| c.item.clone())
                        .collect(),
                });
            }
            Ok(spec)
        }
        ItemRole::Parent => {
            spec.product_type = ProductType::Variable;
            spec.stock = None;
            let parent_price = ctx.prices.price_of(item);
            let mut names: Vec<(String, AttributeSpec)> = Vec::new();
            let mut seen: HashMap<String, ItemId> = HashMap::new();
            for declination in ctx.catalog.declinations_of(&item.id) {
                let Some(price) = ctx.prices.price_of(declination).or(parent_price) else {
                    spec.skipped.push(Skipped {
                        item: declination.id.clone(),
                        reason: SkipReason::NoPrice,
                    });
                    continue;
                };
                let attributes = canonical_attributes(declination, &names);
                let key = attributes_key(
                    attributes
                        .iter()
                        .map(|a| (a.name.as_str(), a.value.as_str())),
                )
                .unwrap_or_else(|| declination.id.to_string());
                if let Some(first) = seen.get(&key) {
                    spec.skipped.push(Skipped {
                        item: declination.id.clone(),
                        reason: SkipReason::DuplicateAttributes { of: first.clone() },
                    });
                    continue;
                }
                seen.insert(key, declination.id.clone());
                for attribute in &attributes {
                    add_value(&mut names, attribute);
                }
                spec.variations.push(VariationSpec {
                    item: declination.id.clone(),
                    sku: clean(&declination.reference),
                    barcode: first_barcode(declination),
                    regular_price: price,
                    attributes,
                    image: declination.images.first().cloned(),
                    stock: level(&declination.id),
                    weighed: declination.unit.as_ref().map(|u| WeighedSpec::of(u, price)),
                });
            }
            if spec.variations.is_empty() && spec.skipped.is_empty() {
                return Err(SkipReason::NoDeclinations);
            }
            if spec.variations.is_empty() {
                return Err(SkipReason::NoPrice);
            }
            spec.attributes = names.into_iter().map(|(_, a)| a).collect();
            Ok(spec)
        }
    }
}

/// A declination's attributes spelled as the first declination spelled them ("taille" and
/// "Taille" are one attribute). A declination without attributes gets one, "Option", valued
/// with its name: a variation needs something to be chosen by.
fn canonical_attributes(declination: &Item, names: &[(String, AttributeSpec)]) -> Vec<Attribute> {
    let mut attributes: Vec<Attribute> = declination
        .attributes
        .iter()
        .filter(|a| name_key(&a.name).is_some() && name_key(&a.value).is_some())
        .map(|a| {
            let name_k = name_key(&a.name);
            let value_k = name_key(&a.value);
            match names.iter().find(|(k, _)| Some(k) == name_k.as_ref()) {
                Some((_, spec)) => Attribute {
                    name: spec.name.clone(),
                    value: spec
                        .values
                        .iter()
                        .find(|v| name_key(v) == value_k)
                        .cloned()
                        .unwrap_or_else(|| a.value.trim().to_owned()),
                },
                None => Attribute {
                    name: a.name.trim().to_owned(),
                    value: a.value.trim().to_owned(),
                },
            }
        })
        .collect();
    if attributes.is_empty() {
        attributes.push(Attribute {
            name: "Option".into(),
            value: declination.name.trim().to_owned(),
        });
    }
    attributes
}

fn add_value(names: &mut Vec<(String, AttributeSpec)>, attribute: &Attribute) {
    let key = name_key(&attribute.name).unwrap_or_default();
    let at = match names.iter().position(|(k, _)| *k == key) {
        Some(at) => at,
        None => {
            names.push((
                key,
                AttributeSpec {
                    name: attribute.name.clone(),
                    values: Vec::new(),
                },
            ));
            names.len() - 1
        }
    };
    let values = &mut names[at].1.values;
    if !values
        .iter()
        .any(|v| name_key(v) == name_key(&attribute.value))
    {
        values.push(attribute.value.clone());
    }
}

/// What to update on a product already linked: its images when Shopcaisse has some and they
/// differ from those last applied (a variation takes the first), and the stock when given.
/// Names, descriptions and prices are never part of it. `None` when there is nothing to do.
pub fn plan_update(
    item: &Item,
    wc_id: i64,
    applied_images: Option<&[String]>,
    stock: Option<Quantity>,
) -> Option<UpdateSpec> {
    let mut images: Vec<String> = item.images.clone();
    if item.parent.is_some() {
        images.truncate(1);
    }
    let images =
        (!images.is_empty() && applied_images != Some(images.as_slice())).then_some(images);
    (images.is_some() || stock.is_some()).then(|| UpdateSpec {
        wc_id,
        item: item.id.clone(),
        images,
        stock,
    })
}

/// Image updates for every linked item of the catalog (`applied` holds, by WooCommerce id, the
/// images last written), in WooCommerce id order.
pub fn plan_image_updates(
    catalog: &Catalog,
    links: &Links,
    applied: &HashMap<i64, Vec<String>>,
) -> Vec<UpdateSpec> {
    let mut updates: Vec<UpdateSpec> = links
        .iter()
        .filter_map(|link| {
            let item = catalog.get(&link.item)?;
            plan_update(
                item,
                link.wc_id,
                applied.get(&link.wc_id).map(Vec::as_slice),
                None,
            )
        })
        .collect();
    updates.sort_unstable_by_key(|u| u.wc_id);
    updates
}

/// SKUs and barcodes (WooCommerce's GTIN, unique too) already used in the shop or earlier in
/// the same import.
struct SkuGuard<'a> {
    index: &'a ShopIndex,
    linking: HashSet<i64>,
    used: HashMap<String, ItemId>,
    used_barcodes: HashMap<String, ItemId>,
}

impl SkuGuard<'_> {
    /// Whether a product with this SKU and GTIN can be created; both are then taken. The
    /// reference is checked first (the key items are matched by), and nothing is taken unless
    /// both are free.
    fn check(
        &mut self,
        item: &ItemId,
        sku: Option<&str>,
        barcode: Option<&str>,
    ) -> Result<(), SkipReason> {
        let sku_key = sku.and_then(reference_key);
        let gtin_key = barcode.and_then(barcode_key);
        if let (Some(sku), Some(key)) = (sku, &sku_key) {
            if let Some(wc_id) = self.in_shop(self.index.by_reference(sku)) {
                return Err(SkipReason::SkuTaken { wc_id });
            }
            if taken_by_another(&self.used, key, item) {
                return Err(SkipReason::DuplicateReference {
                    reference: sku.trim().to_owned(),
                });
            }
        }
        if let (Some(barcode), Some(key)) = (barcode, &gtin_key) {
            if let Some(wc_id) = self.in_shop(self.index.by_barcode(barcode)) {
                return Err(SkipReason::BarcodeTaken { wc_id });
            }
            if taken_by_another(&self.used_barcodes, key, item) {
                return Err(SkipReason::DuplicateBarcode {
                    barcode: barcode.trim().to_owned(),
                });
            }
        }
        if let Some(key) = sku_key {
            self.used.insert(key, item.clone());
        }
        if let Some(key) = gtin_key {
            self.used_barcodes.insert(key, item.clone());
        }
        Ok(())
    }

    /// The shop product among `found` that this import does not link, if any.
    fn in_shop(&self, found: Vec<&ShopProduct>) -> Option<i64> {
        found
            .into_iter()
            .find(|p| !self.linking.contains(&p.id))
            .map(|p| p.id)
    }

    /// Drops variations whose SKU is taken, reporting them.
    fn filter_variations(
        &mut self,
        variations: &mut Vec<VariationSpec>,
        skipped: &mut Vec<Skipped>,
    ) {
        variations.retain(
            |v| match self.check(&v.item, v.sku.as_deref(), v.barcode.as_deref()) {
                Ok(()) => true,
                Err(reason) => {
                    skipped.push(Skipped {
                        item: v.item.clone(),
                        reason,
                    });
                    false
                }
            },
        );
    }
}

/// Whether another item of the import took `key` first.
fn taken_by_another(used: &HashMap<String, ItemId>, key: &str, item: &ItemId) -> bool {
    used.get(key).is_some_and(|first| first != item)
}

fn has_key(item: &Item, catalog: &Catalog, method: MatchMethod) -> bool {
    let own = |i: &Item| match method {
        MatchMethod::Reference => i.reference.as_deref().and_then(reference_key).is_some(),
        MatchMethod::Barcode => i.barcodes.iter().any(|b| barcode_key(b).is_some()),
        MatchMethod::ManualOnly | MatchMethod::Forced => true,
    };
    own(item) || catalog.declinations_of(&item.id).any(own)
}

/// What importing `selection` (every top-level item when `None`) would do, by `method`:
/// matched items are linked, the rest created, declinations new since a parent's import added
/// to its product. Items without the method's key are not created by reference or barcode
/// matching (they could never be matched again); the forced method creates them.
pub fn dry_run(
    ctx: &ImportContext<'_>,
    selection: Option<&[ItemId]>,
    index: &ShopIndex,
    links: &Links,
    method: MatchMethod,
) -> ImportPreview {
    let catalog = ctx.catalog;
    let plan = match_items(catalog, index, links, method);
    let proposed: HashMap<&ItemId, &ProposedLink> =
        plan.links.iter().map(|l| (&l.item, l)).collect();
    let conflicted: HashSet<&ItemId> = plan.conflicts.iter().flat_map(|c| &c.items).collect();

    let chosen = chosen_items(catalog, selection);
    let mut preview = ImportPreview {
        create: Vec::new(),
        add_variations: Vec::new(),
        link: Vec::new(),
        conflicts: Vec::new(),
        skipped: Vec::new(),
        counts: ImportCounts::default(),
    };
    preview.skipped.extend(
        selection
            .unwrap_or_default()
            .iter()
            .filter(|id| catalog.get(id).is_none())
            .map(|id| Skipped {
                item: id.clone(),
                reason: SkipReason::NotInCatalog,
            }),
    );
    let mut guard = SkuGuard {
        index,
        linking: plan.links.iter().map(|l| l.wc_id).collect(),
        used: HashMap::new(),
        used_barcodes: HashMap::new(),
    };
    let mut involved: HashSet<&ItemId> = HashSet::new();
    for item in chosen {
        involved.insert(&item.id);
        involved.extend(catalog.declinations_of(&item.id).map(|d| &d.id));
        let skip = |reason: SkipReason| Skipped {
            item: item.id.clone(),
            reason,
        };
        let wc = links
            .wc_of(&item.id)
            .or_else(|| proposed.get(&item.id).map(|l| l.wc_id));
        if let Some(wc) = wc {
            match proposed.get(&item.id) {
                Some(link) => preview.link.push((*link).clone()),
                None => preview.counts.already_linked += 1,
            }
            if catalog.role(&item.id) == Some(ItemRole::Parent) {
                add_declinations(
                    ctx,
                    item,
                    wc,
                    links,
                    &proposed,
                    &conflicted,
                    &mut guard,
                    &mut preview,
                );
            }
            continue;
        }
        if conflicted.contains(&item.id) {
            preview.skipped.push(skip(SkipReason::Conflict));
            continue;
        }
        if catalog.role(&item.id) != Some(ItemRole::Unsupported) && !has_key(item, catalog, method)
        {
            let reason = match method {
                MatchMethod::Barcode => SkipReason::MissingBarcode,
                _ => SkipReason::MissingReference,
            };
            preview.skipped.push(skip(reason));
            continue;
        }
        match creation(item, ctx, &mut guard, &mut preview.skipped) {
            Ok(spec) => preview.create.push(spec),
            Err(reason) => preview.skipped.push(skip(reason)),
        }
    }
    preview.conflicts = plan
        .conflicts
        .into_iter()
        .filter(|c| c.items.iter().any(|i| involved.contains(i)))
        .collect();
    count(&mut preview);
    preview
}

/// The selected items, each once, in the order given (ids not in the catalog left out); with
/// no selection, every item but declinations (they come with their parent).
fn chosen_items<'c>(catalog: &'c Catalog, selection: Option<&[ItemId]>) -> Vec<&'c Item> {
    match selection {
        Some(ids) => {
            let mut seen = HashSet::new();
            ids.iter()
                .filter(|id| seen.insert(*id))
                .filter_map(|id| catalog.get(id))
                .collect()
        }
        None => catalog
            .items()
            .iter()
            .filter(|i| catalog.role(&i.id) != Some(ItemRole::Declination))
            .collect(),
    }
}

/// The product to create for an unlinked item, its SKU and its variations' kept clear of the
/// shop's and of the other creations' ([`SkuGuard`]); what was left out of it goes to
/// `skipped`. A variable product left with no variation is not created.
fn creation(
    item: &Item,
    ctx: &ImportContext<'_>,
    guard: &mut SkuGuard<'_>,
    skipped: &mut Vec<Skipped>,
) -> Result<ProductSpec, SkipReason> {
    let mut spec = plan_import(item, ctx)?;
    guard.check(&item.id, spec.sku.as_deref(), spec.barcode.as_deref())?;
    let mut variations = std::mem::take(&mut spec.variations);
    guard.filter_variations(&mut variations, &mut spec.skipped);
    if spec.product_type == ProductType::Variable && variations.is_empty() {
        skipped.append(&mut spec.skipped);
        return Err(SkipReason::NoDeclinations);
    }
    spec.variations = variations;
    skipped.extend(spec.skipped.iter().cloned());
    Ok(spec)
}

/// The preview's counts, from its lists.
fn count(preview: &mut ImportPreview) {
    preview.counts.products_to_create = preview.create.len();
    preview.counts.variations_to_create = preview
        .create
        .iter()
        .map(|p| p.variations.len())
        .chain(preview.add_variations.iter().map(|a| a.variations.len()))
        .sum();
    preview.counts.links = preview.link.len();
    preview.counts.conflicts = preview.conflicts.len();
    preview.counts.skipped = preview.skipped.len();
}

/// A linked (or being linked) parent's declinations: link the matched, add the new ones.
#[allow(clippy::too_many_arguments)]
fn add_declinations(
    ctx: &ImportContext<'_>,
    parent: &Item,
    parent_wc: i64,
    links: &Links,
    proposed: &HashMap<&ItemId, &ProposedLink>,
    conflicted: &HashSet<&ItemId>,
    guard: &mut SkuGuard<'_>,
    preview: &mut ImportPreview,
) {
    let Ok(full) = plan_import(parent, ctx) else {
        return;
    };
    preview.skipped.extend(full.skipped);
    let mut new = Vec::new();
    for variation in full.variations {
        if links.wc_of(&variation.item).is_some() {
            continue;
        }
        if let Some(link) = proposed.get(&variation.item) {
            preview.link.push((*link).clone());
        } else if conflicted.contains(&variation.item) {
            preview.skipped.push(Skipped {
                item: variation.item,
                reason: SkipReason::Conflict,
            });
        } else {
            new.push(variation);
        }
    }
    guard.filter_variations(&mut new, &mut preview.skipped);
    if !new.is_empty() {
        preview.add_variations.push(VariationsToAdd {
            parent_wc_id: parent_wc,
            parent_item: parent.id.clone(),
            variations: new,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PriceListId;
    use crate::sync::catalog::fixtures::*;
    use crate::sync::shop::{Link, ShopKind, ShopProduct};

    fn ctx<'a>(catalog: &'a Catalog, prices: &'a PriceBook) -> ImportContext<'a> {
        ImportContext {
            catalog,
            prices,
            levels: None,
        }
    }

    fn product(id: i64, sku: &str) -> ShopProduct {
        ShopProduct {
            id,
            parent_id: None,
            kind: ShopKind::Simple,
            sku: Some(sku.into()),
            barcode: None,
            name: String::new(),
            attributes: Vec::new(),
            on_sale: true,
            published: true,
        }
    }

    #[test]
    fn a_simple_item_takes_the_price_list_price_else_its_default() {
        let mut plate = simple("plate", "ADM-PLT", 2490);
        plate.images = vec!["https://img/a.jpg".into()];
        plate.short_description = "Plate".into();
        let catalog = Catalog::new(vec![plate.clone(), simple("bowl", "BOL", 990)]);
        let list = PriceListId::parse("web").unwrap();
        let prices = PriceBook::new(
            Some(&list),
            vec![
                Price {
                    price_list: list.clone(),
                    item: id("plate"),
                    price: Money::from_cents(1990),
                },
                Price {
                    price_list: PriceListId::parse("other").unwrap(),
                    item: id("bowl"),
                    price: Money::from_cents(1),
                },
            ],
        );
        let spec = plan_import(&plate, &ctx(&catalog, &prices)).unwrap();
        assert_eq!(spec.product_type, ProductType::Simple);
        assert_eq!(spec.regular_price, Some(Money::from_cents(1990)));
        assert_eq!(spec.sku.as_deref(), Some("ADM-PLT"));
        assert_eq!(spec.images, ["https://img/a.jpg"]);
        let bowl = catalog.get(&id("bowl")).unwrap();
        let spec = plan_import(bowl, &ctx(&catalog, &prices)).unwrap();
        assert_eq!(spec.regular_price, Some(Money::from_cents(990)));
    }

    #[test]
    fn an_item_with_declinations_becomes_a_variable_product() {
        let mut blue_m = declination("t-m", "t", "TEE-M", "M");
        blue_m.attributes.push(Attribute {
            name: "Couleur".into(),
            value: "Bleu".into(),
        });
        let mut blue_l = declination("t-l", "t", "TEE-L", "L");
        blue_l.attributes.push(Attribute {
            name: "couleur".into(),
            value: "bleu".into(),
        });
        let twin = declination("t-l2", "t", "TEE-L2", "l");
        let catalog = Catalog::new(vec![
            parent("t", "TEE", &["t-m", "t-l", "t-l2"]),
            blue_m,
            Item {
                default_price: None,
                ..blue_l
            },
            Item {
                attributes: vec![
                    Attribute {
                        name: "Taille".into(),
                        value: "L".into(),
                    },
                    Attribute {
                        name: "Couleur".into(),
                        value: "Bleu".into(),
                    },
                ],
                ..twin
            },
        ]);
        let prices = PriceBook::default();
        let spec = plan_import(catalog.get(&id("t")).unwrap(), &ctx(&catalog, &prices)).unwrap();
        assert_eq!(spec.product_type, ProductType::Variable);
        assert_eq!(spec.regular_price, None);
        assert_eq!(spec.variations.len(), 2);
        // The declination without a price takes its parent's.
        assert_eq!(spec.variations[1].regular_price, Money::from_cents(1000));
        assert_eq!(
            spec.attributes,
            [
                AttributeSpec {
                    name: "Taille".into(),
                    values: vec!["M".into(), "L".into()]
                },
                AttributeSpec {
                    name: "Couleur".into(),
                    values: vec!["Bleu".into()]
                },
            ]
        );
        assert_eq!(spec.variations[1].attributes[1].name, "Couleur");
        assert_eq!(
            spec.skipped,
            [Skipped {
                item: id("t-l2"),
                reason: SkipReason::DuplicateAttributes { of: id("t-l") }
            }]
        );
    }

    #[test]
    fn packs_and_weighed_items_carry_their_flags() {
        let catalog = Catalog::new(vec![
            simple("a", "A", 100),
            pack("p", &[("a", 2), ("ghost", 1)]),
            weighed("w", 2),
        ]);
        let prices = PriceBook::default();
        let c = ctx(&catalog, &prices);
        let pack_spec = plan_import(catalog.get(&id("p")).unwrap(), &c).unwrap();
        let pack = pack_spec.pack.unwrap();
        assert_eq!(pack.components.len(), 2);
        assert_eq!(pack.missing_components, [id("ghost")]);
        let weighed = plan_import(catalog.get(&id("w")).unwrap(), &c)
            .unwrap()
            .weighed
            .unwrap();
        assert_eq!(weighed.price_per_unit, Money::from_cents(1299));
        assert_eq!(weighed.quantity_step, Quantity::parse("0.01").unwrap());
        assert!(weighed.allows(Quantity::parse("0.25").unwrap()));
        assert!(!weighed.allows(Quantity::parse("0.255").unwrap()));
        assert!(!weighed.allows(Quantity::ZERO));
    }

    #[test]
    fn unsupported_items_and_items_without_price_are_reported() {
        let mut odd = simple("odd", "", 1);
        odd.kind = ItemKind::Unsupported("SERVICE".into());
        let free = Item {
            default_price: None,
            ..simple("free", "", 1)
        };
        let catalog = Catalog::new(vec![odd.clone(), free.clone()]);
        let prices = PriceBook::default();
        assert_eq!(
            plan_import(&odd, &ctx(&catalog, &prices)),
            Err(SkipReason::Unsupported {
                kind: "SERVICE".into()
            })
        );
        assert_eq!(
            plan_import(&free, &ctx(&catalog, &prices)),
            Err(SkipReason::NoPrice)
        );
    }

    #[test]
    fn updates_carry_images_and_stock_never_names_or_prices() {
        let mut item = simple("a", "A", 100);
        item.images = vec!["x.jpg".into()];
        let images = ["x.jpg".to_owned()];
        assert_eq!(plan_update(&item, 10, Some(&images), None), None);
        let update = plan_update(&item, 10, None, Some(Quantity::pieces(3))).unwrap();
        assert_eq!(update.images, Some(vec!["x.jpg".to_owned()]));
        assert_eq!(update.stock, Some(Quantity::pieces(3)));
        let json = serde_json::to_value(&update).unwrap();
        assert!(json.get("name").is_none() && json.get("regular_price").is_none());
        item.images.clear();
        assert_eq!(plan_update(&item, 10, Some(&images), None), None);
    }

    #[test]
    fn a_dry_run_lists_links_creations_and_skips_with_counts() {
        let mut odd = simple("odd", "ODD", 1);
        odd.kind = ItemKind::Unsupported("SERVICE".into());
        let catalog = Catalog::new(vec![
            simple("linked", "L", 100),
            simple("match", "M", 100),
            simple("new", "N", 100),
            simple("taken", "T", 100),
            simple("twin-a", "X", 100),
            simple("twin-b", "x", 100),
            simple("nokey", "", 100),
            odd,
            parent("t", "TEE", &["t-m", "t-l"]),
            declination("t-m", "t", "TEE-M", "M"),
            declination("t-l", "t", "TEE-L", "L"),
        ]);
        let index = ShopIndex::new(vec![
            product(1, "L"),
            product(2, "M"),
            ShopProduct {
                kind: ShopKind::Variable,
                ..product(3, "T")
            },
            ShopProduct {
                kind: ShopKind::Variable,
                ..product(20, "TEE")
            },
            ShopProduct {
                kind: ShopKind::Variation,
                parent_id: Some(20),
                ..product(21, "TEE-M")
            },
        ])
        .unwrap();
        let links = Links::new([Link {
            item: id("linked"),
            wc_id: 1,
        }])
        .unwrap();
        let prices = PriceBook::default();
        let preview = dry_run(
            &ctx(&catalog, &prices),
            None,
            &index,
            &links,
            MatchMethod::Reference,
        );
        let linked: Vec<_> = preview
            .link
            .iter()
            .map(|l| (l.item.as_str(), l.wc_id))
            .collect();
        assert_eq!(linked, [("match", 2), ("t", 20), ("t-m", 21)]);
        let created: Vec<_> = preview.create.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(created, ["new", "twin-a"]);
        assert_eq!(preview.add_variations.len(), 1);
        assert_eq!(preview.add_variations[0].parent_wc_id, 20);
        assert_eq!(preview.add_variations[0].variations[0].item, id("t-l"));
        let skipped: Vec<_> = preview
            .skipped
            .iter()
            .map(|s| (s.item.as_str(), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("taken", SkipReason::SkuTaken { wc_id: 3 }),
                (
                    "twin-b",
                    SkipReason::DuplicateReference {
                        reference: "x".into()
                    }
                ),
                ("nokey", SkipReason::MissingReference),
                (
                    "odd",
                    SkipReason::Unsupported {
                        kind: "SERVICE".into()
                    }
                ),
            ]
        );
        assert_eq!(
            preview.counts,
            ImportCounts {
                products_to_create: 2,
                variations_to_create: 1,
                links: 3,
                conflicts: 0,
                skipped: 4,
                already_linked: 1,
            }
        );
        let json = serde_json::to_value(&preview).unwrap();
        assert_eq!(json["skipped"][0]["reason"], "sku_taken");
        assert_eq!(json["skipped"][0]["item"], "taken");
    }

    #[test]
    fn a_barcode_the_shop_or_another_item_already_uses_is_not_created_twice() {
        let with_barcode = |raw: &str, reference: &str, barcode: &str| Item {
            barcodes: vec![barcode.into()],
            ..simple(raw, reference, 100)
        };
        let catalog = Catalog::new(vec![
            with_barcode("shop-has-it", "A", "3760000000017"),
            with_barcode("first", "B", "3760000000024"),
            with_barcode("second", "C", "3760000000024"),
        ]);
        let prices = PriceBook::default();
        let index = ShopIndex::new(vec![ShopProduct {
            barcode: Some("3760000000017".into()),
            ..product(7, "OTHER")
        }])
        .unwrap();
        let links = Links::new([]).unwrap();
        let preview = dry_run(
            &ctx(&catalog, &prices),
            None,
            &index,
            &links,
            MatchMethod::Reference,
        );
        let created: Vec<_> = preview.create.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(created, ["first"]);
        let skipped: Vec<_> = preview
            .skipped
            .iter()
            .map(|s| (s.item.as_str(), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("shop-has-it", SkipReason::BarcodeTaken { wc_id: 7 }),
                (
                    "second",
                    SkipReason::DuplicateBarcode {
                        barcode: "3760000000024".into()
                    }
                ),
            ]
        );
        let json = serde_json::to_value(&preview).unwrap();
        assert_eq!(json["skipped"][0]["reason"], "barcode_taken");
    }

    #[test]
    fn the_forced_method_creates_items_without_keys() {
        let catalog = Catalog::new(vec![simple("nokey", "", 100)]);
        let prices = PriceBook::default();
        let index = ShopIndex::new(Vec::new()).unwrap();
        let preview = dry_run(
            &ctx(&catalog, &prices),
            Some(&[id("nokey"), id("ghost")]),
            &index,
            &Links::default(),
            MatchMethod::Forced,
        );
        assert_eq!(preview.create.len(), 1);
        assert_eq!(preview.skipped[0].reason, SkipReason::NotInCatalog);
    }
}
