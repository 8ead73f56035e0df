//! What the small pieces of async code cost:
//!
//! - `future`: one future that is pending once and wakes itself at once, driven to the end by
//!   the chapter's hand-made `block_on` and by a tokio `current_thread` runtime's `block_on`
//!   (the runtime is built once, outside the timing);
//! - `joinset`: spawn 100 empty tasks into a `JoinSet` and join them all, inside a running
//!   `current_thread` runtime;
//! - `timeout`: one `yield_now().await`, alone and wrapped in a one-second `timeout` that does
//!   not fire: the price of arming and disarming a timer.
//!
//! `joinset` and `timeout` time a loop inside one `block_on` (`iter_custom`), so the runtime's
//! `block_on` itself is not in their time: only what their labels name.

use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_io::hand_future::block_on;
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::task::JoinSet;

/// Pending on the first poll (after asking to be polled again at once), ready on the second.
struct PendingOnce(bool);

impl Future for PendingOnce {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.0 {
            return Poll::Ready(1);
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn future(c: &mut Criterion) {
    let mut group = c.benchmark_group("future");
    group.bench_function("hand-made block_on, pending once", |b| {
        b.iter(|| {
            block_on(PendingOnce(false), Duration::from_secs(1))
                .expect("ready")
                .0
        });
    });
    let runtime = current_thread();
    group.bench_function("tokio current_thread block_on, pending once", |b| {
        b.iter(|| runtime.block_on(PendingOnce(false)));
    });
    group.finish();
}

fn joinset(c: &mut Criterion) {
    let runtime = current_thread();
    c.bench_function("joinset/spawn 100 empty tasks and join them", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut set = JoinSet::new();
                    for i in 0..100u32 {
                        set.spawn(async move { black_box(i) });
                    }
                    let mut sum = 0;
                    while let Some(joined) = set.join_next().await {
                        sum += joined.expect("no panic");
                    }
                    black_box(sum);
                }
                start.elapsed()
            })
        });
    });
}

fn timeout(c: &mut Criterion) {
    let runtime = current_thread();
    let mut group = c.benchmark_group("timeout");
    group.bench_function("yield_now in a running task", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    tokio::task::yield_now().await;
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("yield_now in a timeout that does not fire", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    tokio::time::timeout(Duration::from_secs(1), tokio::task::yield_now())
                        .await
                        .expect("far from the deadline");
                }
                start.elapsed()
            })
        });
    });
    group.finish();
}

criterion_group! {
    name = tasks;
    // Each iteration takes microseconds at most: short windows are plenty.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = future, joinset, timeout
}
criterion_main!(tasks);
