//! Pools: a few workers, started once, that take jobs from a queue.
//!
//! Python's `concurrent.futures` and `multiprocessing.Pool` have Rust twins here:
//!
//! - [`handmade::ThreadPool`]: a small fixed pool of threads fed by a bounded channel (the
//!   queue), written out in full to show how a pool works inside. [`handmade::ThreadPool::submit`]
//!   returns a [`handmade::JobHandle`], the twin of a `Future`: wait for it and get the job's
//!   value, or the job's panic as an error. Dropping the pool shuts it down cleanly, like
//!   leaving a `with ThreadPoolExecutor() as executor:` block.
//! - [`process::ProcessPool`]: worker *processes* (this same program started again in a
//!   worker role), fed over pipes with a framed protocol (a task id and a length on every
//!   message), a few tasks per worker. A worker that dies is replaced and its task tried
//!   once more; a task that kills two workers is reported as a poison; no other task is lost,
//!   and a running `map` can be cancelled.
//! - The real thing for threads is rayon ([`count_primes_rayon`]); tokio has its own pool for
//!   blocking work (`spawn_blocking`, shown in the examples).
//!
//! The work is the lesson's: [`is_prime`] by trial division, counted over a range with each
//! pool ([`count_primes`], [`count_primes_rayon`], [`handmade::count_primes`],
//! [`process::count_primes`]).

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

use std::ops::Range;

use rayon::prelude::*;

pub mod exercises;
pub mod handmade;
pub mod process;

/// The range the benchmarks count primes in (and the Python twin by default).
pub const BENCH_RANGE: Range<u64> = 1_000_000..1_200_000;

/// How many primes [`BENCH_RANGE`] holds.
pub const PRIMES_IN_BENCH_RANGE: u64 = 14_440;

// Copied on purpose: crates/scaling has this same function, and multitasking and async_io a
// trial division of their own. A chapter crate depends on no other, so that each one can be
// copied out alone as a starter (`cargo xtask starter`).
// ANCHOR: is_prime
/// Whether `n` is prime, by trial division: the lesson's function, line for line.
///
/// ```python
/// def is_prime(n):
///     if n < 2: return False
///     if n == 2: return True
///     if n % 2 == 0: return False
///     for i in range(3, math.isqrt(n) + 1, 2):
///         if n % i == 0: return False
///     return True
/// ```
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

// ANCHOR: count
/// Counts the primes in `range`, one number after the other.
pub fn count_primes(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

/// Counts the primes in `range` on rayon's global pool (one thread per core).
///
/// The only change from [`count_primes`] is `into_par_iter`: rayon splits the range between
/// its threads and adds up their counts.
pub fn count_primes_rayon(range: Range<u64>) -> u64 {
    range.into_par_iter().filter(|&n| is_prime(n)).count() as u64
}
// ANCHOR_END: count

/// Counts the primes in `range` on rayon's global pool, one task per `chunk` numbers: the
/// chunk-size knob (Python's `chunksize`). [`count_primes_rayon`] lets rayon choose.
pub fn count_primes_rayon_chunks(range: Range<u64>, chunk: u64) -> u64 {
    chunks(range, chunk).into_par_iter().map(count_primes).sum()
}

/// Cuts `range` into consecutive pieces of `size` numbers (the last may be shorter).
///
/// A `size` of 0 is taken as 1.
pub fn chunks(range: Range<u64>, size: u64) -> Vec<Range<u64>> {
    let size = size.max(1);
    let mut pieces = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let end = range.end.min(start.saturating_add(size));
        pieces.push(start..end);
        start = end;
    }
    pieces
}

/// The number of threads the machine can run at once (1 if it cannot tell).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_prime_agrees_with_a_list_of_small_primes() {
        let small: Vec<u64> = (0..60).filter(|&n| is_prime(n)).collect();
        assert_eq!(
            small,
            [
                2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59
            ]
        );
    }

    #[test]
    fn is_prime_handles_squares_of_primes_and_large_numbers() {
        // The square root itself must be tried, or 9, 25 and 49 would pass as primes.
        for square in [9, 25, 49, 121, 1_000_003 * 1_000_003] {
            assert!(!is_prime(square), "{square}");
        }
        assert!(is_prime(1_000_003));
        assert!(is_prime(u64::from(u32::MAX) - 4)); // 4294967291, the largest 32-bit prime
    }

    #[test]
    fn every_way_of_counting_gives_the_same_count() {
        let range = 1_000_000..1_020_000;
        let expected = count_primes(range.clone());
        assert_eq!(expected, 1_472);
        assert_eq!(count_primes_rayon(range.clone()), expected);
        for chunk in [0, 1, 100, 7_000, 50_000] {
            assert_eq!(count_primes_rayon_chunks(range.clone(), chunk), expected);
        }
    }

    #[test]
    fn the_bench_range_holds_the_known_number_of_primes() {
        assert_eq!(count_primes_rayon(BENCH_RANGE), PRIMES_IN_BENCH_RANGE);
    }

    #[test]
    fn chunks_cover_the_range_once_in_order() {
        assert_eq!(chunks(10..35, 10), [10..20, 20..30, 30..35]);
        assert_eq!(chunks(10..30, 10), [10..20, 20..30]);
        assert_eq!(chunks(5..5, 10), Vec::<Range<u64>>::new());
        assert_eq!(chunks(0..3, 0), [0..1, 1..2, 2..3]);
        let near_the_end = chunks(u64::MAX - 1..u64::MAX, 10);
        assert_eq!(near_the_end.len(), 1);
        assert_eq!(near_the_end[0], u64::MAX - 1..u64::MAX);
    }
}
