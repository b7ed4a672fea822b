//! The order outbox: one row per WooCommerce order on its way to the POS, whatever fires how
//! many times (a hook twice, two cron calls, a double click on the order button).
//!
//! The WooCommerce order id is the primary key, so enqueueing is idempotent by construction: a
//! second call finds the row and leaves it alone once it is being sent or was pushed (it may
//! only refresh the payload of an order still waiting). A row moves through these states:
//!
//! ```text
//! queued ──claim──▶ sending ──▶ pushed (POS order id)
//!   ▲                  │ ├────▶ failed (attempts, next attempt, error) ──claim when due──▶ sending
//!   │                  │ └────▶ blocked (needs a person: reason)
//!   └──── requeue ─────┴── failed / blocked / cancelled           cancel ──▶ cancelled
//! ```
//!
//! Claiming is one `UPDATE … RETURNING` inside `BEGIN IMMEDIATE`: across processes, a row is
//! claimed by exactly one worker. A claim carries an owner and an expiry; a worker that crashed
//! mid-send leaves a `sending` row whose claim expires, and the next claim takes it over. That
//! re-send is safe because the POS deduplicates on the external reference.

use super::activity::bump;
use super::db::{
    check_name, json_value, like_pattern, limit_offset, paged, parse_stored, where_sql, Fail, Work,
};
use super::State;
use crate::error::{Error, ErrorKind, Result};
use crate::model::activity::Counter;
use crate::model::PosOrderId;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker, being sent.
    Sending,
    /// In the POS.
    Pushed,
    /// The last attempt failed; retried automatically once due.
    Failed,
    /// Cannot go without a person (unlinked product, order module missing…).
    Blocked,
    /// Taken out of the queue by a person, or cancelled in the POS.
    Cancelled,
    /// Its cancellation in the POS is recorded and being delivered (retried like a push until
    /// the POS agrees; then `Cancelled`).
    Cancelling,
}

impl OutboxState {
    /// Every state, in the order the counts list them.
    pub const ALL: [OutboxState; 7] = [
        OutboxState::Queued,
        OutboxState::Sending,
        OutboxState::Pushed,
        OutboxState::Failed,
        OutboxState::Blocked,
        OutboxState::Cancelled,
        OutboxState::Cancelling,
    ];

    /// The state's name ("queued").
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Pushed => "pushed",
            OutboxState::Failed => "failed",
            OutboxState::Blocked => "blocked",
            OutboxState::Cancelled => "cancelled",
            OutboxState::Cancelling => "cancelling",
        }
    }

    fn parse(raw: &str) -> std::result::Result<OutboxState, String> {
        OutboxState::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| format!("unknown outbox state {raw:?}"))
    }
}

/// Why an attempt failed or an order is blocked: a machine kind (an `ErrorKind` name, or a
/// blocking reason such as "unlinked_product") and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxError {
    pub kind: String,
    pub message: String,
}

