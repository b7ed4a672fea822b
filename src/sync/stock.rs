//! Stock: what WooCommerce should show for every linked product, and only what changed since the
//! last write ([`plan_stock`] → [`StockPlan`]).
//!
//! The rules:
//!
//! - **Available** = POS stock − quantities reserved for customers (when the setting says so)
//!   − units held back by web orders the POS has not absorbed yet (`super::inflight`), never
//!   below zero: a negative POS stock shows as nothing to sell ([`available`]).
//! - **Pieces** are written as whole units, rounded down: half a plate cannot be sold.
//! - **Weighed items** keep their decimal stock. WooCommerce gets it rounded *down* to the unit's
//!   decimals (12.3456 kg with 2 decimals → 12.34 kg), exact in thousandths, so the shop never
//!   shows more than the POS holds, and shows the weight that is really there rather than 12 or
//!   13. Each write also carries `sellable_units`, the whole units in stock (12), for shops that
//!   sell weighed products by the unit (WooCommerce's default integer quantities): the plugin
//!   picks one or the other per product ([`shop_quantity`]).
//! - **Packs** = the least, over their components, of ⌊component available ÷ quantity in the
//!   pack⌋, in whole packs. A component missing from the answer (or a broken component) makes the
//!   pack 0, and is reported ([`pack_availability`]).
//! - **Variable products** carry no stock of their own: their variations do.
//! - **Diff**: a product is written only when its quantity differs from the one last applied
//!   (passed in by WooCommerce id), so applying a plan and planning again gives no writes.
//! - **Guard**: an empty answer, an answer that covers far fewer linked items than expected
//!   (truncated), or a drop to zero of a large share of products that had stock, holds the whole
//!   plan: no writes, a [`HoldReason`] with the figures, until a person confirms (`force`).
//! - Stock rows of unlinked items are ignored; linked items missing from the answer are
//!   reported and left alone (or zeroed, when `zero_missing` is set).

use super::catalog::{Catalog, ItemRole};
use super::shop::Links;
use crate::model::{Item, ItemId, ItemKind, Quantity, StockRow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The merchant's stock settings, with safe defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StockSettings {
    /// Subtract quantities reserved for customers from the POS stock.
    pub subtract_reserved: bool,
    /// Write 0 for linked items the answer does not mention (off: leave them alone).
    pub zero_missing: bool,
    /// Hold when more than this share (percent) of linked products would fall from >0 to 0…
    pub max_drop_percent: u32,
    /// …and at least this many would: small shops can sell out a few items in one go.
    pub min_drop_count: usize,
    /// Hold when the answer has rows for less than this share (percent) of linked items,
    /// once at least `min_drop_count` items are linked.
    pub min_answer_percent: u32,
    /// Apply a plan the guard would hold (the merchant confirmed it).
    pub force: bool,
    /// Web orders the POS has not absorbed yet: which POS states moved stock, the time limit.
    pub in_flight: super::inflight::InflightSettings,
}

impl Default for StockSettings {
    fn default() -> Self {
        StockSettings {
            subtract_reserved: true,
            zero_missing: false,
            max_drop_percent: 50,
            min_drop_count: 10,
            min_answer_percent: 50,
            force: false,
            in_flight: super::inflight::InflightSettings::default(),
        }
    }
}

/// One stock to write into WooCommerce (absolute, so writing it twice is harmless).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockWrite {
    pub wc_id: i64,
    pub item: ItemId,
    /// The stock to set: whole pieces, or a weighed item's decimal stock.
    pub quantity: Quantity,
    /// What was last applied, `None` when never written.
    pub previous: Option<Quantity>,
    /// Whole units in stock, for products sold by the unit.
    pub sellable_units: i64,
    /// Whether the item is sold by weight or measure (decimal stock).
    pub weighed: bool,
    /// Units of this item held back by web orders in flight (already subtracted; 0 for a pack,
    /// whose components carry them).
    pub reserved_in_flight: Quantity,
}

