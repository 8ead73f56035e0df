//! The allocation counts the book shows, and the lesson's t7/t8 slip caught by them.
//!
//! dhat is the global allocator of this test binary; only one dhat profiler may run at a
//! time, so everything is in one test.

use profiling::builders::{self, BUILDERS, find};
use profiling::memory::{Allocations, measure};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn allocs(name: &str) -> Allocations {
    let b = find(name).unwrap_or_else(|| panic!("no builder {name}"));
    measure(b.build)
}

#[test]
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
