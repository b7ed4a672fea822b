//! The guard against suspicious answers that replace a whole cache: an empty answer, or one
//! that shrank past the mass-drop thresholds, is held (the previous cache stays) until a person
//! confirms it. It uses the stock guard's two settings, `max_drop_percent` and `min_drop_count`,
//! so one pair of numbers says what a "mass drop" is everywhere.

use super::stock::StockSettings;
use serde::Serialize;

/// Why an answer was not allowed to replace what the cache holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ShrinkHold {
    /// The answer has no rows while the cache has some.
    EmptyAnswer { cached: usize },
    /// The answer has far fewer rows than the cache.
    Shrunk {
        cached: usize,
        answered: usize,
        drop_percent: u32,
        max_percent: u32,
    },
}

/// Whether an answer of `answered` rows may replace a cache of `cached` rows. Growing, or
/// shrinking by less than `max_drop_percent` (or by fewer than `min_drop_count` rows: small
/// catalogs do lose a few items), passes.
pub fn shrink_hold(cached: usize, answered: usize, settings: &StockSettings) -> Option<ShrinkHold> {
    if cached == 0 || answered >= cached {
        return None;
    }
    if answered == 0 {
        return Some(ShrinkHold::EmptyAnswer { cached });
    }
    let dropped = cached - answered;
    let too_many = dropped >= settings.min_drop_count.max(1)
        && (dropped as u128) * 100 > (cached as u128) * u128::from(settings.max_drop_percent);
    too_many.then(|| ShrinkHold::Shrunk {
        cached,
        answered,
        drop_percent: (dropped as u128 * 100 / cached as u128) as u32,
        max_percent: settings.max_drop_percent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_answer_is_held_only_when_something_is_cached() {
        let s = StockSettings::default();
        assert_eq!(shrink_hold(0, 0, &s), None);
        assert_eq!(
            shrink_hold(3, 0, &s),
            Some(ShrinkHold::EmptyAnswer { cached: 3 })
        );
    }

    #[test]
    fn a_shrink_past_both_thresholds_is_held() {
        let s = StockSettings::default(); // 50 %, 10 rows
        assert!(shrink_hold(50_000, 20_000, &s).is_some());
        assert_eq!(shrink_hold(50_000, 30_000, &s), None);
        // 60 % of a small catalog, but fewer than 10 rows: a shop may sell out a few items.
        assert_eq!(shrink_hold(15, 6, &s), None);
        assert_eq!(shrink_hold(100, 100, &s), None);
        assert_eq!(shrink_hold(100, 120, &s), None);
    }
}