/// Units of one stock item held back by web orders the POS has not absorbed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedInFlight {
    pub item: ItemId,
    /// The product it is linked to, if any.
    pub wc_id: Option<i64>,
    pub quantity: Quantity,
}

/// Why a plan is held back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum HoldReason {
    /// The POS answered no stock rows at all while items are linked.
    EmptyAnswer { linked: usize },
    /// The answer covers too few of the linked items to be complete.
    TruncatedAnswer {
        rows_for_linked: usize,
        linked: usize,
        min_percent: u32,
    },
    /// Too many products would go from in stock to zero at once.
    MassDrop {
        drops: usize,
        linked: usize,
        share_percent: u32,
        max_percent: u32,
    },
}

/// Something worth showing in the log; none of them stops the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum StockProblem {
    /// A linked item has no row in the answer.
    MissingFromAnswer { item: ItemId, wc_id: i64 },
    /// A pack component has no stock (no row, or not in the catalog): the pack shows 0.
    ComponentMissing { pack: ItemId, component: ItemId },
    /// A pack component with a quantity of zero or less: the pack shows 0.
    ComponentQuantityInvalid { pack: ItemId, component: ItemId },
    /// A pack without components shows 0.
    PackWithoutComponents { pack: ItemId },
    /// Packs containing each other (or nested too deep) show 0.
    PackCycle { pack: ItemId },
    /// The answer listed an item more than once; the first row counts.
    DuplicateRow { item: ItemId },
}

/// Figures for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockCounts {
    /// Linked products that carry stock (variable products excluded).
    pub linked: usize,
    pub rows: usize,
    /// Linked items (packs excluded) the answer has a row for.
    pub rows_for_linked: usize,
    /// Writes that take a product from in stock to 0.
    pub drops_to_zero: usize,
    pub missing: usize,
}

/// What to write. When `held` is set, `writes` is empty and `would_write` says how many the
/// plan had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockPlan {
    pub writes: Vec<StockWrite>,
    pub unchanged: usize,
    pub held: Option<HoldReason>,
    pub would_write: usize,
    pub problems: Vec<StockProblem>,
    pub counts: StockCounts,
    /// Every stock item with units held back by web orders in flight, by item id: what explains
    /// a shop stock below the POS figure.
    pub reserved_in_flight: Vec<ReservedInFlight>,
}

/// POS stock minus reservations (when asked), never negative.
pub fn available(row: &StockRow, subtract_reserved: bool) -> Quantity {
    available_for_shop(
        row.stock,
        row.reserved_for_customers,
        Quantity::ZERO,
        subtract_reserved,
    )
}

/// What the shop may sell of an item: its POS stock, minus what the POS reserves for customers
/// (when asked) and what web orders in flight hold back, never negative. The stock plan and the
/// admin screens both take it from here, so a figure shown is the figure written.
pub fn available_for_shop(
    stock: Quantity,
    reserved_for_customers: Quantity,
    in_flight: Quantity,
    subtract_reserved: bool,
) -> Quantity {
    let stock = if subtract_reserved {
        stock.saturating_sub(reserved_for_customers.clamp_non_negative())
    } else {
        stock
    };
    stock
        .clamp_non_negative()
        .saturating_sub(in_flight.clamp_non_negative())
        .clamp_non_negative()
}

/// The quantity WooCommerce shows for an item with `available` in stock: whole pieces, or a
/// weighed item's stock rounded down to its unit's decimals. Never negative.
pub fn shop_quantity(item: Option<&Item>, available: Quantity) -> Quantity {
    let thousandths = available.clamp_non_negative().thousandths();
    let step = match item.and_then(|i| i.unit.as_ref()) {
        Some(unit) => 10i64.pow(3 - u32::from(unit.decimals.min(3))),
        None => 1000,
    };
    Quantity::from_thousandths(thousandths / step * step)
}

/// A pack's availability and what limited it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackAvailability {
    /// Whole packs that can be made.
    pub quantity: Quantity,
    /// Components whose level is unknown (each makes the pack 0).
    pub missing: Vec<ItemId>,
    /// Components with a quantity of zero or less (each makes the pack 0).
    pub invalid: Vec<ItemId>,
}

