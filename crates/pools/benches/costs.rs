//! What one rayon task costs:
//!
//! - `spawn+wait, from outside`: `rayon::spawn` an empty task from a thread outside the pool
//!   and wait for it to say it ran: the injection queue, a worker waking up, and a message back;
//! - `join, inside the pool`: `rayon::join` of two empty closures on a pool thread, where the
//!   second closure is usually run by the same thread unless another one steals it.

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

fn rayon_task(c: &mut Criterion) {
    let mut group = c.benchmark_group("rayon_task");
    group.bench_function("spawn+wait, from outside", |b| {
        let (tx, rx) = mpsc::channel();
        b.iter(|| {
            let tx = tx.clone();
            rayon::spawn(move || tx.send(black_box(1)).expect("the bench waits for it"));
            rx.recv().expect("the task sends before it ends")
        });
    });
    group.bench_function("join, inside the pool", |b| {
        b.iter_custom(|iters| {
            // `scope` runs this closure on a pool thread; entering the pool once is not timed.
            rayon::scope(|_| {
                let start = Instant::now();
                for i in 0..iters {
                    black_box(rayon::join(|| black_box(i), || black_box(i + 1)));
                }
                start.elapsed()
            })
        });
    });
    group.finish();
}

criterion_group! {
    name = costs;
    // Each task takes microseconds at most: short windows are plenty.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = rayon_task
}
criterion_main!(costs);
