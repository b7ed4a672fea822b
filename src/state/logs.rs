//! The structured log the Logs tab shows: one row per event of a sync run or an API exchange,
//! with its time, level, operation, the object it concerns (an order, an item) and the run.
//!
//! The log is bounded: rows older than the retention age, and rows beyond the newest
//! `max_rows`, are deleted. Pruning happens as rows are written, but only every
//! [`PRUNE_EVERY`]th row and in batches of at most [`PRUNE_BATCH`] rows, so a write never pays
//! for a long delete. The same passes prune the activity counters (`state::activity`) by the
//! age limit. Whether debug rows are written at all is the engine's decision; this module
//! stores what it is given.

use super::db::{check_name, json_value, like_pattern, limit_offset, paged, where_sql, Work};
use super::State;
use crate::error::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};

/// Pruning runs when the id of the row just written is a multiple of this.
pub const PRUNE_EVERY: i64 = 256;

/// Most rows one pruning pass deletes.
pub const PRUNE_BATCH: i64 = 5_000;

/// How bad an event is. Ordered: a minimum level filter keeps that level and above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
}

impl LogLevel {
    fn to_db(self) -> i64 {
        match self {
            LogLevel::Debug => 10,
            LogLevel::Info => 20,
            LogLevel::Warning => 30,
            LogLevel::Error => 40,
        }
    }

    fn from_db(raw: i64) -> LogLevel {
        match raw {
            i64::MIN..=10 => LogLevel::Debug,
            11..=20 => LogLevel::Info,
            21..=30 => LogLevel::Warning,
            _ => LogLevel::Error,
        }
    }

    /// The level's name ("warning").
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
        }
    }
}

/// What a row is about: `{kind: "order", id: "1042"}`, `{kind: "item", id: "<uuid>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogObject {
    pub kind: String,
    pub id: String,
}

impl LogObject {
    pub fn new(kind: impl Into<String>, id: impl ToString) -> Self {
        LogObject {
            kind: kind.into(),
            id: id.to_string(),
        }
    }
}

/// A row to write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewLog {
    pub at_ms: i64,
    pub level: LogLevel,
    /// What was being done: "stock_sync", "order_push", "link", "api_request"…
    pub operation: String,
    pub object: Option<LogObject>,
    pub message: String,
    pub run_id: Option<String>,
    /// Structured extras (a redacted request trace, counts); stored as JSON text.
    pub details: Option<serde_json::Value>,
}

impl NewLog {
    /// A row with no object, run or details (add them with the builder methods).
    pub fn new(
        at_ms: i64,
        level: LogLevel,
        operation: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        NewLog {
            at_ms,
            level,
            operation: operation.into(),
            object: None,
            message: message.into(),
            run_id: None,
            details: None,
        }
    }

    pub fn object(mut self, kind: impl Into<String>, id: impl ToString) -> Self {
        self.object = Some(LogObject::new(kind, id));
        self
    }

    pub fn run(mut self, run_id: impl Into<String>) -> Self {
        self.run_id = Some(run_id.into());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub id: i64,
    pub at_ms: i64,
    pub level: LogLevel,
    pub operation: String,
    pub object: Option<LogObject>,
    pub message: String,
    pub run_id: Option<String>,
    pub details: Option<serde_json::Value>,
}

impl LogRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<LogRow> {
        let object = match (
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
        ) {
            (Some(kind), Some(id)) => Some(LogObject { kind, id }),
            _ => None,
        };
        Ok(LogRow {
            id: row.get(0)?,
            at_ms: row.get(1)?,
            level: LogLevel::from_db(row.get(2)?),
            operation: row.get(3)?,
            object,
            message: row.get(6)?,
            run_id: row.get(7)?,
            details: json_value(row.get(8)?),
        })
    }
}

const COLUMNS: &str = "id, at, level, operation, object_type, object_id, message, run_id, details";

/// Filters for the Logs tab; every field is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    /// Keep this level and above.
    pub min_level: Option<LogLevel>,
    pub operation: Option<String>,
    /// "order", "item"…; with `object_id`, one object's rows.
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub run_id: Option<String>,
    /// Substring of the message (ASCII case-insensitive), or exactly the object id.
    pub text: Option<String>,
    /// Inclusive bounds on the row time, epoch milliseconds.
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// 1-based; 0 is the first page.
    pub page: u32,
    /// Rows per page; 0 for the default (50), at most 500.
    pub per_page: u32,
}

/// One page of rows, newest first, and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    pub total: u64,
}

/// How much log to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRetention {
    /// Newest rows kept; older ones go.
    pub max_rows: u32,
    /// Rows older than this go, whatever their number.
    pub max_age_ms: i64,
}

impl Default for LogRetention {
    /// 50 000 rows and 30 days: months of a busy shop's runs in a few tens of megabytes.
    fn default() -> Self {
        LogRetention {
            max_rows: 50_000,
            max_age_ms: 30 * 24 * 3600 * 1000,
        }
    }
}

/// Writes one row inside the caller's transaction, pruning now and then. Other state modules
/// use it so that a change and its log row commit together.
pub(crate) fn insert(conn: &Connection, retention: LogRetention, log: &NewLog) -> Work<i64> {
    let (object_type, object_id) = match &log.object {
        Some(o) => (Some(o.kind.as_str()), Some(o.id.as_str())),
        None => (None, None),
    };
    let details = log.details.as_ref().map(|d| d.to_string());
    conn.prepare_cached(
        "INSERT INTO logs (at, level, operation, object_type, object_id, message, run_id, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        log.at_ms,
        log.level.to_db(),
        log.operation,
        object_type,
        object_id,
        log.message,
        log.run_id,
        details
    ])?;
    let id = conn.last_insert_rowid();
    if id % PRUNE_EVERY == 0 {
        prune_batch(conn, retention, log.at_ms)?;
    }
    Ok(id)
}

