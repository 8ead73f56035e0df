//! The scale-up curve: the same job on pools of 1, 2, 3, 4 threads, for a job that scales
//! (the prime count) and for two that do not (one lock; a sum over a large array).
//!
//! The prime count and the sum also run as a plain sequential loop on the bench's own thread
//! (`.../sequential`: no pool, no rayon), the baseline their speedups are measured against.
//! The two addition jobs have no such row: their one-thread run already is the plain loop on
//! one spawned thread, and what they show is what more threads do to that same code.
//!
//! `cargo bench -p scaling` takes about a minute and a half. On a 2-core machine, 3 and 4
//! threads show oversubscription: more threads than cores.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use scaling::bottleneck::{big_array, one_lock, own_counters, sum_on};
use scaling::{BENCH_RANGE, PRIMES_IN_BENCH_RANGE, count_primes, count_primes_on, pool};

/// The prime count over the lesson's range (14,440 primes), per pool size.
fn primes(c: &mut Criterion) {
    let mut group = c.benchmark_group("primes_1M_to_1.2M");
    group.sampling_mode(SamplingMode::Flat);
    // ANCHOR: sequential
    group.bench_function("sequential", |b| {
        b.iter(|| assert_eq!(count_primes(black_box(BENCH_RANGE)), PRIMES_IN_BENCH_RANGE));
    });
    // ANCHOR_END: sequential
    for threads in 1..=4 {
        let pool = pool(threads).expect("a pool");
        group.bench_with_input(BenchmarkId::from_parameter(threads), &pool, |b, pool| {
            b.iter(|| {
                let primes = count_primes_on(pool, black_box(BENCH_RANGE));
                assert_eq!(primes, PRIMES_IN_BENCH_RANGE);
            });
        });
    }
    group.finish();
}

/// Four million additions: under one shared lock, or on a counter per thread.
fn additions(c: &mut Criterion) {
    const ADDITIONS: u64 = 4_000_000;
    let mut group = c.benchmark_group("one_lock_4M");
    group.sampling_mode(SamplingMode::Flat);
    for threads in [1, 2, 4] {
        group.bench_with_input(BenchmarkId::from_parameter(threads), &threads, |b, &t| {
            b.iter(|| assert_eq!(one_lock(t, black_box(ADDITIONS)), ADDITIONS));
        });
    }
    group.finish();
    let mut group = c.benchmark_group("own_counters_4M");
    group.sampling_mode(SamplingMode::Flat);
    for threads in [1, 2, 4] {
        group.bench_with_input(BenchmarkId::from_parameter(threads), &threads, |b, &t| {
            b.iter(|| assert_eq!(own_counters(t, black_box(ADDITIONS)), ADDITIONS));
        });
    }
    group.finish();
}

/// A sum over 256 MiB: several times the last-level cache of most machines (the `no_scale`
/// example prints how many times on yours), so the numbers come from memory.
fn stream(c: &mut Criterion) {
    const LEN: usize = 256 << 20 >> 3;
    let data = big_array(LEN);
    let expected = (LEN as u64) * (LEN as u64 - 1) / 2;
    let mut group = c.benchmark_group("sum_256MiB");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| assert_eq!(black_box(&data).iter().sum::<u64>(), expected));
    });
    for threads in [1, 2, 4] {
        let pool = pool(threads).expect("a pool");
        group.bench_with_input(BenchmarkId::from_parameter(threads), &pool, |b, pool| {
            b.iter(|| assert_eq!(sum_on(pool, black_box(&data)), expected));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Few samples, short windows: the whole run stays near a minute and a half.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = primes, additions, stream
}
criterion_main!(benches);
