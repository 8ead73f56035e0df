//! A small timing loop done properly: the result kept opaque to the optimiser, a warm-up
//! run thrown away, several samples. Criterion does all of this and much more (outlier
//! detection, confidence intervals, comparison with the last run); this is what the examples
//! use to time things in a second or two.

use std::hint::black_box;
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::{Duration, Instant};

/// Per-call times of several samples in nanoseconds, sorted from fastest to slowest.
/// (Nanoseconds as `f64`, not `Duration`: a per-call time of a few nanoseconds needs the
/// fraction.)
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    per_call: Vec<f64>,
}

impl Samples {
    /// Sorts `per_call` times (nanoseconds); `None` when there are none or one is not a
    /// number.
    pub fn new(mut per_call: Vec<f64>) -> Option<Samples> {
        if per_call.is_empty() || per_call.iter().any(|t| t.is_nan()) {
            return None;
        }
        per_call.sort_unstable_by(f64::total_cmp);
        Some(Samples { per_call })
    }

    /// The fastest sample: the one least disturbed by the rest of the machine (what
    /// Python's `timeit` documentation recommends looking at).
    pub fn min(&self) -> f64 {
        self.per_call[0]
    }

    /// The middle sample (the lower one of the two middles for an even count).
    pub fn median(&self) -> f64 {
        self.per_call[(self.per_call.len() - 1) / 2]
    }

    /// The slowest sample.
    pub fn max(&self) -> f64 {
        self.per_call[self.per_call.len() - 1]
    }

    /// All samples, fastest first.
    pub fn all(&self) -> &[f64] {
        &self.per_call
    }
}

// ANCHOR: sample
/// Runs `calls` calls of `f` once to warm up, then `samples` more times, timing each run;
/// returns the time per call of each timed run, in nanoseconds.
pub fn sample<T>(calls: NonZeroU32, samples: NonZeroUsize, mut f: impl FnMut() -> T) -> Samples {
    let mut run = || {
        let start = Instant::now();
        for _ in 0..calls.get() {
            // `black_box` makes the compiler assume the result is used, so it cannot
            // delete the work that made it.
            black_box(f());
        }
        nanos(start.elapsed()) / f64::from(calls.get())
    };
    run(); // warm-up: caches, branch predictors, the allocator's free lists
    let per_call = (0..samples.get()).map(|_| run()).collect();
    Samples::new(per_call).expect("at least one sample")
}
// ANCHOR_END: sample

/// Nanoseconds, as a float for printing.
pub fn nanos(d: Duration) -> f64 {
    d.as_secs_f64() * 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_sorted_samples() {
        let s = Samples::new(vec![5.0, 1.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.all(), [1.0, 3.0, 4.0, 5.0]);
        assert_eq!((s.min(), s.median(), s.max()), (1.0, 3.0, 5.0));
        assert!(Samples::new(Vec::new()).is_none());
        assert!(Samples::new(vec![1.0, f64::NAN]).is_none());
    }

    #[test]
    fn calls_the_function_for_the_warm_up_and_every_sample() {
        let mut count = 0u32;
        let s = sample(
            NonZeroU32::new(7).unwrap(),
            NonZeroUsize::new(3).unwrap(),
            || {
                count += 1;
            },
        );
        assert_eq!(count, 7 * 4);
        assert_eq!(s.all().len(), 3);
    }
}
