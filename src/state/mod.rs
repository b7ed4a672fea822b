//! The local state of one site, in one SQLite file: what the core remembers between two PHP
//! requests.
//!
//! [`State::open`] opens (or creates, readable by its owner only) `shopcaisse-sync.sqlite` in a
//! directory the plugin chooses, in WAL mode with a busy timeout, and migrates it. Every PHP
//! process opens its own `State`; the file is what they share, and each operation is a short
//! transaction, so workers, cron calls and the admin screens can use it at once. All SQL lives
//! in this module: the rest of the core sees typed methods grouped by concept, one handle each:
//!
//! - [`leases`]: named locks with an expiry, so a job never runs twice at once.
//! - [`catalog`]: the Shopcaisse catalog and stock cache, and the admin tab's search.
//! - [`catalog_walk`]: a catalog refresh read in steps, staged until its last step.
//! - [`links`]: Shopcaisse item ↔ WooCommerce product links, with their history.
//! - [`stock_ledger`]: the stock last written to WooCommerce, and stock runs held back.
//! - [`outbox`]: one row per WooCommerce order on its way to the POS.
//! - [`inflight`]: the web orders the stock plan counts until the POS absorbs them.
//! - [`customers`]: WooCommerce buyers already known as Shopcaisse customers.
//! - [`logs`]: the structured log the Logs tab shows, with bounded retention.
//! - [`runs`]: per job, when it last ran, what it did, and where to resume.
//! - [`activity`]: what the sync did, counted per quarter hour, for the dashboard.
//!
//! Names keep the two halves of the core apart: `sync/` owns the pure values (`sync::Catalog`
//! is a catalog in memory, `sync::Link` one item ↔ product pair), and this module owns where
//! they are kept, so its handles are stores and its rows records ([`CatalogCache`],
//! [`LinkStore`], [`LinkRecord`]). Nothing here imports `sync/`: what both need lives in
//! `model/`.
//!
//! Times are epoch milliseconds passed in by the caller, never read from the clock here, so
//! tests drive time by hand. Errors are [`ErrorKind::State`] for a file that cannot be used,
//! [`ErrorKind::Busy`] when another process kept it locked past the timeout.

pub mod activity;
pub mod catalog;
pub mod catalog_walk;
pub mod customers;
mod db;
pub mod inflight;
pub mod leases;
pub mod links;
pub mod logs;
pub mod outbox;
pub mod privacy;
pub mod runs;
mod schema;
pub mod stock_ledger;

pub use activity::Activity;
pub use catalog::{CatalogCache, CatalogKind, CatalogPage, CatalogQuery, CatalogRow, CatalogStock};
pub use catalog_walk::{CatalogWalk, StagedPage, StagedWalk, WalkPosition};
pub use customers::{CustomerKey, Customers};
pub use inflight::{InflightLedger, InflightUpdate, StockAnchor};
pub use leases::{Lease, Leases};
pub use links::{LinkBatch, LinkConflict, LinkHistoryRow, LinkMethod, LinkRecord, LinkStore};
pub use logs::{LogLevel, LogObject, LogPage, LogQuery, LogRetention, LogRow, Logs, NewLog};
pub use outbox::{
    EnqueueOutcome, Enqueued, Outbox, OutboxCounts, OutboxError, OutboxFilter, OutboxPage,
    OutboxRow, OutboxState,
};
pub use runs::{RunOutcome, RunRecord, Runs};
pub use schema::SCHEMA_VERSION;
pub use stock_ledger::{AppliedStock, HeldRun, HeldRunResolution, StockLedger};

use crate::error::{Error, ErrorKind, Result};
use db::{sql_error, Db, BUSY_TIMEOUT};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The state file's name inside the directory the plugin chooses.
pub const STATE_FILE_NAME: &str = "shopcaisse-sync.sqlite";

/// One open connection to a site's state. Not shared between threads: each PHP process (or
/// thread) opens its own.
pub struct State {
    db: Db,
    log_retention: LogRetention,
}

