//! Web orders the POS has not absorbed yet: the units they hold back from the stock plan.
//!
//! WooCommerce lowers its stock at checkout; the POS lowers its own only later (when it takes
//! the order in, when the till acknowledges it, or when it is finalised: the contract does not
//! say which). Until then the POS figure still counts units already sold on the web, and a stock
//! run that wrote it back would put them on sale again. So every web order counts against the
//! stock of its items ([`reserved_quantities`], through packs and in decimals for weighed items)
//! from the moment it is queued until one of these ([`release_of`], [`released_by_drop`]):
//!
//! - the POS reports it in a state that has moved stock ([`StockMovedAt`], a setting whose
//!   default waits for the till's acknowledgement);
//! - the POS stock has visibly dropped by its quantities since before it was pushed, once the
//!   till's own sales over that time are taken out ([`DropEvidence`]);
//! - it is cancelled (in WooCommerce or in the POS);
//! - the time limit passes ([`InflightSettings::max_age_ms`], 24 hours by default): the engine
//!   logs that one as a warning.
//!
//! Every doubt keeps the order counting: the shop then sells too little for a while, never units
//! it does not have.

use super::catalog::{Catalog, ItemRole};
use crate::model::{ItemId, ItemKind, Quantity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// When the POS is assumed to lower its own stock for an order pushed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockMovedAt {
    /// As soon as it holds the order (the push).
    Push,
    /// Once the till acknowledged it (or any later state): the default.
    #[default]
    Acknowledgement,
    /// Once it is finalised (a sale recorded).
    Finalisation,
    /// No state says so: an order counts until its stock drop shows, it is cancelled, or the
    /// time limit passes.
    Never,
}

impl StockMovedAt {
    /// Whether an order at `stage` has moved the POS stock under this assumption.
    pub fn has_moved(self, stage: PosStage) -> bool {
        match self {
            StockMovedAt::Push => !matches!(stage, PosStage::Cancelled),
            StockMovedAt::Acknowledgement => {
                matches!(stage, PosStage::Acknowledged | PosStage::Finalised)
            }
            StockMovedAt::Finalisation => stage == PosStage::Finalised,
            StockMovedAt::Never => false,
        }
    }
}

/// The in-flight settings, with their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InflightSettings {
    pub moved_at: StockMovedAt,
    /// An order stops counting this long after it was queued, whatever the POS says.
    pub max_age_ms: i64,
}

/// 24 hours.
pub const DEFAULT_MAX_AGE_MS: i64 = 24 * 3_600_000;

impl Default for InflightSettings {
    fn default() -> Self {
        InflightSettings {
            moved_at: StockMovedAt::Acknowledgement,
            max_age_ms: DEFAULT_MAX_AGE_MS,
        }
    }
}

/// Where an order stands in the POS, read from its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PosStage {
    /// Taken in, not acknowledged yet ("not_acked").
    Pending,
    /// Acknowledged on the till ("accepted").
    Acknowledged,
    /// Finalised: a sale was recorded ("finalized").
    Finalised,
    Cancelled,
    /// A status this version does not know: it is never taken to have moved stock.
    Unknown,
}

/// The stage of a POS order status. The vocabulary is assumed (`docs/shopcaisse-api.md`): the
/// spellings integrators report, compared without case; anything else is [`PosStage::Unknown`].
pub fn pos_stage(status: &str) -> PosStage {
    match status.trim().to_ascii_lowercase().as_str() {
        "not_acked" | "pending" | "new" => PosStage::Pending,
        "accepted" | "acked" | "acknowledged" => PosStage::Acknowledged,
        "finalized" | "finalised" | "done" | "completed" => PosStage::Finalised,
        "cancelled" | "canceled" => PosStage::Cancelled,
        _ => PosStage::Unknown,
    }
}

/// Where a web order is on its way to the till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "where", rename_all = "snake_case")]
pub enum Whereabouts {
    /// Not in the POS yet: queued, being sent, failed or blocked.
    Outbox,
    /// In the POS; `status` is what it said this run (`None`: it could not be asked).
    Pos { status: Option<String> },
    /// Cancelled in WooCommerce or in the POS.
    Cancelled,
}

/// One item line of a web order: a stock item, a pack or a variation, possibly weighed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InflightLine {
    pub item: ItemId,
    pub quantity: Quantity,
}

/// A web order the POS may not have absorbed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InflightOrder {
    pub wc_order_id: i64,
    pub reference: String,
    /// When it was queued (epoch ms): the time limit runs from there.
    pub queued_at_ms: i64,
    pub whereabouts: Whereabouts,
    pub lines: Vec<InflightLine>,
}

