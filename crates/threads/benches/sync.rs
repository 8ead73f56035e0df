//! What sharing costs: a `Mutex` increment and an atomic increment, alone and with a second
//! thread hammering the same counter, and a message through a channel.
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use threads::{AtomicCounter, Counter, MutexCounter};

/// Times `iters` increments on this thread while another thread increments the same counter
/// as fast as it can. The other thread is started and stopped outside the timed part.
fn contended(counter: &impl Counter, iters: u64) -> Duration {
    let stop = AtomicBool::new(false);
    let started = Barrier::new(2);
    thread::scope(|scope| {
        scope.spawn(|| {
            started.wait();
            while !stop.load(Ordering::Relaxed) {
                counter.increment();
            }
        });
        started.wait();
        let start = Instant::now();
        for _ in 0..iters {
            counter.increment();
        }
        let took = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        took
    })
}

fn increments(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads increment");
    let mutex = MutexCounter::default();
    group.bench_function("mutex, uncontended", |b| {
        b.iter(|| black_box(&mutex).increment())
    });
    let atomic = AtomicCounter::default();
    group.bench_function("atomic, uncontended", |b| {
        b.iter(|| black_box(&atomic).increment())
    });
    group.bench_function("mutex, contended (2 threads)", |b| {
        b.iter_custom(|iters| contended(&MutexCounter::default(), iters))
    });
    group.bench_function("atomic, contended (2 threads)", |b| {
        b.iter_custom(|iters| contended(&AtomicCounter::default(), iters))
    });
    group.finish();
}

/// Times `iters` messages sent by a second thread and received by this one.
fn across_threads(
    iters: u64,
    (tx, rx): (impl Fn(u64) -> bool + Sync, impl Fn() -> Option<u64>),
) -> Duration {
    let started = Barrier::new(2);
    thread::scope(|scope| {
        scope.spawn(|| {
            started.wait();
            for n in 0..iters {
                if !tx(n) {
                    break;
                }
            }
        });
        started.wait();
        let start = Instant::now();
        for _ in 0..iters {
            black_box(rx());
        }
        start.elapsed()
    })
}

fn channels(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads channel");
    let (tx, rx) = mpsc::channel::<u64>();
    group.bench_function("send+recv, same thread", |b| {
        b.iter(|| {
            let _ = tx.send(black_box(1));
            rx.recv().ok()
        })
    });
    group.bench_function("send+recv, across threads", |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::channel::<u64>();
            across_threads(iters, (|n| tx.send(n).is_ok(), || rx.recv().ok()))
        })
    });
    group.bench_function("send+recv, across threads, bounded 64", |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::sync_channel::<u64>(64);
            across_threads(iters, (|n| tx.send(n).is_ok(), || rx.recv().ok()))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Short runs: the whole file takes well under a minute on two cores.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = increments, channels
}
criterion_main!(benches);