/// The packs that can be made from the components' levels (`level` gives a component's
/// available quantity, `None` when unknown): the least of ⌊available ÷ quantity⌋, in integer
/// thousandths, so no rounding can ever promise more packs than the components allow.
pub fn pack_availability(
    pack: &Item,
    mut level: impl FnMut(&ItemId) -> Option<Quantity>,
) -> PackAvailability {
    let mut result = PackAvailability {
        quantity: Quantity::ZERO,
        missing: Vec::new(),
        invalid: Vec::new(),
    };
    let mut packs: Option<i64> = None;
    for component in &pack.components {
        let per_pack = component.quantity.thousandths();
        if per_pack <= 0 {
            result.invalid.push(component.item.clone());
            packs = Some(0);
            continue;
        }
        let makes = match level(&component.item) {
            Some(have) => have.clamp_non_negative().thousandths() / per_pack,
            None => {
                result.missing.push(component.item.clone());
                0
            }
        };
        packs = Some(packs.map_or(makes, |p| p.min(makes)));
    }
    result.quantity = Quantity::pieces(packs.unwrap_or(0));
    result
}

/// How deep packs may nest before we call it a cycle.
const MAX_PACK_DEPTH: u32 = 8;

/// Levels of items from the stock answer, packs resolved through their components.
struct Levels<'a> {
    catalog: &'a Catalog,
    rows: HashMap<&'a ItemId, Quantity>,
    packs: HashMap<u32, Quantity>,
    problems: Vec<StockProblem>,
}

impl<'a> Levels<'a> {
    fn new(
        catalog: &'a Catalog,
        rows: &'a [StockRow],
        reserved: &BTreeMap<ItemId, Quantity>,
        settings: &StockSettings,
        problems: &mut Vec<StockProblem>,
    ) -> Self {
        let mut levels = HashMap::with_capacity(rows.len());
        for row in rows {
            if levels.contains_key(&row.item) {
                problems.push(StockProblem::DuplicateRow {
                    item: row.item.clone(),
                });
                continue;
            }
            let in_flight = reserved.get(&row.item).copied().unwrap_or_default();
            let level = available_for_shop(
                row.stock,
                row.reserved_for_customers,
                in_flight,
                settings.subtract_reserved,
            );
            levels.insert(&row.item, level);
        }
        Levels {
            catalog,
            rows: levels,
            packs: HashMap::new(),
            problems: Vec::new(),
        }
    }

    fn is_pack(&self, id: &ItemId) -> Option<u32> {
        let at = self.catalog.position(id)?;
        (self.catalog.role_at(at) == ItemRole::Pack || self.catalog.at(at).kind == ItemKind::Pack)
            .then_some(at)
    }

    /// An item's available level: its row, or its pack availability.
    fn level(&mut self, id: &ItemId, depth: u32) -> Option<Quantity> {
        match self.is_pack(id) {
            Some(at) => Some(self.pack(at, depth)),
            None => self.rows.get(id).copied(),
        }
    }

    fn pack(&mut self, at: u32, depth: u32) -> Quantity {
        if let Some(known) = self.packs.get(&at) {
            return *known;
        }
        let catalog = self.catalog;
        let pack = catalog.at(at);
        if depth >= MAX_PACK_DEPTH {
            self.problems.push(StockProblem::PackCycle {
                pack: pack.id.clone(),
            });
            return Quantity::ZERO;
        }
        if pack.components.is_empty() {
            self.problems.push(StockProblem::PackWithoutComponents {
                pack: pack.id.clone(),
            });
            self.packs.insert(at, Quantity::ZERO);
            return Quantity::ZERO;
        }
        let found = pack_availability(pack, |component| self.level(component, depth + 1));
        for component in found.missing {
            self.problems.push(StockProblem::ComponentMissing {
                pack: pack.id.clone(),
                component,
            });
        }
        for component in found.invalid {
            self.problems.push(StockProblem::ComponentQuantityInvalid {
                pack: pack.id.clone(),
                component,
            });
        }
        self.packs.insert(at, found.quantity);
        found.quantity
    }
}

