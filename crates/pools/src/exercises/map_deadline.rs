//! Exercise: One deadline for a whole map (hard)
//!
//! Write `map_within`: run `f` on every item on the hand-made `ThreadPool` and give each
//! item its outcome, in input order, but return within `limit` of the call whatever the jobs
//! do. `Some(outcome)` for a job that ended by then, `None` for one that did not. This is
//! Python's `executor.map(f, items, timeout=...)`, without the exception: what ended in time
//! is kept.
//!
//! Three traps make it the hard one:
//!
//! - The deadline is for the whole map: compute it once, `Instant::now() + limit`, and give
//!   each handle only the time left until it. Ten stuck jobs must not cost ten limits.
//! - After the deadline, a job may well have ended already: look anyway, with no time left
//!   (`wait_timeout(Duration::ZERO)` still takes an outcome that is there).
//! - `submit` waits while the pool's queue is full, and with stuck jobs on every worker it
//!   waits for ever. Queue with `try_submit` instead, and while the queue is full, sleep a
//!   little and try again until the deadline. `try_submit` drops a job it refuses, so keep
//!   the item to build the job again: that is why items are `Clone`. An item not queued by
//!   the deadline gets `None` and must never run (it would run for nobody, after the map
//!   returned), so do not queue anything once the deadline has passed.
//!
//! A correct answer returns outcomes in input order; returns as soon as every job has ended,
//! without sleeping out the limit; with stuck jobs, returns a little after `limit` (not
//! once per stuck job); and never hangs on a full queue.

use std::time::Duration;

use crate::handmade::{JobError, ThreadPool};
// solution: begin, skeleton:
use crate::handmade::QueueFull;
use std::sync::Arc;
use std::thread;
use std::time::Instant;
// solution: end

