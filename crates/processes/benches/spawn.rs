//! What does it cost to start a unit of work and wait for its end?
//!
//! - `process`: spawn `/bin/true` (a tiny program that exits at once) and wait for it;
//! - `thread`: spawn a thread running an empty closure and join it.
//!
//! Both include creating the unit, running nothing, and waiting for its end.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

fn spawn_costs(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_and_wait");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    // ANCHOR: bench
    group.bench_function("process", |b| {
        b.iter(|| {
            let status = Command::new("/bin/true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn /bin/true")
                .wait()
                .expect("wait for /bin/true");
            assert!(status.success());
        });
    });
    group.bench_function("thread", |b| {
        b.iter(|| {
            thread::spawn(|| black_box(()))
                .join()
                .expect("the empty thread does not panic");
        });
    });
    // ANCHOR_END: bench
    group.finish();
}

criterion_group!(benches, spawn_costs);
criterion_main!(benches);
