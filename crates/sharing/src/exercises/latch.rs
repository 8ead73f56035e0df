//! Exercise: A countdown latch (hard)
//!
//! A kitchen waits until all its cooks have arrived before it opens: each cook calls
//! `arrive()` once, and the manager calls `wait(patience)`, which returns `true` as soon as
//! the count has reached zero, or `false` if it has not within `patience`. Several threads may
//! wait at once, and all of them must wake when the last cook arrives. Arrivals after zero
//! change nothing.
//!
//! Build it from the chapter's tools: the count behind a `Mutex`, and a `Condvar` that the
//! last arrival uses to wake every waiter (`notify_all`: `notify_one` would wake only one).
//! The wait is the part to get right. `Condvar::wait_timeout` can return before anything
//! happened (a spurious wake-up), and it can return after the deadline with the count at zero
//! (the last cook arrived at the final moment): check the count, not the reason for waking,
//! and keep waiting in a `while` loop for the time that is left, not the whole `patience`
//! again. A waiter that starts after the count reached zero returns `true` at once.
//!
//! (`std::sync::Barrier` is a relative that resets itself and has no timeout; this latch is
//! what Java calls a `CountDownLatch`.)

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Opens once `count` arrivals have happened.
#[derive(Debug)]
pub struct Latch {
    left: Mutex<usize>,
    opened: Condvar,
}

impl Latch {
    pub fn new(count: usize) -> Latch {
        Latch {
            left: Mutex::new(count),
            opened: Condvar::new(),
        }
    }

    /// One arrival; the last one wakes every waiter.
    pub fn arrive(&self) {
        // solution: begin
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        if *left > 0 {
            *left -= 1;
            if *left == 0 {
                self.opened.notify_all();
            }
        }
        // solution: end
    }

    /// Waits until every arrival happened (`true`) or `patience` ran out first (`false`).
    pub fn wait(&self, patience: Duration) -> bool {
        // solution: begin
        let deadline = Instant::now() + patience;
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        while *left > 0 {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            left = match self.opened.wait_timeout(left, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn a_latch_at_zero_is_open_at_once() {
        assert!(Latch::new(0).wait(Duration::ZERO));
        let latch = Latch::new(2);
        latch.arrive();
        latch.arrive();
        latch.arrive(); // one too many changes nothing
        assert!(latch.wait(Duration::ZERO));
    }

    #[test]
    fn without_every_arrival_the_wait_times_out() {
        let latch = Latch::new(2);
        latch.arrive();
        let started = Instant::now();
        assert!(!latch.wait(Duration::from_millis(50)));
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn every_waiter_wakes_when_the_last_cook_arrives() {
        let latch = Latch::new(3);
        let (done, woke) = mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..3 {
                let done = done.clone();
                let latch = &latch;
                scope.spawn(move || done.send(latch.wait(LONG)).unwrap());
            }
            // Only the waiters hold senders now: if they all die, `recv` says so at once.
            drop(done);
            for _ in 0..3 {
                scope.spawn(|| latch.arrive());
            }
            // Each waiter answers long before its own deadline; a waiter that was not woken
            // fails the test here instead of making it wait a minute.
            for _ in 0..3 {
                let answer = woke.recv_timeout(Duration::from_secs(10));
                assert_eq!(answer, Ok(true));
            }
        });
    }

    #[test]
    fn a_waiter_that_came_first_is_opened_by_the_last_arrival() {
        // The waiter is already waiting when the arrivals come, slowly: only the last one
        // may open the latch.
        let latch = Latch::new(2);
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| latch.wait(LONG));
            std::thread::sleep(Duration::from_millis(20));
            latch.arrive();
            std::thread::sleep(Duration::from_millis(20));
            latch.arrive();
            assert!(waiter.join().unwrap());
        });
    }
}
