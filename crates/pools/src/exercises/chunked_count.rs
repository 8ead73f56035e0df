//! Exercise: Count in chunks with rayon (easy)
//!
//! Write `count_matching`: how many of `items` pass `test`, counted in parallel on rayon's
//! global pool, `chunk` items per task. Cut the slice into pieces of `chunk` items with
//! rayon's `par_chunks`, count each piece with an ordinary sequential loop (rayon never splits a
//! piece: one thread counts it from start to end), and add up the counts. This is the
//! chapter's chunk-size knob, Python's `chunksize`, on a slice.
//!
//! A correct answer:
//! - gives the same count as a sequential loop, whatever the chunk size, also for a chunk
//!   larger than the slice, and 0 for an empty slice;
//! - takes a `chunk` of 0 as 1 (`par_chunks` panics on 0);
//! - calls `test` once per item, and always on one of rayon's worker threads, never on the
//!   caller's: called from outside the pool, a parallel iterator hands its work to the pool
//!   and waits.

// solution: begin, skeleton:
use rayon::prelude::*;
// solution: end

/// Counts the items that pass `test`, in parallel, `chunk` items per task (0 counts as 1).
pub fn count_matching<T, F>(items: &[T], chunk: usize, test: F) -> usize
where
    T: Sync,
    F: Fn(&T) -> bool + Sync,
{
    // solution: begin
    items
        .par_chunks(chunk.max(1))
        .map(|piece| piece.iter().filter(|item| test(item)).count())
        .sum()
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::is_prime;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn counts_like_a_sequential_loop_for_any_chunk_size() {
        let numbers: Vec<u64> = (1_000_000..1_020_000).collect();
        // The chapter's count for this range.
        for chunk in [1, 7, 1_000, 20_000, 50_000] {
            assert_eq!(
                count_matching(&numbers, chunk, |&n| is_prime(n)),
                1_472,
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn a_chunk_of_zero_counts_as_one_and_an_empty_slice_has_none() {
        let numbers: Vec<u64> = (0..100).collect();
        assert_eq!(count_matching(&numbers, 0, |&n| is_prime(n)), 25);
        assert_eq!(count_matching(&[] as &[u64], 10, |&n| is_prime(n)), 0);
        assert_eq!(count_matching(&[] as &[u64], 0, |&n| is_prime(n)), 0);
    }

    #[test]
    fn every_item_is_tested_once_on_a_rayon_thread() {
        let numbers: Vec<u64> = (0..10_000).collect();
        let calls = AtomicUsize::new(0);
        let outside = AtomicUsize::new(0);
        let even = count_matching(&numbers, 100, |&n| {
            calls.fetch_add(1, Ordering::Relaxed);
            // `None` when the calling thread is not one of rayon's.
            if rayon::current_thread_index().is_none() {
                outside.fetch_add(1, Ordering::Relaxed);
            }
            n % 2 == 0
        });
        assert_eq!(even, 5_000);
        assert_eq!(calls.into_inner(), numbers.len(), "one call per item");
        assert_eq!(outside.into_inner(), 0, "calls outside rayon's pool");
    }
}
