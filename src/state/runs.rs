//! Job records: for each job (products, stock, orders), when its cron URL was last called, when
//! its last run started and finished, what that run did, and the cursor a bounded run leaves
//! for the next call to resume from.
//!
//! One row per job, rewritten in place: the history of runs is in the log, not here (the
//! anti-pattern of one ever-growing record is what this avoids). The admin screen reads these
//! rows to show "last called 3 min ago: 12 stocks updated" and to warn when a job has not been
//! called for much longer than expected.

use super::activity::bump;
use super::db::{check_name, json_value, parse_stored, Fail, Work};
use super::State;
use crate::error::{Error, ErrorKind, Result};
use crate::model::activity::Counter;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Everything done.
    Completed,
    /// Stopped at its work bound; the cursor says where to resume.
    Partial,
    /// Stopped on an error.
    Failed,
    /// The plan was held back for a person (a mass stock drop).
    Held,
}

impl RunOutcome {
    fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Completed => "completed",
            RunOutcome::Partial => "partial",
            RunOutcome::Failed => "failed",
            RunOutcome::Held => "held",
        }
    }

    fn parse(raw: &str) -> std::result::Result<Self, String> {
        Ok(match raw {
            "completed" => RunOutcome::Completed,
            "partial" => RunOutcome::Partial,
            "failed" => RunOutcome::Failed,
            "held" => RunOutcome::Held,
            other => return Err(format!("unknown run outcome {other:?}")),
        })
    }
}

/// What is known of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub job: String,
    /// Last time its cron URL (or schedule) called it, run or not.
    pub last_called_at_ms: Option<i64>,
    pub last_started_at_ms: Option<i64>,
    pub last_finished_at_ms: Option<i64>,
    /// The id of the last run started.
    pub run_id: Option<String>,
    pub outcome: Option<RunOutcome>,
    /// The last run's JSON summary (counts, errors), as the cron URL answered it.
    pub summary: Option<serde_json::Value>,
    /// Where the next run resumes; `None` to start from the beginning.
    pub cursor: Option<String>,
    /// The times of the last calls, oldest first (at most [`RECENT_CALLS_KEPT`]).
    pub recent_calls: Vec<i64>,
}

/// How many call times a job record keeps: enough for a steady median interval.
pub const RECENT_CALLS_KEPT: usize = 12;

impl RunRecord {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RunRecord> {
        Ok(RunRecord {
            job: row.get(0)?,
            last_called_at_ms: row.get(1)?,
            last_started_at_ms: row.get(2)?,
            last_finished_at_ms: row.get(3)?,
            run_id: row.get(4)?,
            outcome: match row.get::<_, Option<String>>(5)? {
                Some(raw) => Some(parse_stored(5, raw, RunOutcome::parse)?),
                None => None,
            },
            summary: json_value(row.get(6)?),
            cursor: row.get(7)?,
            recent_calls: row
                .get::<_, Option<String>>(8)?
                .and_then(|raw| serde_json::from_str(&raw).ok())
                .unwrap_or_default(),
        })
    }

    /// Whether the last run started has not finished (running, or crashed).
    pub fn is_unfinished(&self) -> bool {
        match (self.last_started_at_ms, self.last_finished_at_ms) {
            (Some(started), Some(finished)) => started > finished,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

const COLUMNS: &str = "job, last_called_at, last_started_at, last_finished_at, run_id, outcome,
    summary, cursor, recent_calls";

/// Appends a call time to the record's recent calls, keeping the newest ones.
fn remember_call(conn: &Connection, job: &str, now_ms: i64) -> Work<()> {
    let mut calls = get_row(conn, job)?
        .map(|r| r.recent_calls)
        .unwrap_or_default();
    calls.push(now_ms);
    let excess = calls.len().saturating_sub(RECENT_CALLS_KEPT);
    calls.drain(..excess);
    conn.prepare_cached("UPDATE runs SET recent_calls = ?2 WHERE job = ?1")?
        .execute(params![
            job,
            serde_json::to_string(&calls).unwrap_or_default()
        ])?;
    Ok(())
}

fn get_row(conn: &Connection, job: &str) -> Work<Option<RunRecord>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM runs WHERE job = ?1"))?
        .query_row([job], RunRecord::from_row)
        .optional()?)
}

fn reread(conn: &Connection, job: &str) -> Work<RunRecord> {
    get_row(conn, job)?.ok_or_else(|| Fail::Core(Error::internal(format!("job {job} vanished"))))
}

/// The job records of the state file.
pub struct Runs<'a> {
    state: &'a State,
}

