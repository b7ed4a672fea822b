//! Web orders on their way to the till, exactly once.
//!
//! PHP reports every status change of an order (`orderChanged`); the core decides, from the
//! status mapping and the order's outbox row, whether to queue it, cancel it in the POS or do
//! nothing. The payload is built once, when the order reaches a mapped status, and kept in the
//! outbox row, so what reaches the till is what the customer paid then. Workers (`pushOrders`,
//! the order button's `pushOrderNow`) claim rows atomically across processes and deliver them.
//!
//! Why no order is ever created twice: one outbox row per WooCommerce order (a second hook or a
//! double click finds the row); a row is claimed by exactly one worker; the client never repeats
//! a POST whose outcome is unknown without first looking the reference up; and a row claimed
//! before (a worker that crashed or timed out mid-send) is looked up before any new POST.

use super::context::{now_ms, parse_args, php_map, to_json};
use super::Engine;
use crate::model::{CustomerDetails, CustomerId, OrderPush, PosId};
use crate::state::{CustomerKey, LogLevel, NewLog, OutboxError, OutboxFilter, OutboxRow};
use crate::sync::{
    after_failed_cancel, after_failed_push, build_push, customer_searches, decide, live_order,
    match_customer, next_attempt_delay, no_post_until, AfterFailure, Catalog, CustomerMatch,
    CustomerSearch, Link, Links, OrderAction, OrderSnapshot, PushPlan,
};
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How long a worker may hold a claimed order: longer than one push with its retries and its
/// look-ups can take, so a live worker is never overtaken; a crashed one is after this.
const CLAIM_MS: i64 = 5 * 60 * 1000;

/// How long a worker may hold a buyer's customer lease (a search and a creation), and how long
/// another waits for it before leaving the order for its next attempt.
const CUSTOMER_LEASE_MS: i64 = 2 * 60 * 1000;
const CUSTOMER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Makes lease owners unique within a process (two engines may start in the same millisecond).
static LEASE_OWNERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Most orders one `pushOrders` call delivers (each is a few HTTP requests).
const MAX_BATCH: u32 = 200;

/// What the outbox row keeps: the payload without its customer (resolved at send time, so a
/// customer created in the POS meanwhile is found), and the corrections made to it.
#[derive(Serialize, Deserialize)]
struct StoredPayload {
    push: OrderPush,
    #[serde(default)]
    adjustments: Value,
}

/// The outcome of one delivery, for summaries and the order screen.
#[derive(Serialize)]
struct Delivery {
    wc_order_id: i64,
    external_reference: String,
    state: String,
    pos_order_id: Option<String>,
    adopted: bool,
    error: Option<Value>,
}

