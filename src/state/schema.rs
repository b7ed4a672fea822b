//! The schema of the state file, as an append-only list of migration steps.
//!
//! The file's `PRAGMA user_version` is the number of steps applied. Opening a file runs the
//! missing steps in one immediate transaction, so two processes opening an old file at once
//! migrate it exactly once and nobody ever sees half a schema. A file whose version is higher than
//! [`SCHEMA_VERSION`] was written by a newer plugin and is refused rather than guessed at.
//!
//! A shipped step is never edited: a change is a new step at the end.

use super::db::{Db, Fail};
use crate::error::{Error, ErrorKind, Result};
use rusqlite::Connection;

/// `PRAGMA application_id` of a state file ("SCSY"): tells our file from any other SQLite file.
pub(crate) const APPLICATION_ID: i32 = 0x5343_5359;

/// The migration steps, in order. Step `n` (1-based) brings a file from version `n - 1` to `n`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: leases, job records, logs, links.
    r#"
    CREATE TABLE leases (
        name        TEXT PRIMARY KEY,
        owner       TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE runs (
        job              TEXT PRIMARY KEY,
        last_called_at   INTEGER,
        last_started_at  INTEGER,
        last_finished_at INTEGER,
        run_id           TEXT,
        outcome          TEXT,
        summary          TEXT,
        cursor           TEXT
    ) STRICT;

    CREATE TABLE logs (
        id          INTEGER PRIMARY KEY,
        at          INTEGER NOT NULL,
        level       INTEGER NOT NULL,
        operation   TEXT NOT NULL,
        object_type TEXT,
        object_id   TEXT,
        message     TEXT NOT NULL,
        run_id      TEXT,
        details     TEXT
    ) STRICT;
    CREATE INDEX logs_at ON logs (at);
    CREATE INDEX logs_object ON logs (object_type, object_id);

    CREATE TABLE links (
        item_id   TEXT PRIMARY KEY,
        wc_id     INTEGER NOT NULL UNIQUE,
        method    TEXT NOT NULL,
        linked_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE link_history (
        id          INTEGER PRIMARY KEY,
        item_id     TEXT NOT NULL,
        wc_id       INTEGER NOT NULL,
        method      TEXT NOT NULL,
        linked_at   INTEGER NOT NULL,
        unlinked_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX link_history_item ON link_history (item_id);
    CREATE INDEX link_history_wc ON link_history (wc_id);
    "#,
    // 2: the catalog cache. Searchable columns live in a narrow table whose rows are stored in
    // display order (`pk` is the rank by folded name), so a page is a range of `pk`; `linked`
    // mirrors the links table so the linked filter is an index range, not a join; the full
    // item as JSON sits in a side table read only for the rows a page shows; a trigram index
    // over the folded name and the reference key answers substring searches.
    r#"
    CREATE TABLE catalog_items (
        pk               INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        kind             TEXT NOT NULL,
        kind_name        TEXT,
        parent_id        TEXT,
        has_declinations INTEGER NOT NULL,
        weighed          INTEGER NOT NULL,
        name             TEXT NOT NULL,
        name_fold        TEXT NOT NULL,
        name_key         TEXT,
        reference        TEXT,
        reference_key    TEXT,
        price            INTEGER,
        linked           INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX catalog_items_linked ON catalog_items (linked);
    CREATE INDEX catalog_items_reference_key ON catalog_items (reference_key);
    CREATE INDEX catalog_items_name_key ON catalog_items (name_key);
    CREATE INDEX catalog_items_parent ON catalog_items (parent_id);

    CREATE VIRTUAL TABLE catalog_search USING fts5 (
        name_fold, reference_key,
        content = 'catalog_items', content_rowid = 'pk', tokenize = 'trigram'
    );

    CREATE TABLE catalog_item_json (
        pk   INTEGER PRIMARY KEY,
        item TEXT NOT NULL
    ) STRICT;

    CREATE TABLE item_barcodes (
        item_id TEXT NOT NULL,
        key     TEXT NOT NULL,
        barcode TEXT NOT NULL,
        PRIMARY KEY (item_id, key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX item_barcodes_key ON item_barcodes (key);

    CREATE TABLE catalog_stock (
        item_id            TEXT PRIMARY KEY,
        stock              INTEGER NOT NULL,
        reserved_customers INTEGER NOT NULL,
        reserved_suppliers INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    "#,
    // 3: what stock was last written to WooCommerce, and stock runs held back.
    r#"
    CREATE TABLE stock_applied (
        wc_id      INTEGER PRIMARY KEY,
        quantity   INTEGER NOT NULL,
        applied_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE held_runs (
        id          INTEGER PRIMARY KEY,
        job         TEXT NOT NULL,
        held_at     INTEGER NOT NULL,
        summary     TEXT NOT NULL,
        resolved_at INTEGER,
        resolution  TEXT
    ) STRICT;
    "#,
    // 4: the order outbox and the customers already found or created in the POS.
    r#"
    CREATE TABLE outbox (
        wc_order_id        INTEGER PRIMARY KEY,
        external_reference TEXT NOT NULL,
        payload            TEXT NOT NULL,
        state              TEXT NOT NULL,
        attempts           INTEGER NOT NULL DEFAULT 0,
        next_attempt_at    INTEGER,
        error_kind         TEXT,
        error_message      TEXT,
        pos_order_id       TEXT,
        claim_owner        TEXT,
        claim_expires_at   INTEGER,
        cancel_requested   INTEGER NOT NULL DEFAULT 0,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        pushed_at          INTEGER
    ) STRICT;
    CREATE INDEX outbox_state ON outbox (state, next_attempt_at);

    CREATE TABLE customers (
        key         TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX customers_customer ON customers (customer_id);
    "#,
    // 5: the times of a job's recent calls, to learn how often the POS calls it.
    r#"
    ALTER TABLE runs ADD COLUMN recent_calls TEXT;
    "#,
    // 6: web orders counted against the stock until the POS absorbs them, and the POS stock of
    // their items before they were pushed.
    r#"
    CREATE TABLE stock_inflight (
        wc_order_id INTEGER PRIMARY KEY,
        counted_at  INTEGER NOT NULL,
        released_at INTEGER,
        reason      TEXT
    ) STRICT;

    CREATE TABLE stock_anchors (
        item_id  TEXT PRIMARY KEY,
        taken_at INTEGER NOT NULL,
        stock    INTEGER NOT NULL,
        released INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    "#,
    // 7: when a push first ended with an unknown outcome (the POST may be committed later):
    // no new POST before the grace window after it has passed.
    r#"
    ALTER TABLE outbox ADD COLUMN outcome_unknown_since INTEGER;
    "#,
    // 8: a buyer's erasure asked while their order was on its way: its payload is blanked once
    // the order is delivered or cancelled (`state::privacy`).
    r#"
    ALTER TABLE outbox ADD COLUMN erase_requested INTEGER NOT NULL DEFAULT 0;
    "#,
    // 9: what the sync did, counted per quarter hour of UTC time, for the dashboard
    // (`state::activity`). A row exists only for a quarter hour in which something happened.
    r#"
    CREATE TABLE activity (
        bucket         INTEGER PRIMARY KEY,
        stock_writes   INTEGER NOT NULL DEFAULT 0,
        imported       INTEGER NOT NULL DEFAULT 0,
        linked         INTEGER NOT NULL DEFAULT 0,
        orders_pushed  INTEGER NOT NULL DEFAULT 0,
        orders_blocked INTEGER NOT NULL DEFAULT 0,
        failures       INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    "#,
    // 10: a catalog refresh read in steps (`state::catalog_walk`): where it stands, and the
    // pages it read so far, kept beside the cache until the last step swaps them in.
    r#"
    CREATE TABLE catalog_walk (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        settings   TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        part       TEXT NOT NULL,
        next_page  INTEGER,
        page_size  INTEGER,
        failures   TEXT NOT NULL DEFAULT '{}'
    ) STRICT;

    CREATE TABLE catalog_walk_pages (
        seq       INTEGER PRIMARY KEY,
        part      TEXT NOT NULL,
        keys      TEXT NOT NULL,
        rows      TEXT NOT NULL,
        problems  TEXT NOT NULL,
        row_count INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX catalog_walk_pages_part ON catalog_walk_pages (part, seq);
    "#,
];

/// The schema version this code writes: the number of migration steps.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

fn application_id(conn: &Connection) -> rusqlite::Result<i32> {
    conn.pragma_query_value(None, "application_id", |row| row.get(0))
}

fn refuse_newer(db: &Db, version: u32) -> Error {
    let file = db
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "in-memory state".into());
    Error::new(
        ErrorKind::State,
        format!(
            "the state file {file} has schema version {version}, written by a newer version of \
             the plugin (this one knows up to {SCHEMA_VERSION}); update the plugin"
        ),
    )
}

/// Brings the file to [`SCHEMA_VERSION`], or refuses it. Cheap when nothing is to do: one
/// pragma read outside any transaction.
pub(crate) fn migrate(db: &Db) -> Result<()> {
    let current = db.read("reading the schema version", |conn| {
        let app = application_id(conn)?;
        if app != 0 && app != APPLICATION_ID {
            return Err(Fail::Core(Error::new(
                ErrorKind::State,
                format!(
                    "{} is a SQLite file of another application (application id {app:#x})",
                    db.path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                ),
            )));
        }
        Ok(user_version(conn)?)
    })?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    if current > SCHEMA_VERSION {
        return Err(refuse_newer(db, current));
    }
    db.write("migrating the state file", |tx| {
        // Read again under the write lock: another process may have migrated meanwhile.
        let current = user_version(tx)?;
        if current > SCHEMA_VERSION {
            return Err(Fail::Core(refuse_newer(db, current)));
        }
        for (index, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(step)?;
            tracing::info!(version = index + 1, "state schema migrated");
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_applies_on_a_fresh_database() {
        let db = Db::new(Connection::open_in_memory().unwrap(), None);
        migrate(&db).unwrap();
        assert_eq!(user_version(db.conn()).unwrap(), SCHEMA_VERSION);
        migrate(&db).unwrap();
        assert_eq!(application_id(db.conn()).unwrap(), APPLICATION_ID);
    }
}
