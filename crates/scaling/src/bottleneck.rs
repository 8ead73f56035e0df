//! Jobs that do not scale up: more threads, same (or worse) time.
//!
//! - [`one_lock`]: every addition needs the one lock. Only one thread holds it at a time, so
//!   the additions run one after the other however many threads there are, and the threads
//!   now also fight over the lock: its cache line travels from core to core, and a thread that
//!   finds it taken may sleep in the kernel. [`own_counters`] is the same work without sharing.
//! - [`sum_on`]: adding up a large array does one addition per 8 bytes read. The cores wait
//!   for memory, and how much a second core helps depends on the memory system: how many
//!   misses one core can have in flight, and how many channels the cores share.
//!
//! Every function returns its exact result, so the tests (and the examples) can check it.

use std::hint::black_box;
use std::sync::{Mutex, PoisonError};
use std::thread;

use rayon::prelude::*;

/// Thread `index`'s share of `total` items split over `threads`: the first `total % threads`
/// threads get one more.
pub fn share(total: u64, threads: usize, index: usize) -> u64 {
    let threads = threads as u64;
    let index = index as u64;
    total / threads + u64::from(index < total % threads)
}

// ANCHOR: one_lock
/// `threads` threads add 1 to one shared counter, `total` times in all, each addition under
/// the one lock. Returns the counter: always `total`.
pub fn one_lock(threads: usize, total: u64) -> u64 {
    let counter = Mutex::new(0u64);
    thread::scope(|s| {
        for index in 0..threads {
            let counter = &counter;
            s.spawn(move || {
                for _ in 0..share(total, threads, index) {
                    *counter.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: one_lock

/// The same additions as [`one_lock`], but each thread counts on its own and the counts are
/// added up at the end: nothing is shared while the threads work.
pub fn own_counters(threads: usize, total: u64) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|index| {
                s.spawn(move || {
                    let mut mine = 0u64;
                    for _ in 0..share(total, threads, index) {
                        // black_box: without it the compiler turns the loop into one addition.
                        mine = black_box(mine) + 1;
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    })
}

/// `0, 1, 2, ...`: `len` numbers, `8 * len` bytes.
pub fn big_array(len: usize) -> Vec<u64> {
    (0..len as u64).collect()
}

// ANCHOR: sum_on
/// Adds up `data` on `pool`: one addition per number read from memory.
pub fn sum_on(pool: &rayon::ThreadPool, data: &[u64]) -> u64 {
    pool.install(|| data.par_iter().sum())
}
// ANCHOR_END: sum_on

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        for threads in 1..=7 {
            let total: u64 = (0..threads).map(|i| share(100, threads, i)).sum();
            assert_eq!(total, 100, "{threads}");
        }
        assert_eq!(share(10, 4, 0), 3);
        assert_eq!(share(10, 4, 3), 2);
    }

    #[test]
    fn no_addition_is_lost() {
        for threads in 1..=4 {
            assert_eq!(one_lock(threads, 10_001), 10_001);
            assert_eq!(own_counters(threads, 10_001), 10_001);
        }
    }

    #[test]
    fn sums_are_exact() {
        let data = big_array(100_000);
        for threads in 1..=3 {
            let pool = crate::pool(threads).unwrap();
            assert_eq!(sum_on(&pool, &data), 100_000 * 99_999 / 2);
        }
    }
}
