#![cfg(feature = "loom")]
//! Model checks of the crate's synchronisation with loom: each `loom::model` closure is run
//! once for every interleaving (and every value a relaxed load may return) that loom can
//! find, within the preemption bound set below.
//!
//! Run with:
//! `cargo test -p threads --features loom --test loom`

use std::collections::BTreeSet;
use std::time::Duration;

use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use loom::sync::{Arc, Condvar, Mutex};
// For what a deadlocked model leaves behind: loom's own `Arc` cannot be dropped after loom
// has declared a deadlock (the test would abort instead of failing).
use loom::thread;
use std::sync::Arc as StdArc;
use threads::{
    AtomicCounter, Counter, MutexCounter, RacyCounter, Stop, StopFlag, StopSignal,
    work_until_stopped,
};

/// Runs `test` under loom with a preemption bound: every schedule with at most that many
/// forced thread switches is explored. Bugs with few threads usually need very few.
fn check(test: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = None;
    builder.check(test);
}

/// Collects a value from every execution of a model (a plain std mutex: it lives outside
/// loom's world and survives from one execution to the next).
type Outcomes = std::sync::Arc<std::sync::Mutex<BTreeSet<u64>>>;

fn record(outcomes: &Outcomes, value: u64) {
    outcomes.lock().unwrap().insert(value);
}

fn seen(outcomes: &Outcomes) -> BTreeSet<u64> {
    outcomes.lock().unwrap().clone()
}

// ANCHOR: stop_model
/// The worker stops in every interleaving of its loop with the main thread's `stop`, and
/// sees what main wrote just before stopping it. The rest is long (an hour) so that only
/// a stop can end it; under loom the flag worker's rest is a yield.
fn worker_always_retires(stop: impl Stop + Clone + 'static) -> u64 {
    let note = StdArc::new(AtomicU64::new(0));
    let worker = {
        let (stop, note) = (stop.clone(), StdArc::clone(&note));
        thread::spawn(move || {
            let rounds = work_until_stopped(&stop, Duration::from_secs(3600), || {});
            // Relaxed on purpose: only the stop's Release/Acquire pair can make this visible.
            assert_eq!(
                note.load(Ordering::Relaxed),
                42,
                "the worker missed the note"
            );
            rounds
        })
    };
    note.store(42, Ordering::Relaxed);
    stop.stop();
    // A worker that never saw the stop would never end: loom reports that as a failure.
    worker.join().unwrap()
}

#[test]
fn the_flag_worker_always_retires() {
    let rounds: Outcomes = Default::default();
    let outcomes = rounds.clone();
    check(move || record(&outcomes, worker_always_retires(StopFlag::default())));
    // Both a stop before the first round and stops after some rounds were explored.
    let rounds = seen(&rounds);
    assert!(
        rounds.contains(&0) && rounds.iter().any(|&n| n > 0),
        "{rounds:?}"
    );
}

#[test]
fn the_signal_worker_always_wakes_and_retires() {
    let rounds: Outcomes = Default::default();
    let outcomes = rounds.clone();
    check(move || record(&outcomes, worker_always_retires(StopSignal::default())));
    // Loom has no timeouts: a resting worker only wakes up when notified, so one round
    // at most, and any lost wake-up would have been reported as a deadlock.
    assert_eq!(seen(&rounds), BTreeSet::from([0, 1]));
}
// ANCHOR_END: stop_model

// ANCHOR: relaxed_flag
/// The stop flag with `Relaxed` instead of Release/Acquire: the stop itself still arrives,
/// but it no longer carries what main wrote before it.
#[derive(Clone, Default)]
struct RelaxedFlag(StdArc<AtomicBool>);

impl Stop for RelaxedFlag {
    fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn rest(&self, _interval: Duration) {
        thread::yield_now();
    }
}

#[test]
#[should_panic(expected = "the worker missed the note")]
fn loom_finds_the_relaxed_flag_publishes_nothing() {
    check(|| {
        worker_always_retires(RelaxedFlag::default());
    });
}
// ANCHOR_END: relaxed_flag

// ANCHOR: lost_wakeup
/// A broken stop signal: it checks the flag, lets go of the lock, and only then waits.
/// A `stop` that lands in between notifies nobody, and the worker sleeps forever.
#[derive(Clone, Default)]
struct CheckThenWait(StdArc<(Mutex<bool>, Condvar)>);

impl Stop for CheckThenWait {
    fn stop(&self) {
        *self.0.0.lock().unwrap() = true;
        self.0.1.notify_all();
    }

    fn is_stopped(&self) -> bool {
        *self.0.0.lock().unwrap()
    }

    fn rest(&self, _interval: Duration) {
        if !self.is_stopped() {
            // The lock was released after the check: the stop can slip in here.
            let stopped = self.0.0.lock().unwrap();
            drop(self.0.1.wait(stopped).unwrap());
        }
    }
}

#[test]
#[should_panic(expected = "deadlock")]
fn loom_finds_the_lost_wakeup() {
    check(|| {
        worker_always_retires(CheckThenWait::default());
    });
}
// ANCHOR_END: lost_wakeup

// ANCHOR: counter_model
/// Two threads increment one counter twice each; returns the final count.
fn two_threads_twice(counter: impl Counter + 'static) -> u64 {
    let counter = Arc::new(counter);
    let other = {
        let counter = Arc::clone(&counter);
        thread::spawn(move || {
            counter.increment();
            counter.increment();
        })
    };
    counter.increment();
    counter.increment();
    other.join().unwrap();
    counter.get()
}

#[test]
fn the_mutex_counter_never_loses_an_increment() {
    check(|| assert_eq!(two_threads_twice(MutexCounter::default()), 4));
}

#[test]
fn the_atomic_counter_never_loses_an_increment() {
    check(|| assert_eq!(two_threads_twice(AtomicCounter::default()), 4));
}

#[test]
fn loom_finds_the_racy_counters_lost_updates() {
    let finals: Outcomes = Default::default();
    let outcomes = finals.clone();
    check(move || record(&outcomes, two_threads_twice(RacyCounter::default())));
    // Every total from 2 to 4 is reachable: a read-then-write can lose up to half the
    // increments, even with only two of them per thread.
    assert_eq!(seen(&finals), BTreeSet::from([2, 3, 4]));
}
// ANCHOR_END: counter_model
