//! Orders on their way to the POS: when a WooCommerce order is sent or cancelled
//! ([`StatusMap`], [`decide`]), the payload it becomes ([`build_push`] → [`PushPlan`]), when a
//! failed push or cancellation is tried again, looked up or blocked ([`after_failed_push`],
//! [`after_failed_cancel`], [`no_post_until`], [`next_attempt_delay`]), and which Shopcaisse
//! customer it is attached to ([`customer_searches`], [`match_customer`]). The engine only runs
//! the calls these decide.
//!
//! Money is integer cents from end to end: line amounts are checked against the paid total to
//! the cent, and a rounding difference is either absorbed visibly (at most one cent per line, the
//! most WooCommerce's own tax rounding can produce) or blocks the order with the figures. A
//! payload is never sent with a product the POS cannot recognise: unlinked products block it.

use super::catalog::Catalog;
use super::shop::Links;
use crate::model::keys::{email_key, phone_key};
use crate::model::{
    Customer, CustomerDetails, CustomerId, Item, ItemId, Money, NewCustomer, OrderLine, OrderPush,
    Payment, PosId, Quantity,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A WooCommerce status as a key: trimmed, lowercase, without the `wc-` prefix of the posts
/// table (`wc-processing` and `processing` are the same status).
pub fn status_key(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    lower
        .strip_prefix("wc-")
        .map(str::to_owned)
        .unwrap_or(lower)
}

/// Which statuses send an order to the POS, and which cancel one already sent. Any status works,
/// custom ones of other plugins included; a status the map does not name does not send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusMap {
    /// Status → whether reaching it sends the order.
    pub send: BTreeMap<String, bool>,
    /// Statuses that cancel an order already in the POS.
    pub cancel: BTreeSet<String>,
}

impl Default for StatusMap {
    /// Sent once paid (`processing`) or `completed`; `cancelled` and `refunded` cancel.
    fn default() -> Self {
        StatusMap {
            send: [("processing", true), ("completed", true)]
                .into_iter()
                .map(|(s, on)| (s.to_owned(), on))
                .collect(),
            cancel: ["cancelled", "refunded"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl StatusMap {
    /// Whether reaching `status` sends the order.
    pub fn sends(&self, status: &str) -> bool {
        let key = status_key(status);
        !self.cancel.contains(&key) && self.send.get(&key).copied().unwrap_or(false)
    }

    /// Whether reaching `status` cancels an order already sent.
    pub fn cancels(&self, status: &str) -> bool {
        self.cancel.contains(&status_key(status))
    }

    /// Sets whether a status sends.
    pub fn set(&mut self, status: &str, sends: bool) {
        self.send.insert(status_key(status), sends);
    }

    /// One row per status the shop knows (from `wc_get_order_statuses()`), for the settings
    /// table: every status is listed, mapped or not, so custom statuses show up by themselves.
    pub fn rows(&self, known: &[String]) -> Vec<(String, bool)> {
        let mut keys: BTreeSet<String> = known.iter().map(|s| status_key(s)).collect();
        keys.extend(self.send.keys().cloned());
        keys.into_iter()
            .map(|key| {
                let sends = self.sends(&key);
                (key, sends)
            })
            .collect()
    }
}

/// Where an order stands, as [`decide`] sees it: the stored outbox state (`state::OutboxState`)
/// plus what it implies (never queued, a live or an abandoned send, withdrawn or cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStanding {
    /// Never queued.
    #[default]
    None,
    /// Waiting for its push.
    Queued,
    /// A worker is sending it right now (its claim holds): it may be in the POS.
    InFlight,
    /// A push was started by a worker that no longer holds it (crashed, timed out): it may be
    /// in the POS.
    Abandoned,
    /// The POS has it.
    Pushed,
    /// The last push failed and the POS does not have it; a retry is scheduled.
    Failed,
    /// It cannot be built (unlinked product, not in euros…) until someone fixes the cause.
    Blocked,
    /// Taken out of the queue before reaching the POS (cancelled in time).
    Withdrawn,
    /// Its cancellation in the POS is waiting.
    CancelQueued,
    /// Cancelled in the POS.
    Cancelled,
}

/// What a status change means for the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    /// Queue the push (the outbox keeps one row per order, so enqueuing twice is harmless).
    Enqueue,
    /// Cancel it in the POS. For an order in flight, the canceller first finds out whether the
    /// POS got it (by external reference).
    Cancel,
    /// It is being sent right now: mark it, and the worker cancels it in the POS once its
    /// push settles.
    CancelWhenSent,
    /// Take it out of the queue: it never reached the POS.
    Withdraw,
    Nothing,
}

/// What to do when an order reaches `status` while its outbox row is in `state`.
///
/// An order cancelled in the POS is never sent again by itself: its reference was used, and a
/// person decides. A blocked order is queued again when it reaches a sending status, so a fixed
/// cause (a product linked since) is picked up.
pub fn decide(map: &StatusMap, status: &str, state: OrderStanding) -> OrderAction {
    use OrderStanding as S;
    if map.cancels(status) {
        return match state {
            // A failed push may have reached the POS (its answer lost): it is cancelled there,
            // which looks it up first, rather than only taken out of the queue.
            S::Pushed | S::Abandoned | S::Failed => OrderAction::Cancel,
            S::InFlight => OrderAction::CancelWhenSent,
            S::Queued | S::Blocked => OrderAction::Withdraw,
            S::None | S::Withdrawn | S::CancelQueued | S::Cancelled => OrderAction::Nothing,
        };
    }
    if map.sends(status) {
        return match state {
            S::None | S::Withdrawn | S::Blocked => OrderAction::Enqueue,
            _ => OrderAction::Nothing,
        };
    }
    OrderAction::Nothing
}

/// One product line of a WooCommerce order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineSnapshot {
    pub wc_product_id: i64,
    /// The variation bought, if any (0 means none, as WooCommerce writes it).
    #[serde(default)]
    pub variation_id: Option<i64>,
    #[serde(default)]
    pub name: String,
    /// Decimal for weighed items ("0.355").
    pub quantity: Quantity,
    /// Unit price before discount, tax included.
    #[serde(default)]
    pub unit_price_ttc: Option<Money>,
    /// What the customer paid for the line, discount deducted, tax included.
    #[serde(default)]
    pub total_ttc: Option<Money>,
    /// Discount on the line, tax included.
    #[serde(default, alias = "discount")]
    pub discount_ttc: Money,
}

impl OrderLineSnapshot {
    /// The product the line sold: its variation when it has one.
    pub fn sold_product(&self) -> i64 {
        self.variation_id
            .filter(|v| *v > 0)
            .unwrap_or(self.wc_product_id)
    }
}

/// A shipping or fee line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeSnapshot {
    #[serde(default)]
    pub name: String,
    /// Tax included.
    pub total_ttc: Money,
}

