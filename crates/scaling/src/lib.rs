//! Scale-up versus scale-out, measured.
//!
//! The lesson lists the trade-offs in words: a bigger box (scale-up) is simple but hits a
//! ceiling; more boxes (scale-out) grow further but have to talk to each other. This crate
//! puts numbers and code behind both:
//!
//! - Scale-up: the prime count on rayon pools of a chosen size ([`count_primes_on`]), the
//!   speedup and efficiency per pool size ([`laws::Run`]), and the laws that say how far that
//!   can go: Amdahl ([`laws::amdahl`]), fitted to measurements ([`laws::fit_serial_fraction`]),
//!   and Gustafson ([`laws::gustafson`]). [`bottleneck`] holds two jobs that do not scale up:
//!   one lock that every thread needs, and a sum that waits on memory, not on the cores;
//!   [`machine`] reads how big this machine's cache and memory are.
//! - Scale-out: the same count on timely dataflow ([`dataflow`]), an existing distributed
//!   engine, as one process with several worker threads or as several processes that find
//!   each other through a host file. [`cluster`] starts such processes on this machine
//!   (loopback only), gives them a deadline, and kills and reaps them when it passes.

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

use std::ops::Range;

use rayon::prelude::*;

pub mod bottleneck;
pub mod cluster;
pub mod dataflow;
pub mod exercises;
pub mod laws;
pub mod machine;

/// The range the benchmarks count primes in: the lesson's range (also the pools chapter's).
pub const BENCH_RANGE: Range<u64> = 1_000_000..1_200_000;

/// How many primes [`BENCH_RANGE`] holds.
pub const PRIMES_IN_BENCH_RANGE: u64 = 14_440;

// ANCHOR: is_prime
/// Whether `n` is prime, by trial division: slow on purpose, pure CPU work.
///
/// The pools chapter has the same function; this is a copy, not a dependency, so that this
/// crate can be copied out of the book and built on its own.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let root = n.isqrt();
    (3..=root).step_by(2).all(|i| !n.is_multiple_of(i))
}
// ANCHOR_END: is_prime

/// Counts the primes in `range`, one number after the other: the sequential answer that
/// every parallel version must match.
pub fn count_primes(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

/// Counts the primes in `range` with rayon, on whatever pool the caller runs in.
pub fn count_primes_par(range: Range<u64>) -> u64 {
    range.into_par_iter().filter(|&n| is_prime(n)).count() as u64
}

// ANCHOR: sized_pool
/// A rayon pool of exactly `threads` threads (rayon's global pool has one per core, and
/// cannot be resized: to measure 1, 2, 3... threads, each size gets its own pool).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("pool-{i}"))
        .build()
}

/// Counts the primes in `range` on `pool`.
pub fn count_primes_on(pool: &rayon::ThreadPool, range: Range<u64>) -> u64 {
    pool.install(|| count_primes_par(range))
}
// ANCHOR_END: sized_pool

/// The number of cores this process may use (1 when the system will not say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_primes() {
        let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert!(!is_prime(1_000_001)); // 101 * 9901
        assert!(is_prime(999_983));
    }

    #[test]
    fn known_counts() {
        assert_eq!(count_primes(0..100_000), 9_592);
        assert_eq!(count_primes(BENCH_RANGE), PRIMES_IN_BENCH_RANGE);
    }

    #[test]
    fn every_pool_size_gives_the_sequential_count() {
        let sequential = count_primes(0..50_000);
        for threads in 1..=5 {
            let pool = pool(threads).unwrap();
            assert_eq!(pool.current_num_threads(), threads);
            assert_eq!(count_primes_on(&pool, 0..50_000), sequential, "{threads}");
        }
    }
}
