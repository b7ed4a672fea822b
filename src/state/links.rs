//! Links between a Shopcaisse item (or declination) and a WooCommerce product (or variation).
//!
//! A link is one-to-one: an item has at most one WooCommerce product and a product at most one
//! item, both enforced by unique keys. Each link records how it was made (matched by reference
//! or barcode, by hand, created by an import, forced) and when. Undoing a link is not a loss:
//! the link moves to a history table from which it can be shown and restored. Every change
//! writes a log row in the same transaction, so the Logs tab tells who was linked to what.
//!
//! WooCommerce products and variations share one id space (both are posts), so a plain `i64`
//! names either.

use super::activity::bump;
use super::db::{parse_stored, Fail, Work};
use super::logs::{insert as insert_log, LogLevel, NewLog};
use super::State;
use crate::error::{Error, ErrorKind, Result};
use crate::model::activity::Counter;
use crate::model::ItemId;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// How a link was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMethod {
    /// Matched automatically on the reference (SKU).
    Reference,
    /// Matched automatically on a barcode.
    Barcode,
    /// A declination matched to a variation on its attribute values.
    Attributes,
    /// Chosen by a person.
    Manual,
    /// The WooCommerce product was created from the item by an import.
    Imported,
    /// Forced: created from the Shopcaisse id when nothing matched.
    Forced,
}

impl LinkMethod {
    /// The method's name ("reference").
    pub fn as_str(self) -> &'static str {
        match self {
            LinkMethod::Reference => "reference",
            LinkMethod::Barcode => "barcode",
            LinkMethod::Attributes => "attributes",
            LinkMethod::Manual => "manual",
            LinkMethod::Imported => "imported",
            LinkMethod::Forced => "forced",
        }
    }

    pub(crate) fn parse(raw: &str) -> std::result::Result<LinkMethod, String> {
        Ok(match raw {
            "reference" => LinkMethod::Reference,
            "barcode" => LinkMethod::Barcode,
            "attributes" => LinkMethod::Attributes,
            "manual" => LinkMethod::Manual,
            "imported" => LinkMethod::Imported,
            "forced" => LinkMethod::Forced,
            other => return Err(format!("unknown link method {other:?}")),
        })
    }
}

/// A live link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub item_id: ItemId,
    pub wc_id: i64,
    pub method: LinkMethod,
    pub linked_at_ms: i64,
}

impl Link {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Link> {
        Ok(Link {
            item_id: parse_stored(0, row.get(0)?, ItemId::parse)?,
            wc_id: row.get(1)?,
            method: parse_stored(2, row.get(2)?, LinkMethod::parse)?,
            linked_at_ms: row.get(3)?,
        })
    }
}

/// A link that was undone, kept so it can be shown and restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkHistoryRow {
    pub id: i64,
    pub item_id: ItemId,
    pub wc_id: i64,
    pub method: LinkMethod,
    pub linked_at_ms: i64,
    pub unlinked_at_ms: i64,
}

impl LinkHistoryRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<LinkHistoryRow> {
        Ok(LinkHistoryRow {
            id: row.get(0)?,
            item_id: parse_stored(1, row.get(1)?, ItemId::parse)?,
            wc_id: row.get(2)?,
            method: parse_stored(3, row.get(3)?, LinkMethod::parse)?,
            linked_at_ms: row.get(4)?,
            unlinked_at_ms: row.get(5)?,
        })
    }
}

/// What [`Links::link_many`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkBatch {
    pub linked: Vec<Link>,
    /// Pairs that were already linked that way.
    pub unchanged: usize,
    pub conflicts: Vec<LinkConflict>,
}

/// A pair [`Links::link_many`] skipped because one side is linked elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkConflict {
    pub item_id: ItemId,
    pub wc_id: i64,
    pub message: String,
}

const LINK_COLUMNS: &str = "item_id, wc_id, method, linked_at";
const HISTORY_COLUMNS: &str = "id, item_id, wc_id, method, linked_at, unlinked_at";

fn by_item(conn: &Connection, item: &str) -> rusqlite::Result<Option<Link>> {
    conn.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM links WHERE item_id = ?1"
    ))?
    .query_row([item], Link::from_row)
    .optional()
}

fn by_wc(conn: &Connection, wc_id: i64) -> rusqlite::Result<Option<Link>> {
    conn.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM links WHERE wc_id = ?1"
    ))?
    .query_row([wc_id], Link::from_row)
    .optional()
}

fn check_wc_id(wc_id: i64) -> Result<()> {
    if wc_id <= 0 {
        return Err(Error::invalid_input(format!(
            "{wc_id} is not a WooCommerce product id"
        )));
    }
    Ok(())
}

/// The links of the state file.
pub struct Links<'a> {
    state: &'a State,
}

