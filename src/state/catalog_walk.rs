//! A catalog refresh read in steps: where the walk stands, and the pages it read so far.
//!
//! A refresh given a time budget reads the item, price and stock listings page by page across
//! several calls. What it read waits here, beside the cache and never in it: a half-read
//! catalog must never look like deleted items. The last call reads it back, applies the same
//! guards as a refresh in one go, swaps it into the cache and clears it.
//!
//! One walk at a time (one row in `catalog_walk`). Each page is written with the position after
//! it in one transaction, so a call that dies midway resumes from the last page written, never
//! stages a page twice. Rows, problems and keys are stored as JSON, one row per page: the engine
//! says what they are.

use super::db::Work;
use super::State;
use crate::error::Result;
use rusqlite::{params, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Where a walk stands: the listing being read (`"items"`, `"prices"`, `"stock"`, or `"done"`
/// once every listing is read) and, past its first page, the next page and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkPosition {
    pub part: String,
    /// `(next page, page size)`; `None` to start the listing from its first page.
    pub page: Option<(u32, u32)>,
}

impl WalkPosition {
    /// The start of listing `part`.
    pub fn start_of(part: &str) -> WalkPosition {
        WalkPosition {
            part: part.to_owned(),
            page: None,
        }
    }
}

/// The walk in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedWalk {
    /// What the walk reads (the settings it was started with, as the engine writes them).
    pub settings: String,
    pub started_at_ms: i64,
    pub position: WalkPosition,
    /// Per listing that could not be read at all, why (the engine's words).
    pub failures: Map<String, Value>,
    /// Pages and rows staged so far.
    pub pages: u64,
    pub rows: u64,
}

/// One staged page, as the engine wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedPage {
    /// A JSON array of the rows.
    pub rows: String,
    /// A JSON array of the problems met on the page.
    pub problems: String,
}

/// The staged walk of the state file.
pub struct CatalogWalk<'a> {
    state: &'a State,
}

impl<'a> CatalogWalk<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        CatalogWalk { state }
    }

    /// The walk in progress, if any.
    pub fn current(&self) -> Result<Option<StagedWalk>> {
        self.state
            .db
            .read("reading the staged catalog walk", |conn| {
                let walk = conn
                    .query_row(
                        "SELECT settings, started_at, part, next_page, page_size, failures,
                         (SELECT COUNT(*) FROM catalog_walk_pages),
                         (SELECT COALESCE(SUM(row_count), 0) FROM catalog_walk_pages)
                     FROM catalog_walk WHERE id = 1",
                        [],
                        |row| {
                            let page = match (row.get::<_, Option<u32>>(3)?, row.get(4)?) {
                                (Some(page), Some(size)) => Some((page, size)),
                                _ => None,
                            };
                            let failures: String = row.get(5)?;
                            Ok(StagedWalk {
                                settings: row.get(0)?,
                                started_at_ms: row.get(1)?,
                                position: WalkPosition {
                                    part: row.get(2)?,
                                    page,
                                },
                                failures: serde_json::from_str(&failures).unwrap_or_default(),
                                pages: row.get::<_, i64>(6)? as u64,
                                rows: row.get::<_, i64>(7)? as u64,
                            })
                        },
                    )
                    .optional()?;
                Ok(walk)
            })
    }

    /// Starts a new walk of `settings` at `position`, dropping any other.
    pub fn start(&self, settings: &str, now_ms: i64, position: &WalkPosition) -> Result<()> {
        self.state.db.write("starting a staged catalog walk", |tx| {
            clear(tx)?;
            tx.execute(
                "INSERT INTO catalog_walk (id, settings, started_at, part, next_page, page_size)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![
                    settings,
                    now_ms,
                    position.part,
                    position.page.map(|p| p.0),
                    position.page.map(|p| p.1)
                ],
            )?;
            Ok(())
        })
    }

    /// Stages one page of listing `part` (`keys` are its rows' ids, for de-duplication across
    /// calls) and moves the walk to `then`, at once.
    pub fn stage(
        &self,
        part: &str,
        keys: &[&str],
        page: &StagedPage,
        then: &WalkPosition,
    ) -> Result<()> {
        let keys = serde_json::to_string(keys).unwrap_or_else(|_| "[]".into());
        self.state.db.write("staging a catalog page", |tx| {
            tx.prepare_cached(
                "INSERT INTO catalog_walk_pages (seq, part, keys, rows, problems, row_count)
                 VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM catalog_walk_pages),
                         ?1, ?2, ?3, ?4, json_array_length(?2))",
            )?
            .execute(params![part, keys, page.rows, page.problems])?;
            move_to(tx, then)
        })
    }

    /// Records that listing `part` could not be read (`reason`) and moves the walk to `then`.
    pub fn fail(&self, part: &str, reason: &Value, then: &WalkPosition) -> Result<()> {
        self.state
            .db
            .write("recording an unreadable listing", |tx| {
                tx.execute(
                    "UPDATE catalog_walk SET failures = json_set(failures, '$.' || ?1, json(?2))
                 WHERE id = 1",
                    params![part, reason.to_string()],
                )?;
                move_to(tx, then)
            })
    }

    /// The keys of the rows of listing `part` staged so far.
    pub fn keys(&self, part: &str) -> Result<HashSet<String>> {
        self.state.db.read("reading the staged keys", |conn| {
            let mut stmt = conn.prepare(
                "SELECT k.value FROM catalog_walk_pages p, json_each(p.keys) k WHERE p.part = ?1",
            )?;
            let keys = stmt
                .query_map([part], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<HashSet<_>>>()?;
            Ok(keys)
        })
    }

    /// Calls `each` with every staged page of listing `part`, in the order read.
    pub fn pages(&self, part: &str, mut each: impl FnMut(StagedPage) -> Result<()>) -> Result<()> {
        self.state.db.read("reading the staged pages", |conn| {
            let mut stmt = conn.prepare(
                "SELECT rows, problems FROM catalog_walk_pages WHERE part = ?1 ORDER BY seq",
            )?;
            let mut rows = stmt.query([part])?;
            while let Some(row) = rows.next()? {
                each(StagedPage {
                    rows: row.get(0)?,
                    problems: row.get(1)?,
                })?;
            }
            Ok(())
        })
    }

    /// Drops the walk and what it staged.
    pub fn clear(&self) -> Result<()> {
        self.state
            .db
            .write("clearing the staged catalog walk", |tx| clear(tx))
    }
}

fn clear(tx: &rusqlite::Connection) -> Work<()> {
    tx.execute_batch("DELETE FROM catalog_walk_pages; DELETE FROM catalog_walk;")?;
    Ok(())
}

fn move_to(tx: &rusqlite::Connection, then: &WalkPosition) -> Work<()> {
    tx.prepare_cached(
        "UPDATE catalog_walk SET part = ?1, next_page = ?2, page_size = ?3 WHERE id = 1",
    )?
    .execute(params![
        then.part,
        then.page.map(|p| p.0),
        then.page.map(|p| p.1)
    ])?;
    Ok(())
}
