//! The SQLite plumbing every state module shares: the connection and the pragmas it runs with,
//! the one place where a rusqlite error becomes the core's [`Error`], the two ways of running a
//! unit of work (a plain read, or a write inside an immediate transaction) and the small helpers
//! that read typed values back out of rows.
//!
//! Writes always start with `BEGIN IMMEDIATE`. In WAL mode a deferred transaction that first
//! reads and then writes can fail at once with `SQLITE_BUSY` when another process committed in
//! between (its snapshot cannot be upgraded, and the busy handler is not consulted); taking the
//! write lock up front makes every writer simply wait its turn for up to the busy timeout.

use crate::error::{Error, ErrorKind, Result};
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a statement waits for another process's lock before giving up with `Busy`. A full
/// catalog refresh holds the write lock for its whole transaction (up to 3.4 s measured at 100 000
/// items on a loaded machine), and an order being queued meanwhile must wait it out rather than
/// fail: 15 s leaves that margin several times over.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Largest page a listing hands out, whatever the caller asks for.
pub(crate) const MAX_PER_PAGE: u32 = 500;

/// Why a unit of work failed: SQLite itself, or a decision of the state code (a conflict, an
/// invalid argument). Only the former goes through [`sql_error`].
pub(crate) enum Fail {
    Sql(rusqlite::Error),
    Core(Error),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Self {
        Fail::Sql(e)
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Core(e)
    }
}

/// The result of a unit of work before its SQLite errors are given a kind and a context.
pub(crate) type Work<T> = std::result::Result<T, Fail>;

/// Turns a rusqlite error into the core's error: `Busy` when another process kept the file
/// locked past the busy timeout, `Conflict` for a uniqueness violation, `State` for everything
/// else (unreadable, read-only, corrupt, full). The message names the operation and the file.
pub(crate) fn sql_error(e: rusqlite::Error, doing: &str, path: Option<&Path>) -> Error {
    let file = match path {
        Some(p) => format!(" ({})", p.display()),
        None => String::new(),
    };
    let (kind, what) = match &e {
        rusqlite::Error::SqliteFailure(f, detail) => {
            let detail = detail.clone().unwrap_or_else(|| f.to_string());
            match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => (
                    ErrorKind::Busy,
                    format!(
                        "the state file stayed locked by another process for more than {} s",
                        BUSY_TIMEOUT.as_secs()
                    ),
                ),
                ErrorCode::ConstraintViolation
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
                {
                    (ErrorKind::Conflict, detail)
                }
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => (
                    ErrorKind::State,
                    format!("the state file is corrupt or is not a database ({detail})"),
                ),
                ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen => (
                    ErrorKind::State,
                    format!("the state file cannot be opened for writing ({detail})"),
                ),
                ErrorCode::DiskFull => (
                    ErrorKind::State,
                    format!("the disk holding the state file is full ({detail})"),
                ),
                _ => (ErrorKind::State, detail),
            }
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => (
            ErrorKind::State,
            format!("the state file holds a value this version cannot read ({e})"),
        ),
        other => (ErrorKind::State, other.to_string()),
    };
    Error::new(kind, format!("{doing}{file}: {what}"))
}

/// One connection to the state file (or to a private in-memory database).
pub(crate) struct Db {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Db {
    pub(crate) fn new(conn: Connection, path: Option<PathBuf>) -> Self {
        Db { conn, path }
    }

    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    fn finish<T>(&self, result: Work<T>, doing: &str) -> Result<T> {
        result.map_err(|fail| match fail {
            Fail::Sql(e) => sql_error(e, doing, self.path()),
            Fail::Core(e) => e,
        })
    }

    /// Runs a read. Each statement sees a consistent snapshot; use [`Db::write`] when several
    /// reads must agree with each other or with a write.
    pub(crate) fn read<T>(&self, doing: &str, f: impl FnOnce(&Connection) -> Work<T>) -> Result<T> {
        let result = f(&self.conn);
        self.finish(result, doing)
    }