/// A WooCommerce order as PHP reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSnapshot {
    pub wc_order_id: i64,
    /// The order number customers see (may differ from the id with numbering plugins).
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub status: String,
    pub created_at_ms: i64,
    pub currency: String,
    #[serde(default)]
    pub customer: CustomerDetails,
    pub lines: Vec<OrderLineSnapshot>,
    #[serde(default)]
    pub shipping: Vec<ChargeSnapshot>,
    #[serde(default)]
    pub fees: Vec<ChargeSnapshot>,
    #[serde(default)]
    pub payment_method_title: String,
    /// What the customer paid, tax included.
    pub total_ttc: Money,
    #[serde(default)]
    pub note: Option<String>,
}

/// The order settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderSettings {
    /// Put before the order number in the external reference ("WEB-").
    pub prefix: String,
    pub status_map: StatusMap,
    /// The payment type on the wire.
    pub payment_type: String,
    /// A difference between the lines and the total of at most this many cents per line is
    /// rounding, absorbed and reported; more blocks the order.
    pub rounding_cents_per_line: i64,
}

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            prefix: "WEB-".into(),
            status_map: StatusMap::default(),
            payment_type: "ONLINE".into(),
            rounding_cents_per_line: 1,
        }
    }
}

/// A product line whose product is not linked to a Shopcaisse item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlinkedLine {
    pub wc_id: i64,
    pub name: String,
}

/// Why an order cannot be pushed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum BlockReason {
    /// The POS counts in euros.
    NotEur {
        currency: String,
    },
    /// No product line.
    EmptyOrder,
    UnlinkedProducts {
        lines: Vec<UnlinkedLine>,
    },
    /// Zero or negative, or a fraction of a product sold by the piece.
    InvalidQuantity {
        wc_id: i64,
        quantity: Quantity,
    },
    /// A line with neither a unit price nor a total.
    MissingPrice {
        wc_id: i64,
    },
    /// A line or the order total below zero.
    NegativeAmount {
        label: String,
        amount: Money,
    },
    /// The lines do not add up to what was paid, by more than rounding explains.
    TotalMismatch {
        lines_total: Money,
        order_total: Money,
        difference: Money,
        tolerance: Money,
    },
    /// The order has neither a number nor a valid id to reference it by.
    NoReference,
}

/// A visible correction made to keep the payload equal, to the cent, to what was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "adjustment", rename_all = "snake_case")]
pub enum Adjustment {
    /// A line's discount differs from WooCommerce's so that unit price × quantity − discount
    /// equals the line's total exactly (unit prices are whole cents).
    LineDiscount {
        wc_id: i64,
        unit_price: Money,
        given: Money,
        used: Money,
    },
    /// Lines and total differed by rounding: `difference` (total − lines) was added as a
    /// free line when positive, or to the last line's discount when negative.
    Rounding { difference: Money },
}

/// The payload, or why there is none. (One per order and never held in bulk, so the size gap
/// between the two variants costs nothing.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PushPlan {
    Ready {
        push: OrderPush,
        adjustments: Vec<Adjustment>,
    },
    Blocked {
        reasons: Vec<BlockReason>,
    },
}

/// The external reference of an order: the prefix plus its number (its id when it has none).
pub fn external_reference(prefix: &str, order: &OrderSnapshot) -> Option<String> {
    let number = order.number.trim();
    let number = if number.is_empty() {
        if order.wc_order_id <= 0 {
            return None;
        }
        order.wc_order_id.to_string()
    } else {
        number.to_owned()
    };
    Some(format!("{}{number}", prefix.trim()))
}

/// The smallest whole-cent unit price whose product with `quantity` covers `amount`.
fn unit_price_covering(amount: Money, quantity: Quantity) -> Money {
    let numerator = i128::from(amount.cents()) * 1000;
    let q = i128::from(quantity.thousandths());
    let unit = (numerator + q - 1).div_euclid(q);
    Money::from_cents(unit.clamp(0, i128::from(i64::MAX)) as i64)
}