impl InflightOrder {
    fn in_pos(&self) -> bool {
        matches!(self.whereabouts, Whereabouts::Pos { .. })
    }
}

/// Why an order stopped counting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Release {
    /// The POS reports it in a state that has moved stock.
    Absorbed {
        status: String,
    },
    /// The POS stock dropped by its quantities since before the push.
    StockDropped,
    Cancelled,
    /// The time limit passed while nothing said the POS took it in (a warning).
    Expired {
        age_ms: i64,
        limit_ms: i64,
    },
}

impl Release {
    /// The stored name ("absorbed").
    pub fn as_str(&self) -> &'static str {
        match self {
            Release::Absorbed { .. } => "absorbed",
            Release::StockDropped => "stock_dropped",
            Release::Cancelled => "cancelled",
            Release::Expired { .. } => "expired",
        }
    }
}

/// Whether `order` stops counting at `now_ms`, and why; `None` while it still counts. The POS
/// state and cancellations come before the time limit, so an order is only said to have
/// expired when nothing else explains it.
pub fn release_of(
    order: &InflightOrder,
    settings: &InflightSettings,
    now_ms: i64,
) -> Option<Release> {
    match &order.whereabouts {
        Whereabouts::Cancelled => return Some(Release::Cancelled),
        Whereabouts::Pos {
            status: Some(status),
        } => {
            let stage = pos_stage(status);
            if stage == PosStage::Cancelled {
                return Some(Release::Cancelled);
            }
            if settings.moved_at.has_moved(stage) {
                return Some(Release::Absorbed {
                    status: status.clone(),
                });
            }
        }
        Whereabouts::Pos { status: None } if settings.moved_at == StockMovedAt::Push => {
            return Some(Release::Absorbed {
                status: "pushed".into(),
            });
        }
        Whereabouts::Pos { status: None } | Whereabouts::Outbox => {}
    }
    let age_ms = now_ms.saturating_sub(order.queued_at_ms);
    (age_ms >= settings.max_age_ms).then_some(Release::Expired {
        age_ms,
        limit_ms: settings.max_age_ms,
    })
}

/// How deep packs may nest before the expansion stops (a cycle): the line then holds its own
/// item.
const MAX_PACK_DEPTH: u32 = 8;

/// What a line takes from the stock items that carry stock: a pack through its components
/// (each rounded up to the thousandth, so a reservation is never short), anything else from
/// itself (a variation carries its own stock).
pub fn stock_items_of(catalog: &Catalog, item: &ItemId, quantity: Quantity) -> Vec<InflightLine> {
    let mut out = Vec::new();
    expand(catalog, item, quantity, 0, &mut out);
    out
}

fn expand(
    catalog: &Catalog,
    item: &ItemId,
    quantity: Quantity,
    depth: u32,
    out: &mut Vec<InflightLine>,
) {
    let pack = catalog.get(item).filter(|i| {
        (i.kind == ItemKind::Pack || catalog.role(&i.id) == Some(ItemRole::Pack))
            && !i.components.is_empty()
    });
    match pack {
        Some(pack) if depth < MAX_PACK_DEPTH => {
            for component in &pack.components {
                let product = i128::from(component.quantity.thousandths())
                    * i128::from(quantity.thousandths());
                let thousandths = if product > 0 {
                    (product + 999) / 1000
                } else {
                    0
                };
                let per_line = Quantity::from_thousandths(thousandths.min(i64::MAX as i128) as i64);
                expand(catalog, &component.item, per_line, depth + 1, out);
            }
        }
        _ => out.push(InflightLine {
            item: item.clone(),
            quantity,
        }),
    }
}

/// What one order takes from each stock item, its lines summed.
pub fn order_quantities(catalog: &Catalog, order: &InflightOrder) -> BTreeMap<ItemId, Quantity> {
    let mut out: BTreeMap<ItemId, Quantity> = BTreeMap::new();
    for line in &order.lines {
        if line.quantity.is_zero_or_less() {
            continue;
        }
        for part in stock_items_of(catalog, &line.item, line.quantity) {
            let slot = out.entry(part.item).or_default();
            *slot = slot.saturating_add(part.quantity);
        }
    }
    out
}

