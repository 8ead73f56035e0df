//! Profiling: finding where a program spends its time and its memory.
//!
//! The lesson times eight ways of building the numbers 0..100 with Python's `timeit`. This
//! crate ports them ([`builders`]), times them honestly (criterion in `benches/`, and the
//! small [`timing`] loop the examples use), counts the heap allocations each makes
//! ([`memory`], with the `dhat` heap profiler), profiles a deliberately slow program's CPU
//! time into a flamegraph ([`hotspot`], with the `pprof` sampling profiler), and runs the
//! lesson's Python next to the Rust ([`python`]).
//!
//! [`exercises`] holds the chapter's exercises: a timing loop, a string built once, an
//! accidental quadratic loop, and a flame graph laid out by hand.

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

pub mod builders;
pub mod exercises;
pub mod hotspot;
pub mod memory;
pub mod python;
pub mod timing;
