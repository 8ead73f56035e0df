//! Exercise: A ticket dispenser (easy)
//!
//! A noodle shop hands out numbered tickets: every customer gets the next number, and no two
//! customers ever get the same one, even when several threads hand out tickets at the same
//! time. Write the two methods of `Tickets`: `take` returns the next ticket (the first one is
//! 1, then 2, 3, ...), and `issued` says how many tickets have been handed out so far. Use the
//! `AtomicUsize` that `Tickets` holds.
//!
//! The chapter's `RacyCounter` shows the trap: reading the number and then writing it plus one
//! are two steps, and another thread can take a ticket in between, so two customers end up
//! with the same number. A correct answer does the read, the add and the write as one atomic
//! operation, which also tells it which number it got. With four threads taking 10,000 tickets
//! each, the 40,000 tickets are then exactly the numbers from 1 to 40,000, each one once.
//!
//! A `Mutex<usize>` would be correct too (lock, add one, read, unlock); the atomic does the same
//! without making any thread wait. Think about which `Ordering` a counter needs when it
//! publishes no other data (the chapter's `AtomicCounter` has the answer).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Hands out ticket numbers 1, 2, 3, ... to any number of threads, never the same one twice.
#[derive(Debug, Default)]
pub struct Tickets {
    /// How many tickets have been handed out.
    issued: AtomicUsize,
}

impl Tickets {
    /// Returns a ticket number that nobody else got: 1 for the first call, then 2, 3, ...
    pub fn take(&self) -> usize {
        // solution: begin
        // One indivisible read-add-write, which returns the value it replaced.
        self.issued.fetch_add(1, Ordering::Relaxed) + 1
        // solution: end
    }

    /// How many tickets have been handed out so far.
    pub fn issued(&self) -> usize {
        // solution: begin
        self.issued.load(Ordering::Relaxed)
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_start_at_one_and_count_up() {
        let tickets = Tickets::default();
        assert_eq!(tickets.issued(), 0);
        assert_eq!([tickets.take(), tickets.take(), tickets.take()], [1, 2, 3]);
        assert_eq!(tickets.issued(), 3);
    }

    #[test]
    fn threads_taking_tickets_at_once_never_get_the_same_number() {
        const THREADS: usize = 4;
        const EACH: usize = 10_000;
        let tickets = Tickets::default();
        // Each scoped thread keeps the numbers it got; a panic in one of them fails the test
        // when the scope ends.
        let mut all: Vec<usize> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|_| scope.spawn(|| (0..EACH).map(|_| tickets.take()).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| handle.join().expect("a ticket thread panicked"))
                .collect()
        });
        all.sort_unstable();
        let expected: Vec<usize> = (1..=THREADS * EACH).collect();
        assert!(
            all == expected,
            "some numbers were handed out twice or never"
        );
        assert_eq!(tickets.issued(), THREADS * EACH);
    }
}