/// The units held back on each stock item by the orders that still count.
pub fn reserved_quantities<'a>(
    catalog: &Catalog,
    counting: impl IntoIterator<Item = &'a InflightOrder>,
) -> BTreeMap<ItemId, Quantity> {
    let mut out: BTreeMap<ItemId, Quantity> = BTreeMap::new();
    for order in counting {
        for (item, quantity) in order_quantities(catalog, order) {
            let slot = out.entry(item).or_default();
            *slot = slot.saturating_add(quantity);
        }
    }
    out
}

/// What the POS stock of one item says since an anchor taken before the orders on it were
/// pushed: the stock then and now, what the till sold over that time (its tickets, packs
/// through their components), and what orders already released since the anchor took of the
/// drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DropEvidence {
    pub anchor_stock: Quantity,
    pub now_stock: Quantity,
    pub till_sold: Quantity,
    pub already_released: Quantity,
}

impl DropEvidence {
    /// The drop no ticket explains and no released order took yet.
    pub fn unexplained(&self) -> Quantity {
        self.anchor_stock
            .saturating_sub(self.now_stock)
            .saturating_sub(self.till_sold)
            .saturating_sub(self.already_released)
    }
}

/// The orders in the POS whose quantities the unexplained stock drops cover, oldest first;
/// each takes its share, so one drop never releases two orders. An order is released only when
/// every one of its stock items has evidence that covers it. Whatever else lowered the stock
/// (a correction at the till, breakage) would be taken for the orders: that is why the till's
/// tickets are taken out first, and why the POS state and the time limit remain.
pub fn released_by_drop(
    catalog: &Catalog,
    counting: &[&InflightOrder],
    evidence: &HashMap<ItemId, DropEvidence>,
) -> Vec<i64> {
    let mut left: HashMap<&ItemId, Quantity> = evidence
        .iter()
        .map(|(item, e)| (item, e.unexplained()))
        .collect();
    let mut candidates: Vec<&&InflightOrder> = counting.iter().filter(|o| o.in_pos()).collect();
    candidates.sort_by_key(|o| (o.queued_at_ms, o.wc_order_id));
    let mut released = Vec::new();
    for order in candidates {
        let needs = order_quantities(catalog, order);
        if needs.is_empty() {
            continue;
        }
        let covered = needs
            .iter()
            .all(|(item, q)| left.get(item).is_some_and(|have| have >= q));
        if !covered {
            continue;
        }
        for (item, q) in &needs {
            if let Some(have) = left.get_mut(item) {
                *have = have.saturating_sub(*q);
            }
        }
        released.push(order.wc_order_id);
    }
    released
}