/// What WooCommerce should show for every item the answer or the catalog allows: each row's
/// item and each pack of the catalog, as [`shop_quantity`] (for imports and the drift report).
pub fn shop_levels(
    catalog: &Catalog,
    rows: &[StockRow],
    settings: &StockSettings,
) -> HashMap<ItemId, Quantity> {
    let mut problems = Vec::new();
    let mut levels = Levels::new(catalog, rows, &BTreeMap::new(), settings, &mut problems);
    let mut out: HashMap<ItemId, Quantity> = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(level) = levels.level(&row.item, 0) {
            out.insert(
                row.item.clone(),
                shop_quantity(catalog.get(&row.item), level),
            );
        }
    }
    for item in catalog.items() {
        if catalog.role(&item.id) == Some(ItemRole::Pack) {
            if let Some(level) = levels.level(&item.id, 0) {
                out.insert(item.id.clone(), level);
            }
        }
    }
    out
}

/// Plans the stock writes for every linked product from the store's stock answer.
///
/// `applied` holds, by WooCommerce id, the quantity last written (what PHP reported back).
pub fn plan_stock(
    catalog: &Catalog,
    links: &Links,
    rows: &[StockRow],
    applied: &HashMap<i64, Quantity>,
    settings: &StockSettings,
) -> StockPlan {
    plan_stock_reserving(catalog, links, rows, applied, &BTreeMap::new(), settings)
}