fn line_amount(line: &OrderLine) -> Money {
    line.unit_price.times(line.quantity) - line.discount
}

/// Builds the payload for an order, or says why it cannot be sent.
///
/// `customer` is the Shopcaisse customer chosen by [`match_customer`] (or created since);
/// `catalog` tells weighed items (decimal quantities allowed) from items sold by the piece;
/// it only needs the items of the order's linked products.
pub fn build_push(
    order: &OrderSnapshot,
    settings: &OrderSettings,
    pos: &PosId,
    customer: Option<CustomerId>,
    links: &Links,
    catalog: &Catalog,
) -> PushPlan {
    let reference = external_reference(&settings.prefix, order);
    let mut reasons = order_reasons(order, reference.is_some());
    let mut adjustments = Vec::new();
    let mut unlinked = Vec::new();
    let mut lines = Vec::with_capacity(order.lines.len() + order.shipping.len() + 1);
    for line in &order.lines {
        let item = links.item_of(line.sold_product());
        if item.is_none() {
            unlinked.push(UnlinkedLine {
                wc_id: line.sold_product(),
                name: line.name.clone(),
            });
        }
        match product_line(line, item, item.and_then(|id| catalog.get(id))) {
            Ok((pos_line, adjustment)) => {
                lines.push(pos_line);
                adjustments.extend(adjustment);
            }
            Err(reason) => reasons.push(reason),
        }
    }
    if !unlinked.is_empty() {
        reasons.push(BlockReason::UnlinkedProducts { lines: unlinked });
    }
    lines.extend(charge_lines(order));
    if reasons.is_empty() {
        match balance_total(
            &mut lines,
            order.total_ttc,
            settings.rounding_cents_per_line,
        ) {
            Ok(adjustment) => adjustments.extend(adjustment),
            Err(reason) => reasons.push(reason),
        }
    }
    let Some(external_reference) = reference.filter(|_| reasons.is_empty()) else {
        return PushPlan::Blocked { reasons };
    };
    let payment_name = match order.payment_method_title.trim() {
        "" => "Paiement en ligne".to_owned(),
        title => title.to_owned(),
    };
    let details = &order.customer;
    let push = OrderPush {
        external_reference,
        pos: pos.clone(),
        customer,
        customer_details: CustomerDetails {
            first_name: details.first_name.trim().to_owned(),
            last_name: details.last_name.trim().to_owned(),
            email: trimmed(details.email.as_deref()),
            phone: trimmed(details.phone.as_deref()),
        },
        lines,
        payments: vec![Payment {
            kind: settings.payment_type.clone(),
            name: payment_name,
            amount: order.total_ttc,
        }],
        note: trimmed(order.note.as_deref()),
        created_at_ms: order.created_at_ms,
    };
    PushPlan::Ready { push, adjustments }
}

/// What blocks the order as a whole: not in euros, no line, no reference, a negative total.
fn order_reasons(order: &OrderSnapshot, has_reference: bool) -> Vec<BlockReason> {
    let mut reasons = Vec::new();
    if !order.currency.trim().eq_ignore_ascii_case("EUR") {
        reasons.push(BlockReason::NotEur {
            currency: order.currency.clone(),
        });
    }
    if order.lines.is_empty() {
        reasons.push(BlockReason::EmptyOrder);
    }
    if !has_reference {
        reasons.push(BlockReason::NoReference);
    }
    if order.total_ttc < Money::ZERO {
        reasons.push(BlockReason::NegativeAmount {
            label: "total".into(),
            amount: order.total_ttc,
        });
    }
    reasons
}

/// The POS line of a product line (`item` its linked item, `known` that item in the catalog):
/// a unit price and a discount that give exactly what the customer paid, with the correction
/// made to the discount WooCommerce gave, or why the line cannot be sent.
fn product_line(
    line: &OrderLineSnapshot,
    item: Option<&ItemId>,
    known: Option<&Item>,
) -> Result<(OrderLine, Option<Adjustment>), BlockReason> {
    let wc_id = line.sold_product();
    let weighed = known.is_some_and(|i| i.is_weighed());
    let quantity = line.quantity;
    if quantity <= Quantity::ZERO || (!weighed && quantity.thousandths() % 1000 != 0) {
        return Err(BlockReason::InvalidQuantity { wc_id, quantity });
    }
    let label = match line.name.trim() {
        "" => known.map(|i| i.name.clone()).unwrap_or_default(),
        name => name.to_owned(),
    };
    let total = match (line.total_ttc, line.unit_price_ttc) {
        (Some(total), _) => total,
        (None, Some(unit)) => unit.times(quantity) - line.discount_ttc,
        (None, None) => return Err(BlockReason::MissingPrice { wc_id }),
    };
    if total < Money::ZERO {
        return Err(BlockReason::NegativeAmount {
            label,
            amount: total,
        });
    }
    let given_discount = line.discount_ttc.max(Money::ZERO);
    let unit_price = match line.unit_price_ttc {
        Some(unit) if unit >= Money::ZERO && unit.times(quantity) >= total => unit,
        _ => unit_price_covering(total + given_discount, quantity),
    };
    let discount = unit_price.times(quantity) - total;
    let adjustment = (discount != line.discount_ttc).then_some(Adjustment::LineDiscount {
        wc_id,
        unit_price,
        given: line.discount_ttc,
        used: discount,
    });
    let pos_line = OrderLine {
        item: item.cloned(),
        quantity,
        unit_price,
        discount,
        label,
    };
    Ok((pos_line, adjustment))
}

