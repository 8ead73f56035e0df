//! Exercise: The median of several runs (easy)
//!
//! Write `time_runs`, a small timing loop done the careful way the chapter describes. It
//! calls `f` once to warm up and does not time that call; then it calls `f` `runs` more
//! times, timing each call on its own with the clock `now`, and reports the median, the
//! fastest and the slowest of those times.
//!
//! `now` returns the time since some fixed start, so one run takes `now()` after the call
//! minus `now()` before it. With a real clock you would pass
//! `|| start.elapsed()` for an `Instant` named `start`; the tests pass a fake clock that
//! `f` itself moves forward, so they know exactly how long every call "took" and can check
//! the answer without timing anything.
//!
//! A correct answer:
//! - calls `f` exactly `runs + 1` times, and leaves the first call out of the statistics;
//! - reports the median: the middle time once they are sorted (with an even count, the lower
//!   of the two middle ones), so one very slow run does not move it, where it would move a
//!   mean;
//! - passes each result of `f` through `std::hint::black_box`, so that in an optimised build
//!   the compiler cannot delete the work being timed.

use std::num::NonZeroUsize;
use std::time::Duration;
// solution: begin, skeleton:
use std::hint::black_box;
// solution: end

/// The times of the timed runs of [`time_runs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunTimes {
    /// The middle run (the lower middle one for an even number of runs).
    pub median: Duration,
    /// The fastest run.
    pub fastest: Duration,
    /// The slowest run.
    pub slowest: Duration,
}

/// Calls `f` once to warm up, then `runs` times more, timing each of those calls with
/// `now` (the time since a fixed start), and returns their median, fastest and slowest.
pub fn time_runs<T>(
    runs: NonZeroUsize,
    mut now: impl FnMut() -> Duration,
    mut f: impl FnMut() -> T,
) -> RunTimes {
    // solution: begin
    black_box(f()); // the warm-up: not timed
    let mut times: Vec<Duration> = (0..runs.get())
        .map(|_| {
            let start = now();
            black_box(f());
            now().saturating_sub(start)
        })
        .collect();
    times.sort_unstable();
    RunTimes {
        median: times[(times.len() - 1) / 2],
        fastest: times[0],
        slowest: times[times.len() - 1],
    }
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Times a fake piece of work whose calls take `durations`, one after the other (the
    /// first one is the warm-up), on a fake clock; returns the report and how many calls
    /// were made.
    fn time_fake(durations: &[u64]) -> (RunTimes, usize) {
        let clock = Cell::new(Duration::ZERO);
        let calls = Cell::new(0);
        let runs = NonZeroUsize::new(durations.len() - 1).unwrap();
        let report = time_runs(
            runs,
            || clock.get(),
            || {
                let i = calls.get();
                // Past the planned calls, the work takes an hour: a wrong answer shows.
                let took = durations.get(i).copied().unwrap_or(3_600_000);
                clock.set(clock.get() + ms(took));
                calls.set(i + 1);
                i
            },
        );
        (report, calls.get())
    }

    #[test]
    fn reports_median_fastest_and_slowest() {
        let (report, _) = time_fake(&[50, 7, 3, 9, 5, 4]);
        assert_eq!(
            report,
            RunTimes {
                median: ms(5),
                fastest: ms(3),
                slowest: ms(9),
            }
        );
    }

    #[test]
    fn calls_once_more_than_runs_and_does_not_time_the_warm_up() {
        let (report, calls) = time_fake(&[1_000, 2, 2, 2]);
        assert_eq!(calls, 4, "one warm-up call and three timed runs");
        assert_eq!(report.slowest, ms(2), "the slow warm-up was timed");
    }

    #[test]
    fn one_slow_run_does_not_move_the_median() {
        let (report, _) = time_fake(&[1, 1, 1, 1, 1, 900]);
        assert_eq!(report.median, ms(1));
        assert_eq!(report.slowest, ms(900));
    }

    #[test]
    fn even_count_takes_the_lower_middle() {
        let (report, _) = time_fake(&[1, 8, 2, 6, 4]);
        assert_eq!(report.median, ms(4));
    }

    #[test]
    fn a_single_run_is_all_three() {
        let (report, calls) = time_fake(&[10, 6]);
        assert_eq!(calls, 2);
        assert_eq!(
            report,
            RunTimes {
                median: ms(6),
                fastest: ms(6),
                slowest: ms(6),
            }
        );
    }
}