/// Deletes at most [`PRUNE_BATCH`] rows beyond the retention, and as many activity buckets
/// older than its age limit (`state::activity` is kept as long as the log); how many of each
/// it deleted.
fn prune_batch(conn: &Connection, retention: LogRetention, now_ms: i64) -> Work<(usize, usize)> {
    let oldest_kept_at = now_ms.saturating_sub(retention.max_age_ms);
    let old_buckets = super::activity::prune_batch(conn, oldest_kept_at, PRUNE_BATCH)?;
    let too_old = conn
        .prepare_cached(
            "DELETE FROM logs WHERE id IN (
                 SELECT id FROM logs WHERE at < ?1 ORDER BY at LIMIT ?2)",
        )?
        .execute(params![oldest_kept_at, PRUNE_BATCH])?;
    // The newest `max_rows` ids are kept: find the first id past them by walking the rowid
    // B-tree backwards (cheap), then delete the oldest rows up to it, a batch at a time.
    let too_many = conn
        .prepare_cached(
            "DELETE FROM logs WHERE id IN (
                 SELECT id FROM logs
                 WHERE id <= (SELECT id FROM logs ORDER BY id DESC LIMIT 1 OFFSET ?1)
                 ORDER BY id LIMIT ?2)",
        )?
        .execute(params![retention.max_rows, PRUNE_BATCH])?;
    Ok((too_old + too_many, old_buckets))
}

fn where_clause(query: &LogQuery) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    if let Some(level) = query.min_level {
        clauses.push("level >= ?");
        values.push(Value::Integer(level.to_db()));
    }
    if let Some(op) = &query.operation {
        clauses.push("operation = ?");
        values.push(Value::Text(op.clone()));
    }
    if let Some(kind) = &query.object_type {
        clauses.push("object_type = ?");
        values.push(Value::Text(kind.clone()));
    }
    if let Some(id) = &query.object_id {
        clauses.push("object_id = ?");
        values.push(Value::Text(id.clone()));
    }
    if let Some(run) = &query.run_id {
        clauses.push("run_id = ?");
        values.push(Value::Text(run.clone()));
    }
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        clauses.push("(message LIKE ? ESCAPE '\\' OR object_id = ?)");
        values.push(Value::Text(like_pattern(text)));
        values.push(Value::Text(text.to_owned()));
    }
    if let Some(since) = query.since_ms {
        clauses.push("at >= ?");
        values.push(Value::Integer(since));
    }
    if let Some(until) = query.until_ms {
        clauses.push("at <= ?");
        values.push(Value::Integer(until));
    }
    (where_sql(&clauses), values)
}

/// The log of the state file.
pub struct Logs<'a> {
    state: &'a State,
}

impl<'a> Logs<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Logs { state }
    }

    /// Writes a row; its id.
    pub fn write(&self, log: &NewLog) -> Result<i64> {
        check_name("a log operation", &log.operation)?;
        let retention = self.state.log_retention;
        self.state
            .db
            .write("writing a log row", |tx| insert(tx, retention, log))
    }

    /// Writes several rows in one transaction (a run's buffered events); how many.
    pub fn write_all(&self, logs: &[NewLog]) -> Result<usize> {
        for log in logs {
            check_name("a log operation", &log.operation)?;
        }
        let retention = self.state.log_retention;
        self.state.db.write("writing log rows", |tx| {
            for log in logs {
                insert(tx, retention, log)?;
            }
            Ok(logs.len())
        })
    }

    /// One page of matching rows, newest first, with the total count.
    pub fn query(&self, query: &LogQuery) -> Result<LogPage> {
        let (filter, values) = where_clause(query);
        self.state.db.read("querying the log", |conn| {
            let (rows, total) = paged(
                conn,
                &format!("SELECT COUNT(*) FROM logs{filter}"),
                &format!("SELECT {COLUMNS} FROM logs{filter} ORDER BY id DESC LIMIT ? OFFSET ?"),
                &values,
                limit_offset(query.page, query.per_page),
                LogRow::from_row,
            )?;
            Ok(LogPage { rows, total })
        })
    }

    /// Every matching row, oldest first, ignoring paging (for the CSV export).
    pub fn export(&self, query: &LogQuery) -> Result<Vec<LogRow>> {
        let (filter, values) = where_clause(query);
        self.state.db.read("exporting the log", |conn| {
            let mut stmt =
                conn.prepare(&format!("SELECT {COLUMNS} FROM logs{filter} ORDER BY id"))?;
            let rows = stmt
                .query_map(params_from_iter(values.iter()), LogRow::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Applies the retention now, completely, to the log and the activity counters; how many
    /// log rows went.
    pub fn prune(&self, now_ms: i64) -> Result<usize> {
        let retention = self.state.log_retention;
        let mut total = 0;
        loop {
            // One short transaction per batch, so other processes are never held up long.
            let (rows, buckets) = self
                .state
                .db
                .write("pruning the log", |tx| prune_batch(tx, retention, now_ms))?;
            total += rows;
            if rows == 0 && buckets == 0 {
                return Ok(total);
            }
        }
    }

    /// Deletes every row; how many.
    pub fn purge(&self) -> Result<usize> {
        self.state.db.write("purging the log", |tx| {
            Ok(tx.execute("DELETE FROM logs", [])?)
        })
    }

    /// How many rows the log holds.
    pub fn count(&self) -> Result<u64> {
        self.state.db.read("counting log rows", |conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM logs", [], |row| row.get(0))?;
            Ok(n as u64)
        })
    }
}