impl State {
    /// Opens the state file of a site in `dir`, creating it (mode 0600) when missing, and brings
    /// its schema up to date. Fails with [`ErrorKind::State`], naming the path, when the
    /// directory is missing or not writable, the file is unreadable, corrupt, of another
    /// application or of a newer plugin version.
    pub fn open(dir: &Path) -> Result<State> {
        let path = dir.join(STATE_FILE_NAME);
        check_dir(dir)?;
        create_private_file(&path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&path, flags)
            .map_err(|e| sql_error(e, "opening the state file", Some(&path)))?;
        let state = State::setup(conn, Some(path.clone()))?;
        // The first statement that reads the file: garbage or a foreign format is reported here.
        state.db.read("reading the state file", |conn| {
            Ok(conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?)
        })?;
        let mode: String = state.db.read("switching the state file to WAL", |conn| {
            Ok(conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?)
        })?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Some network file systems cannot share WAL memory; the rollback journal still works.
            tracing::warn!(path = %path.display(), %mode, "state file not in WAL mode");
        }
        schema::migrate(&state.db)?;
        Ok(state)
    }

    /// A private, empty, migrated state in memory (tests, dry runs).
    pub fn open_in_memory() -> Result<State> {
        let conn = Connection::open_in_memory()
            .map_err(|e| sql_error(e, "opening an in-memory state", None))?;
        let state = State::setup(conn, None)?;
        schema::migrate(&state.db)?;
        Ok(state)
    }

    fn setup(conn: Connection, path: Option<PathBuf>) -> Result<State> {
        let db = Db::new(conn, path);
        db.read("configuring the state connection", |conn| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.set_prepared_statement_cache_capacity(64);
            conn.pragma_update(None, "foreign_keys", true)?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            Ok(())
        })?;
        Ok(State {
            db,
            log_retention: LogRetention::default(),
        })
    }

    /// Replaces the log retention (from the plugin settings); applied as logs are written.
    pub fn with_log_retention(mut self, retention: LogRetention) -> State {
        self.log_retention = retention;
        self
    }

    /// The file this state lives in; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.db.path()
    }

    /// The schema version of the open file (always [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<u32> {
        self.db.read("reading the schema version", |conn| {
            Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
        })
    }

    /// Runs SQLite's quick integrity check (for the status report; too slow for every request).
    pub fn check_integrity(&self) -> Result<()> {
        let problems: Vec<String> = self.db.read("checking the state file", |conn| {
            let mut stmt = conn.prepare("PRAGMA quick_check")?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        if problems.len() == 1 && problems[0] == "ok" {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::State,
            format!(
                "the state file {} is damaged: {}",
                self.path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                problems.join("; ")
            ),
        ))
    }

    /// Named locks with an expiry.
    pub fn leases(&self) -> Leases<'_> {
        Leases::new(self)
    }

    /// The catalog and stock cache.
    pub fn catalog(&self) -> CatalogCache<'_> {
        CatalogCache::new(self)
    }

    /// A catalog refresh read in steps.
    pub fn catalog_walk(&self) -> CatalogWalk<'_> {
        CatalogWalk::new(self)
    }

    /// Item ↔ WooCommerce product links.
    pub fn links(&self) -> LinkStore<'_> {
        LinkStore::new(self)
    }

    /// Stock last applied to WooCommerce, and held stock runs.
    pub fn stock_ledger(&self) -> StockLedger<'_> {
        StockLedger::new(self)
    }

    /// The order outbox.
    pub fn outbox(&self) -> Outbox<'_> {
        Outbox::new(self)
    }

    /// Web orders counted against the stock until the POS absorbs them.
    pub fn inflight(&self) -> InflightLedger<'_> {
        InflightLedger::new(self)
    }

    /// Known Shopcaisse customers by WooCommerce email or phone.
    pub fn customers(&self) -> Customers<'_> {
        Customers::new(self)
    }

    /// One buyer's personal data, for WordPress's privacy tools.
    pub fn personal_data(&self) -> privacy::PersonalData<'_> {
        privacy::PersonalData::new(self)
    }

    /// The structured log.
    pub fn logs(&self) -> Logs<'_> {
        Logs::new(self)
    }

    /// Job records and resume cursors.
    pub fn runs(&self) -> Runs<'_> {
        Runs::new(self)
    }

    /// What the sync did, counted per quarter hour.
    pub fn activity(&self) -> Activity<'_> {
        Activity::new(self)
    }
}

fn state_error(message: String) -> Error {
    Error::new(ErrorKind::State, message)
}

fn check_dir(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(state_error(format!(
            "the state directory {} is not a directory",
            dir.display()
        ))),
        Err(e) => Err(state_error(format!(
            "the state directory {} cannot be used: {e}",
            dir.display()
        ))),
    }
}

/// Creates the file empty and private before SQLite sees it: it holds customers' personal data.
/// SQLite gives its `-wal` and `-shm` companions the same permissions.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(state_error(format!(
            "cannot create the state file {}: {e}",
            path.display()
        ))),
    }
}