/// Shipping and fees as lines of their own. A negative fee is a discount some plugins add as
/// a fee: the POS gets it as is.
fn charge_lines(order: &OrderSnapshot) -> impl Iterator<Item = OrderLine> + '_ {
    let charges = order
        .shipping
        .iter()
        .map(|c| (c, "Livraison"))
        .chain(order.fees.iter().map(|c| (c, "Frais")));
    charges.map(|(charge, fallback)| OrderLine {
        item: None,
        quantity: Quantity::pieces(1),
        unit_price: charge.total_ttc,
        discount: Money::ZERO,
        label: match charge.name.trim() {
            "" => fallback.to_owned(),
            name => name.to_owned(),
        },
    })
}

/// Makes the lines add up to what the customer paid: a difference within the tolerance
/// (`cents_per_line` per line) is absorbed, visibly (a rounding line when the lines fall short,
/// a larger discount on the last line that can take it when they exceed); a larger one blocks
/// the order with the figures.
fn balance_total(
    lines: &mut Vec<OrderLine>,
    order_total: Money,
    cents_per_line: i64,
) -> Result<Option<Adjustment>, BlockReason> {
    let lines_total: Money = lines.iter().map(line_amount).sum();
    let difference = order_total - lines_total;
    let tolerance = Money::from_cents(cents_per_line.max(0).saturating_mul(lines.len() as i64));
    let mismatch = BlockReason::TotalMismatch {
        lines_total,
        order_total,
        difference,
        tolerance,
    };
    if difference.cents().abs() > tolerance.cents() {
        return Err(mismatch);
    }
    if difference > Money::ZERO {
        lines.push(OrderLine {
            item: None,
            quantity: Quantity::pieces(1),
            unit_price: difference,
            discount: Money::ZERO,
            label: "Arrondi".into(),
        });
    } else if difference < Money::ZERO {
        let absorbing = lines
            .iter_mut()
            .rev()
            .find(|l| line_amount(l) >= Money::ZERO - difference)
            .ok_or(mismatch)?;
        absorbing.discount = absorbing.discount - difference;
    } else {
        return Ok(None);
    }
    Ok(Some(Adjustment::Rounding { difference }))
}

/// A text trimmed, `None` when nothing is left.
fn trimmed(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// First retry after one minute.
pub const RETRY_BASE_MS: u64 = 60_000;
/// Never wait more than six hours between two attempts.
pub const RETRY_CAP_MS: u64 = 6 * 60 * 60 * 1000;

/// How long to wait before the next push of an order that failed `attempts` times: one minute,
/// doubling each time, capped at six hours, minus up to a fifth as jitter. The jitter comes from
/// the order id (and the attempt), so it is reproducible, yet orders that failed together (the
/// POS was down) do not all come back at the same second.
pub fn next_attempt_delay(attempts: u32, wc_order_id: i64) -> u64 {
    if attempts == 0 {
        return 0;
    }
    let doublings = (attempts - 1).min(32);
    let delay = RETRY_BASE_MS
        .saturating_mul(1u64 << doublings)
        .min(RETRY_CAP_MS);
    let spread = delay / 5;
    let seed = (wc_order_id as u64) ^ u64::from(attempts).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    delay - splitmix64(seed) % (spread + 1)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// How an existing customer was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerMatchedBy {
    Email,
    Phone,
}

/// Which Shopcaisse customer an order goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum CustomerMatch {
    Existing {
        id: CustomerId,
        by: CustomerMatchedBy,
    },
    Create {
        customer: NewCustomer,
    },
    /// The buyer gave no name, email or phone: the order goes without a customer.
    NoCustomer,
}

/// One look-up of a buyer in the POS (endpoint 14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerSearch {
    Email(String),
    Phone(String),
}

/// Where to look for a buyer in the POS, in order: by email, then by phone as typed, then by
/// its international form ("06 12 34 56 78" on the web, "+33612345678" in the POS). Each is a
/// search of its own (the API may AND two filters); the first that finds someone ends the
/// search, and [`match_customer`] then decides among what it found.
pub fn customer_searches(buyer: &CustomerDetails) -> Vec<CustomerSearch> {
    let mut searches = Vec::new();
    if let Some(email) = buyer.email.as_deref().filter(|e| !e.trim().is_empty()) {
        searches.push(CustomerSearch::Email(email.to_owned()));
    }
    if let Some(phone) = buyer.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        searches.push(CustomerSearch::Phone(phone.to_owned()));
        if let Some(international) = phone_key(phone).filter(|k| k != phone.trim()) {
            searches.push(CustomerSearch::Phone(international));
        }
    }
    searches
}

/// Look-ups spread over the grace window after a POST whose outcome is unknown.
pub const GRACE_LOOKUPS: i64 = 4;

/// What follows a failed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Retrying cannot fix it: the row waits for a person.
    Block,
    /// The POST may have been committed: the order is only looked up, next at `next_at_ms`,
    /// and not posted again before `since_ms` + the grace window.
    LookUp { since_ms: i64, next_at_ms: i64 },
    /// Tried again at this time.
    RetryAt(i64),
}

