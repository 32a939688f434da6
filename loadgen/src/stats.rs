//! Latency percentiles, computed exactly from every sample.
//!
//! A run keeps each delivery's latency (8 bytes each: two million deliveries are 16 MB), so the
//! percentiles are exact rather than a histogram's approximation, and this module stays a few
//! pure functions a test can check by hand.

use std::time::Duration;

/// The latencies a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
    pub p999: Duration,
    pub max: Duration,
}

/// Summarizes latencies in nanoseconds, in any order; `None` when there are none.
pub fn summarize(mut nanos: Vec<u64>) -> Option<Latency> {
    nanos.sort_unstable();
    let at = |p| percentile(&nanos, p).map(Duration::from_nanos);
    Some(Latency {
        p50: at(500)?,
        p99: at(990)?,
        p999: at(999)?,
        max: Duration::from_nanos(*nanos.last()?),
    })
}

/// The nearest-rank percentile of sorted samples: the smallest sample with at least `permille`
/// thousandths of all samples at or below it (990 for p99). Never interpolates, so it is always a
/// latency that happened; whole numbers, because `99.9 / 100.0 * 2000.0` is not quite 1998.
pub fn percentile(sorted: &[u64], permille: usize) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (permille * sorted.len()).div_ceil(1000);
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// A delivery later than this is late for a person in a chat: issue 24's bar is that 90% of a
/// healthy talker's lines reach every healthy reader within it, under attack.
pub const ON_TIME: Duration = Duration::from_secs(1);

/// The share of `expected` deliveries that arrived within `limit` (latencies in nanoseconds, in
/// any order). A delivery that never arrived counts as late, so a room that delivers nothing
/// scores 0, not "no data". `None` when nothing was expected.
pub fn share_within(nanos: &[u64], limit: Duration, expected: u64) -> Option<f64> {
    let limit = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
    let on_time = nanos.iter().filter(|&&n| n <= limit).count() as f64;
    (expected > 0).then(|| on_time / expected as f64)
}

/// Events per second over a window; zero for an empty window rather than infinity.
pub fn per_second(count: u64, window: Duration) -> f64 {
    if window.is_zero() {
        0.0
    } else {
        count as f64 / window.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_a_small_set() {
        let sorted: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&sorted, 500), Some(5));
        assert_eq!(percentile(&sorted, 990), Some(10));
        assert_eq!(percentile(&sorted, 100), Some(1));
        assert_eq!(percentile(&sorted, 0), Some(1));
        assert_eq!(percentile(&[], 500), None);
    }

    #[test]
    fn p999_needs_a_thousand_samples_to_differ_from_max() {
        let sorted: Vec<u64> = (1..=2000).collect();
        assert_eq!(percentile(&sorted, 999), Some(1998));
        assert_eq!(percentile(&sorted, 990), Some(1980));
    }

    #[test]
    fn summarizes_unsorted_samples() {
        let summary = summarize(vec![30, 10, 20]).expect("three samples");
        assert_eq!(summary.p50, Duration::from_nanos(20));
        assert_eq!(summary.max, Duration::from_nanos(30));
        assert_eq!(summarize(Vec::new()), None);
    }

    #[test]
    fn the_share_on_time_counts_the_missing_as_late() {
        let second = Duration::from_secs(1);
        let nanos = [5, 1_000_000_000, 1_000_000_001, 30_000_000_000];
        assert_eq!(share_within(&nanos, second, 4), Some(0.5));
        assert_eq!(share_within(&nanos, second, 8), Some(0.25));
        assert_eq!(share_within(&[], second, 120), Some(0.0));
        assert_eq!(share_within(&[], second, 0), None);
    }

    #[test]
    fn rate_over_an_empty_window_is_zero() {
        assert_eq!(per_second(10, Duration::ZERO), 0.0);
        assert_eq!(per_second(10, Duration::from_millis(500)), 20.0);
    }
}
