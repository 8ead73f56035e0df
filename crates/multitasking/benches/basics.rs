//! Sequential versus parallel CPU-bound work, and sequential versus concurrent waits.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use multitasking::jobs::{count_primes, run_jobs};

/// CPU-bound: the same 16 jobs, one after the other or spread over one thread per core.
fn cpu_bound(c: &mut Criterion) {
    const JOBS: usize = 16;
    const LIMIT: u64 = 100_000;
    let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let job = |_| count_primes(0..black_box(LIMIT));

    let mut group = c.benchmark_group("basics_cpu");
    // ~36 ms per iteration: the same iteration count in every sample keeps the run short.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| (0..JOBS).map(job).sum::<usize>());
    });
    group.bench_function("parallel", |b| {
        b.iter(|| run_jobs(JOBS, threads, job).expect("threads start"));
    });
    group.finish();
}

/// I/O-bound: eight 1 ms waits, one after the other or all at once.
fn io_bound(c: &mut Criterion) {
    const WAITS: usize = 8;
    const WAIT: Duration = Duration::from_millis(1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");

    let mut group = c.benchmark_group("basics_waits");
    // ANCHOR: waits
    group.bench_function("sequential_sleeps", |b| {
        b.iter(|| (0..WAITS).for_each(|_| std::thread::sleep(WAIT)));
    });
    // `async` alone changes nothing: awaiting each sleep in turn still adds them up.
    group.bench_function("sequential_awaits", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for _ in 0..WAITS {
                    tokio::time::sleep(WAIT).await;
                }
            });
        });
    });
    group.bench_function("concurrent_tasks", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let tasks: Vec<_> = (0..WAITS)
                    .map(|_| tokio::spawn(tokio::time::sleep(WAIT)))
                    .collect();
                for task in tasks {
                    task.await.expect("a sleep cannot panic");
                }
            });
        });
    });
    // ANCHOR_END: waits
    group.finish();
}

fn quick() -> Criterion {
    // Short runs: the whole bench takes well under a minute.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = basics;
    config = quick();
    targets = cpu_bound, io_bound
}
criterion_main!(basics);