/// What follows a failed push: a key or settings problem blocks; a POST whose outcome is unknown
/// opens (or continues) a grace window of look-ups, spread over it in [`GRACE_LOOKUPS`] steps;
/// anything else is tried again after `retry_delay_ms`. `unknown_since_ms` is when the window
/// of an earlier unknown outcome opened: a window that has passed opens anew.
pub fn after_failed_push(
    kind: crate::ErrorKind,
    outcome_unknown: bool,
    unknown_since_ms: Option<i64>,
    now_ms: i64,
    grace_ms: i64,
    retry_delay_ms: i64,
) -> AfterFailure {
    if triage(kind) == Triage::Block {
        return AfterFailure::Block;
    }
    if !outcome_unknown {
        return AfterFailure::RetryAt(now_ms.saturating_add(retry_delay_ms));
    }
    let since_ms = unknown_since_ms
        .filter(|since| now_ms < since.saturating_add(grace_ms))
        .unwrap_or(now_ms);
    AfterFailure::LookUp {
        since_ms,
        next_at_ms: now_ms.saturating_add((grace_ms / GRACE_LOOKUPS).max(1)),
    }
}

/// What follows a failed cancellation: blocked when retrying cannot help, a 409 included (the
/// POS keeps a finalised order; a person settles it at the till), else tried again.
pub fn after_failed_cancel(
    kind: crate::ErrorKind,
    now_ms: i64,
    retry_delay_ms: i64,
) -> AfterFailure {
    if triage(kind) == Triage::Block || kind == crate::ErrorKind::Conflict {
        AfterFailure::Block
    } else {
        AfterFailure::RetryAt(now_ms.saturating_add(retry_delay_ms))
    }
}

/// Until when an order whose POST had an unknown outcome at `unknown_since_ms` may not be
/// posted again (only looked up); `None` once that window has passed, or when there is none.
pub fn no_post_until(unknown_since_ms: Option<i64>, now_ms: i64, grace_ms: i64) -> Option<i64> {
    unknown_since_ms
        .map(|since| since.saturating_add(grace_ms))
        .filter(|until| now_ms < *until)
}

/// The order under a reference that still counts: the first one the POS has not cancelled.
pub fn live_order(found: Vec<crate::model::PosOrder>) -> Option<crate::model::PosOrder> {
    found.into_iter().find(|o| !o.status.is_cancelled())
}

/// What a failed delivery (a push or a cancellation) calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triage {
    /// Try again later: the cause may pass (network, server, rate limit, a busy lease).
    Retry,
    /// Retrying cannot fix it: a person must act (the key, the order module, a permission, a
    /// settings choice, an order the POS refuses as it is).
    Block,
}

/// Whether a failed delivery is tried again or waits for a person.
pub fn triage(kind: crate::ErrorKind) -> Triage {
    use crate::ErrorKind as K;
    match kind {
        K::InvalidToken
        | K::OrderModuleMissing
        | K::PermissionDenied
        | K::NotConfigured
        | K::InvalidInput => Triage::Block,
        _ => Triage::Retry,
    }
}