/// [`plan_stock`], with `reserved` units of stock items held back by web orders in flight
/// (`super::inflight::reserved_quantities`): subtracted before packs are made up.
pub fn plan_stock_reserving(
    catalog: &Catalog,
    links: &Links,
    rows: &[StockRow],
    applied: &HashMap<i64, Quantity>,
    reserved: &BTreeMap<ItemId, Quantity>,
    settings: &StockSettings,
) -> StockPlan {
    let mut problems = Vec::new();
    let mut levels = Levels::new(catalog, rows, reserved, settings, &mut problems);
    let mut counts = StockCounts {
        rows: rows.len(),
        ..StockCounts::default()
    };
    let mut writes = Vec::new();
    let mut unchanged = 0;
    let mut linked_non_packs = 0;
    let mut missing = Vec::new();
    for (item_id, wc_id) in links.pairs() {
        let at = catalog.position(item_id);
        let item = at.map(|at| catalog.at(at));
        let role = at.map(|at| catalog.role_at(at));
        if role == Some(ItemRole::Parent) {
            continue;
        }
        counts.linked += 1;
        let is_pack =
            item.is_some_and(|i| i.kind == ItemKind::Pack) || role == Some(ItemRole::Pack);
        let level = match at {
            Some(at) if is_pack => Some(levels.pack(at, 0)),
            _ => levels.rows.get(item_id).copied(),
        };
        if !is_pack {
            linked_non_packs += 1;
            if level.is_some() {
                counts.rows_for_linked += 1;
            }
        }
        let level = match level {
            Some(level) => level,
            None => {
                missing.push(StockProblem::MissingFromAnswer {
                    item: item_id.clone(),
                    wc_id,
                });
                if !settings.zero_missing {
                    continue;
                }
                Quantity::ZERO
            }
        };
        let quantity = shop_quantity(item, level);
        let previous = applied.get(&wc_id).copied();
        if previous == Some(quantity) {
            unchanged += 1;
            continue;
        }
        if previous.is_some_and(|p| p > Quantity::ZERO) && quantity == Quantity::ZERO {
            counts.drops_to_zero += 1;
        }
        writes.push(StockWrite {
            wc_id,
            item: item_id.clone(),
            quantity,
            previous,
            sellable_units: quantity.whole_floor(),
            weighed: item.is_some_and(Item::is_weighed),
            reserved_in_flight: reserved.get(item_id).copied().unwrap_or_default(),
        });
    }
    counts.missing = missing.len();
    writes.sort_unstable_by_key(|w| w.wc_id);
    missing.sort_unstable_by(|a, b| match (a, b) {
        (
            StockProblem::MissingFromAnswer { wc_id: x, .. },
            StockProblem::MissingFromAnswer { wc_id: y, .. },
        ) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    let mut pack_problems = std::mem::take(&mut levels.problems);
    pack_problems.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    pack_problems.dedup();
    problems.extend(missing);
    problems.extend(pack_problems);

    let held = if settings.force {
        None
    } else {
        hold_reason(&counts, linked_non_packs, settings)
    };
    let would_write = writes.len();
    if held.is_some() {
        writes.clear();
    }
    let reserved_in_flight = reserved
        .iter()
        .filter(|(_, quantity)| !quantity.is_zero_or_less())
        .map(|(item, quantity)| ReservedInFlight {
            item: item.clone(),
            wc_id: links.wc_of(item),
            quantity: *quantity,
        })
        .collect();
    StockPlan {
        writes,
        unchanged,
        held,
        would_write,
        problems,
        counts,
        reserved_in_flight,
    }
}

fn hold_reason(
    counts: &StockCounts,
    linked_non_packs: usize,
    settings: &StockSettings,
) -> Option<HoldReason> {
    if counts.linked == 0 {
        return None;
    }
    if counts.rows == 0 {
        return Some(HoldReason::EmptyAnswer {
            linked: counts.linked,
        });
    }
    if linked_non_packs >= settings.min_drop_count.max(1)
        && (counts.rows_for_linked as u128) * 100
            < (linked_non_packs as u128) * u128::from(settings.min_answer_percent)
    {
        return Some(HoldReason::TruncatedAnswer {
            rows_for_linked: counts.rows_for_linked,
            linked: linked_non_packs,
            min_percent: settings.min_answer_percent,
        });
    }
    if counts.drops_to_zero >= settings.min_drop_count.max(1)
        && (counts.drops_to_zero as u128) * 100
            > (counts.linked as u128) * u128::from(settings.max_drop_percent)
    {
        return Some(HoldReason::MassDrop {
            drops: counts.drops_to_zero,
            linked: counts.linked,
            share_percent: (counts.drops_to_zero * 100 / counts.linked) as u32,
            max_percent: settings.max_drop_percent,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::catalog::fixtures::*;
    use crate::sync::shop::Link;

    fn row(item: &str, stock: &str, reserved: &str) -> StockRow {
        StockRow {
            item: id(item),
            stock: Quantity::parse(stock).unwrap(),
            reserved_for_customers: Quantity::parse(reserved).unwrap(),
            reserved_for_suppliers: Quantity::ZERO,
        }
    }

    fn links(pairs: &[(&str, i64)]) -> Links {
        Links::new(pairs.iter().map(|(item, wc_id)| Link {
            item: id(item),
            wc_id: *wc_id,
        }))
        .unwrap()
    }

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    #[test]
    fn available_is_stock_minus_reserved_and_never_negative() {
        assert_eq!(available(&row("a", "5", "2"), true), q("3"));
        assert_eq!(available(&row("a", "5", "2"), false), q("5"));
        assert_eq!(available(&row("a", "-4", "0"), true), q("0"));
        assert_eq!(available(&row("a", "1", "3"), true), q("0"));
    }

    #[test]
    fn weighed_stock_is_floored_to_the_unit_decimals_and_pieces_to_whole_units() {
        let kg2 = weighed("w", 2);
        assert_eq!(shop_quantity(Some(&kg2), q("12.3456")), q("12.34"));
        assert_eq!(
            shop_quantity(Some(&weighed("w", 3)), q("0.355")),
            q("0.355")
        );
        assert_eq!(shop_quantity(Some(&weighed("w", 0)), q("2.9")), q("2"));
        assert_eq!(shop_quantity(None, q("2.5")), q("2"));
        assert_eq!(shop_quantity(None, q("-1")), q("0"));
    }

    #[test]
    fn a_pack_follows_its_scarcest_component() {
        let pack = pack("p", &[("a", 2), ("b", 1)]);
        let levels = HashMap::from([(id("a"), q("7")), (id("b"), q("10"))]);
        let found = pack_availability(&pack, |c| levels.get(c).copied());
        assert_eq!(found.quantity, q("3"));
        let only_a = HashMap::from([(id("a"), q("7"))]);
        let found = pack_availability(&pack, |c| only_a.get(c).copied());
        assert_eq!(found.quantity, q("0"));
        assert_eq!(found.missing, [id("b")]);
    }

    #[test]
    fn writes_only_what_changed() {
        let catalog = Catalog::new(vec![simple("a", "A", 1), simple("b", "B", 1)]);
        let rows = [row("a", "5", "0"), row("b", "2", "0"), row("zz", "9", "0")];
        let applied = HashMap::from([(10, q("5")), (11, q("3"))]);
        let plan = plan_stock(
            &catalog,
            &links(&[("a", 10), ("b", 11)]),
            &rows,
            &applied,
            &StockSettings::default(),
        );
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.writes.len(), 1);
        assert_eq!(plan.writes[0].wc_id, 11);
        assert_eq!(plan.writes[0].quantity, q("2"));
        assert_eq!(plan.writes[0].previous, Some(q("3")));
        assert!(plan.held.is_none());
    }

    #[test]
    fn missing_items_are_reported_and_left_alone_unless_asked() {
        let catalog = Catalog::new(vec![simple("a", "A", 1), simple("b", "B", 1)]);
        let rows = [row("a", "5", "0")];
        let linked = links(&[("a", 10), ("b", 11)]);
        let plan = plan_stock(
            &catalog,
            &linked,
            &rows,
            &HashMap::new(),
            &StockSettings::default(),
        );
        assert_eq!(plan.writes.len(), 1);
        assert_eq!(
            plan.problems,
            [StockProblem::MissingFromAnswer {
                item: id("b"),
                wc_id: 11
            }]
        );
        let zeroing = StockSettings {
            zero_missing: true,
            ..StockSettings::default()
        };
        let plan = plan_stock(&catalog, &linked, &rows, &HashMap::new(), &zeroing);
        assert_eq!(plan.writes[1].quantity, Quantity::ZERO);
    }

    #[test]
    fn linked_packs_get_their_component_availability() {
        let catalog = Catalog::new(vec![
            simple("a", "A", 1),
            pack("p", &[("a", 2)]),
            pack("q", &[("a", 1), ("ghost", 1)]),
        ]);
        let plan = plan_stock(
            &catalog,
            &links(&[("p", 20), ("q", 21)]),
            &[row("a", "7", "0")],
            &HashMap::new(),
            &StockSettings::default(),
        );
        assert_eq!(plan.writes[0].quantity, q("3"));
        assert_eq!(plan.writes[1].quantity, q("0"));
        assert!(plan.problems.contains(&StockProblem::ComponentMissing {
            pack: id("q"),
            component: id("ghost")
        }));
    }

    #[test]
    fn units_held_by_web_orders_in_flight_are_subtracted_before_packs_are_made_up() {
        let catalog = Catalog::new(vec![
            simple("a", "A", 1),
            weighed("w", 3),
            pack("p", &[("a", 2)]),
        ]);
        let rows = [row("a", "7", "1"), row("w", "12.345", "0")];
        let reserved = BTreeMap::from([(id("a"), q("2")), (id("w"), q("0.355"))]);
        let plan = plan_stock_reserving(
            &catalog,
            &links(&[("a", 10), ("w", 11), ("p", 12)]),
            &rows,
            &HashMap::new(),
            &reserved,
            &StockSettings::default(),
        );
        let got: Vec<(i64, Quantity, Quantity)> = plan
            .writes
            .iter()
            .map(|w| (w.wc_id, w.quantity, w.reserved_in_flight))
            .collect();
        // 7 − 1 reserved at the POS − 2 in flight = 4; the pack makes 2 of those 4.
        assert_eq!(
            got,
            [
                (10, q("4"), q("2")),
                (11, q("11.99"), q("0.355")),
                (12, q("2"), q("0"))
            ]
        );
        assert_eq!(plan.reserved_in_flight.len(), 2);
        assert_eq!(plan.reserved_in_flight[0].wc_id, Some(10));
        // More in flight than in stock: nothing to sell, never a negative stock.
        let plan = plan_stock_reserving(
            &catalog,
            &links(&[("a", 10)]),
            &rows,
            &HashMap::new(),
            &BTreeMap::from([(id("a"), q("9"))]),
            &StockSettings::default(),
        );
        assert_eq!(plan.writes[0].quantity, Quantity::ZERO);
    }

    #[test]
    fn an_empty_answer_holds_everything() {
        let catalog = Catalog::new(vec![simple("a", "A", 1)]);
        let plan = plan_stock(
            &catalog,
            &links(&[("a", 10)]),
            &[],
            &HashMap::from([(10, q("4"))]),
            &StockSettings {
                zero_missing: true,
                ..StockSettings::default()
            },
        );
        assert_eq!(plan.held, Some(HoldReason::EmptyAnswer { linked: 1 }));
        assert!(plan.writes.is_empty());
        assert_eq!(plan.would_write, 1);
    }

    fn many(n: usize) -> (Catalog, Links, HashMap<i64, Quantity>) {
        let items = (0..n).map(|i| simple(&format!("i{i}"), "", 1)).collect();
        let pairs: Vec<(String, i64)> = (0..n).map(|i| (format!("i{i}"), 100 + i as i64)).collect();
        let links = Links::new(pairs.iter().map(|(item, wc_id)| Link {
            item: id(item),
            wc_id: *wc_id,
        }))
        .unwrap();
        let applied = (0..n).map(|i| (100 + i as i64, q("5"))).collect();
        (Catalog::new(items), links, applied)
    }

    #[test]
    fn a_mass_drop_to_zero_is_held_with_its_figures() {
        let (catalog, links, applied) = many(20);
        let rows: Vec<StockRow> = (0..20)
            .map(|i| row(&format!("i{i}"), if i < 15 { "0" } else { "5" }, "0"))
            .collect();
        let plan = plan_stock(&catalog, &links, &rows, &applied, &StockSettings::default());
        assert_eq!(
            plan.held,
            Some(HoldReason::MassDrop {
                drops: 15,
                linked: 20,
                share_percent: 75,
                max_percent: 50
            })
        );
        assert!(plan.writes.is_empty());
        let forced = StockSettings {
            force: true,
            ..StockSettings::default()
        };
        let plan = plan_stock(&catalog, &links, &rows, &applied, &forced);
        assert_eq!(plan.writes.len(), 15);
    }

    #[test]
    fn a_truncated_answer_is_held() {
        let (catalog, links, applied) = many(20);
        let rows: Vec<StockRow> = (0..5).map(|i| row(&format!("i{i}"), "1", "0")).collect();
        let plan = plan_stock(&catalog, &links, &rows, &applied, &StockSettings::default());
        assert_eq!(
            plan.held,
            Some(HoldReason::TruncatedAnswer {
                rows_for_linked: 5,
                linked: 20,
                min_percent: 50
            })
        );
    }

    #[test]
    fn a_few_sell_outs_in_a_small_shop_are_not_a_mass_drop() {
        let (catalog, links, applied) = many(4);
        let rows: Vec<StockRow> = (0..4).map(|i| row(&format!("i{i}"), "0", "0")).collect();
        let plan = plan_stock(&catalog, &links, &rows, &applied, &StockSettings::default());
        assert!(plan.held.is_none());
        assert_eq!(plan.writes.len(), 4);
    }

    #[test]
    fn hold_reasons_serialise_as_tagged_arrays() {
        let json = serde_json::to_value(HoldReason::EmptyAnswer { linked: 3 }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"reason": "empty_answer", "linked": 3})
        );
    }
}
