//! Cache lines: two counters that are never shared, but sit next to each other in memory,
//! against the same two counters padded apart with `crossbeam_utils::CachePadded`.

use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_utils::CachePadded;

// ANCHOR: layouts
/// Two counters side by side: 8 bytes apart, so almost always in one cache line.
#[derive(Debug, Default)]
pub struct Adjacent {
    pub counters: [AtomicU64; 2],
}

/// The same two counters, each padded and aligned to the length of a cache line (as
/// crossbeam assumes it for the target), so that no line ever holds both.
#[derive(Debug, Default)]
pub struct Padded {
    pub counters: [CachePadded<AtomicU64>; 2],
}
// ANCHOR_END: layouts

/// Either layout, as the two counters it holds.
pub trait TwoCounters: Sync {
    fn counter(&self, which: usize) -> &AtomicU64;
}

impl TwoCounters for Adjacent {
    fn counter(&self, which: usize) -> &AtomicU64 {
        &self.counters[which]
    }
}

impl TwoCounters for Padded {
    fn counter(&self, which: usize) -> &AtomicU64 {
        &self.counters[which]
    }
}

// ANCHOR: bump
/// Adds one to a counter `times` times. Each thread of the benchmark calls this on its own
/// counter: no value is shared, only (perhaps) the cache line it lives in.
pub fn bump(counter: &AtomicU64, times: u64) {
    for _ in 0..times {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: bump

/// How many bytes apart the two counters of a layout start.
pub fn distance(counters: &impl TwoCounters) -> usize {
    let address = |which| std::ptr::from_ref(counters.counter(which)).addr();
    address(1) - address(0)
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn adjacent_counters_are_one_word_apart_and_padded_ones_a_padding_apart() {
        assert_eq!(distance(&Adjacent::default()), 8);
        let padded = distance(&Padded::default());
        assert_eq!(padded, std::mem::align_of::<CachePadded<AtomicU64>>());
        assert!(padded >= 64, "{padded}");
    }

    #[test]
    fn two_threads_each_count_their_own() {
        for layout in [&Adjacent::default() as &dyn TwoCounters, &Padded::default()] {
            std::thread::scope(|scope| {
                scope.spawn(|| bump(layout.counter(0), 1000));
                scope.spawn(|| bump(layout.counter(1), 2000));
            });
            let counts = [0, 1].map(|i| layout.counter(i).load(Ordering::Relaxed));
            assert_eq!(counts, [1000, 2000]);
        }
    }
}
