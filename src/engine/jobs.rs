//! The cron jobs' frame: one run at a time per job, resumable runs, and the health the settings
//! screen shows beside each cron URL.
//!
//! The WordPress side runs a job as: `startJob` (takes the job's lease, or answers busy at once),
//! a bounded amount of work that calls the engine's other methods, then `finishJob` (records the
//! outcome, the summary and where to resume, and releases the lease). The cron URLs and the
//! fallback schedule go through the same leases, so they never overlap. A run that dies never
//! finishes: its lease expires after the duration it asked for, and the next call takes over.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::state::{LogLevel, NewLog, RunOutcome};
use crate::sync::health::{light, usual_interval_ms, JobFacts};
use crate::{Error, Result};
use serde::Deserialize;
use serde_json::{json, Value};

/// The jobs the cron URLs run.
pub const JOBS: [&str; 3] = ["products", "stock", "orders"];

/// The longest lease a run may ask for: a run that needs more must resume on the next call.
const MAX_LEASE_MS: i64 = 30 * 60 * 1000;

fn check_job(job: &str) -> Result<()> {
    if JOBS.contains(&job) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "unknown job {job:?}: expected one of {}",
            JOBS.join(", ")
        )))
    }
}

fn lease_name(job: &str) -> String {
    format!("job:{job}")
}

impl Engine {
    /// Starts a run of `job` holding its lease for `lease_ms`, or answers busy without waiting.
    pub(super) fn start_job(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            job: String,
            lease_ms: i64,
        }
        let Args { job, lease_ms } = parse_args("startJob", args)?;
        check_job(&job)?;
        if !(1..=MAX_LEASE_MS).contains(&lease_ms) {
            return Err(Error::invalid_input(format!(
                "lease_ms must be between 1 and {MAX_LEASE_MS}"
            )));
        }
        let state = self.state()?;
        let now = now_ms();
        let run_id = self.run_id(&job);
        let Some(lease) = state
            .leases()
            .try_acquire(&lease_name(&job), &run_id, now, lease_ms)?
        else {
            state.runs().record_call(&job, now)?;
            let holder = state.leases().get(&lease_name(&job))?;
            return Ok(json!({
                "started": false,
                "busy": true,
                "job": job,
                "busy_until_ms": holder.map(|l| l.expires_at_ms),
            }));
        };
        let record = state.runs().start(&job, &run_id, now)?;
        Ok(json!({
            "started": true,
            "busy": false,
            "job": job,
            "run_id": run_id,
            "cursor": record.cursor,
            "lease_expires_at_ms": lease.expires_at_ms,
        }))
    }

    /// Ends a run: records its outcome, summary and resume point, and frees the job.
    pub(super) fn finish_job(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            job: String,
            run_id: String,
            outcome: RunOutcome,
            #[serde(default)]
            summary: Value,
            #[serde(default)]
            cursor: Option<String>,
        }
        let args: Args = parse_args("finishJob", args)?;
        check_job(&args.job)?;
        let state = self.state()?;
        let now = now_ms();
        let record = state.runs().finish(
            &args.job,
            &args.run_id,
            args.outcome,
            &args.summary,
            args.cursor.as_deref(),
            now,
        );
        state
            .leases()
            .release(&lease_name(&args.job), &args.run_id)?;
        let record = record?;
        let level = match args.outcome {
            RunOutcome::Failed | RunOutcome::Held => LogLevel::Warning,
            RunOutcome::Completed | RunOutcome::Partial => LogLevel::Info,
        };
        self.log(
            NewLog::new(
                now,
                level,
                "job",
                format!(
                    "{} run {}: {}",
                    args.job,
                    args.run_id,
                    to_json(&args.outcome)?
                ),
            )
            .run(args.run_id.clone())
            .details(args.summary.clone()),
        );
        to_json(&record)
    }

    /// For each job: its last call, run, outcome and duration, the POS's usual interval, and
    /// the light to show.
    pub(super) fn job_health(&self) -> Result<Value> {
        let now = now_ms();
        Ok(json!({ "now_ms": now, "jobs": self.job_rows(now)? }))
    }

    /// The rows of [`Engine::job_health`] at `now` (also the dashboard's).
    pub(super) fn job_rows(&self, now: i64) -> Result<Vec<Value>> {
        let state = self.state()?;
        let mut jobs = Vec::with_capacity(JOBS.len());
        for job in JOBS {
            let record = state.runs().get(job)?;
            let lease = state.leases().get(&lease_name(job))?;
            let running = lease.is_some_and(|l| l.is_live(now));
            let usual = record
                .as_ref()
                .and_then(|r| usual_interval_ms(&r.recent_calls));
            let facts = JobFacts {
                last_called_at_ms: record.as_ref().and_then(|r| r.last_called_at_ms),
                running,
                last_failed: record
                    .as_ref()
                    .is_some_and(|r| r.outcome == Some(RunOutcome::Failed)),
                usual_interval_ms: usual,
            };
            let duration =
                record
                    .as_ref()
                    .and_then(|r| match (r.last_started_at_ms, r.last_finished_at_ms) {
                        (Some(start), Some(end)) if end >= start => Some(end - start),
                        _ => None,
                    });
            jobs.push(json!({
                "job": job,
                "light": light(facts, now),
                "running": running,
                "last_called_at_ms": facts.last_called_at_ms,
                "last_started_at_ms": record.as_ref().and_then(|r| r.last_started_at_ms),
                "last_finished_at_ms": record.as_ref().and_then(|r| r.last_finished_at_ms),
                "last_duration_ms": duration,
                "outcome": record.as_ref().and_then(|r| r.outcome),
                "summary": record.as_ref().and_then(|r| r.summary.clone()),
                "has_cursor": record.as_ref().is_some_and(|r| r.cursor.is_some()),
                "usual_interval_ms": usual,
            }));
        }
        Ok(jobs)
    }
}
