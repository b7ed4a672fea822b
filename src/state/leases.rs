//! Leases: named locks with an expiry, shared by every process using the state file.
//!
//! A job takes the lease named after it before running and releases it at the end; a second
//! call meanwhile finds it held and stops. A run that crashes never releases its lease, so every
//! lease carries an expiry after which anyone may take it over; a long run renews its lease as it
//! goes. Taking is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement: SQLite runs it
//! atomically, so of two processes racing for a free lease exactly one gets it.
//!
//! The owner string identifies one run (a run id), not a kind of caller: two runs sharing an
//! owner name could release each other's lease.

use super::db::check_name;
use super::State;
use crate::error::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// A lease as held, with its times in epoch milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub name: String,
    pub owner: String,
    pub acquired_at_ms: i64,
    pub expires_at_ms: i64,
}

impl Lease {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Lease> {
        Ok(Lease {
            name: row.get(0)?,
            owner: row.get(1)?,
            acquired_at_ms: row.get(2)?,
            expires_at_ms: row.get(3)?,
        })
    }

    /// Whether the lease still holds at `now_ms`.
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.expires_at_ms > now_ms
    }
}

/// The leases of the state file.
pub struct Leases<'a> {
    state: &'a State,
}

fn check_ttl(ttl_ms: i64) -> Result<()> {
    if ttl_ms <= 0 {
        return Err(Error::invalid_input("a lease needs a positive duration"));
    }
    Ok(())
}

impl<'a> Leases<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Leases { state }
    }

    /// Takes the lease `name` for `owner` until `now_ms + ttl_ms` when it is free or expired.
    /// `None` when someone holds it (the same owner included: use [`Leases::renew`]).
    pub fn try_acquire(
        &self,
        name: &str,
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<Option<Lease>> {
        check_name("a lease name", name)?;
        check_name("a lease owner", owner)?;
        check_ttl(ttl_ms)?;
        self.state.db.write("taking a lease", |tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO leases (name, owner, acquired_at, expires_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET
                     owner = excluded.owner,
                     acquired_at = excluded.acquired_at,
                     expires_at = excluded.expires_at
                 WHERE leases.expires_at <= excluded.acquired_at
                 RETURNING name, owner, acquired_at, expires_at",
            )?;
            let lease = stmt
                .query_row(
                    params![name, owner, now_ms, now_ms.saturating_add(ttl_ms)],
                    Lease::from_row,
                )
                .optional()?;
            Ok(lease)
        })
    }

    /// Extends a lease its owner still holds to `now_ms + ttl_ms`. `None` when the lease is no
    /// longer this owner's (it expired and someone else took it, or it was released).
    pub fn renew(
        &self,
        name: &str,
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<Option<Lease>> {
        check_ttl(ttl_ms)?;
        self.state.db.write("renewing a lease", |tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE leases SET expires_at = ?3 WHERE name = ?1 AND owner = ?2
                 RETURNING name, owner, acquired_at, expires_at",
            )?;
            Ok(stmt
                .query_row(
                    params![name, owner, now_ms.saturating_add(ttl_ms)],
                    Lease::from_row,
                )
                .optional()?)
        })
    }

    /// Releases a lease held by `owner`; whether it was. Someone else's lease is left alone.
    pub fn release(&self, name: &str, owner: &str) -> Result<bool> {
        self.state.db.write("releasing a lease", |tx| {
            let n = tx
                .prepare_cached("DELETE FROM leases WHERE name = ?1 AND owner = ?2")?
                .execute(params![name, owner])?;
            Ok(n > 0)
        })
    }

    /// The lease `name` as recorded, live or expired.
    pub fn get(&self, name: &str) -> Result<Option<Lease>> {
        self.state.db.read("reading a lease", |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT name, owner, acquired_at, expires_at FROM leases WHERE name = ?1",
                )?
                .query_row([name], Lease::from_row)
                .optional()?)
        })
    }

    /// Every recorded lease, by name (for the status report).
    pub fn list(&self) -> Result<Vec<Lease>> {
        self.state.db.read("listing leases", |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT name, owner, acquired_at, expires_at FROM leases ORDER BY name",
            )?;
            let rows = stmt.query_map([], Lease::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_duration_is_refused() {
        let state = State::open_in_memory().unwrap();
        let e = state.leases().try_acquire("stock", "r1", 0, 0).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }
}