/// What orders that stopped counting while in the POS took of the drops since the anchors:
/// their units, whatever the reason (absorbed, dropped, expired), but a cancellation's. Added
/// to [`DropEvidence::already_released`], so no later order is released by their drop. When an
/// order's stock had in fact moved before the anchor, this makes drops release less: the safe
/// side.
pub fn taken_from_drops<'a>(
    catalog: &Catalog,
    released: impl IntoIterator<Item = &'a (InflightOrder, Release)>,
) -> BTreeMap<ItemId, Quantity> {
    reserved_quantities(
        catalog,
        released
            .into_iter()
            .filter(|(order, why)| order.in_pos() && !matches!(why, Release::Cancelled))
            .map(|(order, _)| order),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Item, PackComponent};
    use crate::sync::catalog::fixtures::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    fn order(wc: i64, at: i64, whereabouts: Whereabouts, lines: &[(&str, &str)]) -> InflightOrder {
        InflightOrder {
            wc_order_id: wc,
            reference: format!("WEB-{wc}"),
            queued_at_ms: at,
            whereabouts,
            lines: lines
                .iter()
                .map(|(item, quantity)| InflightLine {
                    item: id(item),
                    quantity: q(quantity),
                })
                .collect(),
        }
    }

    fn in_pos(status: &str) -> Whereabouts {
        Whereabouts::Pos {
            status: Some(status.into()),
        }
    }

    const HOUR: i64 = 3_600_000;

    #[test]
    fn an_order_counts_until_the_pos_says_it_moved_stock() {
        let s = InflightSettings::default();
        let now = 10 * HOUR;
        assert_eq!(
            release_of(&order(1, now, Whereabouts::Outbox, &[]), &s, now),
            None
        );
        assert_eq!(
            release_of(&order(1, now, in_pos("not_acked"), &[]), &s, now),
            None
        );
        assert_eq!(
            release_of(&order(1, now, in_pos("accepted"), &[]), &s, now),
            Some(Release::Absorbed {
                status: "accepted".into()
            })
        );
        assert_eq!(
            release_of(&order(1, now, in_pos("FINALIZED"), &[]), &s, now),
            Some(Release::Absorbed {
                status: "FINALIZED".into()
            })
        );
        // A status nobody knows, or no answer: it keeps counting.
        assert_eq!(
            release_of(&order(1, now, in_pos("preparing"), &[]), &s, now),
            None
        );
        let unknown = Whereabouts::Pos { status: None };
        assert_eq!(release_of(&order(1, now, unknown, &[]), &s, now), None);
    }

    #[test]
    fn the_setting_says_which_states_moved_stock() {
        let now = HOUR;
        let with = |moved_at| InflightSettings {
            moved_at,
            ..InflightSettings::default()
        };
        let pending = order(1, now, in_pos("not_acked"), &[]);
        let acked = order(1, now, in_pos("accepted"), &[]);
        let done = order(1, now, in_pos("finalized"), &[]);
        let waiting = order(1, now, Whereabouts::Outbox, &[]);
        let push = with(StockMovedAt::Push);
        assert!(release_of(&pending, &push, now).is_some());
        assert!(release_of(&waiting, &push, now).is_none());
        let fin = with(StockMovedAt::Finalisation);
        assert!(release_of(&acked, &fin, now).is_none());
        assert!(release_of(&done, &fin, now).is_some());
        let never = with(StockMovedAt::Never);
        assert!(release_of(&done, &never, now).is_none());
    }

    #[test]
    fn cancelled_orders_stop_counting_and_stuck_ones_expire() {
        let s = InflightSettings::default();
        let now = 100 * HOUR;
        assert_eq!(
            release_of(&order(1, now, Whereabouts::Cancelled, &[]), &s, now),
            Some(Release::Cancelled)
        );
        assert_eq!(
            release_of(&order(1, now, in_pos("cancelled"), &[]), &s, now),
            Some(Release::Cancelled)
        );
        let old = now - 24 * HOUR;
        assert_eq!(
            release_of(&order(1, old, in_pos("not_acked"), &[]), &s, now),
            Some(Release::Expired {
                age_ms: 24 * HOUR,
                limit_ms: 24 * HOUR
            })
        );
        assert_eq!(
            release_of(&order(1, old + 1, Whereabouts::Outbox, &[]), &s, now),
            None
        );
        // Cancelled past the limit is cancelled, not expired.
        assert_eq!(
            release_of(&order(1, old, Whereabouts::Cancelled, &[]), &s, now),
            Some(Release::Cancelled)
        );
    }

    fn coffee_box_catalog() -> Catalog {
        let mut coffee_box = pack("box", &[("bowl", 2)]);
        coffee_box.components.push(PackComponent {
            item: id("coffee"),
            quantity: q("0.25"),
        });
        Catalog::new(vec![
            simple("bowl", "", 1),
            weighed("coffee", 3),
            coffee_box,
            parent("tee", "", &["tee-m", "tee-l"]),
            declination("tee-m", "tee", "", "M"),
            declination("tee-l", "tee", "", "L"),
            pack("outer", &[("box", 1), ("tee-m", 1)]),
        ])
    }

    #[test]
    fn packs_reserve_their_components_variations_themselves_and_weights_in_decimals() {
        let catalog = coffee_box_catalog();
        let orders = [
            order(1, 0, Whereabouts::Outbox, &[("box", "2"), ("tee-m", "1")]),
            order(
                2,
                0,
                in_pos("not_acked"),
                &[("coffee", "0.355"), ("outer", "1")],
            ),
        ];
        let reserved = reserved_quantities(&catalog, &orders);
        assert_eq!(
            reserved,
            BTreeMap::from([
                (id("bowl"), q("6")),
                (id("coffee"), q("1.105")),
                (id("tee-m"), q("2")),
            ])
        );
    }

    #[test]
    fn pack_shares_round_up_to_the_thousandth() {
        let mut tiny = pack("p", &[]);
        tiny.components.push(PackComponent {
            item: id("w"),
            quantity: q("0.333"),
        });
        let catalog = Catalog::new(vec![weighed("w", 3), tiny]);
        // 0.333 × 0.5 = 0.1665 → 0.167, never 0.166.
        assert_eq!(
            stock_items_of(&catalog, &id("p"), q("0.5"))[0].quantity,
            q("0.167")
        );
    }

    #[test]
    fn a_pack_cycle_stops_expanding() {
        let a = pack("a", &[("b", 1)]);
        let b = pack("b", &[("a", 1)]);
        let catalog = Catalog::new(vec![a, b]);
        let parts = stock_items_of(&catalog, &id("a"), q("1"));
        assert_eq!(parts.len(), 1);
    }

    #[test]
    fn items_unknown_to_the_catalog_reserve_themselves() {
        let catalog = Catalog::new(Vec::<Item>::new());
        let reserved =
            reserved_quantities(&catalog, &[order(1, 0, Whereabouts::Outbox, &[("x", "2")])]);
        assert_eq!(reserved, BTreeMap::from([(id("x"), q("2"))]));
    }

    fn evidence(anchor: &str, now: &str, till: &str, released: &str) -> DropEvidence {
        DropEvidence {
            anchor_stock: q(anchor),
            now_stock: q(now),
            till_sold: q(till),
            already_released: q(released),
        }
    }

    #[test]
    fn a_drop_releases_the_orders_it_covers_oldest_first_and_only_once() {
        let catalog = Catalog::new(vec![simple("a", "", 1), simple("b", "", 1)]);
        let first = order(1, 10, in_pos("not_acked"), &[("a", "2")]);
        let second = order(2, 20, in_pos("not_acked"), &[("a", "2")]);
        let waiting = order(3, 5, Whereabouts::Outbox, &[("a", "1")]);
        let both = order(4, 30, in_pos("not_acked"), &[("a", "1"), ("b", "1")]);
        let counting = [&first, &second, &waiting, &both];
        // 5 → 3 with nothing sold at the till: one order of 2, not two; never one still queued.
        let ev = HashMap::from([(id("a"), evidence("5", "3", "0", "0"))]);
        assert_eq!(released_by_drop(&catalog, &counting, &ev), [1]);
        // The till sold those 2: nothing is released.
        let ev = HashMap::from([(id("a"), evidence("5", "3", "2", "0"))]);
        assert!(released_by_drop(&catalog, &counting, &ev).is_empty());
        // An order released before took its share.
        let ev = HashMap::from([(id("a"), evidence("9", "3", "0", "2"))]);
        assert_eq!(released_by_drop(&catalog, &counting, &ev), [1, 2]);
        // An order on two items needs both to have dropped.
        let ev = HashMap::from([
            (id("a"), evidence("10", "5", "0", "0")),
            (id("b"), evidence("3", "3", "0", "0")),
        ]);
        assert_eq!(released_by_drop(&catalog, &counting, &ev), [1, 2]);
        let ev = HashMap::from([
            (id("a"), evidence("10", "5", "0", "0")),
            (id("b"), evidence("3", "2", "0", "0")),
        ]);
        assert_eq!(released_by_drop(&catalog, &counting, &ev), [1, 2, 4]);
    }

    #[test]
    fn orders_leaving_the_pos_take_their_units_from_the_drops_but_cancelled_ones_do_not() {
        let catalog = Catalog::new(vec![simple("a", "", 1)]);
        let released = [
            (
                order(1, 0, in_pos("accepted"), &[("a", "2")]),
                Release::Absorbed {
                    status: "accepted".into(),
                },
            ),
            (
                order(2, 0, in_pos("not_acked"), &[("a", "1")]),
                Release::StockDropped,
            ),
            (
                order(3, 0, in_pos("cancelled"), &[("a", "4")]),
                Release::Cancelled,
            ),
            (
                order(4, 0, Whereabouts::Outbox, &[("a", "8")]),
                Release::Expired {
                    age_ms: 1,
                    limit_ms: 1,
                },
            ),
        ];
        assert_eq!(
            taken_from_drops(&catalog, &released),
            BTreeMap::from([(id("a"), q("3"))])
        );
    }

    #[test]
    fn a_rising_stock_explains_nothing() {
        assert_eq!(evidence("5", "9", "0", "0").unexplained(), q("-4"));
        let catalog = Catalog::new(vec![simple("a", "", 1)]);
        let o = order(1, 10, in_pos("not_acked"), &[("a", "1")]);
        let ev = HashMap::from([(id("a"), evidence("5", "9", "0", "0"))]);
        assert!(released_by_drop(&catalog, &[&o], &ev).is_empty());
    }

    #[test]
    fn status_names_are_read_without_case() {
        assert_eq!(pos_stage(" Accepted "), PosStage::Acknowledged);
        assert_eq!(pos_stage("canceled"), PosStage::Cancelled);
        assert_eq!(pos_stage(""), PosStage::Unknown);
    }
}
