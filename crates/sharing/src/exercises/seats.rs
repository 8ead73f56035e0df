//! Exercise: Seats that are never overbooked (medium)
//!
//! A noodle bar has a fixed number of seats, and groups of guests book them from many threads
//! at once. `book(group)` either seats the whole group and says how many seats are left, or,
//! if fewer than `group` seats are free, books nothing and says so. Two groups must never get
//! the same seats: the number of seats taken never exceeds the capacity, whatever the timing.
//!
//! `fetch_sub` alone cannot do this: it subtracts first and looks afterwards, so a group
//! that does not fit has already taken seats that another group may have needed in the
//! meantime (and on an unsigned counter it wraps around below zero). Do what the chapter's
//! `IdAllocator` does: read the free count, decide, and store the new count with
//! `compare_exchange` only if nobody changed it in between; if somebody did, decide again
//! with the value they left. (`fetch_update` writes the same loop for you; write it by hand
//! once.) A group of 0 is refused too: it is most likely a mistake by the caller.

use std::sync::atomic::{AtomicU32, Ordering};

/// Why a booking was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Fewer seats are free than the group needs; nothing was booked.
    NotEnough { free: u32 },
    /// A group of nobody.
    EmptyGroup,
}

/// Seats booked from any number of threads, never more than `capacity`.
#[derive(Debug)]
pub struct Seats {
    free: AtomicU32,
}

impl Seats {
    pub fn new(capacity: u32) -> Seats {
        Seats {
            free: AtomicU32::new(capacity),
        }
    }

    /// Books `group` seats at once, or none; on success, the seats left afterwards.
    pub fn book(&self, group: u32) -> Result<u32, Refused> {
        // solution: begin
        if group == 0 {
            return Err(Refused::EmptyGroup);
        }
        let mut free = self.free.load(Ordering::Relaxed);
        loop {
            let Some(left) = free.checked_sub(group) else {
                return Err(Refused::NotEnough { free });
            };
            match self
                .free
                .compare_exchange_weak(free, left, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Ok(left),
                Err(seen) => free = seen,
            }
        }
        // solution: end
    }

    /// The seats free right now (another thread may book them the next moment).
    pub fn free(&self) -> u32 {
        // solution: begin
        self.free.load(Ordering::Relaxed)
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_seated_until_they_no_longer_fit() {
        let seats = Seats::new(10);
        assert_eq!(seats.book(4), Ok(6));
        assert_eq!(seats.book(5), Ok(1));
        assert_eq!(seats.book(2), Err(Refused::NotEnough { free: 1 }));
        assert_eq!(seats.free(), 1);
        assert_eq!(seats.book(1), Ok(0));
        assert_eq!(seats.book(0), Err(Refused::EmptyGroup));
    }

    #[test]
    fn threads_booking_at_once_never_overbook() {
        const CAPACITY: u32 = 10_000;
        for _ in 0..20 {
            let seats = Seats::new(CAPACITY);
            // Four threads book groups of 3 until they are refused; then they report how many
            // seats they got.
            let taken: u32 = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..4)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut mine = 0;
                            while seats.book(3).is_ok() {
                                mine += 3;
                            }
                            mine
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).sum()
            });
            // 10,000 = 3 * 3,333 + 1: exactly one seat must be left over.
            assert_eq!(taken, 9_999, "seats given out");
            assert_eq!(seats.free(), 1);
        }
    }
}
