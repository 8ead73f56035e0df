//! Reading a whole file three ways, from inside a tokio `multi_thread` runtime (2 workers):
//!
//! - `std::fs::read`: called right in the async code, blocking the thread that polls it;
//! - `spawn_blocking(std::fs::read)`: the same call handed to tokio's blocking pool, awaited;
//! - `tokio::fs::read`: tokio's own, which runs `std::fs` on the blocking pool too.
//!
//! The files (4 KiB and 1 MiB) are in a temporary folder and stay in the page cache: this
//! times the hand-off to another thread and back, not the disk. Each measurement is a loop of
//! reads inside one `block_on` (`iter_custom`): the reads run in the future `block_on` drives,
//! on the bench's own thread, and `block_on` itself is not in the time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Times `iters` runs of `read` in a row, inside one `block_on` of `runtime`.
fn timed<F: Future<Output = usize>>(
    runtime: &tokio::runtime::Runtime,
    iters: u64,
    read: impl Fn() -> F,
) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(read().await);
        }
        start.elapsed()
    })
}

fn read_file(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("read_file");
    for size in [4 * 1024, 1024 * 1024] {
        let path: PathBuf = dir.path().join(format!("{size}.bin"));
        std::fs::write(&path, vec![7u8; size]).expect("a file");
        group.bench_with_input(BenchmarkId::new("std::fs::read", size), &path, |b, path| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, || async {
                    std::fs::read(path).expect("reads").len()
                })
            });
        });
        group.bench_with_input(
            BenchmarkId::new("spawn_blocking(std::fs::read)", size),
            &path,
            |b, path| {
                b.iter_custom(|iters| {
                    timed(&runtime, iters, || {
                        let path = path.clone();
                        async move {
                            tokio::task::spawn_blocking(move || {
                                std::fs::read(path).expect("reads").len()
                            })
                            .await
                            .expect("no panic")
                        }
                    })
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("tokio::fs::read", size),
            &path,
            |b, path: &PathBuf| {
                b.iter_custom(|iters| {
                    let path: &Path = path;
                    timed(&runtime, iters, || async move {
                        tokio::fs::read(path).await.expect("reads").len()
                    })
                });
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = files;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = read_file
}
criterion_main!(files);
