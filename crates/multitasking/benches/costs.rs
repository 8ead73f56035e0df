//! What one tokio task costs: spawn an empty task and await its handle, on the
//! single-threaded runtime the chapter uses and on a multi-threaded one.
//!
//! The loop runs inside one `block_on`, so the runtime's start-up and `block_on` itself are
//! not in the time: only the spawn, the scheduling and the await.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;

/// Times `iters` spawn+await round trips on `runtime`.
fn spawn_and_await(runtime: &Runtime, iters: u64) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for i in 0..iters {
            let task = tokio::spawn(async move { black_box(i) });
            black_box(task.await.expect("an empty task cannot panic"));
        }
        start.elapsed()
    })
}

fn tokio_task(c: &mut Criterion) {
    let current = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    // Two workers: one per core on the book's machine, and the task may land on the other.
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a multi-thread runtime");
    let mut group = c.benchmark_group("tokio_task");
    group.bench_function("spawn+await, current_thread", |b| {
        b.iter_custom(|iters| spawn_and_await(&current, iters));
    });
    group.bench_function("spawn+await, multi_thread (2 workers)", |b| {
        b.iter_custom(|iters| spawn_and_await(&multi, iters));
    });
    group.finish();
}

criterion_group! {
    name = costs;
    // Each round trip takes well under a microsecond: short windows are plenty.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = tokio_task
}
criterion_main!(costs);
