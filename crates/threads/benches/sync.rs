//! What sharing costs: a `Mutex` increment and an atomic increment, alone and with a second
//! thread hammering the same counter, and messages through a channel: on one thread, as a
//! round trip to a second thread and back, and streamed from a second thread. The streams are
//! timed as a whole, both threads working at once: their time per message is the inverse of a
//! throughput, not what one message costs either thread.
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

// ANCHOR: round_trip
/// Times `iters` round trips: this thread sends a number to a second thread and waits for the
/// answer; the second thread waits for the number and sends it back. Neither side can run
/// ahead, so every message pays the hand-over and the wake-up of a receiver that is waiting.
/// The second thread is started (and warmed up by one round trip) outside the timed part.
fn round_trips(iters: u64) -> Duration {
    let (to_echo, echo_inbox) = mpsc::channel::<u64>();
    let (echo_outbox, from_echo) = mpsc::channel::<u64>();
    thread::scope(move |scope| {
        scope.spawn(move || {
            // Ends when `to_echo` is dropped below, or when this thread's answers go nowhere.
            for n in echo_inbox {
                if echo_outbox.send(n).is_err() {
                    break;
                }
            }
        });
        let round_trip = |n: u64| {
            to_echo.send(n).expect("the echo thread is running");
            from_echo.recv().expect("the echo thread answers")
        };
        black_box(round_trip(0));
        let start = Instant::now();
        for n in 0..iters {
            black_box(round_trip(black_box(n)));
        }
        let took = start.elapsed();
        drop(to_echo);
        took
    })
}
// ANCHOR_END: round_trip

// ANCHOR: streamed
/// Times a whole stream of `iters` messages from a second thread to this one, from the moment
/// both threads leave the barrier until this thread has received the last message. The sender
/// never waits for an answer, so it runs ahead as far as the channel lets it, and the two
/// threads work at the same time: divided by `iters` (as criterion does), this is the wall time
/// per message of the stream, the inverse of its throughput. It is not the time one message
/// costs the sender or the receiver, which overlap. Starting the sender thread and joining it
/// are outside the timed part.
fn streamed(
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
        // The last message is in: the sender has sent everything.
        start.elapsed()
    })
}
// ANCHOR_END: streamed

fn channels(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads channel");
    let (tx, rx) = mpsc::channel::<u64>();
    group.bench_function("send+recv, same thread", |b| {
        b.iter(|| {
            let _ = tx.send(black_box(1));
            rx.recv().ok()
        })
    });
    group.bench_function("round trip to another thread and back", |b| {
        b.iter_custom(round_trips)
    });
    group.bench_function(
        "stream from another thread, unbounded (wall time per message)",
        |b| {
            b.iter_custom(|iters| {
                let (tx, rx) = mpsc::channel::<u64>();
                streamed(iters, (|n| tx.send(n).is_ok(), || rx.recv().ok()))
            })
        },
    );
    group.bench_function(
        "stream from another thread, bounded 64 (wall time per message)",
        |b| {
            b.iter_custom(|iters| {
                let (tx, rx) = mpsc::sync_channel::<u64>(64);
                streamed(iters, (|n| tx.send(n).is_ok(), || rx.recv().ok()))
            })
        },
    );
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
