//! Threads: the lesson's `Delivery` and `RetrieveDish` jobs on their own threads, a worker
//! that loops until it is told to stop, data shared between threads, and shared counters.
//!
//! The synchronisation (the stop flag, the stop signal and the counters) is written against
//! `std::sync` normally and against `loom::sync` when the crate is built with its feature
//! `loom`: `tests/loom.rs` then model-checks this very code, in every interleaving its
//! threads can take.

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

pub mod exercises;

use std::sync::PoisonError;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

// ANCHOR: sync_imports
// With the feature `loom` the same names come from loom, which records every access so that its
// model checker can replay all the orders in which the threads may touch them.
#[cfg(feature = "loom")]
use loom::sync::{
    Arc, Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU64, Ordering},
};
#[cfg(not(feature = "loom"))]
use std::sync::{
    Arc, Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU64, Ordering},
};
// ANCHOR_END: sync_imports

// ANCHOR: lock
/// Locks `mutex`, ignoring poisoning: every critical section in this crate leaves the data
/// valid even if a thread panics (none of them can panic while holding the lock anyway).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: lock

// ANCHOR: job
/// Something a thread can run: the Rust counterpart of a Python `Thread` subclass that
/// overrides `run`.
pub trait Job: Send + 'static {
    /// The thread's body.
    fn run(&mut self);
}

/// Starts `job` on a new thread called `name`, like Python's `Thread.start()` calling `run`.
/// Joining the handle gives the job back, with whatever it recorded while running.
pub fn start<J: Job>(name: &str, mut job: J) -> std::io::Result<JoinHandle<J>> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            job.run();
            job
        })
}
// ANCHOR_END: job

// ANCHOR: stop_trait
/// How a worker is told to stop, and how it rests between two rounds of work.
pub trait Stop: Send + Sync {
    /// Asks the worker to stop (any thread may call it, any number of times).
    fn stop(&self);
    /// Whether `stop` has been called.
    fn is_stopped(&self) -> bool;
    /// Rests for `interval`, or less if this kind of stop can cut the rest short.
    fn rest(&self, interval: Duration);
}

/// The lesson's worker: `while not Stopped: work; sleep`. Returns the rounds it did.
pub fn work_until_stopped(stop: &impl Stop, interval: Duration, mut round: impl FnMut()) -> u64 {
    let mut rounds = 0;
    while !stop.is_stopped() {
        round();
        rounds += 1;
        stop.rest(interval);
    }
    rounds
}
// ANCHOR_END: stop_trait

// ANCHOR: stop_flag
/// The lesson's global `Stopped`, done safely: a shared atomic boolean.
/// The worker only looks at it between rounds, so it finishes its sleep first.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl Stop for StopFlag {
    fn stop(&self) {
        // Release: whatever this thread wrote before stopping is visible to a worker
        // that sees the flag with Acquire.
        self.0.store(true, Ordering::Release);
    }

    fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn rest(&self, interval: Duration) {
        nap(interval);
    }
}
// ANCHOR_END: stop_flag

/// A plain sleep; under loom, which has no clock, a yield that lets the other threads run.
#[cfg(not(feature = "loom"))]
fn nap(interval: Duration) {
    std::thread::sleep(interval);
}

#[cfg(feature = "loom")]
fn nap(_interval: Duration) {
    loom::thread::yield_now();
}

// ANCHOR: stop_signal
/// A stop the worker hears even while resting: a flag behind a mutex, and a condition
/// variable that wakes the resting worker when the flag is set.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<(Mutex<bool>, Condvar)>);

impl Stop for StopSignal {
    fn stop(&self) {
        let (stopped, wake) = &*self.0;
        // Set the flag under the lock, then wake the sleeper: a worker that checked the flag
        // and is about to wait still holds the lock, so it cannot miss this.
        *lock(stopped) = true;
        wake.notify_all();
    }

    fn is_stopped(&self) -> bool {
        *lock(&self.0.0)
    }

