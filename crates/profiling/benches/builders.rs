//! Every builder in one criterion group, so that one report compares them all.
//!
//! `cargo bench -p profiling` (about a minute); one builder: `cargo bench -p profiling --
//! builders/set_add`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use profiling::builders::BUILDERS;

// ANCHOR: group
fn builders(c: &mut Criterion) {
    let mut group = c.benchmark_group("builders");
    for b in &BUILDERS {
        // `run` passes the collection through `black_box` and drops it, inside the timed
        // loop, as Python frees a function's collection when the function returns.
        group.bench_function(b.name, |bench| bench.iter(b.run));
    }
    group.finish();
}
// ANCHOR_END: group

criterion_group! {
    name = benches;
    // Short runs: twelve builders in about a minute on a busy 2-core machine.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = builders
}
criterion_main!(benches);
