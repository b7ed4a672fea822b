//! Opening the state file: creation, permissions, migrations, and every way a file can be unusable.

#[path = "state_support.rs"]
mod support;

use rusqlite::Connection;
use shopcaisse_sync::state::{LinkMethod, State, SCHEMA_VERSION, STATE_FILE_NAME};
use shopcaisse_sync::ErrorKind;
use support::{id, TempDir};

/// The first shipped schema step, frozen as it was: an old file is built from it by hand.
const SCHEMA_V1: &str = r#"
    CREATE TABLE leases (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL,
        acquired_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE runs (
        job TEXT PRIMARY KEY, last_called_at INTEGER, last_started_at INTEGER,
        last_finished_at INTEGER, run_id TEXT, outcome TEXT, summary TEXT, cursor TEXT
    ) STRICT;
    CREATE TABLE logs (
        id INTEGER PRIMARY KEY, at INTEGER NOT NULL, level INTEGER NOT NULL,
        operation TEXT NOT NULL, object_type TEXT, object_id TEXT, message TEXT NOT NULL,
        run_id TEXT, details TEXT
    ) STRICT;
    CREATE INDEX logs_at ON logs (at);
    CREATE INDEX logs_object ON logs (object_type, object_id);
    CREATE TABLE links (
        item_id TEXT PRIMARY KEY, wc_id INTEGER NOT NULL UNIQUE,
        method TEXT NOT NULL, linked_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE link_history (
        id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, wc_id INTEGER NOT NULL,
        method TEXT NOT NULL, linked_at INTEGER NOT NULL, unlinked_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX link_history_item ON link_history (item_id);
    CREATE INDEX link_history_wc ON link_history (wc_id);
"#;

fn table_names(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    let names = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    names
}

#[test]
fn opening_an_empty_directory_creates_a_migrated_file() {
    let dir = TempDir::new();
    let state = State::open(dir.path()).unwrap();
    assert_eq!(state.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(state.path().unwrap(), dir.path().join(STATE_FILE_NAME));
    state.check_integrity().unwrap();
    let tables = table_names(&dir.path().join(STATE_FILE_NAME));
    for table in ["leases", "links", "catalog_items", "outbox", "logs", "runs"] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing: {tables:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn the_state_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new();
    let _state = State::open(dir.path()).unwrap();
    let mode = std::fs::metadata(dir.path().join(STATE_FILE_NAME))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn the_file_is_in_wal_mode_so_readers_never_wait_for_writers() {
    let dir = TempDir::new();
    let _state = State::open(dir.path()).unwrap();
    let conn = Connection::open(dir.path().join(STATE_FILE_NAME)).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_keeps_the_data() {
    let dir = TempDir::new();
    {
        let state = State::open(dir.path()).unwrap();
        state
            .links()
            .link(&id("item-1"), 42, LinkMethod::Manual, 1_000)
            .unwrap();
    }
    let state = State::open(dir.path()).unwrap();
    assert_eq!(
        state.links().by_wc(42).unwrap().unwrap().item_id,
        id("item-1")
    );
}

#[test]
fn a_version_1_file_is_migrated_and_keeps_its_data() {
    let dir = TempDir::new();
    let path = dir.path().join(STATE_FILE_NAME);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(SCHEMA_V1).unwrap();
        conn.execute_batch(
            "INSERT INTO links VALUES ('item-old', 7, 'reference', 500);
             INSERT INTO link_history VALUES (1, 'item-older', 8, 'manual', 100, 200);
             INSERT INTO logs (at, level, operation, message) VALUES (500, 20, 'link', 'old row');
             INSERT INTO runs (job, last_called_at, cursor) VALUES ('stock', 400, 'page:3');
             PRAGMA application_id = 1396921177;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let state = State::open(dir.path()).unwrap();
    assert_eq!(state.schema_version().unwrap(), SCHEMA_VERSION);
    let link = state.links().by_item(&id("item-old")).unwrap().unwrap();
    assert_eq!((link.wc_id, link.method), (7, LinkMethod::Reference));
    assert_eq!(state.links().history_of_wc(8).unwrap().len(), 1);
    assert_eq!(state.logs().count().unwrap(), 1);
    assert_eq!(
        state.runs().cursor("stock").unwrap().as_deref(),
        Some("page:3")
    );
    // Tables of the later steps exist and work.
    let tables = table_names(&path);
    for table in [
        "catalog_items",
        "item_barcodes",
        "stock_applied",
        "outbox",
        "customers",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing: {tables:?}"
        );
    }
    state
        .outbox()
        .enqueue(1042, "WEB-1042", "{}", 1_000)
        .unwrap();
    assert_eq!(state.catalog().count().unwrap(), 0);
}

#[test]
fn a_file_from_a_newer_plugin_is_refused_with_its_path() {
    let dir = TempDir::new();
    drop(State::open(dir.path()).unwrap());
    let path = dir.path().join(STATE_FILE_NAME);
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let e = State::open(dir.path())
        .err()
        .expect("a newer file must be refused");
    assert_eq!(e.kind(), ErrorKind::State);
    assert!(e.message().contains("newer"), "{e}");
    assert!(e.message().contains(&path.display().to_string()), "{e}");
}

#[test]
fn a_corrupt_file_is_a_state_error_not_a_panic() {
    let dir = TempDir::new();
    let path = dir.path().join(STATE_FILE_NAME);
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, garbage).unwrap();
    let e = State::open(dir.path())
        .err()
        .expect("garbage must be refused");
    assert_eq!(e.kind(), ErrorKind::State);
    assert!(e.message().contains(&path.display().to_string()), "{e}");
}

#[test]
fn a_sqlite_file_of_another_application_is_refused() {
    let dir = TempDir::new();
    let path = dir.path().join(STATE_FILE_NAME);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (x); PRAGMA application_id = 42;")
        .unwrap();
    drop(conn);
    let e = State::open(dir.path())
        .err()
        .expect("a foreign file must be refused");
    assert_eq!(e.kind(), ErrorKind::State);
    assert!(e.message().contains("another application"), "{e}");
}

#[test]
fn a_missing_directory_is_a_state_error_naming_it() {
    let dir = TempDir::new();
    let missing = dir.path().join("not-there");
    let e = State::open(&missing).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::State);
    assert!(e.message().contains("not-there"), "{e}");
}

#[test]
fn a_file_in_place_of_the_directory_is_a_state_error() {
    let dir = TempDir::new();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let e = State::open(&file).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::State);
}

#[cfg(unix)]
#[test]
fn a_directory_that_cannot_be_written_is_a_state_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
    // Root ignores permission bits; a read-only file system refuses even root.
    let probe = dir.path().join("probe");
    let target = if std::fs::write(&probe, b"x").is_ok() {
        let _ = std::fs::remove_file(&probe);
        std::path::PathBuf::from("/sys")
    } else {
        dir.path().to_path_buf()
    };
    if std::fs::write(target.join("probe"), b"x").is_ok() {
        eprintln!("no unwritable directory available here; nothing to check");
        return;
    }
    let e = State::open(&target)
        .err()
        .expect("an unwritable directory must fail");
    assert_eq!(e.kind(), ErrorKind::State);
    assert!(e.message().contains(&target.display().to_string()), "{e}");
}

#[test]
fn several_processes_opening_a_new_file_at_once_migrate_it_once() {
    let dir = TempDir::new();
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let state = State::open(&path)?;
                state.schema_version()
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap().unwrap(), SCHEMA_VERSION);
    }
}

#[test]
fn an_in_memory_state_is_fully_migrated() {
    let state = State::open_in_memory().unwrap();
    assert_eq!(state.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(state.path().is_none());
}
