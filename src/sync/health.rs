//! Health of the cron jobs: how often the POS usually calls each URL, learned from its recent
//! calls, and the light the settings screen shows beside it (ok, late, failing, never called,
//! running).
//!
//! The usual interval is the median of the gaps between recent calls: one manual call or one
//! missed call does not move it. A job is late once it has not been called for
//! [`LATE_FACTOR`] times its usual interval (and at least [`MIN_LATE_MS`]): a POS that calls
//! every 5 minutes is late after 15, one that calls hourly after 3 hours.

use serde::Serialize;

/// How many usual intervals without a call make a job late.
pub const LATE_FACTOR: i64 = 3;
/// Never late sooner than this: a POS calling every few seconds is not "late" after 10 s.
pub const MIN_LATE_MS: i64 = 5 * 60 * 1000;
/// At least this many gaps are needed before an interval is called "usual".
pub const MIN_GAPS: usize = 2;

/// The light beside a cron URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// Never called yet.
    Never,
    /// Called as usual, and the last run did not fail.
    Ok,
    /// A run is going on now.
    Running,
    /// Not called for much longer than usual.
    Late,
    /// The last run failed.
    Failing,
}

/// The median gap between the given call times (oldest first), once there are enough of them.
pub fn usual_interval_ms(calls: &[i64]) -> Option<i64> {
    let mut gaps: Vec<i64> = calls
        .windows(2)
        .map(|pair| pair[1] - pair[0])
        .filter(|gap| *gap > 0)
        .collect();
    if gaps.len() < MIN_GAPS {
        return None;
    }
    gaps.sort_unstable();
    let middle = gaps.len() / 2;
    Some(if gaps.len() % 2 == 0 {
        (gaps[middle - 1] + gaps[middle]) / 2
    } else {
        gaps[middle]
    })
}

/// What is known of one job, as the light needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobFacts {
    pub last_called_at_ms: Option<i64>,
    pub running: bool,
    pub last_failed: bool,
    pub usual_interval_ms: Option<i64>,
}

/// The light of a job at `now_ms`. Late wins over failing: a POS that stopped calling is the
/// first thing to fix, and a failing run says so in its own outcome.
pub fn light(facts: JobFacts, now_ms: i64) -> Light {
    let Some(last_call) = facts.last_called_at_ms else {
        return Light::Never;
    };
    if let Some(usual) = facts.usual_interval_ms {
        if now_ms - last_call > (usual * LATE_FACTOR).max(MIN_LATE_MS) {
            return Light::Late;
        }
    }
    if facts.running {
        Light::Running
    } else if facts.last_failed {
        Light::Failing
    } else {
        Light::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn facts(last: Option<i64>, usual: Option<i64>) -> JobFacts {
        JobFacts {
            last_called_at_ms: last,
            running: false,
            last_failed: false,
            usual_interval_ms: usual,
        }
    }

    #[test]
    fn the_usual_interval_is_the_median_gap_and_ignores_one_odd_call() {
        let calls = [0, 5 * MIN, 10 * MIN, 11 * MIN, 16 * MIN, 21 * MIN];
        assert_eq!(usual_interval_ms(&calls), Some(5 * MIN));
    }

    #[test]
    fn too_few_calls_give_no_usual_interval() {
        assert_eq!(usual_interval_ms(&[]), None);
        assert_eq!(usual_interval_ms(&[10]), None);
        assert_eq!(usual_interval_ms(&[10, 20]), None);
        assert_eq!(usual_interval_ms(&[10, 20, 40]), Some(15));
    }

    #[test]
    fn a_job_is_late_after_three_usual_intervals_and_never_sooner_than_five_minutes() {
        let usual = Some(10 * MIN);
        assert_eq!(light(facts(Some(0), usual), 29 * MIN), Light::Ok);
        assert_eq!(light(facts(Some(0), usual), 31 * MIN), Light::Late);
        let fast = Some(10_000);
        assert_eq!(light(facts(Some(0), fast), 4 * MIN), Light::Ok);
        assert_eq!(light(facts(Some(0), fast), 6 * MIN), Light::Late);
    }

    #[test]
    fn never_called_running_and_failing_are_told_apart() {
        assert_eq!(light(facts(None, None), 0), Light::Never);
        let mut running = facts(Some(0), None);
        running.running = true;
        assert_eq!(light(running, 1), Light::Running);
        let mut failed = facts(Some(0), None);
        failed.last_failed = true;
        assert_eq!(light(failed, 1), Light::Failing);
    }

    #[test]
    fn without_a_usual_interval_a_job_is_never_called_late() {
        assert_eq!(light(facts(Some(0), None), 1_000 * MIN), Light::Ok);
    }
}
