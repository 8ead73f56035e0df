//! Atomics beyond a flag: handing out ids to many threads. `fetch_add` does it in one step
//! but wraps around at the top; a `compare_exchange` loop can look at the value first and
//! refuse to go past the end.

use crate::sync::{AtomicU32, Ordering};

/// No ids are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted;

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no ids left")
    }
}

impl std::error::Error for Exhausted {}

// ANCHOR: allocator
/// Hands out ids `first, first + 1, ...` up to `u32::MAX - 1`, each one once, to any number
/// of threads, and then refuses. (`u32::MAX` itself stays unused: it marks "none left".)
#[derive(Debug)]
pub struct IdAllocator {
    next: AtomicU32,
}

impl IdAllocator {
    pub fn starting_at(first: u32) -> IdAllocator {
        IdAllocator {
            next: AtomicU32::new(first),
        }
    }

    pub fn allocate(&self) -> Result<u32, Exhausted> {
        // Relaxed everywhere: the id is the only thing handed over, and the atomic's own
        // order of modifications already makes every id unique.
        let mut current = self.next.load(Ordering::Relaxed);
        loop {
            let Some(after) = current.checked_add(1) else {
                return Err(Exhausted);
            };
            // Store `after` only if `next` still holds `current`; otherwise another thread
            // got there first, and we try again from the value it left.
            match self.next.compare_exchange_weak(
                current,
                after,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(current),
                Err(seen) => current = seen,
            }
        }
    }
}
// ANCHOR_END: allocator

// ANCHOR: wrapping
/// The one-step version: never loses an id, but after `u32::MAX` it hands out 0 again.
#[derive(Debug)]
pub struct WrappingIds {
    next: AtomicU32,
}

impl WrappingIds {
    pub fn starting_at(first: u32) -> WrappingIds {
        WrappingIds {
            next: AtomicU32::new(first),
        }
    }

    pub fn allocate(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}
// ANCHOR_END: wrapping

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn ids_count_up_then_run_out_instead_of_wrapping() {
        let ids = IdAllocator::starting_at(u32::MAX - 3);
        let got: Vec<_> = (0..5).map(|_| ids.allocate()).collect();
        assert_eq!(
            got,
            [
                Ok(u32::MAX - 3),
                Ok(u32::MAX - 2),
                Ok(u32::MAX - 1),
                Err(Exhausted),
                Err(Exhausted)
            ]
        );
    }

    #[test]
    fn fetch_add_wraps_around_to_zero() {
        let ids = WrappingIds::starting_at(u32::MAX - 1);
        let got: Vec<_> = (0..3).map(|_| ids.allocate()).collect();
        assert_eq!(got, [u32::MAX - 1, u32::MAX, 0]);
    }

    #[test]
    fn threads_racing_for_the_last_ids_get_each_one_once() {
        let ids = IdAllocator::starting_at(u32::MAX - 40_001);
        let mut got: Vec<u32> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        (0..20_000)
                            .filter_map(|_| ids.allocate().ok())
                            .collect::<Vec<u32>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect::<Vec<u32>>()
        });
        got.sort_unstable();
        let expected: Vec<u32> = (u32::MAX - 40_001..u32::MAX).collect();
        assert!(
            got == expected,
            "{} ids, not the 40,001 expected",
            got.len()
        );
    }
}
