//! Parallelism: jobs spread over named OS threads, and CPU-bound work to give them.
//!
//! [`split`] deals jobs out to threads like cards (job `j` goes to thread `j % threads`);
//! [`run_jobs`] runs each share on its own scoped thread named `worker-N` and reports, for
//! every job, which thread ran it. [`count_primes`] is the CPU-bound job: trial division,
//! pure computation with nothing to wait for.

use std::io;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::thread::{self, ThreadId};

/// Deals `jobs` jobs out to at most `threads` threads, round-robin: thread `t` gets jobs
/// `t`, `t + threads`, `t + 2 * threads`, ... No thread gets an empty share, so there are
/// `min(threads, jobs)` shares, and their sizes differ by at most one.
pub fn split(jobs: usize, threads: NonZeroUsize) -> Vec<Vec<usize>> {
    let threads = threads.get().min(jobs);
    (0..threads)
        .map(|t| (t..jobs).step_by(threads).collect())
        .collect()
}

/// The result of one job and where it ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult<R> {
    /// The job's index.
    pub job: usize,
    /// The index of the worker thread that ran it (`worker-N`).
    pub worker: usize,
    /// The id of that thread.
    pub thread: ThreadId,
    /// What the job returned.
    pub value: R,
}

// ANCHOR: run_jobs
/// Runs jobs `0..jobs` on `threads` named OS threads (fewer if there are fewer jobs), each
/// thread doing its [`split`] share one job after the other. Returns the results by job.
pub fn run_jobs<R: Send>(
    jobs: usize,
    threads: NonZeroUsize,
    job: impl Fn(usize) -> R + Sync,
) -> io::Result<Vec<JobResult<R>>> {
    let job = &job; // every thread borrows the same closure: `scope` makes that safe
    let mut results = thread::scope(|scope| {
        let mut handles = Vec::new();
        for (worker, share) in split(jobs, threads).into_iter().enumerate() {
            let handle = thread::Builder::new()
                .name(format!("worker-{worker}"))
                .spawn_scoped(scope, move || {
                    let thread = thread::current().id();
                    let run = |job_index| JobResult {
                        job: job_index,
                        worker,
                        thread,
                        value: job(job_index),
                    };
                    share.into_iter().map(run).collect::<Vec<_>>()
                })?;
            handles.push(handle);
        }
        let mut all = Vec::with_capacity(jobs);
        for handle in handles {
            // A job that panicked: pass the panic on, as a sequential loop would.
            all.extend(
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        Ok::<_, io::Error>(all)
    })?;
    results.sort_by_key(|result| result.job);
    Ok(results)
}
// ANCHOR_END: run_jobs

// Copied on purpose: the pools and scaling chapters have a trial division of their own. A
// chapter crate depends on no other, so that each one can be copied out alone as a starter
// (`cargo xtask starter`).
// ANCHOR: primes
/// Is `n` a prime? Trial division by odd numbers up to its square root: slow on purpose,
/// pure CPU work.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// How many primes `range` holds.
pub fn count_primes(range: Range<u64>) -> usize {
    range.filter(|&n| is_prime(n)).count()
}
// ANCHOR_END: primes

/// Cuts `0..limit` into `parts` consecutive ranges of (nearly) equal length.
pub fn chunks(limit: u64, parts: NonZeroUsize) -> Vec<Range<u64>> {
    let parts = parts.get() as u64;
    // u128 so `limit * i` cannot overflow.
    let bound = |i: u64| (u128::from(limit) * u128::from(i) / u128::from(parts)) as u64;
    (0..parts).map(|i| bound(i)..bound(i + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    #[test]
    fn primes_below_small_limits() {
        let small: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(small, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!(count_primes(0..10_000), 1_229);
        assert_eq!(count_primes(0..100_000), 9_592);
    }

    #[test]
    fn chunks_cover_the_range_without_gaps() {
        for (limit, parts) in [(100_000, 4), (10, 3), (3, 5), (0, 2), (u64::MAX, 7)] {
            let chunks = chunks(limit, nz(parts));
            assert_eq!(chunks.len(), parts);
            assert_eq!(chunks[0].start, 0);
            assert_eq!(chunks[parts - 1].end, limit);
            for pair in chunks.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
        }
    }

    #[test]
    fn split_deals_round_robin() {
        assert_eq!(split(5, nz(2)), [vec![0, 2, 4], vec![1, 3]]);
        assert_eq!(split(2, nz(8)), [vec![0], vec![1]]);
        assert!(split(0, nz(3)).is_empty());
    }
}
