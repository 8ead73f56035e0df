//! Where the memory goes: the allocations one call makes, counted by the `dhat` heap
//! profiler.
//!
//! `dhat` works as the program's global allocator, so the binary (an example, a test) must
//! install it and start a profiler before calling [`measure`]:
//!
//! ```no_run
//! #[global_allocator]
//! static ALLOC: dhat::Alloc = dhat::Alloc;
//!
//! let _profiler = dhat::Profiler::builder().testing().build();
//! let made = profiling::memory::measure(profiling::builders::list);
//! assert_eq!(made.allocations, 1);
//! ```

use dhat::HeapStats;

/// What one call did to the heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocations {
    /// Allocations made, a reallocation (growing a block) counting as one.
    pub allocations: u64,
    /// Bytes those allocations asked for, added up.
    pub bytes: u64,
    /// Bytes still held by the result when the call returned.
    pub kept: u64,
}

// ANCHOR: measure
/// Calls `f` once and reports the heap traffic it caused. The result is dropped after the
/// count, and must give back everything it held. dhat's totals count every thread: call it
/// while no other thread of the program allocates.
///
/// # Panics
/// If no `dhat` profiler is running (see the module docs), or if dropping the result does
/// not free what it kept (a leak).
pub fn measure<T>(f: impl FnOnce() -> T) -> Allocations {
    let before = HeapStats::get();
    let result = f();
    let after = HeapStats::get();
    drop(result);
    let freed = HeapStats::get();
    assert_eq!(freed.curr_bytes, before.curr_bytes, "the result leaked");
    Allocations {
        allocations: after.total_blocks - before.total_blocks,
        bytes: after.total_bytes - before.total_bytes,
        kept: after.curr_bytes.saturating_sub(before.curr_bytes) as u64,
    }
}
// ANCHOR_END: measure
