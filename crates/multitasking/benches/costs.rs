//! What one tokio task costs: spawn an empty task and await its handle, on the
//! single-threaded runtime the chapter uses and on a multi-threaded one, and from two places:
//!
//! - from `block_on`: the loop is the future that `block_on` runs on the bench's own thread.
//!   On `current_thread` that thread is the runtime's only thread, so the task runs right
//!   there. On `multi_thread` it is *not* one of the workers: every task goes to a worker,
//!   and every finished task has to wake the bench's thread up again.
//! - from a worker: the loop is itself a task, spawned onto the `multi_thread` runtime, so
//!   the tasks it spawns start on the worker it runs on (another worker may steal them).
//!
//! The loop runs inside one `block_on`, so the runtime's start-up and `block_on` itself are
//! not in the time: only the spawn, the scheduling and the await.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;

/// Times `iters` spawn+await round trips from whatever task or thread runs it.
async fn spawn_and_await(iters: u64) -> Duration {
    let start = Instant::now();
    for i in 0..iters {
        let task = tokio::spawn(async move { black_box(i) });
        black_box(task.await.expect("an empty task cannot panic"));
    }
    start.elapsed()
}

// ANCHOR: places
/// The loop runs as the future of `block_on`, on the calling thread.
fn from_block_on(runtime: &Runtime, iters: u64) -> Duration {
    runtime.block_on(spawn_and_await(iters))
}

/// The loop runs as a task of its own, on one of the runtime's workers.
fn from_a_worker(runtime: &Runtime, iters: u64) -> Duration {
    runtime.block_on(async {
        tokio::spawn(spawn_and_await(iters))
            .await
            .expect("the loop does not panic")
    })
}
// ANCHOR_END: places

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
    group.bench_function("current_thread, spawned from block_on", |b| {
        b.iter_custom(|iters| from_block_on(&current, iters));
    });
    group.bench_function("multi_thread (2 workers), spawned from block_on", |b| {
        b.iter_custom(|iters| from_block_on(&multi, iters));
    });
    group.bench_function("multi_thread (2 workers), spawned from a worker", |b| {
        b.iter_custom(|iters| from_a_worker(&multi, iters));
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
