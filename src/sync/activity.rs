//! The dashboard's chart: quarter-hour activity buckets ([`crate::model::activity`]) summed
//! into the shop's local days, for the last N days, today last, days without activity present
//! with zeros.
//!
//! The shop's time zone arrives as WordPress's UTC offset in minutes, taken now (the chart
//! shows the days as the merchant names them today). A local day is `[midnight, midnight)` of
//! local time; the buckets it sums are those whose start falls in it. Every offset in use is a
//! whole number of quarter hours, so that is exact; an offset that is not (none exists) would
//! place a bucket by its start.

use crate::model::activity::{ActivityCounts, BUCKET_MS};
use crate::{Error, Result};
use serde::Serialize;

/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 3600 * 1000;
/// Most days the chart covers (a leap year).
pub const MAX_DAYS: i64 = 366;
/// Farthest a shop's clock is from UTC, in minutes (UTC−14:00 to UTC+14:00).
pub const MAX_OFFSET_MINUTES: i64 = 14 * 60;

/// The local days a chart covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first day, as a count of days since 1970-01-01 in local time.
    first_day: i64,
    days: i64,
    offset_ms: i64,
}

impl Window {
    /// The `days` local days ending with today, `utc_offset_minutes` east of UTC, at `now_ms`.
    pub fn ending_today(now_ms: i64, days: i64, utc_offset_minutes: i64) -> Result<Window> {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(Error::invalid_input(format!(
                "days must be between 1 and {MAX_DAYS}, not {days}"
            )));
        }
        if !(-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&utc_offset_minutes) {
            return Err(Error::invalid_input(format!(
                "utc_offset_minutes must be between -{MAX_OFFSET_MINUTES} and \
                 {MAX_OFFSET_MINUTES}, not {utc_offset_minutes}"
            )));
        }
        let offset_ms = utc_offset_minutes * 60_000;
        let today = now_ms.saturating_add(offset_ms).div_euclid(DAY_MS);
        Ok(Window {
            first_day: today - days + 1,
            days,
            offset_ms,
        })
    }

    /// The first bucket the window sums: the first that starts on or after its first midnight.
    pub fn first_bucket(&self) -> i64 {
        self.bucket_from_local_day(self.first_day)
    }

    /// The bucket after the last one the window sums.
    pub fn end_bucket(&self) -> i64 {
        self.bucket_from_local_day(self.first_day + self.days)
    }

    /// The first bucket starting at or after local midnight of `day`.
    fn bucket_from_local_day(&self, day: i64) -> i64 {
        let utc_ms = day * DAY_MS - self.offset_ms;
        -(-utc_ms).div_euclid(BUCKET_MS)
    }

    /// Which day of the window (0 = the first) a bucket belongs to, if any.
    pub fn day_of_bucket(&self, bucket: i64) -> Option<usize> {
        let local_day = (bucket * BUCKET_MS + self.offset_ms).div_euclid(DAY_MS);
        let index = local_day - self.first_day;
        (0..self.days).contains(&index).then_some(index as usize)
    }

    /// The day at `index` as "YYYY-MM-DD".
    pub fn day_name(&self, index: usize) -> String {
        civil_date(self.first_day + index as i64)
    }
}

/// One local day of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayActivity {
    /// "YYYY-MM-DD", local to the shop.
    pub day: String,
    #[serde(flatten)]
    pub counts: ActivityCounts,
}

/// The chart: every day of the window, oldest first, and the sum over the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyActivity {
    pub days: Vec<DayActivity>,
    pub totals: ActivityCounts,
}