impl OutboxError {
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        OutboxError {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

impl From<&Error> for OutboxError {
    fn from(e: &Error) -> Self {
        OutboxError::new(e.kind().as_str(), e.message())
    }
}

/// One order of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub wc_order_id: i64,
    /// The order prefix plus the WooCommerce order number; the POS deduplicates on it.
    pub external_reference: String,
    /// The order as it will be pushed (built by the sync planner).
    pub payload: serde_json::Value,
    pub state: OutboxState,
    /// Claims so far (each claim is one attempt).
    pub attempts: u32,
    /// When a failed order becomes due again.
    pub next_attempt_at_ms: Option<i64>,
    /// The last failure, or why the order is blocked.
    pub error: Option<OutboxError>,
    pub pos_order_id: Option<PosOrderId>,
    pub claim_owner: Option<String>,
    pub claim_expires_at_ms: Option<i64>,
    /// A person cancelled the order while it was being sent; it ends cancelled unless the
    /// send succeeded.
    pub cancel_requested: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub pushed_at_ms: Option<i64>,
    /// When a push first ended without knowing whether the POS took it (timeout, reset, 5xx
    /// after sending); cleared once the order is found or created.
    pub outcome_unknown_since_ms: Option<i64>,
}

const COLUMNS: &str = "wc_order_id, external_reference, payload, state, attempts,
    next_attempt_at, error_kind, error_message, pos_order_id, claim_owner, claim_expires_at,
    cancel_requested, created_at, updated_at, pushed_at, outcome_unknown_since";

impl OutboxRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<OutboxRow> {
        let error = match (
            row.get::<_, Option<String>>(6)?,
            row.get::<_, Option<String>>(7)?,
        ) {
            (Some(kind), message) => Some(OutboxError {
                kind,
                message: message.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(OutboxRow {
            wc_order_id: row.get(0)?,
            external_reference: row.get(1)?,
            payload: json_value(row.get(2)?).unwrap_or(serde_json::Value::Null),
            state: parse_stored(3, row.get(3)?, OutboxState::parse)?,
            attempts: row.get(4)?,
            next_attempt_at_ms: row.get(5)?,
            error,
            pos_order_id: match row.get::<_, Option<String>>(8)? {
                Some(raw) => Some(parse_stored(8, raw, PosOrderId::parse)?),
                None => None,
            },
            claim_owner: row.get(9)?,
            claim_expires_at_ms: row.get(10)?,
            cancel_requested: row.get(11)?,
            created_at_ms: row.get(12)?,
            updated_at_ms: row.get(13)?,
            pushed_at_ms: row.get(14)?,
            outcome_unknown_since_ms: row.get(15)?,
        })
    }

    /// Whether a worker holds a live claim on it at `now_ms`.
    pub fn is_claimed(&self, now_ms: i64) -> bool {
        matches!(self.state, OutboxState::Sending | OutboxState::Cancelling)
            && self.claim_owner.is_some()
            && self.claim_expires_at_ms.is_some_and(|until| until > now_ms)
    }
}

/// What [`Outbox::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnqueueOutcome {
    /// The order was not in the outbox; it is now queued.
    Created,
    /// The order was waiting (queued or failed); its payload was replaced.
    Refreshed,
    /// Nothing changed: same payload, or the order is past waiting.
    Unchanged,
}

/// The result of [`Outbox::enqueue`]: what happened and the row as it now stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enqueued {
    pub outcome: EnqueueOutcome,
    pub row: OutboxRow,
}

/// Filters for the outbox listing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboxFilter {
    pub state: Option<OutboxState>,
    /// Substring of the external reference, or exactly the WooCommerce order id.
    pub text: Option<String>,
    /// 1-based; 0 is the first page.
    pub page: u32,
    /// Rows per page; 0 for the default (50), at most 500.
    pub per_page: u32,
}

/// A page of orders, most recently changed first, and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub rows: Vec<OutboxRow>,
    pub total: u64,
}

/// How many orders are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub pushed: u64,
    pub failed: u64,
    pub blocked: u64,
    pub cancelled: u64,
    pub cancelling: u64,
}

/// Delay before retrying after `attempts` failed attempts: one minute, doubling, at most six
/// hours. A suggestion for the caller of [`Outbox::mark_failed`], which decides.
pub fn retry_delay_ms(attempts: u32) -> i64 {
    const MINUTE: i64 = 60_000;
    const CAP: i64 = 6 * 60 * MINUTE;
    let doublings = attempts.saturating_sub(1).min(20);
    (MINUTE << doublings).min(CAP)
}

fn get_row(conn: &Connection, order: i64) -> Work<Option<OutboxRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE wc_order_id = ?1"
        ))?
        .query_row([order], OutboxRow::from_row)
        .optional()?)
}

fn existing(conn: &Connection, order: i64) -> Work<OutboxRow> {
    get_row(conn, order)?.ok_or_else(|| {
        Fail::Core(Error::new(
            ErrorKind::NotFound,
            format!("order {order} is not in the outbox"),
        ))
    })
}

fn reread(conn: &Connection, order: i64) -> Work<OutboxRow> {
    get_row(conn, order)?
        .ok_or_else(|| Fail::Core(Error::internal(format!("outbox row {order} vanished"))))
}

fn check_payload(payload_json: &str) -> Result<()> {
    serde_json::from_str::<serde_json::Value>(payload_json)
        .map(|_| ())
        .map_err(|e| Error::invalid_input(format!("the order payload is not JSON: {e}")))
}

fn check_order_id(order: i64) -> Result<()> {
    if order <= 0 {
        return Err(Error::invalid_input(format!(
            "{order} is not a WooCommerce order id"
        )));
    }
    Ok(())
}