impl Engine {
    /// Reacts to an order's status change: queue, cancel in the POS, withdraw, or nothing.
    pub(super) fn order_changed(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            order: OrderSnapshot,
        }
        let Args { order } = parse_args("orderChanged", args)?;
        let state = self.state()?;
        let row = state.outbox().get(order.wc_order_id)?;
        let action = decide(
            &self.settings.orders.status_map,
            &order.status,
            standing(row.as_ref(), now_ms()),
        );
        let row = match action {
            OrderAction::Enqueue => Some(self.enqueue_order(&order, row.as_ref())?),
            OrderAction::Cancel => Some(self.cancel_order(order.wc_order_id)?),
            // The row keeps the request: the worker sending it cancels it once its push settles.
            OrderAction::Withdraw | OrderAction::CancelWhenSent => {
                Some(state.outbox().cancel(order.wc_order_id, now_ms())?)
            }
            OrderAction::Nothing => row,
        };
        self.blank_erased_orders()?;
        Ok(json!({ "action": action, "order": row.map(|r| row_json(&r)) }))
    }

    /// Delivers the orders that are due, at most `limit` (a cron call, a background job).
    pub(super) fn push_orders(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            #[serde(default)]
            limit: Option<u32>,
        }
        let Args { limit } = parse_args("pushOrders", args)?;
        let owner = self.run_id("orders");
        let rows = self.state()?.outbox().claim_due(
            now_ms(),
            limit.unwrap_or(50).clamp(1, MAX_BATCH),
            &owner,
            CLAIM_MS,
        )?;
        let deliveries: Vec<Delivery> = rows
            .into_iter()
            .map(|row| self.deliver(row, &owner))
            .collect();
        self.blank_erased_orders()?;
        let count = |state: &str| deliveries.iter().filter(|d| d.state == state).count();
        Ok(json!({
            "run_id": owner,
            "claimed": deliveries.len(),
            "pushed": count("pushed"),
            "adopted": deliveries.iter().filter(|d| d.adopted).count(),
            "failed": count("failed"),
            "blocked": count("blocked"),
            "cancelled": count("cancelled"),
            "cancelling": count("cancelling"),
            "orders": to_json(&deliveries)?,
        }))
    }

    /// The order button: queues the order if it is not yet (whatever its status), then delivers
    /// it now. A second click while it is being sent, or once it is in the POS, changes nothing.
    pub(super) fn push_order_now(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            order: OrderSnapshot,
        }
        let Args { order } = parse_args("pushOrderNow", args)?;
        let state = self.state()?;
        let existing = state.outbox().get(order.wc_order_id)?;
        match existing.as_ref().map(|r| r.state) {
            None => {
                self.enqueue_order(&order, None)?;
            }
            Some(crate::state::OutboxState::Failed | crate::state::OutboxState::Blocked) => {
                self.enqueue_order(&order, existing.as_ref())?;
            }
            _ => {}
        }
        let owner = self.run_id("order-button");
        let claimed = state
            .outbox()
            .claim(order.wc_order_id, now_ms(), &owner, CLAIM_MS)?;
        if let Some(row) = claimed {
            self.deliver(row, &owner);
        }
        self.blank_erased_orders()?;
        let row = state.outbox().get(order.wc_order_id)?;
        Ok(json!({ "order": row.map(|r| row_json(&r)) }))
    }

    /// The outbox rows of some orders (the orders list column, the order screen).
    pub(super) fn order_states(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            wc_order_ids: Vec<i64>,
        }
        let Args { wc_order_ids } = parse_args("orderStates", args)?;
        if wc_order_ids.len() > 1000 {
            return Err(Error::invalid_input("at most 1000 orders at once"));
        }
        let rows = self.state()?.outbox().get_many(&wc_order_ids)?;
        Ok(Value::Array(rows.iter().map(row_json).collect()))
    }

    /// One page of the outbox, and the count of orders in each state.
    pub(super) fn list_outbox(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            #[serde(default, deserialize_with = "php_map")]
            filter: OutboxFilter,
        }
        let Args { filter } = parse_args("listOutbox", args)?;
        let outbox = self.state()?.outbox();
        let page = outbox.list(&filter)?;
        Ok(json!({
            "rows": page.rows.iter().map(row_json).collect::<Vec<_>>(),
            "total": page.total,
            "counts": to_json(&outbox.counts()?)?,
        }))
    }

    /// Builds the payload and queues it; an order that cannot be built is queued blocked, with
    /// its reasons, so the order screen says what to fix.
    fn enqueue_order(
        &self,
        order: &OrderSnapshot,
        existing: Option<&OutboxRow>,
    ) -> Result<OutboxRow> {
        let pos = self.pos()?.clone();
        let (links, catalog) = self.order_links(order)?;
        let plan = build_push(order, &self.settings.orders, &pos, None, &links, &catalog);
        let reference = crate::sync::external_reference(&self.settings.orders.prefix, order)
            .ok_or_else(|| Error::invalid_input("the order has neither a number nor an id"))?;
        let outbox = self.state()?.outbox();
        let (payload, blocked) = match &plan {
            PushPlan::Ready { push, adjustments } => {
                let stored = StoredPayload {
                    push: push.clone(),
                    adjustments: to_json(adjustments)?,
                };
                (to_json(&stored)?, None)
            }
            PushPlan::Blocked { reasons } => {
                (json!({ "blocked": reasons }), Some(to_json(reasons)?))
            }
        };
        let payload_text = payload.to_string();
        let now = now_ms();
        let row = match existing {
            Some(row) if row.state != crate::state::OutboxState::Queued => {
                outbox.requeue(order.wc_order_id, Some(&payload_text), now)?
            }
            _ => {
                outbox
                    .enqueue(order.wc_order_id, &reference, &payload_text, now)?
                    .row
            }
        };
        let Some(reasons) = blocked else {
            self.log(
                NewLog::new(
                    now,
                    LogLevel::Info,
                    "order_queue",
                    format!("order {reference} queued for the POS"),
                )
                .object("order", order.wc_order_id),
            );
            return Ok(row);
        };
        let message = format!(
            "order {reference} cannot be sent: {}",
            describe_reasons(&reasons)
        );
        let blocked = outbox.block_waiting(
            order.wc_order_id,
            &OutboxError::new("blocked", &message),
            now,
        )?;
        let Some(row) = blocked else {
            return Ok(row);
        };
        self.log(
            NewLog::new(now, LogLevel::Warning, "order_queue", message)
                .object("order", order.wc_order_id)
                .details(reasons),
        );
        Ok(row)
    }

    /// Sends one claimed order and records the outcome; never fails as a whole, so one bad
    /// order never stops a batch.
    fn deliver(&self, row: OutboxRow, owner: &str) -> Delivery {
        if row.state == crate::state::OutboxState::Cancelling {
            return self.deliver_cancellation(row, owner);
        }
        let (id, reference) = (row.wc_order_id, row.external_reference.clone());
        let outcome = self.try_deliver(&row);
        let now = now_ms();
        let outbox = match self.state() {
            Ok(state) => state.outbox(),
            Err(error) => return failed_delivery(&row, &error),
        };
        let recorded = match &outcome {
            Ok((pos_id, adopted)) => outbox.mark_pushed(id, pos_id, now).map(|r| {
                let how = if *adopted {
                    "found already in the POS"
                } else {
                    "created in the POS"
                };
                self.log(
                    NewLog::new(
                        now,
                        LogLevel::Info,
                        "order_push",
                        format!("order {reference} {how} as {pos_id}"),
                    )
                    .object("order", id),
                );
                (r, *adopted)
            }),
            Err(error) => {
                let grace = self.settings.push_grace.as_millis() as i64;
                let step = after_failed_push(
                    error.kind(),
                    error.outcome_unknown(),
                    row.outcome_unknown_since_ms,
                    now,
                    grace,
                    self.retry_delay_ms(row.attempts.max(1), id),
                );
                match step {
                    AfterFailure::Block => {
                        self.log(
                            NewLog::new(
                                now,
                                LogLevel::Error,
                                "order_push",
                                format!("order {reference} blocked: {error}"),
                            )
                            .object("order", id),
                        );
                        outbox.mark_blocked(id, owner, &OutboxError::from(error), now)
                    }
                    AfterFailure::LookUp {
                        since_ms,
                        next_at_ms,
                    } => {
                        self.log(
                            NewLog::new(
                                now,
                                LogLevel::Warning,
                                "order_push",
                                format!(
                                    "order {reference} may have reached the POS: looked up again \
                                     until {}, not posted again before: {error}",
                                    since_ms + grace
                                ),
                            )
                            .object("order", id),
                        );
                        outbox.note_outcome_unknown(id, since_ms).and_then(|()| {
                            outbox.mark_failed(
                                id,
                                owner,
                                &OutboxError::from(error),
                                next_at_ms,
                                now,
                            )
                        })
                    }
                    AfterFailure::RetryAt(next) => self.retry_later(
                        &row,
                        owner,
                        error,
                        next,
                        "order_push",
                        "not sent yet",
                        now,
                    ),
                }
                .map(|r| (r, false))
            }
        };
        if let Ok((pushed, _)) = &recorded {
            if pushed.cancel_requested && pushed.state == crate::state::OutboxState::Pushed {
                // Cancelled in WooCommerce while being sent, and it reached the POS all the
                // same: the cancellation is recorded, then delivered like any other.
                let claimed = outbox
                    .start_cancelling(id, now)
                    .and_then(|_| outbox.claim(id, now, owner, CLAIM_MS));
                match claimed {
                    Ok(Some(claimed)) => return self.deliver_cancellation(claimed, owner),
                    Ok(None) => {}
                    Err(error) => self.log(
                        NewLog::new(
                            now,
                            LogLevel::Error,
                            "order_cancel",
                            format!("order {reference} was cancelled while being sent but is in the POS; its cancellation could not be recorded: {error}"),
                        )
                        .object("order", id),
                    ),
                }
            }
        }
        match recorded {
            Ok((recorded, adopted)) => delivered(&recorded, adopted),
            Err(error) => failed_delivery(&row, &error),
        }
    }

    /// Records a failed attempt (a push or a cancellation), due again at `next`, and logs it as
    /// a warning: "order WEB-12 {what}: {error}".
    #[allow(clippy::too_many_arguments)]
    fn retry_later(
        &self,
        row: &OutboxRow,
        owner: &str,
        error: &Error,
        next: i64,
        operation: &str,
        what: &str,
        now: i64,
    ) -> Result<OutboxRow> {
        let id = row.wc_order_id;
        self.log(
            NewLog::new(
                now,
                LogLevel::Warning,
                operation,
                format!("order {} {what}: {error}", row.external_reference),
            )
            .object("order", id),
        );
        self.state()?
            .outbox()
            .mark_failed(id, owner, &OutboxError::from(error), next, now)
    }

    /// The POS order id, and whether it was found already there rather than created.
    fn try_deliver(&self, row: &OutboxRow) -> Result<(crate::model::PosOrderId, bool)> {
        let stored: StoredPayload = serde_json::from_value(row.payload.clone()).map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                "the queued order has no payload (it was blocked); fix it and push again",
            )
        })?;
        let client = self.client()?;
        let store = self.store()?;
        // A row claimed before may have reached the POS in a push whose worker died. The client
        // looks every reference up before posting anyway; looking here first also spares the
        // customer look-up (and creation) for an order that needs none.
        if row.attempts > 1 {
            let found = client
                .find_orders_by_reference(store, &row.external_reference)?
                .into_found("looking up an order that may have reached the POS")?;
            if let Some(order) = live_order(found) {
                return Ok((order.id, true));
            }
        }
        // A POST whose outcome is unknown may still be committed: within the grace window the
        // order is only looked up (just above), never posted again.
        let grace = self.settings.push_grace.as_millis() as i64;
        if let Some(until) = no_post_until(row.outcome_unknown_since_ms, now_ms(), grace) {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "order {} was posted with no answer and is not in the POS yet; \
                     looked up again until {until} before any new post",
                    row.external_reference
                ),
            )
            .with_outcome_unknown());
        }
        let mut push = stored.push;
        push.customer = self.resolve_customer(&push.customer_details)?;
        if self
            .state()?
            .outbox()
            .get(row.wc_order_id)?
            .is_some_and(|r| r.cancel_requested)
        {
            // Settled as cancelled by the caller (the claim's failure with a cancel requested).
            return Err(Error::new(
                ErrorKind::Conflict,
                "the order was cancelled in WooCommerce before it was sent",
            ));
        }
        let outcome = client.push_order(store, &push)?;
        let adopted = !outcome.was_created();
        Ok((outcome.order.id, adopted))
    }

    /// The Shopcaisse customer of a buyer: remembered, else found by email then phone, else
    /// created; `None` when the buyer left no name, email or phone.
    ///
    /// Two workers sending two orders of the same new buyer at once would both create them:
    /// the search-or-create runs under a lease named after the buyer, and the one that waited
    /// finds the customer the other remembered.
    fn resolve_customer(&self, buyer: &CustomerDetails) -> Result<Option<CustomerId>> {
        let state = self.state()?;
        let remembered = || {
            state
                .customers()
                .find_by_contact(buyer.email.as_deref(), buyer.phone.as_deref())
        };
        if let Some(id) = remembered()? {
            return Ok(Some(id));
        }
        let key = buyer
            .email
            .as_deref()
            .and_then(CustomerKey::email)
            .or_else(|| buyer.phone.as_deref().and_then(CustomerKey::phone));
        let Some(key) = key else {
            return self.search_or_create_customer(buyer);
        };
        let lease = format!("customer:{:016x}", fnv1a(key.as_str()));
        let owner = format!(
            "{}-{}",
            self.run_id("customer"),
            LEASE_OWNERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let waited_until = std::time::Instant::now() + CUSTOMER_WAIT;
        while state
            .leases()
            .try_acquire(&lease, &owner, now_ms(), CUSTOMER_LEASE_MS)?
            .is_none()
        {
            if std::time::Instant::now() >= waited_until {
                return Err(Error::new(
                    ErrorKind::Busy,
                    "another worker is finding this order's customer",
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let result = match remembered() {
            Ok(Some(id)) => Ok(Some(id)),
            Ok(None) => self.search_or_create_customer(buyer),
            Err(e) => Err(e),
        };
        let _ = state.leases().release(&lease, &owner);
        result
    }

    /// The POS search (email, then phone) and, when nobody matches, the creation; remembered.
    fn search_or_create_customer(&self, buyer: &CustomerDetails) -> Result<Option<CustomerId>> {
        let state = self.state()?;
        let client = self.client()?;
        let store = self.store()?;
        // A search that skipped an unreadable row cannot say "nobody": creating the customer
        // then could make a duplicate, so the order waits for a readable answer.
        const SEARCHING: &str = "searching the POS for the order's customer";
        let mut candidates = Vec::new();
        for search in customer_searches(buyer) {
            let (email, phone) = match &search {
                CustomerSearch::Email(email) => (Some(email.as_str()), None),
                CustomerSearch::Phone(phone) => (None, Some(phone.as_str())),
            };
            candidates = client
                .find_customers(store, email, phone)?
                .into_found(SEARCHING)?;
            if !candidates.is_empty() {
                break;
            }
        }
        let id = match match_customer(buyer, &candidates) {
            CustomerMatch::Existing { id, .. } => id,
            CustomerMatch::Create { customer } => client.create_customer(store, &customer)?.id,
            CustomerMatch::NoCustomer => return Ok(None),
        };
        let keys = [
            buyer.email.as_deref().and_then(CustomerKey::email),
            buyer.phone.as_deref().and_then(CustomerKey::phone),
        ];
        for key in keys.iter().flatten() {
            state.customers().remember(key, &id, now_ms())?;
        }
        Ok(Some(id))
    }

    /// Cancels in the POS an order that reached it or may have (`decide` said so). The
    /// cancellation is recorded first (the row becomes `cancelling`), then delivered once now;
    /// when that fails it stays recorded and `pushOrders` retries it like a push, until the POS
    /// agrees and the row ends `cancelled`.
    fn cancel_order(&self, wc_order_id: i64) -> Result<OutboxRow> {
        use crate::state::OutboxState as Stored;
        let outbox = self.state()?.outbox();
        let now = now_ms();
        let row = outbox.start_cancelling(wc_order_id, now)?;
        if row.state != Stored::Cancelling {
            return Ok(row);
        }
        self.log(
            NewLog::new(
                now,
                LogLevel::Info,
                "order_cancel",
                format!(
                    "order {}: cancellation in the POS recorded",
                    row.external_reference
                ),
            )
            .object("order", wc_order_id),
        );
        let owner = self.run_id("order-cancel");
        if let Some(claimed) = outbox.claim(wc_order_id, now, &owner, CLAIM_MS)? {
            self.deliver_cancellation(claimed, &owner);
        }
        Ok(outbox.get(wc_order_id)?.unwrap_or(row))
    }

    /// Delivers one claimed cancellation and records the outcome; never fails as a whole.
    fn deliver_cancellation(&self, row: OutboxRow, owner: &str) -> Delivery {
        let (id, reference) = (row.wc_order_id, row.external_reference.clone());
        let outcome = self.try_cancel(&row);
        let (now, outbox) = match self.state() {
            Ok(state) => (now_ms(), state.outbox()),
            Err(error) => return failed_delivery(&row, &error),
        };
        let recorded = match &outcome {
            Ok(pos_id) => {
                self.log(
                    NewLog::new(
                        now,
                        LogLevel::Info,
                        "order_cancel",
                        match pos_id {
                            Some(pos_id) => {
                                format!("order {reference} cancelled in the POS ({pos_id})")
                            }
                            None => format!(
                                "order {reference} is not live in the POS: nothing to cancel"
                            ),
                        },
                    )
                    .object("order", id),
                );
                outbox.mark_cancelled_in_pos(id, pos_id.as_ref(), now)
            }
            Err(error) => {
                let delay = self.retry_delay_ms(row.attempts.max(1), id);
                match after_failed_cancel(error.kind(), now, delay) {
                    AfterFailure::RetryAt(next) => self.retry_later(
                        &row,
                        owner,
                        error,
                        next,
                        "order_cancel",
                        "not cancelled in the POS yet",
                        now,
                    ),
                    _ => {
                        self.log(
                            NewLog::new(
                                now,
                                LogLevel::Error,
                                "order_cancel",
                                format!("order {reference} cannot be cancelled in the POS; cancel it at the till: {error}"),
                            )
                            .object("order", id),
                        );
                        outbox.mark_blocked(id, owner, &OutboxError::from(error), now)
                    }
                }
            }
        };
        match recorded {
            Ok(recorded) => delivered(&recorded, false),
            Err(error) => failed_delivery(&row, &error),
        }
    }

    /// Cancels the order in the POS; the POS order id once the POS holds it cancelled (or no
    /// longer has it), `None` when no live order carries the reference. A DELETE whose answer
    /// is lost is checked with a GET: a POS that did cancel is believed.
    fn try_cancel(&self, row: &OutboxRow) -> Result<Option<crate::model::PosOrderId>> {
        let client = self.client()?;
        let store = self.store()?;
        let target = match row.pos_order_id.clone() {
            Some(id) => id,
            None => {
                let found = client
                    .find_orders_by_reference(store, &row.external_reference)?
                    .into_found("looking up the order to cancel")?;
                match live_order(found) {
                    Some(order) => order.id,
                    None => return Ok(None),
                }
            }
        };
        let cancelled_there = || match client.order(store, &target) {
            Ok(found) => Ok(found.status.is_cancelled()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(true),
            Err(e) => Err(e),
        };
        if cancelled_there()? {
            return Ok(Some(target));
        }
        match client.cancel_order(store, &target) {
            Ok(()) => Ok(Some(target)),
            Err(error) => match cancelled_there() {
                Ok(true) => Ok(Some(target)),
                _ => Err(error),
            },
        }
    }

    /// The links and catalog items of an order's products, and nothing else: an order never
    /// loads the whole catalog.
    fn order_links(&self, order: &OrderSnapshot) -> Result<(Links, Catalog)> {
        let state = self.state()?;
        let mut links = Vec::new();
        let mut items = Vec::new();
        for line in &order.lines {
            if let Some(link) = state.links().by_wc(line.sold_product())? {
                if let Some(item) = state.catalog().get_item(&link.item_id)? {
                    items.push(item);
                }
                links.push(Link {
                    item: link.item_id,
                    wc_id: link.wc_id,
                });
            }
        }
        Ok((Links::new(links)?, Catalog::new(items)))
    }

    /// When a failed order is tried again: [`next_attempt_delay`], whose first step is one
    /// minute. With `test_hooks` on, the hidden setting `order_retry_base_ms` replaces that
    /// minute (doubling and jitter kept), so tests can watch a retry without waiting for it.
    fn retry_delay_ms(&self, attempts: u32, wc_order_id: i64) -> i64 {
        let delay = u128::from(next_attempt_delay(attempts, wc_order_id));
        let base = self
            .settings
            .raw
            .get("order_retry_base_ms")
            .and_then(Value::as_u64)
            .filter(|base| *base > 0 && self.settings.test_hooks);
        let delay = match base {
            Some(base) => delay * u128::from(base) / u128::from(crate::sync::orders::RETRY_BASE_MS),
            None => delay,
        };
        delay.min(i64::MAX as u128) as i64
    }

    fn pos(&self) -> Result<&PosId> {
        self.settings.pos.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::NotConfigured,
                "no Shopcaisse point of sale (caisse) is chosen in the settings",
            )
        })
    }
}

/// The outbox row as the core's decision table sees it at `now`.
fn standing(row: Option<&OutboxRow>, now: i64) -> crate::sync::OrderStanding {
    use crate::state::OutboxState as Stored;
    use crate::sync::OrderStanding as S;
    match row {
        None => S::None,
        Some(row) => match row.state {
            Stored::Queued => S::Queued,
            Stored::Sending if row.is_claimed(now) => S::InFlight,
            Stored::Sending => S::Abandoned,
            Stored::Pushed => S::Pushed,
            Stored::Failed => S::Failed,
            Stored::Blocked => S::Blocked,
            Stored::Cancelling => S::CancelQueued,
            Stored::Cancelled if row.pos_order_id.is_some() => S::Cancelled,
            Stored::Cancelled => S::Withdrawn,
        },
    }
}

/// A row for PHP, without its payload (customer data stays in the core unless asked for).
fn row_json(row: &OutboxRow) -> Value {
    json!({
        "wc_order_id": row.wc_order_id,
        "external_reference": row.external_reference,
        "state": row.state.as_str(),
        "attempts": row.attempts,
        "next_attempt_at_ms": row.next_attempt_at_ms,
        "error": row.error,
        "pos_order_id": row.pos_order_id,
        "cancel_requested": row.cancel_requested,
        "created_at_ms": row.created_at_ms,
        "updated_at_ms": row.updated_at_ms,
        "pushed_at_ms": row.pushed_at_ms,
        "blocked_reasons": row.payload.get("blocked"),
    })
}

/// The outcome of a delivery, as its row was recorded.
fn delivered(row: &OutboxRow, adopted: bool) -> Delivery {
    Delivery {
        wc_order_id: row.wc_order_id,
        external_reference: row.external_reference.clone(),
        state: row.state.as_str().to_owned(),
        pos_order_id: row.pos_order_id.as_ref().map(|p| p.to_string()),
        adopted,
        error: row.error.as_ref().map(|e| json!(e)),
    }
}

fn failed_delivery(row: &OutboxRow, error: &Error) -> Delivery {
    Delivery {
        wc_order_id: row.wc_order_id,
        external_reference: row.external_reference.clone(),
        state: "sending".into(),
        pos_order_id: None,
        adopted: false,
        error: Some(error.to_json()),
    }
}

fn describe_reasons(reasons: &Value) -> String {
    reasons
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|r| r.get("reason").and_then(Value::as_str))
                .map(|r| r.replace('_', " "))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// A short, stable name for a customer key (lease names are bounded; keys are not).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
