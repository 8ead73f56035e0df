//! False sharing measured: two threads each add to their own counter, with the two counters
//! side by side in one cache line, and padded apart onto two lines; and one thread alone for
//! the cost of an increment that shares nothing.
//!
//! One iteration is one increment on each thread. The second thread is started, and waits on
//! a barrier, before the clock starts; the clock stops when both have done all theirs.

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sharing::padding::{Adjacent, Padded, TwoCounters, bump};

// ANCHOR: two_threads
/// Times `iters` increments on each of two threads, each on its own counter of `layout`.
fn two_threads(layout: &impl TwoCounters, iters: u64) -> Duration {
    let started = Barrier::new(2);
    let finished = Barrier::new(2);
    thread::scope(|scope| {
        scope.spawn(|| {
            started.wait();
            bump(layout.counter(1), iters);
            finished.wait();
        });
        started.wait();
        let start = Instant::now();
        bump(layout.counter(0), iters);
        finished.wait();
        start.elapsed()
    })
}
// ANCHOR_END: two_threads

fn false_sharing(c: &mut Criterion) {
    let mut group = c.benchmark_group("sharing own counter, fetch_add");
    group.bench_function("one thread alone", |b| {
        let layout = Padded::default();
        b.iter_custom(|iters| {
            let start = Instant::now();
            bump(layout.counter(0), iters);
            start.elapsed()
        })
    });
    group.bench_function("two threads, counters in one cache line", |b| {
        let layout = Adjacent::default();
        b.iter_custom(|iters| two_threads(&layout, iters))
    });
    group.bench_function("two threads, counters padded apart", |b| {
        let layout = Padded::default();
        b.iter_custom(|iters| two_threads(&layout, iters))
    });
    group.finish();
}

criterion_group!(cache, false_sharing);
criterion_main!(cache);
