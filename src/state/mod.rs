//! Local state in SQLite.