    fn rest(&self, interval: Duration) {
        let (stopped, wake) = &*self.0;
        let deadline = Instant::now() + interval;
        let mut is_stopped = lock(stopped);
        // A loop, because a condition variable may wake up spuriously.
        while !*is_stopped {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            // Releases the lock while waiting and takes it back before returning.
            is_stopped = match wake.wait_timeout(is_stopped, left) {
                Ok((guard, _timed_out)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}
// ANCHOR_END: stop_signal

// ANCHOR: stop_channel
/// The same worker driven by a channel: a message, or every sender dropped, means stop;
/// `recv_timeout` doubles as the rest between rounds. It always does a first round.
pub fn work_until_message(stop: &Receiver<()>, interval: Duration, mut round: impl FnMut()) -> u64 {
    let mut rounds = 0;
    loop {
        round();
        rounds += 1;
        match stop.recv_timeout(interval) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return rounds,
        }
    }
}
// ANCHOR_END: stop_channel

// ANCHOR: counters
/// A counter several threads increment at once.
pub trait Counter: Send + Sync {
    /// Adds one.
    fn increment(&self);
    /// The count so far.
    fn get(&self) -> u64;
}

/// A number behind a lock: one thread at a time reads, adds and writes it.
#[derive(Debug, Default)]
pub struct MutexCounter(Mutex<u64>);

impl Counter for MutexCounter {
    fn increment(&self) {
        *lock(&self.0) += 1;
    }

    fn get(&self) -> u64 {
        *lock(&self.0)
    }
}

/// An atomic number: the processor does the read-add-write as one indivisible step.
#[derive(Debug, Default)]
pub struct AtomicCounter(AtomicU64);

impl Counter for AtomicCounter {
    fn increment(&self) {
        // Relaxed is enough: the count publishes no other data, and `join` makes every
        // increment visible to whoever reads the total afterwards.
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The wrong way: an atomic read, then an atomic write. Each step is safe, but another
/// thread can increment in between, and then one of the two increments is lost.
#[derive(Debug, Default)]
pub struct RacyCounter(AtomicU64);

impl Counter for RacyCounter {
    fn increment(&self) {
        let seen = self.0.load(Ordering::Relaxed);
        self.0.store(seen + 1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: counters

// ANCHOR: scoped
/// Sums `data` on `threads` scoped threads, each borrowing one slice of it: no `Arc`, no
/// copy, because the scope joins every thread before `data` can go away.
pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
    let chunk = data.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(join_or_resume).sum()
    })
}

/// Doubles every number of `data` in place, each of `threads` scoped threads borrowing its own
/// `&mut` slice: the borrow checker knows the slices do not overlap.
pub fn double_in_place(data: &mut [u64], threads: usize) {
    let chunk = data.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for part in data.chunks_mut(chunk) {
            scope.spawn(move || part.iter_mut().for_each(|n| *n *= 2));
        }
    });
}
// ANCHOR_END: scoped

/// Joins a scoped thread, passing its panic (if any) on to the caller.
fn join_or_resume<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

/// The message a panicking thread left, as `join` hands it back (`panic!` with a literal
/// gives a `&str`, with formatting a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "<not a string>"
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::sync::mpsc;

    struct Recorder(Vec<String>);

    impl Job for Recorder {
        fn run(&mut self) {
            let name = std::thread::current().name().map(str::to_owned);
            self.0.push(name.unwrap_or_default());
        }
    }

    #[test]
    fn start_runs_the_job_on_a_named_thread_and_gives_it_back() {
        let job = start("recorder", Recorder(Vec::new()))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(job.0, ["recorder"]);
    }

    #[test]
    fn a_stopped_worker_does_no_round() {
        for stop in [&StopFlag::default() as &dyn StopDyn, &StopSignal::default()] {
            stop.stop_dyn();
            assert_eq!(stop.work(), 0);
        }
    }

    // A small object-safe wrapper so both kinds of stop go through one test loop.
    trait StopDyn {
        fn stop_dyn(&self);
        fn work(&self) -> u64;
    }

    impl<S: Stop> StopDyn for S {
        fn stop_dyn(&self) {
            self.stop();
        }
        fn work(&self) -> u64 {
            work_until_stopped(self, Duration::from_secs(60), || {})
        }
    }

    #[test]
    fn the_worker_stops_after_the_round_that_asked_for_it() {
        let stop = StopSignal::default();
        let mut rounds_seen = 0;
        let rounds = work_until_stopped(&stop, Duration::ZERO, || {
            rounds_seen += 1;
            if rounds_seen == 3 {
                stop.stop();
            }
        });
        assert_eq!(rounds, 3);
    }

    #[test]
    fn a_stop_signal_cuts_a_long_rest_short() {
        let stop = StopSignal::default();
        let (done, finished) = mpsc::channel();
        {
            let stop = stop.clone();
            // An hour-long rest: only `stop` waking the worker can end it in time.
            std::thread::spawn(move || {
                let rounds = work_until_stopped(&stop, Duration::from_secs(3600), || {});
                done.send(rounds).unwrap();
            });
        }
        stop.stop();
        // A generous deadline, so the test fails instead of hanging if the wake-up is lost.
        let rounds = finished.recv_timeout(Duration::from_secs(30));
        assert!(matches!(rounds, Ok(0 | 1)), "{rounds:?}");
    }

    #[test]
    fn the_channel_worker_stops_on_a_message_or_a_dropped_sender() {
        let (tx, rx) = mpsc::channel();
        tx.send(()).unwrap();
        assert_eq!(work_until_message(&rx, Duration::from_secs(3600), || {}), 1);
        drop(tx);
        assert_eq!(work_until_message(&rx, Duration::from_secs(3600), || {}), 1);
    }

    fn count_on_threads(counter: &dyn Counter, threads: usize, each: u64) -> u64 {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| (0..each).for_each(|_| counter.increment()));
            }
        });
        counter.get()
    }

    #[test]
    fn mutex_and_atomic_counters_count_every_increment() {
        assert_eq!(
            count_on_threads(&MutexCounter::default(), 4, 10_000),
            40_000
        );
        assert_eq!(
            count_on_threads(&AtomicCounter::default(), 4, 10_000),
            40_000
        );
    }

    #[test]
    fn the_racy_counter_is_right_on_one_thread() {
        assert_eq!(count_on_threads(&RacyCounter::default(), 1, 1000), 1000);
    }

    #[test]
    fn scoped_sum_and_double_match_the_sequential_ones() {
        let mut data: Vec<u64> = (1..=1001).collect();
        for threads in 1..=5 {
            assert_eq!(parallel_sum(&data, threads), data.iter().sum::<u64>());
        }
        assert_eq!(parallel_sum(&[], 3), 0);
        double_in_place(&mut data, 3);
        assert_eq!(data, (1..=1001).map(|n| n * 2).collect::<Vec<u64>>());
    }

    #[test]
    fn panic_messages_are_read_from_both_payload_kinds() {
        let literal = std::thread::spawn(|| panic!("dropped")).join().unwrap_err();
        let formatted = std::thread::spawn(|| panic!("dropped {}", 2))
            .join()
            .unwrap_err();
        assert_eq!(panic_message(&*literal), "dropped");
        assert_eq!(panic_message(&*formatted), "dropped 2");
        assert_eq!(panic_message(&42), "<not a string>");
    }
}
