//! Exercise: Keep the order, bound the jobs in flight (medium)
//!
//! Write `par_map_window`: run `f` on every item on the hand-made `ThreadPool` and return
//! the outcomes in the order of `items`, like `ThreadPool::map`, but never have more than
//! `window` jobs submitted and not yet collected. `ThreadPool::map` submits every item
//! before it waits for the first: for a million items that is a million boxed jobs and a
//! million handles at once. With a window, memory stays bounded however long the input is,
//! and the input can be an iterator that produces items as they are needed.
//!
//! Keep the handles in submission order (a `VecDeque` is a good fit). Before submitting a
//! new item when `window` handles are waiting, wait for the oldest one and store its
//! outcome; at the end, wait for the rest, oldest first. A `window` of 0 counts as 1.
//!
//! A correct answer:
//! - returns one outcome per item, in input order, whatever order the jobs end in; a job
//!   that panics gives `Err(JobError::Panicked(..))` in its place and the others go on;
//! - never has more than `window` jobs running at the same time, even on a pool with more
//!   threads;
//! - still runs up to `window` jobs side by side: a window of 2 on a pool of 2 threads runs
//!   two jobs at once.

use crate::handmade::{JobError, ThreadPool};
// solution: begin, skeleton:
use crate::handmade::JobHandle;
use std::collections::VecDeque;
use std::sync::Arc;
// solution: end

/// Runs `f` on every item on `pool`, at most `window` jobs (0 counts as 1) submitted and not
/// yet collected, and returns the outcomes in the order of `items`.
pub fn par_map_window<I, F, T>(
    pool: &ThreadPool,
    items: I,
    window: usize,
    f: F,
) -> Vec<Result<T, JobError>>
where
    I: IntoIterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    // solution: begin
    let window = window.max(1);
    let f = Arc::new(f);
    let mut waiting: VecDeque<JobHandle<T>> = VecDeque::with_capacity(window);
    let mut outcomes = Vec::new();
    for item in items {
        if waiting.len() == window
            && let Some(oldest) = waiting.pop_front()
        {
            outcomes.push(oldest.wait());
        }
        let f = Arc::clone(&f);
        waiting.push_back(pool.submit(move || f(item)));
    }
    outcomes.extend(waiting.into_iter().map(JobHandle::wait));
    outcomes
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, mpsc};
    use std::thread;
    use std::time::{Duration, Instant};

    /// Runs `f` on a thread of its own and gives its value, or fails the test if it takes
    /// longer than `limit` (an answer that waits for a job that never comes must not hang
    /// the test run). A panic in `f` fails the test with `f`'s own message.
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

    /// How many jobs run at once: each job calls `enter` first and `leave` last.
    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        most: AtomicUsize,
    }

    impl Gauge {
        fn enter(&self) {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
        }

        fn leave(&self) {
            self.now.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn outcomes_come_in_input_order() {
        let outcomes = within(Duration::from_secs(20), || {
            let pool = ThreadPool::new(4, 8).unwrap();
            // Later items sleep less, so they tend to end first.
            par_map_window(&pool, 0..8u64, 4, |i| {
                thread::sleep(Duration::from_millis((8 - i) * 3));
                assert!(i != 5, "item 5 fails");
                i * 10
            })
        });
        assert_eq!(outcomes.len(), 8);
        for (i, outcome) in outcomes.into_iter().enumerate() {
            match outcome {
                Ok(value) => assert_eq!(value, i as u64 * 10, "item {i}"),
                Err(JobError::Panicked(message)) => {
                    assert_eq!(i, 5, "only item 5 panics");
                    assert!(message.contains("item 5 fails"), "{message}");
                }
                Err(other) => panic!("item {i}: {other}"),
            }
        }
    }

    #[test]
    fn never_more_than_the_window_at_once() {
        for (window, most_allowed) in [(2, 2), (0, 1)] {
            let gauge = Arc::new(Gauge::default());
            let in_jobs = Arc::clone(&gauge);
            let outcomes = within(Duration::from_secs(20), move || {
                let pool = ThreadPool::new(4, 16).unwrap();
                par_map_window(&pool, 0..12u64, window, move |i| {
                    in_jobs.enter();
                    thread::sleep(Duration::from_millis(5));
                    in_jobs.leave();
                    i + 1
                })
            });
            let values: Vec<u64> = outcomes.into_iter().map(Result::unwrap).collect();
            assert_eq!(values, (1..=12).collect::<Vec<_>>(), "window {window}");
            let most = gauge.most.load(Ordering::SeqCst);
            assert!(
                most <= most_allowed,
                "window {window}: {most} jobs ran at once"
            );
        }
    }

    #[test]
    fn the_window_lets_jobs_run_side_by_side() {
        // Each job waits until both are running: only two jobs running at the same time both
        // see it. The ten seconds are a way out for an answer that runs them one at a time
        // (side by side, they meet at once, however busy the machine is).
        let gauge = Arc::new(Gauge::default());
        let in_jobs = Arc::clone(&gauge);
        let outcomes = within(Duration::from_secs(20), move || {
            let pool = ThreadPool::new(2, 2).unwrap();
            par_map_window(&pool, 0..2u64, 2, move |_| {
                in_jobs.enter();
                let give_up = Instant::now() + Duration::from_secs(10);
                while in_jobs.most.load(Ordering::SeqCst) < 2 && Instant::now() < give_up {
                    thread::sleep(Duration::from_millis(1));
                }
                in_jobs.most.load(Ordering::SeqCst) >= 2
            })
        });
        let met: Vec<bool> = outcomes.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            met,
            [true, true],
            "the two jobs did not run at the same time"
        );
    }
}
