//! The allocation counts the book shows, and the lesson's t7/t8 slip caught by them.
//!
//! dhat is the global allocator of this test binary; only one dhat profiler may run at a
//! time, so everything is in one test. Its totals count every thread, and under libtest the
//! test runs beside the harness's own thread, which makes a one-off allocation of its own
//! whenever the scheduler gets to it: on a busy machine that landed inside a count now and
//! then, and a builder seemed to leak 900 bytes. So this binary has its own `main`
//! (`harness = false` in Cargo.toml) and counts on its only thread.

use profiling::builders::{self, BUILDERS, find};
use profiling::memory::{Allocations, measure};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn allocs(name: &str) -> Allocations {
    let b = find(name).unwrap_or_else(|| panic!("no builder {name}"));
    measure(b.build)
}

/// Runs the test on this, the only thread, and reports as libtest does. A failed assertion
/// panics: the binary exits with an error and the message.
fn main() {
    const NAME: &str = "allocations_per_builder";
    // Like libtest: a plain argument selects the tests whose name contains it.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let selected = filters.is_empty() || filters.iter().any(|f| NAME.contains(f.as_str()));
    println!("\nrunning {} test", usize::from(selected));
    if selected {
        allocations_per_builder();
        println!("test {NAME} ... ok");
    }
    println!(
        "\ntest result: ok. {} passed; 0 failed; 0 ignored; 0 measured; {} filtered out\n",
        usize::from(selected),
        usize::from(!selected)
    );
}

fn allocations_per_builder() {
    let _profiler = dhat::Profiler::builder().testing().build();

    // Collecting from a range knows the length up front: one exact allocation.
    let exact = Allocations {
        allocations: 1,
        bytes: 400,
        kept: 400,
    };
    for name in ["list", "tuple", "list_comprehension", "list_with_capacity"] {
        assert_eq!(allocs(name), exact, "{name}");
    }
    // Pushing one by one grows the buffer: 4, 8, 16, 32, 64, 128 numbers of 4 bytes.
    assert_eq!(
        allocs("list_append"),
        Allocations {
            allocations: 6,
            bytes: 4 * (4 + 8 + 16 + 32 + 64 + 128),
            kept: 512,
        }
    );
    // A set of 100 needs 128 slots of 4 bytes plus 128 + 16 control bytes.
    let table = Allocations {
        allocations: 1,
        bytes: 128 * 4 + 128 + 16,
        kept: 656,
    };
    for name in [
        "set",
        "set_comprehension",
        "set_with_capacity",
        "set_fxhash",
    ] {
        assert_eq!(allocs(name), table, "{name}");
    }
    // Inserting one by one rebuilds the table each time it fills up.
    let grown = allocs("set_add");
    assert_eq!((grown.allocations, grown.kept), (6, 656));
    assert!(grown.bytes > table.bytes);
    assert_eq!(allocs("array").allocations, 0);
    // "0..100" is six bytes, in the smallest buffer a growing String takes: eight.
    let text = Allocations {
        allocations: 1,
        bytes: 8,
        kept: 8,
    };
    assert_eq!(allocs("string"), text);

    // The lesson timed f5/f6 under the comprehension labels. Here the table row named
    // `set_comprehension` runs the comprehension, which allocates once, not like `set_add`.
    assert_ne!(allocs("set_comprehension"), allocs("set_add"));
    assert_ne!(allocs("list_comprehension"), allocs("list_append"));
    // And the functions agree with their rows.
    assert_eq!(measure(builders::set_add), allocs("set_add"));
    assert_eq!(measure(builders::list_comprehension), exact);
    assert_eq!(BUILDERS.len(), 12);
}
