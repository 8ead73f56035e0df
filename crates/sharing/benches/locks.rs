//! Locks measured: `RwLock` against `Mutex` on a table that is only read or only written, and
//! the chapter's spin lock against `std::sync::Mutex` at three levels of contention.
//!
//! Every benchmark times one operation of the measuring thread (criterion's iteration).
//! "1 thread": nobody else touches the lock. "N threads": N - 1 helper threads repeat the
//! same operation on the same lock non-stop meanwhile; they are started before and stopped
//! after the timed region (`iter_custom`), so starting threads is never in the time.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Barrier, Mutex, PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sharing::spin::SpinCounter;

/// How many numbers the shared table holds: a read sums them all, a write adds one to each.
const TABLE: usize = 256;

// ANCHOR: contended
/// Times `iters` calls of `op` on this thread while `helpers` other threads call it non-stop.
/// The helpers start before the clock does and stop after it has stopped.
fn timed_with_helpers(helpers: usize, op: &(dyn Fn() + Sync), iters: u64) -> Duration {
    let stop = AtomicBool::new(false);
    let started = Barrier::new(helpers + 1);
    thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|| {
                started.wait();
                while !stop.load(Ordering::Relaxed) {
                    op();
                }
            });
        }
        started.wait();
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        let took = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        took
    })
}
// ANCHOR_END: contended

// ANCHOR: table_ops
fn read_mutex(table: &Mutex<[u64; TABLE]>) -> u64 {
    let table = table.lock().unwrap_or_else(PoisonError::into_inner);
    black_box(&*table).iter().sum()
}

fn read_rwlock(table: &RwLock<[u64; TABLE]>) -> u64 {
    let table = table.read().unwrap_or_else(PoisonError::into_inner);
    black_box(&*table).iter().sum()
}

fn write_mutex(table: &Mutex<[u64; TABLE]>) {
    let mut table = table.lock().unwrap_or_else(PoisonError::into_inner);
    black_box(&mut *table).iter_mut().for_each(|n| *n += 1);
}

fn write_rwlock(table: &RwLock<[u64; TABLE]>) {
    let mut table = table.write().unwrap_or_else(PoisonError::into_inner);
    black_box(&mut *table).iter_mut().for_each(|n| *n += 1);
}
// ANCHOR_END: table_ops

fn rwlock_vs_mutex(c: &mut Criterion) {
    let mutex = Mutex::new([1u64; TABLE]);
    let rwlock = RwLock::new([1u64; TABLE]);
    let read_m = || {
        black_box(read_mutex(&mutex));
    };
    let read_rw = || {
        black_box(read_rwlock(&rwlock));
    };
    let write_m = || write_mutex(&mutex);
    let write_rw = || write_rwlock(&rwlock);
    let mut group = c.benchmark_group("sharing read the table (sum 256 numbers)");
    for (threads, helpers) in [("1 thread", 0), ("2 threads", 1)] {
        group.bench_function(format!("mutex, {threads}"), |b| {
            b.iter_custom(|iters| timed_with_helpers(helpers, &read_m, iters))
        });
        group.bench_function(format!("rwlock, {threads}"), |b| {
            b.iter_custom(|iters| timed_with_helpers(helpers, &read_rw, iters))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("sharing write the table (add 1 to 256 numbers)");
    for (threads, helpers) in [("1 thread", 0), ("2 threads", 1)] {
        group.bench_function(format!("mutex, {threads}"), |b| {
            b.iter_custom(|iters| timed_with_helpers(helpers, &write_m, iters))
        });
        group.bench_function(format!("rwlock, {threads}"), |b| {
            b.iter_custom(|iters| timed_with_helpers(helpers, &write_rw, iters))
        });
    }
    group.finish();
}

fn spin_vs_mutex(c: &mut Criterion) {
    let cores = thread::available_parallelism().map_or(2, |n| n.get());
    let levels = [
        ("uncontended", 0),
        ("contended, 2 threads", 1),
        ("contended, twice as many threads as cores", 2 * cores - 1),
    ];
    let mut group = c.benchmark_group("sharing lock, increment, unlock");
    for (level, helpers) in levels {
        let mutex = Mutex::new(0u64);
        let increment_mutex = || {
            *mutex.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        };
        group.bench_function(format!("std mutex, {level}"), |b| {
            b.iter_custom(|iters| timed_with_helpers(helpers, &increment_mutex, iters))
        });
        let spin = SpinCounter::default();
        let increment_spin = || spin.increment();
        group.bench_function(format!("spin lock, {level}"), |b| {
            b.iter_custom(|iters| timed_with_helpers(helpers, &increment_spin, iters))
        });
    }
    group.finish();
}

criterion_group!(locks, rwlock_vs_mutex, spin_vs_mutex);
criterion_main!(locks);
