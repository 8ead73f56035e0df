//! Exercise: Waiting or computing? (medium)
//!
//! The `bound` example runs the same jobs on 1, 2, 4 and 8 threads and times each run. Its two
//! tables tell the two kinds of job apart: a job that *waits* keeps getting faster past the
//! number of cores, because a sleeping thread needs no core; a job that *computes* stops
//! gaining at the number of cores, because extra threads only take turns on the same cores.
//!
//! Write `verdict`, which reads such measurements and says which kind of job it saw. The
//! speedup of a run is the time on one thread divided by the time of that run. Then:
//!
//! - `Verdict::Waits` if some run with more threads than `cores` has a speedup of more than
//!   1.5 times `cores` (computing cannot beat the cores by that much);
//! - `Verdict::Computes` if there are runs with more threads than `cores`, and none of them
//!   does;
//! - `Verdict::CannotTell` if there is no one-thread run, or no run with more threads than
//!   `cores`: up to the number of cores, both kinds of job speed up alike.
//!
//! The runs may come in any order. A run that took no time at all is a broken measurement:
//! ignore it.

use std::time::Duration;

/// One timed run: the same jobs on `threads` threads took `time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// How many threads shared the jobs.
    pub threads: usize,
    /// How long all the jobs took.
    pub time: Duration,
}

/// What the measurements say about the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It got faster past the number of cores: its time goes to waiting (I/O-bound).
    Waits,
    /// It stopped gaining at the number of cores: its time goes to computing (CPU-bound).
    Computes,
    /// The runs cannot tell the two apart.
    CannotTell,
}

/// Reads timed runs of the same jobs and says whether they wait or compute, on a machine
/// with `cores` cores.
pub fn verdict(runs: &[Run], cores: usize) -> Verdict {
    // solution: begin
    let measured = || runs.iter().filter(|run| !run.time.is_zero());
    let Some(one) = measured().find(|run| run.threads == 1) else {
        return Verdict::CannotTell;
    };
    let speedups: Vec<f64> = measured()
        .filter(|run| run.threads > cores)
        .map(|run| one.time.as_secs_f64() / run.time.as_secs_f64())
        .collect();
    if speedups.is_empty() {
        Verdict::CannotTell
    } else if speedups.iter().any(|&speedup| speedup > 1.5 * cores as f64) {
        Verdict::Waits
    } else {
        Verdict::Computes
    }
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(list: &[(usize, u64)]) -> Vec<Run> {
        list.iter()
            .map(|&(threads, ms)| Run {
                threads,
                time: Duration::from_millis(ms),
            })
            .collect()
    }

    #[test]
    fn sleeps_keep_getting_faster_past_the_cores() {
        let waits = runs(&[(1, 160), (2, 81), (4, 41), (8, 22)]);
        assert_eq!(verdict(&waits, 2), Verdict::Waits);
    }

    #[test]
    fn prime_counting_stops_at_the_cores() {
        let primes = runs(&[(1, 800), (2, 410), (4, 415), (8, 430)]);
        assert_eq!(verdict(&primes, 2), Verdict::Computes);
    }

    #[test]
    fn the_order_of_the_runs_does_not_matter() {
        let waits = runs(&[(8, 22), (2, 81), (1, 160), (4, 41)]);
        assert_eq!(verdict(&waits, 2), Verdict::Waits);
        let primes = runs(&[(4, 415), (8, 430), (1, 800), (2, 410)]);
        assert_eq!(verdict(&primes, 2), Verdict::Computes);
    }

    #[test]
    fn up_to_the_cores_both_kinds_look_alike() {
        // A perfect speedup, but on 8 cores it could be either kind.
        let runs = runs(&[(1, 800), (2, 400), (4, 200), (8, 100)]);
        assert_eq!(verdict(&runs, 8), Verdict::CannotTell);
    }

    #[test]
    fn the_margin_is_one_and_a_half_times_the_cores() {
        // 8 cores, 16 threads: a speedup of 8 is computing, 16 is waiting.
        assert_eq!(verdict(&runs(&[(1, 800), (16, 100)]), 8), Verdict::Computes);
        assert_eq!(verdict(&runs(&[(1, 800), (16, 50)]), 8), Verdict::Waits);
        // Exactly 1.5 times the cores is not more than it.
        assert_eq!(
            verdict(&runs(&[(1, 3000), (8, 1000)]), 2),
            Verdict::Computes
        );
    }

    #[test]
    fn without_a_one_thread_run_there_is_no_speedup() {
        assert_eq!(verdict(&runs(&[(2, 80), (8, 20)]), 2), Verdict::CannotTell);
        assert_eq!(verdict(&[], 2), Verdict::CannotTell);
    }

    #[test]
    fn runs_that_took_no_time_are_ignored() {
        let broken = runs(&[(1, 160), (8, 0), (16, 0)]);
        assert_eq!(verdict(&broken, 2), Verdict::CannotTell);
        let mixed = runs(&[(1, 0), (1, 160), (8, 0), (4, 40)]);
        assert_eq!(verdict(&mixed, 2), Verdict::Waits);
    }
}