impl<'a> Runs<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Runs { state }
    }

    /// Records that `job` was called at `now_ms` (even if it then found its lease busy).
    pub fn record_call(&self, job: &str, now_ms: i64) -> Result<RunRecord> {
        check_name("a job name", job)?;
        self.state.db.write("recording a job call", |tx| {
            tx.prepare_cached(
                "INSERT INTO runs (job, last_called_at) VALUES (?1, ?2)
                 ON CONFLICT (job) DO UPDATE SET last_called_at = excluded.last_called_at",
            )?
            .execute(params![job, now_ms])?;
            remember_call(tx, job, now_ms)?;
            reread(tx, job)
        })
    }

    /// Records that run `run_id` of `job` started (and so was called) at `now_ms`. The cursor
    /// is kept: it is the new run's starting point.
    pub fn start(&self, job: &str, run_id: &str, now_ms: i64) -> Result<RunRecord> {
        check_name("a job name", job)?;
        check_name("a run id", run_id)?;
        self.state.db.write("recording a run start", |tx| {
            tx.prepare_cached(
                "INSERT INTO runs (job, last_called_at, last_started_at, run_id)
                 VALUES (?1, ?2, ?2, ?3)
                 ON CONFLICT (job) DO UPDATE SET last_called_at = excluded.last_called_at,
                     last_started_at = excluded.last_started_at, run_id = excluded.run_id",
            )?
            .execute(params![job, now_ms, run_id])?;
            remember_call(tx, job, now_ms)?;
            reread(tx, job)
        })
    }

    /// Records how run `run_id` ended, its summary, and the cursor to resume from (`None`
    /// when there is nothing left). A [`ErrorKind::Conflict`] when another run of the job
    /// started since (this one's lease had expired): the newer run's record is left alone.
    pub fn finish(
        &self,
        job: &str,
        run_id: &str,
        outcome: RunOutcome,
        summary: &serde_json::Value,
        cursor: Option<&str>,
        now_ms: i64,
    ) -> Result<RunRecord> {
        self.state.db.write("recording a run end", |tx| {
            let current = get_row(tx, job)?;
            if current.as_ref().and_then(|r| r.run_id.as_deref()) != Some(run_id) {
                return Err(Fail::Core(Error::new(
                    ErrorKind::Conflict,
                    format!("run {run_id} of job {job} is not its latest run"),
                )));
            }
            tx.prepare_cached(
                "UPDATE runs SET last_finished_at = ?2, outcome = ?3, summary = ?4, cursor = ?5
                 WHERE job = ?1",
            )?
            .execute(params![
                job,
                now_ms,
                outcome.as_str(),
                summary.to_string(),
                cursor
            ])?;
            if outcome == RunOutcome::Failed {
                bump(tx, Counter::Failures, now_ms, 1)?;
            }
            reread(tx, job)
        })
    }

    /// Saves a resume point in the middle of a run (so a crash loses little work).
    pub fn set_cursor(&self, job: &str, cursor: Option<&str>) -> Result<()> {
        check_name("a job name", job)?;
        self.state.db.write("saving a job cursor", |tx| {
            tx.prepare_cached(
                "INSERT INTO runs (job, cursor) VALUES (?1, ?2)
                 ON CONFLICT (job) DO UPDATE SET cursor = excluded.cursor",
            )?
            .execute(params![job, cursor])?;
            Ok(())
        })
    }

    /// Where the next run of `job` resumes.
    pub fn cursor(&self, job: &str) -> Result<Option<String>> {
        Ok(self.get(job)?.and_then(|r| r.cursor))
    }

    /// What is known of `job`.
    pub fn get(&self, job: &str) -> Result<Option<RunRecord>> {
        self.state
            .db
            .read("reading a job record", |conn| get_row(conn, job))
    }

    /// Every job record, by name.
    pub fn list(&self) -> Result<Vec<RunRecord>> {
        self.state.db.read("listing job records", |conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM runs ORDER BY job"))?;
            let rows = stmt.query_map([], RunRecord::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
