//! Counting the primes in 1,000,000..1,200,000 (14,440 of them) every way the chapter shows:
//! sequentially, with rayon, with the hand-made pool and with the process pool (started
//! beforehand, outside the timed region); the process pool once more with its start and
//! shutdown inside the timed region, the twin of a Python script's whole run; then the effect
//! of the chunk size (numbers per task) on rayon, the hand-made pool and the process pool.
//!
//! The process pool's workers are this bench binary itself: `main` checks for the worker
//! argument before criterion sees any argument. That is the robust choice: cargo has just
//! built this very executable, so the workers always run the code being measured; an example
//! binary as worker could be missing or stale (`cargo bench` does not build examples), and a
//! path to it would have to be found at run time.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};
use pools::handmade::{self, ThreadPool};
use pools::process::{self, ProcessPool, WorkerSpec};
use pools::{BENCH_RANGE, PRIMES_IN_BENCH_RANGE, cores};

/// Numbers per task when the chunk size is not what is measured: 20 tasks in the range.
const CHUNK: u64 = 10_000;

fn quick() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

fn ways(c: &mut Criterion) {
    let threads = cores();
    let pool = ThreadPool::new(threads, 2 * threads).expect("thread pool");
    let mut processes = ProcessPool::new(WorkerSpec::this_program().expect("current exe"), threads)
        .expect("process pool");

    let mut group = c.benchmark_group("count_primes");
    // Each run takes milliseconds: the same number of runs per sample keeps the time short.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| assert_eq!(pools::count_primes(BENCH_RANGE), PRIMES_IN_BENCH_RANGE));
    });
    group.bench_function("rayon", |b| {
        b.iter(|| {
            assert_eq!(
                pools::count_primes_rayon(BENCH_RANGE),
                PRIMES_IN_BENCH_RANGE
            )
        });
    });
    group.bench_function("handmade_pool", |b| {
        b.iter(|| {
            let count = handmade::count_primes(&pool, BENCH_RANGE, CHUNK).expect("no panic");
            assert_eq!(count, PRIMES_IN_BENCH_RANGE);
        });
    });
    group.bench_function("process_pool", |b| {
        b.iter(|| {
            let count = process::count_primes(&mut processes, BENCH_RANGE, CHUNK)
                .expect("the workers answer");
            assert_eq!(count, PRIMES_IN_BENCH_RANGE);
        });
    });
    // Start `threads` workers, wait until all are ready, map, shut down and reap them all.
    group.bench_function("process_pool_whole_run", |b| {
        b.iter(|| {
            let spec = WorkerSpec::this_program().expect("current exe");
            let mut pool = ProcessPool::new(spec, threads).expect("process pool");
            let count =
                process::count_primes(&mut pool, BENCH_RANGE, CHUNK).expect("the workers answer");
            pool.shutdown().expect("the workers end");
            assert_eq!(count, PRIMES_IN_BENCH_RANGE);
        });
    });
    group.finish();
}

fn chunk_sizes(c: &mut Criterion) {
    let threads = cores();
    let pool = ThreadPool::new(threads, 2 * threads).expect("thread pool");
    let mut processes = ProcessPool::new(WorkerSpec::this_program().expect("current exe"), threads)
        .expect("process pool");
    // From 2,000 tasks of 100 numbers to 2 tasks of 100,000 (one per core on 2 cores).
    let sizes = [100, 1_000, 10_000, 100_000];

    let mut group = c.benchmark_group("chunk_size");
    group.sampling_mode(SamplingMode::Flat);
    for size in sizes {
        group.bench_with_input(BenchmarkId::new("rayon", size), &size, |b, &size| {
            b.iter(|| pools::count_primes_rayon_chunks(BENCH_RANGE, size));
        });
        group.bench_with_input(
            BenchmarkId::new("handmade_pool", size),
            &size,
            |b, &size| {
                b.iter(|| handmade::count_primes(&pool, BENCH_RANGE, size).expect("no panic"));
            },
        );
        group.bench_with_input(BenchmarkId::new("process_pool", size), &size, |b, &size| {
            b.iter(|| process::count_primes(&mut processes, BENCH_RANGE, size).expect("answers"));
        });
    }
    group.finish();
}

fn main() {
    // A worker started by a process pool above: serve, and never reach criterion.
    if process::is_worker() {
        if let Err(error) = process::serve(process::prime_task) {
            eprintln!("bench worker: {error}");
            std::process::exit(1);
        }
        return;
    }
    let mut criterion = quick();
    ways(&mut criterion);
    chunk_sizes(&mut criterion);
    criterion.final_summary();
}