/// Finds the buyer among `candidates` (what the POS found by email and phone): by email
/// (trimmed, case-insensitive) first, then by phone (French numbers in any spelling). A phone
/// match is refused when both sides have different emails: two people can share a phone, and an
/// order attached to somebody else leaks personal data. Otherwise a customer is created.
pub fn match_customer(buyer: &CustomerDetails, candidates: &[Customer]) -> CustomerMatch {
    let email = buyer.email.as_deref().and_then(email_key);
    let phone = buyer.phone.as_deref().and_then(phone_key);
    if let Some(email) = &email {
        if let Some(found) = candidates
            .iter()
            .find(|c| c.email.as_deref().and_then(email_key).as_ref() == Some(email))
        {
            return CustomerMatch::Existing {
                id: found.id.clone(),
                by: CustomerMatchedBy::Email,
            };
        }
    }
    if let Some(phone) = &phone {
        if let Some(found) = candidates.iter().find(|c| {
            c.phone.as_deref().and_then(phone_key).as_ref() == Some(phone)
                && (email.is_none() || c.email.as_deref().and_then(email_key).is_none())
        }) {
            return CustomerMatch::Existing {
                id: found.id.clone(),
                by: CustomerMatchedBy::Phone,
            };
        }
    }
    let first_name = buyer.first_name.trim().to_owned();
    let last_name = buyer.last_name.trim().to_owned();
    if email.is_none() && phone.is_none() && first_name.is_empty() && last_name.is_empty() {
        return CustomerMatch::NoCustomer;
    }
    CustomerMatch::Create {
        customer: NewCustomer {
            first_name,
            last_name,
            email: buyer
                .email
                .as_deref()
                .filter(|_| email.is_some())
                .map(|e| e.trim().to_owned()),
            phone,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::catalog::fixtures::*;

    #[test]
    fn a_buyer_is_searched_by_email_then_phone_then_its_international_form() {
        let buyer = CustomerDetails {
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            email: Some("jeanne@example.fr".into()),
            phone: Some("06 12 34 56 78".into()),
        };
        assert_eq!(
            customer_searches(&buyer),
            [
                CustomerSearch::Email("jeanne@example.fr".into()),
                CustomerSearch::Phone("06 12 34 56 78".into()),
                CustomerSearch::Phone("+33612345678".into()),
            ]
        );
        let nobody = CustomerDetails {
            email: Some(" ".into()),
            phone: None,
            ..buyer
        };
        assert!(customer_searches(&nobody).is_empty());
    }

    #[test]
    fn what_a_person_must_fix_blocks_and_the_rest_is_retried() {
        assert_eq!(triage(crate::ErrorKind::OrderModuleMissing), Triage::Block);
        assert_eq!(triage(crate::ErrorKind::InvalidToken), Triage::Block);
        assert_eq!(triage(crate::ErrorKind::Server), Triage::Retry);
        assert_eq!(triage(crate::ErrorKind::Timeout), Triage::Retry);
    }
    use crate::sync::shop::Link;

    fn money(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    fn line(wc: i64, quantity: &str, unit: Option<i64>, total: Option<i64>) -> OrderLineSnapshot {
        OrderLineSnapshot {
            wc_product_id: wc,
            variation_id: None,
            name: format!("Produit {wc}"),
            quantity: Quantity::parse(quantity).unwrap(),
            unit_price_ttc: unit.map(money),
            total_ttc: total.map(money),
            discount_ttc: Money::ZERO,
        }
    }

    fn order(lines: Vec<OrderLineSnapshot>, shipping: i64, total: i64) -> OrderSnapshot {
        OrderSnapshot {
            wc_order_id: 1042,
            number: "1042".into(),
            status: "processing".into(),
            created_at_ms: 1_785_578_400_000,
            currency: "EUR".into(),
            customer: CustomerDetails {
                first_name: " Jeanne ".into(),
                last_name: "Martin".into(),
                email: Some("jeanne@example.fr".into()),
                phone: None,
            },
            lines,
            shipping: vec![ChargeSnapshot {
                name: "Livraison".into(),
                total_ttc: money(shipping),
            }],
            fees: Vec::new(),
            payment_method_title: "Carte bancaire (en ligne)".into(),
            total_ttc: money(total),
            note: Some("Retrait en magasin".into()),
        }
    }

    fn shop() -> (Links, Catalog) {
        let links = Links::new([
            Link {
                item: id("plate"),
                wc_id: 10,
            },
            Link {
                item: id("cheese"),
                wc_id: 11,
            },
        ])
        .unwrap();
        let catalog = Catalog::new(vec![simple("plate", "P", 2490), weighed("cheese", 3)]);
        (links, catalog)
    }

    fn build(order: &OrderSnapshot) -> PushPlan {
        let (links, catalog) = shop();
        build_push(
            order,
            &OrderSettings::default(),
            &PosId::parse("pos-1").unwrap(),
            None,
            &links,
            &catalog,
        )
    }

    fn ready(plan: PushPlan) -> (OrderPush, Vec<Adjustment>) {
        match plan {
            PushPlan::Ready { push, adjustments } => (push, adjustments),
            PushPlan::Blocked { reasons } => panic!("blocked: {reasons:?}"),
        }
    }

    fn blocked(plan: PushPlan) -> Vec<BlockReason> {
        match plan {
            PushPlan::Blocked { reasons } => reasons,
            PushPlan::Ready { .. } => panic!("not blocked"),
        }
    }

    #[test]
    fn the_default_map_sends_paid_and_completed_orders_only() {
        let map = StatusMap::default();
        assert!(map.sends("processing"));
        assert!(map.sends("wc-completed"));
        assert!(!map.sends("on-hold"));
        assert!(!map.sends("pending"));
        assert!(map.cancels("refunded"));
        let mut custom = map.clone();
        custom.set("wc-ready-to-ship", true);
        assert!(custom.sends("ready-to-ship"));
        let rows = custom.rows(&["wc-on-hold".into()]);
        assert!(rows.contains(&("on-hold".into(), false)));
        assert!(rows.contains(&("ready-to-ship".into(), true)));
    }

    #[test]
    fn decides_from_the_status_and_the_outbox() {
        let map = StatusMap::default();
        assert_eq!(
            decide(&map, "processing", OrderStanding::None),
            OrderAction::Enqueue
        );
        assert_eq!(
            decide(&map, "completed", OrderStanding::Pushed),
            OrderAction::Nothing
        );
        assert_eq!(
            decide(&map, "cancelled", OrderStanding::Pushed),
            OrderAction::Cancel
        );
        assert_eq!(
            decide(&map, "cancelled", OrderStanding::InFlight),
            OrderAction::CancelWhenSent,
            "the worker sending it cancels it once its push settles"
        );
        assert_eq!(
            decide(&map, "cancelled", OrderStanding::Abandoned),
            OrderAction::Cancel,
            "nobody is sending it any more, and it may be in the POS"
        );
        assert_eq!(
            decide(&map, "processing", OrderStanding::Abandoned),
            OrderAction::Nothing
        );
        assert_eq!(
            decide(&map, "refunded", OrderStanding::Queued),
            OrderAction::Withdraw
        );
        assert_eq!(
            decide(&map, "cancelled", OrderStanding::Failed),
            OrderAction::Cancel,
            "a failed push may be in the POS"
        );
        assert_eq!(
            decide(&map, "cancelled", OrderStanding::None),
            OrderAction::Nothing
        );
        assert_eq!(
            decide(&map, "on-hold", OrderStanding::None),
            OrderAction::Nothing
        );
        assert_eq!(
            decide(&map, "processing", OrderStanding::Cancelled),
            OrderAction::Nothing
        );
    }

    #[test]
    fn builds_the_payload_with_prefix_lines_shipping_and_one_payment() {
        let order = order(vec![line(10, "2", Some(2490), Some(4980))], 490, 5470);
        let (push, adjustments) = ready(build(&order));
        assert_eq!(push.external_reference, "WEB-1042");
        assert_eq!(push.lines.len(), 2);
        assert_eq!(push.lines[0].item, Some(id("plate")));
        assert_eq!(push.lines[0].unit_price, money(2490));
        assert_eq!(push.lines[1].item, None);
        assert_eq!(push.lines[1].label, "Livraison");
        assert_eq!(push.payments[0].amount, money(5470));
        assert_eq!(push.payments[0].kind, "ONLINE");
        assert_eq!(push.customer_details.first_name, "Jeanne");
        assert!(adjustments.is_empty());
    }

    #[test]
    fn weighed_lines_keep_decimal_quantities() {
        // 0.355 kg at 12.99 €/kg = 4.61145 €, WooCommerce charged 4.61 €.
        let order = order(vec![line(11, "0.355", Some(1299), Some(461))], 0, 461);
        let (push, _) = ready(build(&order));
        assert_eq!(push.lines[0].quantity, Quantity::parse("0.355").unwrap());
        assert_eq!(push.lines[0].unit_price, money(1299));
        assert_eq!(push.lines[0].discount, Money::ZERO);
    }

    #[test]
    fn a_fraction_of_a_piece_is_refused() {
        let order = order(vec![line(10, "1.5", Some(2490), None)], 0, 3735);
        assert!(matches!(
            blocked(build(&order))[0],
            BlockReason::InvalidQuantity { wc_id: 10, .. }
        ));
    }

    #[test]
    fn a_unit_price_is_derived_in_whole_cents_with_the_rest_as_discount() {
        // 3 for 10.00 €: 3.34 € each, 0.02 € discount, exactly 10.00 €.
        let order = order(vec![line(10, "3", None, Some(1000))], 0, 1000);
        let (push, adjustments) = ready(build(&order));
        assert_eq!(push.lines[0].unit_price, money(334));
        assert_eq!(push.lines[0].discount, money(2));
        assert_eq!(adjustments.len(), 1);
    }

    #[test]
    fn unlinked_products_block_the_order_and_are_named() {
        let order = order(
            vec![
                line(10, "1", Some(2490), None),
                line(99, "1", Some(100), None),
            ],
            0,
            2590,
        );
        let reasons = blocked(build(&order));
        assert_eq!(
            reasons,
            [BlockReason::UnlinkedProducts {
                lines: vec![UnlinkedLine {
                    wc_id: 99,
                    name: "Produit 99".into()
                }]
            }]
        );
    }

    #[test]
    fn other_currencies_and_empty_orders_are_blocked() {
        let mut dollars = order(vec![line(10, "1", Some(2490), None)], 0, 2490);
        dollars.currency = "USD".into();
        assert_eq!(
            blocked(build(&dollars)),
            [BlockReason::NotEur {
                currency: "USD".into()
            }]
        );
        let empty = order(Vec::new(), 490, 490);
        assert_eq!(blocked(build(&empty)), [BlockReason::EmptyOrder]);
    }

    #[test]
    fn a_cent_of_rounding_is_absorbed_visibly_and_more_blocks() {
        let off_by_one = order(vec![line(10, "1", Some(2490), None)], 0, 2491);
        let (push, adjustments) = ready(build(&off_by_one));
        assert_eq!(push.lines.last().unwrap().label, "Arrondi");
        assert_eq!(
            adjustments,
            [Adjustment::Rounding {
                difference: money(1)
            }]
        );
        let under = order(vec![line(10, "1", Some(2490), None)], 0, 2489);
        let (push, _) = ready(build(&under));
        assert_eq!(push.lines[0].discount, money(1));
        let far_off = order(vec![line(10, "1", Some(2490), None)], 0, 2000);
        assert!(matches!(
            blocked(build(&far_off))[0],
            BlockReason::TotalMismatch { .. }
        ));
    }

    #[test]
    fn the_variation_sold_is_what_must_be_linked() {
        let mut l = line(10, "1", Some(2490), None);
        l.wc_product_id = 5;
        l.variation_id = Some(10);
        let (push, _) = ready(build(&order(vec![l], 0, 2490)));
        assert_eq!(push.lines[0].item, Some(id("plate")));
    }

    #[test]
    fn retries_back_off_exponentially_with_a_reproducible_jitter() {
        assert_eq!(next_attempt_delay(0, 7), 0);
        let first = next_attempt_delay(1, 7);
        assert!((48_000..=60_000).contains(&first));
        assert_eq!(first, next_attempt_delay(1, 7));
        let fifth = next_attempt_delay(5, 7);
        assert!((768_000..=960_000).contains(&fifth));
        assert!(next_attempt_delay(40, 7) <= RETRY_CAP_MS);
        assert!(next_attempt_delay(40, 7) >= RETRY_CAP_MS / 5 * 4);
        let spread: BTreeSet<u64> = (0..20).map(|id| next_attempt_delay(3, id)).collect();
        assert!(spread.len() > 10);
    }

    fn customer(id: &str, email: Option<&str>, phone: Option<&str>) -> Customer {
        Customer {
            id: CustomerId::parse(id).unwrap(),
            first_name: "X".into(),
            last_name: "Y".into(),
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
        }
    }

    fn buyer(email: Option<&str>, phone: Option<&str>) -> CustomerDetails {
        CustomerDetails {
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
        }
    }

    #[test]
    fn customers_are_found_by_email_then_phone_else_created() {
        let known = [
            customer("c1", Some("JEANNE@example.fr "), None),
            customer("c2", None, Some("+33600000000")),
            customer("c3", Some("paul@example.fr"), Some("+33611111111")),
        ];
        assert_eq!(
            match_customer(&buyer(Some("jeanne@example.fr"), None), &known),
            CustomerMatch::Existing {
                id: CustomerId::parse("c1").unwrap(),
                by: CustomerMatchedBy::Email
            }
        );
        assert_eq!(
            match_customer(
                &buyer(Some("other@example.fr"), Some("06 00 00 00 00")),
                &known
            ),
            CustomerMatch::Existing {
                id: CustomerId::parse("c2").unwrap(),
                by: CustomerMatchedBy::Phone
            }
        );
        let created = match_customer(
            &buyer(Some("marie@example.fr"), Some("06 11 11 11 11")),
            &known,
        );
        assert_eq!(
            created,
            CustomerMatch::Create {
                customer: NewCustomer {
                    first_name: "Jeanne".into(),
                    last_name: "Martin".into(),
                    email: Some("marie@example.fr".into()),
                    phone: Some("+33611111111".into()),
                }
            }
        );
        let nobody = CustomerDetails::default();
        assert_eq!(match_customer(&nobody, &known), CustomerMatch::NoCustomer);
    }

    #[test]
    fn push_plans_serialise_as_tagged_arrays() {
        let plan = build(&order(Vec::new(), 0, 0));
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["outcome"], "blocked");
        assert_eq!(json["reasons"][0]["reason"], "empty_order");
    }

    #[test]
    fn a_key_problem_blocks_a_push_and_a_server_error_is_retried_after_the_delay() {
        use crate::ErrorKind as K;
        assert_eq!(
            after_failed_push(K::InvalidToken, false, None, 1_000, 120_000, 60_000),
            AfterFailure::Block
        );
        assert_eq!(
            after_failed_push(K::Server, false, None, 1_000, 120_000, 60_000),
            AfterFailure::RetryAt(61_000)
        );
        // Blocked even when the outcome is unknown: a key problem needs a person first.
        assert_eq!(
            after_failed_push(K::OrderModuleMissing, true, None, 1_000, 120_000, 60_000),
            AfterFailure::Block
        );
    }

    #[test]
    fn an_unknown_outcome_opens_a_grace_window_looked_up_in_four_steps() {
        use crate::ErrorKind as K;
        assert_eq!(
            after_failed_push(K::Timeout, true, None, 1_000, 120_000, 60_000),
            AfterFailure::LookUp {
                since_ms: 1_000,
                next_at_ms: 31_000
            }
        );
        // A later failure inside the window keeps the window's start...
        assert_eq!(
            after_failed_push(K::Timeout, true, Some(1_000), 91_000, 120_000, 60_000),
            AfterFailure::LookUp {
                since_ms: 1_000,
                next_at_ms: 121_000
            }
        );
        // ...and one after it opens a new window.
        assert_eq!(
            after_failed_push(K::Network, true, Some(1_000), 200_000, 120_000, 60_000),
            AfterFailure::LookUp {
                since_ms: 200_000,
                next_at_ms: 230_000
            }
        );
        // A window of 0 still schedules the next look-up in the future.
        assert_eq!(
            after_failed_push(K::Server, true, None, 5, 0, 60_000),
            AfterFailure::LookUp {
                since_ms: 5,
                next_at_ms: 6
            }
        );
    }

    #[test]
    fn no_post_goes_again_inside_the_grace_window() {
        assert_eq!(no_post_until(None, 5_000, 120_000), None);
        assert_eq!(no_post_until(Some(1_000), 5_000, 120_000), Some(121_000));
        assert_eq!(no_post_until(Some(1_000), 121_000, 120_000), None);
        assert_eq!(no_post_until(Some(i64::MAX), 0, 120_000), Some(i64::MAX));
    }

    #[test]
    fn a_refused_cancellation_blocks_and_an_unreachable_pos_is_retried() {
        use crate::ErrorKind as K;
        assert_eq!(
            after_failed_cancel(K::Conflict, 0, 60_000),
            AfterFailure::Block
        );
        assert_eq!(
            after_failed_cancel(K::PermissionDenied, 0, 60_000),
            AfterFailure::Block
        );
        assert_eq!(
            after_failed_cancel(K::Timeout, 10, 60_000),
            AfterFailure::RetryAt(60_010)
        );
    }

    #[test]
    fn the_live_order_under_a_reference_is_the_first_not_cancelled() {
        use crate::model::{PosOrder, PosOrderId, PosOrderStatus};
        let order = |id: &str, status: PosOrderStatus| PosOrder {
            id: PosOrderId::parse(id).unwrap(),
            external_reference: Some("WEB-1".into()),
            status,
            fiscal_status: None,
            total: None,
        };
        assert_eq!(live_order(Vec::new()), None);
        assert_eq!(
            live_order(vec![order("1", PosOrderStatus::Cancelled)]),
            None
        );
        let live = live_order(vec![
            order("1", PosOrderStatus::Cancelled),
            order("2", PosOrderStatus::Other("pending".into())),
        ]);
        assert_eq!(live.map(|o| o.id.to_string()), Some("2".to_owned()));
    }
}