    /// Runs `f` inside `BEGIN IMMEDIATE … COMMIT`; any error rolls everything back.
    pub(crate) fn write<T>(
        &self,
        doing: &str,
        f: impl FnOnce(&Transaction<'_>) -> Work<T>,
    ) -> Result<T> {
        let result = (|| {
            // `new_unchecked` takes `&Connection`: a `State` is used by one thread at a time
            // (`Connection` is not `Sync`), and no method of this module nests transactions.
            let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        self.finish(result, doing)
    }
}

/// Page size when the caller leaves it at 0.
pub(crate) const DEFAULT_PER_PAGE: u32 = 50;

/// `(LIMIT, OFFSET)` for a 1-based page: page 0 is the first, size 0 the default size, and no
/// page is larger than [`MAX_PER_PAGE`].
pub(crate) fn limit_offset(page: u32, per_page: u32) -> (i64, i64) {
    let per_page = match per_page {
        0 => DEFAULT_PER_PAGE,
        n => n.min(MAX_PER_PAGE),
    } as i64;
    let page = page.max(1) as i64;
    (per_page, (page - 1) * per_page)
}

/// ` WHERE a AND b …` for the clauses of a listing's filter, or nothing when there are none.
pub(crate) fn where_sql<S: AsRef<str>>(clauses: &[S]) -> String {
    if clauses.is_empty() {
        return String::new();
    }
    let joined: Vec<&str> = clauses.iter().map(AsRef::as_ref).collect();
    format!(" WHERE {}", joined.join(" AND "))
}

/// One page of a filtered listing and how many rows match in all: `count_sql` counts with the
/// filter's `values`, `page_sql` (ending its page with `LIMIT ? OFFSET ?`) reads the rows with
/// the same values followed by the limit and the offset.
pub(crate) fn paged<T>(
    conn: &Connection,
    count_sql: &str,
    page_sql: &str,
    values: &[rusqlite::types::Value],
    (limit, offset): (i64, i64),
    from_row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Work<(Vec<T>, u64)> {
    use rusqlite::params_from_iter;
    use rusqlite::types::Value;
    let total: i64 = conn
        .prepare_cached(count_sql)?
        .query_row(params_from_iter(values.iter()), |row| row.get(0))?;
    let bound = values
        .iter()
        .cloned()
        .chain([Value::Integer(limit), Value::Integer(offset)]);
    let rows = conn
        .prepare_cached(page_sql)?
        .query_map(params_from_iter(bound), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as u64))
}

/// Reads a typed id stored as text; a row that no longer parses is reported, not unwrapped.
pub(crate) fn parse_stored<T, E: std::fmt::Display>(
    column: usize,
    raw: String,
    parse: impl FnOnce(&str) -> std::result::Result<T, E>,
) -> rusqlite::Result<T> {
    parse(&raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("{raw:?}: {e}").into(),
        )
    })
}

/// Reads stored JSON text back as a value; text that is not JSON is kept as a JSON string
/// rather than failing the whole listing.
pub(crate) fn json_value(raw: Option<String>) -> Option<serde_json::Value> {
    raw.map(|text| serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// Checks a caller-given name (job, lease, operation): not blank, not huge.
pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid_input(format!("{what} must not be empty")));
    }
    if name.len() > 200 {
        return Err(Error::invalid_input(format!(
            "{what} is longer than 200 bytes"
        )));
    }
    Ok(())
}

/// Escapes `%`, `_` and the escape character itself for `LIKE … ESCAPE '\'`.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped() {
        assert_eq!(limit_offset(0, 0), (50, 0));
        assert_eq!(limit_offset(1, 1), (1, 0));
        assert_eq!(limit_offset(3, 20), (20, 40));
        assert_eq!(limit_offset(1, 10_000), (500, 0));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_x\\"), "%50\\%\\_x\\\\%");
    }

    #[test]
    fn busy_and_unique_failures_get_their_own_kinds() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert_eq!(sql_error(busy, "x", None).kind(), ErrorKind::Busy);
        let unique = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE),
            None,
        );
        assert_eq!(sql_error(unique, "x", None).kind(), ErrorKind::Conflict);
        let corrupt = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
            None,
        );
        let e = sql_error(corrupt, "opening", Some(Path::new("/x/y.sqlite")));
        assert_eq!(e.kind(), ErrorKind::State);
        assert!(e.message().contains("/x/y.sqlite"), "{e}");
    }
}
