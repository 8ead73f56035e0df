//! The CPU profile of the slow program points at the slow function, and draws it.

use profiling::hotspot::{profile, round};

#[test]
fn the_profile_blames_the_quadratic_dedup() {
    // A fixed amount of work (not a time budget): enough for a few dozen samples even in
    // an optimised build.
    let (distinct, cpu) = profile(1000, || {
        (0..40)
            .map(|seed| round(5_000, seed))
            .collect::<anyhow::Result<Vec<_>>>()
    })
    .expect("profiler starts");
    let distinct = distinct.expect("both ways agree");
    assert_eq!(distinct.len(), 40);

    let total = cpu.samples();
    let slow = cpu.samples_in("dedup_with_list");
    let fast = cpu.samples_in("dedup_with_set");
    assert!(total > 0, "no samples");
    assert!(
        slow * 2 > total,
        "{slow} of {total} samples in dedup_with_list"
    );
    assert!(slow > 5 * fast, "{slow} against {fast}");
    assert_eq!(cpu.samples_in("no_such_function"), 0);

    let mut svg = Vec::new();
    cpu.write_flamegraph(&mut svg, "test").expect("draws");
    let svg = String::from_utf8(svg).expect("utf-8");
    assert!(svg.contains("<svg"), "not an SVG");
    assert!(svg.contains("profiling::hotspot::dedup_with_list"));
}