/// Runs `f` on every item on `pool` and returns, within about `limit`, each item's outcome in
/// input order: `None` for a job that had not ended (or was not even queued) by then.
pub fn map_within<A, F, T>(
    pool: &ThreadPool,
    items: &[A],
    f: F,
    limit: Duration,
) -> Vec<Option<Result<T, JobError>>>
where
    A: Clone + Send + 'static,
    F: Fn(A) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    // solution: begin
    let deadline = Instant::now() + limit;
    let f = Arc::new(f);
    let mut handles = Vec::with_capacity(items.len());
    for item in items {
        let mut nap = Duration::from_micros(200);
        let handle = loop {
            if Instant::now() >= deadline {
                break None; // too late to queue it: it would run for nobody
            }
            let (f, item) = (Arc::clone(&f), item.clone());
            match pool.try_submit(move || f(item)) {
                Ok(handle) => break Some(handle),
                Err(QueueFull) => {
                    thread::sleep(nap.min(deadline.saturating_duration_since(Instant::now())));
                    nap = (nap * 2).min(Duration::from_millis(5));
                }
            }
        };
        handles.push(handle);
    }
    handles
        .into_iter()
        .map(|handle| {
            // After the deadline this is a zero wait: an outcome already there is taken.
            let left = deadline.saturating_duration_since(Instant::now());
            handle?.wait_timeout(left).ok()
        })
        .collect()
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Condvar, Mutex, mpsc};
    use std::thread;
    use std::time::Instant;

    /// Runs `f` on a thread of its own and gives its value, or fails the test if it takes
    /// longer than `limit` (an answer that waits on a full queue must not hang the test
    /// run). A panic in `f` fails the test with `f`'s own message.
    fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (sender, receiver) = mpsc::channel();
        let runner = thread::spawn(move || {
            let _ = sender.send(f());
        });
        match receiver.recv_timeout(limit) {
            Ok(value) => value,
            Err(mpsc::RecvTimeoutError::Disconnected) => match runner.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("the runner sends before it ends"),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("no answer within {limit:?}"),
        }
    }

    /// What keeps a job stuck until the test opens it. It opens when dropped, so a failed
    /// test frees its stuck jobs too (and a stuck job gives up by itself after a minute).
    #[derive(Clone, Default)]
    struct Gate(Arc<(Mutex<bool>, Condvar)>);

    impl Gate {
        fn wait(&self) {
            let (open, changed) = &*self.0;
            let open = open.lock().unwrap();
            let _ = changed
                .wait_timeout_while(open, Duration::from_secs(60), |open| !*open)
                .unwrap();
        }

        fn open(&self) {
            let (open, changed) = &*self.0;
            *open.lock().unwrap() = true;
            changed.notify_all();
        }
    }

    /// Opens the gate when dropped, even when the test fails.
    struct Opener(Gate);

    impl Drop for Opener {
        fn drop(&mut self) {
            self.0.open();
        }
    }

    /// An item of the tests: a number to square, or a job that stays stuck at the gate.
    #[derive(Clone)]
    enum Item {
        Square(u64),
        Stuck(Gate),
    }

    fn run(item: Item) -> u64 {
        match item {
            Item::Square(n) => n * n,
            Item::Stuck(gate) => {
                gate.wait();
                0
            }
        }
    }

    fn values(outcomes: Vec<Option<Result<u64, JobError>>>) -> Vec<Option<u64>> {
        outcomes
            .into_iter()
            .map(|o| o.map(Result::unwrap))
            .collect()
    }

    #[test]
    fn every_outcome_in_order_and_no_waiting_for_the_limit() {
        let started = Instant::now();
        let outcomes = within(Duration::from_secs(20), || {
            let pool = ThreadPool::new(2, 2).unwrap();
            let items: Vec<Item> = (0..10).map(Item::Square).collect();
            map_within(&pool, &items, run, Duration::from_secs(60))
        });
        let squares: Vec<Option<u64>> = (0..10).map(|n| Some(n * n)).collect();
        assert_eq!(values(outcomes), squares);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "it waited for the limit although every job had ended"
        );
    }

    #[test]
    fn stuck_jobs_cost_one_limit_and_the_rest_is_kept() {
        let gate = Gate::default();
        let opener = Opener(gate.clone());
        // Four stuck jobs, each before a quick one: waiting `limit` per stuck job would take
        // four limits; and when a quick job is looked at, the deadline has passed, but its
        // outcome is there. The quick jobs must end within the limit: a second is far more
        // than they take, however busy the machine.
        let limit = Duration::from_secs(1);
        let mut items = Vec::new();
        for n in 1..=4 {
            items.push(Item::Stuck(gate.clone()));
            items.push(Item::Square(n));
        }
        let started = Instant::now();
        let outcomes = within(Duration::from_secs(20), move || {
            let pool = ThreadPool::new(6, 8).unwrap();
            let outcomes = map_within(&pool, &items, run, limit);
            drop(opener); // free the stuck jobs, so that dropping the pool can join them
            outcomes
        });
        let took = started.elapsed();
        assert_eq!(
            values(outcomes),
            [None, Some(1), None, Some(4), None, Some(9), None, Some(16)]
        );
        assert!(took >= limit, "returned after {took:?}, before the limit");
        assert!(
            took < limit * 3,
            "returned after {took:?}: one limit per stuck job?"
        );
    }

    #[test]
    fn a_full_queue_does_not_outlast_the_deadline() {
        let gate = Gate::default();
        let opener = Opener(gate.clone());
        let ran = Arc::new([(); 3].map(|_| AtomicBool::new(false)));
        let marks = Arc::clone(&ran);
        // One worker, stuck before the map begins, and room for one job in the queue: the
        // first item is queued at once, the other two find the queue full until the deadline.
        let items = vec![(0, 1), (1, 2), (2, 3)];
        let started = Instant::now();
        let outcomes = within(Duration::from_secs(10), move || {
            let pool = ThreadPool::new(1, 1).unwrap();
            let (is_stuck, stuck) = mpsc::channel();
            let blocker = pool.submit(move || {
                let _ = is_stuck.send(());
                gate.wait();
            });
            stuck.recv_timeout(Duration::from_secs(10)).unwrap();
            let outcomes = map_within(
                &pool,
                &items,
                move |(index, n): (usize, u64)| {
                    marks[index].store(true, Ordering::SeqCst);
                    n * n
                },
                Duration::from_millis(500),
            );
            drop(opener); // the stuck job ends, then the worker runs what was queued
            drop(pool); // waits for the worker: everything queued has run
            assert!(blocker.wait().is_ok());
            outcomes
        });
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(values(outcomes), [None, None, None]);
        let ran: Vec<bool> = ran.iter().map(|r| r.load(Ordering::SeqCst)).collect();
        assert_eq!(
            ran,
            [true, false, false],
            "the second and third items were never queued and must never run"
        );
    }
}