impl<'a> Links<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Links { state }
    }

    /// Links `item` to the WooCommerce product `wc_id`. Linking an existing pair again changes
    /// nothing; an item or a product already linked elsewhere is a [`ErrorKind::Conflict`]
    /// naming the other side (unlink it first).
    pub fn link(&self, item: &ItemId, wc_id: i64, method: LinkMethod, now_ms: i64) -> Result<Link> {
        check_wc_id(wc_id)?;
        let retention = self.state.log_retention;
        self.state.db.write("linking an item", |tx| {
            insert_link(tx, retention, NewLink::made(item, wc_id, method), now_ms)
        })
    }

    /// Links many pairs in one transaction (the "link every exact match" bulk action). A pair
    /// already linked that way is counted unchanged; a pair whose item or product is linked
    /// elsewhere is reported as a conflict and skipped, without failing the others.
    pub fn link_many(
        &self,
        pairs: &[(ItemId, i64)],
        method: LinkMethod,
        now_ms: i64,
    ) -> Result<LinkBatch> {
        for (_, wc_id) in pairs {
            check_wc_id(*wc_id)?;
        }
        let retention = self.state.log_retention;
        self.state.db.write("linking items", |tx| {
            let mut batch = LinkBatch::default();
            for (item, wc_id) in pairs {
                if by_item(tx, item.as_str())?.is_some_and(|l| l.wc_id == *wc_id) {
                    batch.unchanged += 1;
                    continue;
                }
                match insert_link(tx, retention, NewLink::made(item, *wc_id, method), now_ms) {
                    Ok(link) => batch.linked.push(link),
                    Err(Fail::Core(e)) if e.kind() == ErrorKind::Conflict => {
                        batch.conflicts.push(LinkConflict {
                            item_id: item.clone(),
                            wc_id: *wc_id,
                            message: e.message().to_owned(),
                        })
                    }
                    Err(other) => return Err(other),
                }
            }
            Ok(batch)
        })
    }

    /// Undoes the link of `item`, keeping it in the history; the link undone, `None` when the
    /// item was not linked.
    pub fn unlink(&self, item: &ItemId, now_ms: i64) -> Result<Option<Link>> {
        let retention = self.state.log_retention;
        self.state.db.write("unlinking an item", |tx| {
            match by_item(tx, item.as_str())? {
                Some(link) => remove_link(tx, retention, link, now_ms).map(Some),
                None => Ok(None),
            }
        })
    }

    /// Undoes the link of the WooCommerce product `wc_id` (deleted in the shop, say).
    pub fn unlink_wc(&self, wc_id: i64, now_ms: i64) -> Result<Option<Link>> {
        let retention = self.state.log_retention;
        self.state
            .db
            .write("unlinking a product", |tx| match by_wc(tx, wc_id)? {
                Some(link) => remove_link(tx, retention, link, now_ms).map(Some),
                None => Ok(None),
            })
    }

    /// Links again what the history row `history_id` recorded, with its original method.
    pub fn restore(&self, history_id: i64, now_ms: i64) -> Result<Link> {
        let retention = self.state.log_retention;
        self.state.db.write("restoring a link", |tx| {
            let row = tx
                .prepare_cached(&format!(
                    "SELECT {HISTORY_COLUMNS} FROM link_history WHERE id = ?1"
                ))?
                .query_row([history_id], LinkHistoryRow::from_row)
                .optional()?
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::NotFound,
                        format!("no undone link numbered {history_id}"),
                    )
                })?;
            // A restored link counts as linked, whatever made it first.
            let new = NewLink {
                item: &row.item_id,
                wc_id: row.wc_id,
                method: row.method,
                counted: Counter::Linked,
            };
            insert_link(tx, retention, new, now_ms)
        })
    }

    /// The link of an item.
    pub fn by_item(&self, item: &ItemId) -> Result<Option<Link>> {
        self.state
            .db
            .read("reading a link", |conn| Ok(by_item(conn, item.as_str())?))
    }

    /// The link of a WooCommerce product or variation.
    pub fn by_wc(&self, wc_id: i64) -> Result<Option<Link>> {
        self.state
            .db
            .read("reading a link", |conn| Ok(by_wc(conn, wc_id)?))
    }

    /// Every live link, by item id (the planners' snapshot).
    pub fn list(&self) -> Result<Vec<Link>> {
        self.state.db.read("listing links", |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {LINK_COLUMNS} FROM links ORDER BY item_id"
            ))?;
            let rows = stmt.query_map([], Link::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// How many live links there are.
    pub fn count(&self) -> Result<u64> {
        self.state.db.read("counting links", |conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM links", [], |row| row.get(0))?;
            Ok(n as u64)
        })
    }

    /// The undone links of an item, newest first.
    pub fn history_of_item(&self, item: &ItemId) -> Result<Vec<LinkHistoryRow>> {
        self.history("WHERE item_id = ?1", Value::Text(item.to_string()), -1)
    }

    /// The undone links of a WooCommerce product, newest first.
    pub fn history_of_wc(&self, wc_id: i64) -> Result<Vec<LinkHistoryRow>> {
        self.history("WHERE wc_id = ?1", Value::Integer(wc_id), -1)
    }

    /// The most recently undone links, newest first.
    pub fn recent_history(&self, limit: u32) -> Result<Vec<LinkHistoryRow>> {
        self.history("WHERE ?1 IS NULL", Value::Null, limit.into())
    }

    /// History rows matching `filter` (on `?1`), newest first, at most `limit` (-1: all).
    fn history(&self, filter: &str, value: Value, limit: i64) -> Result<Vec<LinkHistoryRow>> {
        self.state.db.read("reading link history", |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {HISTORY_COLUMNS} FROM link_history {filter} ORDER BY id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![value, limit], LinkHistoryRow::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

/// Keeps the catalog cache's `linked` column (its search filter) in step with this table.
fn mark_catalog_linked(conn: &Connection, item: &str, linked: bool) -> rusqlite::Result<usize> {
    conn.prepare_cached("UPDATE catalog_items SET linked = ?2 WHERE id = ?1")?
        .execute(params![item, linked])
}

/// A link to make, and the activity counter it adds to.
struct NewLink<'a> {
    item: &'a ItemId,
    wc_id: i64,
    method: LinkMethod,
    counted: Counter,
}

impl<'a> NewLink<'a> {
    /// A link made now: an import's counts as imported, any other as linked.
    fn made(item: &'a ItemId, wc_id: i64, method: LinkMethod) -> Self {
        let counted = match method {
            LinkMethod::Imported => Counter::Imported,
            _ => Counter::Linked,
        };
        NewLink {
            item,
            wc_id,
            method,
            counted,
        }
    }
}

/// Makes a link (one already there is returned as it is, and not counted again).
fn insert_link(
    conn: &Connection,
    retention: super::LogRetention,
    new: NewLink<'_>,
    now_ms: i64,
) -> Work<Link> {
    let NewLink {
        item,
        wc_id,
        method,
        counted,
    } = new;
    if let Some(existing) = by_item(conn, item.as_str())? {
        if existing.wc_id == wc_id {
            return Ok(existing);
        }
        return Err(Fail::Core(Error::new(
            ErrorKind::Conflict,
            format!(
                "item {item} is already linked to WooCommerce product {}",
                existing.wc_id
            ),
        )));
    }
    if let Some(existing) = by_wc(conn, wc_id)? {
        return Err(Fail::Core(Error::new(
            ErrorKind::Conflict,
            format!(
                "WooCommerce product {wc_id} is already linked to item {}",
                existing.item_id
            ),
        )));
    }
    conn.prepare_cached(
        "INSERT INTO links (item_id, wc_id, method, linked_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![item.as_str(), wc_id, method.as_str(), now_ms])?;
    mark_catalog_linked(conn, item.as_str(), true)?;
    bump(conn, counted, now_ms, 1)?;
    insert_log(
        conn,
        retention,
        &NewLog::new(
            now_ms,
            LogLevel::Info,
            "link",
            format!(
                "Linked to WooCommerce product {wc_id} ({})",
                method.as_str()
            ),
        )
        .object("item", item)
        .details(serde_json::json!({ "wc_id": wc_id, "method": method })),
    )?;
    Ok(Link {
        item_id: item.clone(),
        wc_id,
        method,
        linked_at_ms: now_ms,
    })
}

fn remove_link(
    conn: &Connection,
    retention: super::LogRetention,
    link: Link,
    now_ms: i64,
) -> Work<Link> {
    conn.prepare_cached("DELETE FROM links WHERE item_id = ?1")?
        .execute([link.item_id.as_str()])?;
    mark_catalog_linked(conn, link.item_id.as_str(), false)?;
    conn.prepare_cached(
        "INSERT INTO link_history (item_id, wc_id, method, linked_at, unlinked_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        link.item_id.as_str(),
        link.wc_id,
        link.method.as_str(),
        link.linked_at_ms,
        now_ms
    ])?;
    let history_id = conn.last_insert_rowid();
    insert_log(
        conn,
        retention,
        &NewLog::new(
            now_ms,
            LogLevel::Info,
            "unlink",
            format!("Unlinked from WooCommerce product {}", link.wc_id),
        )
        .object("item", &link.item_id)
        .details(serde_json::json!({
            "wc_id": link.wc_id,
            "method": link.method,
            "history_id": history_id,
        })),
    )?;
    Ok(link)
}