/// The order outbox of the state file.
pub struct Outbox<'a> {
    state: &'a State,
}

impl<'a> Outbox<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Outbox { state }
    }

    /// Puts an order in the outbox once. Again for the same order: the payload (and reference)
    /// are refreshed while the order is queued or failed; otherwise nothing changes.
    pub fn enqueue(
        &self,
        wc_order_id: i64,
        external_reference: &str,
        payload_json: &str,
        now_ms: i64,
    ) -> Result<Enqueued> {
        check_order_id(wc_order_id)?;
        check_name("an external reference", external_reference)?;
        check_payload(payload_json)?;
        self.state.db.write("queueing an order", |tx| {
            let outcome = match get_row(tx, wc_order_id)? {
                None => {
                    tx.prepare_cached(
                        "INSERT INTO outbox (wc_order_id, external_reference, payload, state,
                             created_at, updated_at)
                         VALUES (?1, ?2, ?3, 'queued', ?4, ?4)",
                    )?
                    .execute(params![
                        wc_order_id,
                        external_reference,
                        payload_json,
                        now_ms
                    ])?;
                    EnqueueOutcome::Created
                }
                Some(row) if matches!(row.state, OutboxState::Queued | OutboxState::Failed) => {
                    let changed = tx
                        .prepare_cached(
                            "UPDATE outbox SET external_reference = ?2, payload = ?3,
                                 updated_at = ?4
                             WHERE wc_order_id = ?1
                               AND (external_reference IS NOT ?2 OR payload IS NOT ?3)",
                        )?
                        .execute(params![
                            wc_order_id,
                            external_reference,
                            payload_json,
                            now_ms
                        ])?;
                    if changed > 0 {
                        EnqueueOutcome::Refreshed
                    } else {
                        EnqueueOutcome::Unchanged
                    }
                }
                Some(_) => EnqueueOutcome::Unchanged,
            };
            Ok(Enqueued {
                outcome,
                row: reread(tx, wc_order_id)?,
            })
        })
    }

    /// Claims up to `limit` orders for `owner` until `now_ms + lease_ms`: queued ones, failed
    /// ones whose next attempt is due, and sending ones whose claim expired (a crashed worker).
    /// Each claimed row counts one more attempt. No row is ever handed to two claimants.
    pub fn claim_due(
        &self,
        now_ms: i64,
        limit: u32,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Vec<OutboxRow>> {
        check_name("a claim owner", owner)?;
        if lease_ms <= 0 {
            return Err(Error::invalid_input("a claim needs a positive duration"));
        }
        self.state.db.write("claiming due orders", |tx| {
            // A cancelled order whose sender vanished will not be sent again: settle it.
            tx.prepare_cached(
                "UPDATE outbox SET state = 'cancelled', claim_owner = NULL,
                     claim_expires_at = NULL, updated_at = ?1
                 WHERE state = 'sending' AND cancel_requested = 1 AND claim_expires_at <= ?1",
            )?
            .execute([now_ms])?;
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE outbox SET
                     state = CASE state WHEN 'cancelling' THEN 'cancelling' ELSE 'sending' END,
                     claim_owner = ?2, claim_expires_at = ?3,
                     attempts = attempts + 1, updated_at = ?1
                 WHERE wc_order_id IN (
                     SELECT wc_order_id FROM outbox
                     WHERE cancel_requested = 0 AND (
                         state = 'queued'
                         OR (state = 'failed' AND coalesce(next_attempt_at, 0) <= ?1)
                         OR (state = 'sending' AND claim_expires_at <= ?1)
                         OR (state = 'cancelling' AND coalesce(next_attempt_at, 0) <= ?1
                             AND (claim_owner IS NULL OR claim_expires_at <= ?1)))
                     ORDER BY coalesce(next_attempt_at, created_at), wc_order_id
                     LIMIT ?4)
                 RETURNING {COLUMNS}"
            ))?;
            let mut rows = stmt
                .query_map(
                    params![now_ms, owner, now_ms.saturating_add(lease_ms), limit],
                    OutboxRow::from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.sort_by_key(|r| (r.created_at_ms, r.wc_order_id));
            Ok(rows)
        })
    }

    /// Claims one order now, due or not (the "push now" button): when it is queued, failed, or
    /// sending under an expired claim. `None` when it cannot be claimed (pushed, blocked,
    /// cancelled, or another worker holds it); read it with [`Outbox::get`] to say why.
    pub fn claim(
        &self,
        wc_order_id: i64,
        now_ms: i64,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Option<OutboxRow>> {
        check_name("a claim owner", owner)?;
        if lease_ms <= 0 {
            return Err(Error::invalid_input("a claim needs a positive duration"));
        }
        self.state.db.write("claiming an order", |tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE outbox SET
                     state = CASE state WHEN 'cancelling' THEN 'cancelling' ELSE 'sending' END,
                     claim_owner = ?3, claim_expires_at = ?4,
                     attempts = attempts + 1, updated_at = ?2
                 WHERE wc_order_id = ?1 AND cancel_requested = 0 AND (
                     state IN ('queued', 'failed')
                     OR (state = 'sending' AND claim_expires_at <= ?2)
                     OR (state = 'cancelling' AND (claim_owner IS NULL OR claim_expires_at <= ?2)))
                 RETURNING {COLUMNS}"
            ))?;
            Ok(stmt
                .query_row(
                    params![wc_order_id, now_ms, owner, now_ms.saturating_add(lease_ms)],
                    OutboxRow::from_row,
                )
                .optional()?)
        })
    }

    /// Records that the POS holds the order as `pos_order_id`. A fact, whoever reports it and
    /// whatever the row's state; an order already recorded as pushed keeps its first POS id.
    pub fn mark_pushed(
        &self,
        wc_order_id: i64,
        pos_order_id: &PosOrderId,
        now_ms: i64,
    ) -> Result<OutboxRow> {
        self.state.db.write("recording a pushed order", |tx| {
            let row = existing(tx, wc_order_id)?;
            if row.state == OutboxState::Pushed {
                return Ok(row);
            }
            tx.prepare_cached(
                "UPDATE outbox SET state = 'pushed', pos_order_id = ?2, pushed_at = ?3,
                     updated_at = ?3, claim_owner = NULL, claim_expires_at = NULL,
                     next_attempt_at = NULL, error_kind = NULL, error_message = NULL,
                     outcome_unknown_since = NULL
                 WHERE wc_order_id = ?1",
            )?
            .execute(params![wc_order_id, pos_order_id.as_str(), now_ms])?;
            bump(tx, Counter::OrdersPushed, now_ms, 1)?;
            reread(tx, wc_order_id)
        })
    }

    /// Records a failed attempt by the claim's `owner`; the order is claimed again from
    /// `next_attempt_at_ms` (see [`retry_delay_ms`]). If a person cancelled it meanwhile, it
    /// ends cancelled. A [`ErrorKind::Conflict`] when `owner` no longer holds the claim.
    pub fn mark_failed(
        &self,
        wc_order_id: i64,
        owner: &str,
        error: &OutboxError,
        next_attempt_at_ms: i64,
        now_ms: i64,
    ) -> Result<OutboxRow> {
        self.settle(
            wc_order_id,
            owner,
            "failed",
            error,
            Some(next_attempt_at_ms),
            now_ms,
        )
    }

    /// Records that a push's outcome is unknown (the POST may have been, or may yet be,
    /// committed): `since_ms`, the time of that POST, is kept in `outcome_unknown_since_ms`, so
    /// no new POST goes before the grace window after it. Cleared when the order is pushed.
    pub fn note_outcome_unknown(&self, wc_order_id: i64, since_ms: i64) -> Result<()> {
        self.state
            .db
            .write("recording an unknown push outcome", |tx| {
                existing(tx, wc_order_id)?;
                tx.prepare_cached(
                    "UPDATE outbox SET outcome_unknown_since = ?2 WHERE wc_order_id = ?1",
                )?
                .execute(params![wc_order_id, since_ms])?;
                Ok(())
            })
    }

    /// Records that the order must be cancelled in the POS: it becomes `cancelling`, due now,
    /// and is delivered (and retried) like a push until the POS agrees. An order already
    /// cancelling or cancelled is left as it is; one being sent gets `cancel_requested` and is
    /// cancelled once its push settles.
    pub fn start_cancelling(&self, wc_order_id: i64, now_ms: i64) -> Result<OutboxRow> {
        self.state.db.write("recording a cancellation", |tx| {
            let row = existing(tx, wc_order_id)?;
            let sql = match row.state {
                OutboxState::Cancelling | OutboxState::Cancelled => return Ok(row),
                OutboxState::Sending if row.is_claimed(now_ms) => {
                    "UPDATE outbox SET cancel_requested = 1, updated_at = ?2 WHERE wc_order_id = ?1"
                }
                _ => {
                    "UPDATE outbox SET state = 'cancelling', cancel_requested = 0, attempts = 0,
                         next_attempt_at = ?2, error_kind = NULL, error_message = NULL,
                         claim_owner = NULL, claim_expires_at = NULL, updated_at = ?2
                     WHERE wc_order_id = ?1"
                }
            };
            tx.prepare_cached(sql)?
                .execute(params![wc_order_id, now_ms])?;
            reread(tx, wc_order_id)
        })
    }

    /// Blocks an order still waiting (queued or failed) that cannot be built as it is: no claim
    /// is taken and no attempt counted, since nothing was sent. `None` when the order is past
    /// waiting (being sent, pushed, cancelled): it is then left as it is.
    pub fn block_waiting(
        &self,
        wc_order_id: i64,
        reason: &OutboxError,
        now_ms: i64,
    ) -> Result<Option<OutboxRow>> {
        self.state.db.write("blocking a waiting order", |tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE outbox SET state = 'blocked', error_kind = ?2, error_message = ?3,
                     next_attempt_at = NULL, updated_at = ?4
                 WHERE wc_order_id = ?1 AND state IN ('queued', 'failed')
                 RETURNING {COLUMNS}"
            ))?;
            let blocked = stmt
                .query_row(
                    params![wc_order_id, reason.kind, reason.message, now_ms],
                    OutboxRow::from_row,
                )
                .optional()?;
            if blocked.is_some() {
                bump(tx, Counter::OrdersBlocked, now_ms, 1)?;
            }
            Ok(blocked)
        })
    }

    /// Records that the order cannot go without a person (`reason`), by the claim's `owner`.
    pub fn mark_blocked(
        &self,
        wc_order_id: i64,
        owner: &str,
        reason: &OutboxError,
        now_ms: i64,
    ) -> Result<OutboxRow> {
        self.settle(wc_order_id, owner, "blocked", reason, None, now_ms)
    }

    fn settle(
        &self,
        wc_order_id: i64,
        owner: &str,
        state: &str,
        error: &OutboxError,
        next_attempt_at_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<OutboxRow> {
        self.state.db.write("recording an order attempt", |tx| {
            let row = existing(tx, wc_order_id)?;
            let claimed = matches!(row.state, OutboxState::Sending | OutboxState::Cancelling);
            if !claimed || row.claim_owner.as_deref() != Some(owner) {
                return Err(Fail::Core(Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "order {wc_order_id} is no longer claimed by {owner} (now {})",
                        row.state.as_str()
                    ),
                )));
            }
            let state = if row.state == OutboxState::Cancelling && state == "failed" {
                // A cancellation that failed stays a cancellation, due again later.
                "cancelling"
            } else if row.cancel_requested {
                "cancelled"
            } else {
                state
            };
            tx.prepare_cached(
                "UPDATE outbox SET state = ?2, error_kind = ?3, error_message = ?4,
                     next_attempt_at = ?5, claim_owner = NULL, claim_expires_at = NULL,
                     updated_at = ?6
                 WHERE wc_order_id = ?1",
            )?
            .execute(params![
                wc_order_id,
                state,
                error.kind,
                error.message,
                next_attempt_at_ms,
                now_ms
            ])?;
            if state == "blocked" {
                bump(tx, Counter::OrdersBlocked, now_ms, 1)?;
            }
            reread(tx, wc_order_id)
        })
    }

    /// Puts a failed, blocked or cancelled order back in the queue (manual retry), as new:
    /// attempts and error cleared, payload replaced when one is given. A pushed order is a
    /// [`ErrorKind::Conflict`]; one being sent right now is [`ErrorKind::Busy`].
    pub fn requeue(
        &self,
        wc_order_id: i64,
        payload_json: Option<&str>,
        now_ms: i64,
    ) -> Result<OutboxRow> {
        if let Some(payload) = payload_json {
            check_payload(payload)?;
        }
        self.state.db.write("requeueing an order", |tx| {
            let row = existing(tx, wc_order_id)?;
            match row.state {
                OutboxState::Pushed => {
                    return Err(Fail::Core(Error::new(
                        ErrorKind::Conflict,
                        format!(
                            "order {wc_order_id} is already in the POS as {}",
                            row.pos_order_id
                                .as_ref()
                                .map(|id| id.as_str())
                                .unwrap_or("?")
                        ),
                    )))
                }
                OutboxState::Sending if row.is_claimed(now_ms) => {
                    return Err(Fail::Core(Error::new(
                        ErrorKind::Busy,
                        format!("order {wc_order_id} is being sent right now"),
                    )))
                }
                OutboxState::Cancelling => {
                    return Err(Fail::Core(Error::new(
                        ErrorKind::Conflict,
                        format!("order {wc_order_id} is being cancelled in the POS"),
                    )))
                }
                _ => {}
            }
            // Queued again, it is a sale again as far as the stock goes: counted anew.
            tx.prepare_cached("DELETE FROM stock_inflight WHERE wc_order_id = ?1")?
                .execute([wc_order_id])?;
            tx.prepare_cached(
                "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = NULL,
                     error_kind = NULL, error_message = NULL, claim_owner = NULL,
                     claim_expires_at = NULL, cancel_requested = 0,
                     payload = coalesce(?2, payload), updated_at = ?3
                 WHERE wc_order_id = ?1",
            )?
            .execute(params![wc_order_id, payload_json, now_ms])?;
            reread(tx, wc_order_id)
        })
    }

    /// Takes an order out of the queue. One being sent gets `cancel_requested` and ends
    /// cancelled unless the send succeeds; a pushed order is a [`ErrorKind::Conflict`] (cancel
    /// it in the POS).
    pub fn cancel(&self, wc_order_id: i64, now_ms: i64) -> Result<OutboxRow> {
        self.state.db.write("cancelling an order", |tx| {
            let row = existing(tx, wc_order_id)?;
            let sql = match row.state {
                OutboxState::Cancelled => return Ok(row),
                OutboxState::Pushed | OutboxState::Cancelling => {
                    return Err(Fail::Core(Error::new(
                        ErrorKind::Conflict,
                        format!("order {wc_order_id} is already in the POS"),
                    )))
                }
                OutboxState::Sending => {
                    "UPDATE outbox SET cancel_requested = 1, updated_at = ?2 WHERE wc_order_id = ?1"
                }
                OutboxState::Queued | OutboxState::Failed | OutboxState::Blocked => {
                    "UPDATE outbox SET state = 'cancelled', updated_at = ?2 WHERE wc_order_id = ?1"
                }
            };
            tx.prepare_cached(sql)?
                .execute(params![wc_order_id, now_ms])?;
            reread(tx, wc_order_id)
        })
    }

    /// Records that the order was cancelled in the POS (or found cancelled there): the row ends
    /// `cancelled`, keeping the POS order id, so it is never sent again by itself and the order
    /// screen shows where it ended.
    pub fn mark_cancelled_in_pos(
        &self,
        wc_order_id: i64,
        pos_order_id: Option<&PosOrderId>,
        now_ms: i64,
    ) -> Result<OutboxRow> {
        self.state
            .db
            .write("recording a cancellation in the POS", |tx| {
                existing(tx, wc_order_id)?;
                tx.prepare_cached(
                    "UPDATE outbox SET state = 'cancelled', cancel_requested = 0,
                     pos_order_id = COALESCE(pos_order_id, ?2),
                     claim_owner = NULL, claim_expires_at = NULL, updated_at = ?3
                 WHERE wc_order_id = ?1",
                )?
                .execute(params![
                    wc_order_id,
                    pos_order_id.map(|p| p.as_str()),
                    now_ms
                ])?;
                reread(tx, wc_order_id)
            })
    }

    /// One order.
    pub fn get(&self, wc_order_id: i64) -> Result<Option<OutboxRow>> {
        self.state
            .db
            .read("reading an outbox order", |conn| get_row(conn, wc_order_id))
    }

    /// The orders among `wc_order_ids` that are in the outbox (the orders list column).
    pub fn get_many(&self, wc_order_ids: &[i64]) -> Result<Vec<OutboxRow>> {
        self.state.db.read("reading outbox orders", |conn| {
            let mut rows = Vec::with_capacity(wc_order_ids.len());
            for id in wc_order_ids {
                if let Some(row) = get_row(conn, *id)? {
                    rows.push(row);
                }
            }
            Ok(rows)
        })
    }

    /// A page of orders, most recently changed first.
    pub fn list(&self, filter: &OutboxFilter) -> Result<OutboxPage> {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        if let Some(state) = filter.state {
            clauses.push("state = ?");
            values.push(Value::Text(state.as_str().into()));
        }
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            clauses.push("(external_reference LIKE ? ESCAPE '\\' OR wc_order_id = ?)");
            values.push(Value::Text(like_pattern(text)));
            values.push(match text.parse::<i64>() {
                Ok(id) => Value::Integer(id),
                Err(_) => Value::Null,
            });
        }
        let page = limit_offset(filter.page, filter.per_page);
        let condition = where_sql(&clauses);
        self.state.db.read("listing the outbox", |conn| {
            let (rows, total) = paged(
                conn,
                &format!("SELECT COUNT(*) FROM outbox{condition}"),
                &format!(
                    "SELECT {COLUMNS} FROM outbox{condition}
                     ORDER BY updated_at DESC, wc_order_id DESC LIMIT ? OFFSET ?"
                ),
                &values,
                page,
                OutboxRow::from_row,
            )?;
            Ok(OutboxPage { rows, total })
        })
    }

    /// How many orders are in each state.
    pub fn counts(&self) -> Result<OutboxCounts> {
        self.state.db.read("counting outbox orders", |conn| {
            let mut counts = OutboxCounts::default();
            let mut stmt =
                conn.prepare_cached("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
            let rows = stmt.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (state, n) = row?;
                let n = n as u64;
                match OutboxState::parse(&state) {
                    Ok(OutboxState::Queued) => counts.queued = n,
                    Ok(OutboxState::Sending) => counts.sending = n,
                    Ok(OutboxState::Pushed) => counts.pushed = n,
                    Ok(OutboxState::Failed) => counts.failed = n,
                    Ok(OutboxState::Blocked) => counts.blocked = n,
                    Ok(OutboxState::Cancelled) => counts.cancelled = n,
                    Ok(OutboxState::Cancelling) => counts.cancelling = n,
                    Err(_) => {}
                }
            }
            Ok(counts)
        })
    }

    /// The orders the stock plan must consider: those it counts already and has not released,
    /// those queued since `since_ms` it has not seen yet (older ones are history: they would be
    /// past the time limit), and those cancelled after it released them for another reason
    /// (WooCommerce restocked them). Oldest first, each with whether a stock run saw it before.
    pub fn stock_candidates(&self, since_ms: i64) -> Result<Vec<(OutboxRow, bool)>> {
        self.state.db.read("reading the orders in flight", |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS}, f.wc_order_id IS NOT NULL
                 FROM outbox LEFT JOIN stock_inflight f USING (wc_order_id)
                 WHERE (f.released_at IS NULL
                        AND (f.wc_order_id IS NOT NULL OR outbox.created_at >= ?1))
                    OR (f.released_at IS NOT NULL AND outbox.state = 'cancelled'
                        AND f.reason IS NOT 'cancelled')
                 ORDER BY outbox.created_at, wc_order_id"
            ))?;
            // The flag follows the row's own columns, however many they are.
            let seen_at = COLUMNS.split(',').count();
            let rows = stmt.query_map([since_ms], |row| {
                Ok((OutboxRow::from_row(row)?, row.get::<_, bool>(seen_at)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// When the next failed order becomes due, if any (to schedule the next run).
    pub fn next_attempt_at(&self) -> Result<Option<i64>> {
        self.state.db.read("reading the next retry time", |conn| {
            Ok(conn.query_row(
                "SELECT min(next_attempt_at) FROM outbox WHERE state IN ('failed', 'cancelling')",
                [],
                |row| row.get(0),
            )?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_up_to_six_hours() {
        assert_eq!(retry_delay_ms(1), 60_000);
        assert_eq!(retry_delay_ms(2), 120_000);
        assert_eq!(retry_delay_ms(4), 480_000);
        assert_eq!(retry_delay_ms(100), 6 * 3_600_000);
    }
}