/// Sums `buckets` (any order; those outside the window are left out) into the window's days.
pub fn daily(window: &Window, buckets: &[(i64, ActivityCounts)]) -> DailyActivity {
    let mut sums = vec![ActivityCounts::default(); window.days as usize];
    let mut totals = ActivityCounts::default();
    for (bucket, counts) in buckets {
        if let Some(index) = window.day_of_bucket(*bucket) {
            sums[index].add(counts);
            totals.add(counts);
        }
    }
    let days = sums
        .into_iter()
        .enumerate()
        .map(|(index, counts)| DayActivity {
            day: window.day_name(index),
            counts,
        })
        .collect();
    DailyActivity { days, totals }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01, as "YYYY-MM-DD" (Howard
/// Hinnant's `civil_from_days`).
pub fn civil_date(epoch_day: i64) -> String {
    let z = epoch_day + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::activity::bucket_of;

    /// 2024-03-10 (epoch day 19792) at `hh:mm` UTC; a negative hour reaches into the 9th.
    fn at(hh: i64, mm: i64) -> i64 {
        19_792 * DAY_MS + (hh * 60 + mm) * 60_000
    }

    fn counts(stock_writes: u64, failures: u64) -> ActivityCounts {
        ActivityCounts {
            stock_writes,
            failures,
            ..ActivityCounts::default()
        }
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(11_017), "2000-03-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(47_541), "2100-03-01");
    }

    #[test]
    fn the_window_ends_today_and_is_zero_filled() {
        let window = Window::ending_today(at(15, 0), 3, 0).unwrap();
        let chart = daily(&window, &[(bucket_of(at(9, 0)), counts(4, 1))]);
        let names: Vec<&str> = chart.days.iter().map(|d| d.day.as_str()).collect();
        assert_eq!(names, ["2024-03-08", "2024-03-09", "2024-03-10"]);
        assert_eq!(chart.days[0].counts, ActivityCounts::default());
        assert_eq!(chart.days[1].counts, ActivityCounts::default());
        assert_eq!(chart.days[2].counts, counts(4, 1));
        assert_eq!(chart.totals, counts(4, 1));
    }

    #[test]
    fn buckets_outside_the_window_are_left_out() {
        let window = Window::ending_today(at(15, 0), 2, 0).unwrap();
        let chart = daily(
            &window,
            &[
                (bucket_of(at(0, 0) - 2 * DAY_MS), counts(100, 0)),
                (bucket_of(at(0, 0) - DAY_MS), counts(1, 0)),
                (bucket_of(at(23, 45)), counts(2, 0)),
                (bucket_of(at(24, 0)), counts(100, 0)),
            ],
        );
        assert_eq!(chart.days[0].counts.stock_writes, 1);
        assert_eq!(chart.days[1].counts.stock_writes, 2);
        assert_eq!(chart.totals.stock_writes, 3);
        assert_eq!(window.first_bucket(), bucket_of(at(0, 0) - DAY_MS));
        assert_eq!(window.end_bucket(), bucket_of(at(24, 0)));
    }

    #[test]
    fn an_offset_moves_late_evening_events_to_the_next_local_day() {
        // 23:30 UTC on the 9th is 00:30 on the 10th in Paris (UTC+1 in March).
        let events = [(bucket_of(at(-1, 30)), counts(1, 0))];
        let utc = daily(&Window::ending_today(at(12, 0), 2, 0).unwrap(), &events);
        assert_eq!(utc.days[0].day, "2024-03-09");
        assert_eq!(utc.days[0].counts.stock_writes, 1);
        let paris = daily(&Window::ending_today(at(12, 0), 2, 60).unwrap(), &events);
        assert_eq!(paris.days[1].day, "2024-03-10");
        assert_eq!(paris.days[1].counts.stock_writes, 1);
        assert_eq!(paris.days[0].counts.stock_writes, 0);
        // 01:00 UTC on the 10th is still the 9th in New York (UTC−5).
        let early = [(bucket_of(at(1, 0)), counts(0, 1))];
        let new_york = daily(&Window::ending_today(at(12, 0), 2, -300).unwrap(), &early);
        assert_eq!(new_york.days[0].day, "2024-03-09");
        assert_eq!(new_york.days[0].counts.failures, 1);
    }

    #[test]
    fn half_and_quarter_hour_offsets_cut_days_exactly() {
        // India is UTC+5:30: its day starts at 18:30 UTC the day before.
        let window = Window::ending_today(at(12, 0), 1, 330).unwrap();
        assert_eq!(window.first_bucket(), bucket_of(at(-6, 30)));
        let chart = daily(
            &window,
            &[
                (bucket_of(at(-6, 15)), counts(1, 0)), // 18:15 UTC: 23:45 the 9th
                (bucket_of(at(-6, 30)), counts(10, 0)), // 18:30 UTC: 00:00 the 10th
            ],
        );
        assert_eq!(chart.days[0].day, "2024-03-10");
        assert_eq!(chart.totals.stock_writes, 10);
        // Nepal, UTC+5:45.
        let nepal = Window::ending_today(at(12, 0), 1, 345).unwrap();
        assert_eq!(nepal.day_of_bucket(bucket_of(at(-6, 15))), Some(0));
        assert_eq!(nepal.day_of_bucket(bucket_of(at(-6, 15) - 1)), None);
    }

    #[test]
    fn today_follows_the_offset() {
        // 23:00 UTC on the 10th is already the 11th east of UTC+1.
        let late = at(23, 0);
        assert_eq!(
            Window::ending_today(late, 1, 0).unwrap().day_name(0),
            "2024-03-10"
        );
        assert_eq!(
            Window::ending_today(late, 1, 120).unwrap().day_name(0),
            "2024-03-11"
        );
        assert_eq!(
            Window::ending_today(at(1, 0), 1, -840).unwrap().day_name(0),
            "2024-03-09"
        );
    }

    #[test]
    fn a_year_of_quarter_hours_sums_to_its_total() {
        let now = at(12, 0);
        let window = Window::ending_today(now, 366, 60).unwrap();
        let buckets: Vec<(i64, ActivityCounts)> = (window.first_bucket()..window.end_bucket())
            .map(|b| (b, counts(1, 0)))
            .collect();
        let chart = daily(&window, &buckets);
        assert_eq!(chart.days.len(), 366);
        assert!(chart.days.iter().all(|d| d.counts.stock_writes == 96));
        assert_eq!(chart.totals.stock_writes, 366 * 96);
    }

    #[test]
    fn bounds_are_checked() {
        for (days, offset) in [(0, 0), (367, 0), (30, 841), (30, -841)] {
            let error = Window::ending_today(0, days, offset).unwrap_err();
            assert_eq!(
                error.kind(),
                crate::ErrorKind::InvalidInput,
                "{days} {offset}"
            );
        }
        assert!(Window::ending_today(0, 366, -840).is_ok());
    }

    #[test]
    fn a_day_serialises_flat() {
        let day = DayActivity {
            day: "2024-03-10".into(),
            counts: counts(3, 0),
        };
        assert_eq!(
            serde_json::to_value(&day).unwrap(),
            serde_json::json!({"day": "2024-03-10", "stock_writes": 3, "imported": 0,
                "linked": 0, "orders_pushed": 0, "orders_blocked": 0, "failures": 0})
        );
    }
}
