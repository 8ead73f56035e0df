//! Multitasking basics: concurrency and parallelism, synchronous and asynchronous work,
//! I/O-bound and CPU-bound jobs.
//!
//! The pieces the chapter's examples are built from:
//!
//! - [`kitchen`]: the ramen kitchen. One cook makes ramen synchronously (waiting by the
//!   stove) or asynchronously (the stove waits while the cook works), behind a small
//!   [`kitchen::Clock`] so the tests can run the kitchen on a fake clock.
//! - [`timeline`]: draws the kitchen's journal as an SVG timeline (the book's picture).
//! - [`interleave`]: several tokio tasks taking turns on one thread (concurrency without
//!   parallelism).
//! - [`jobs`]: jobs spread over named OS threads (parallelism), and the CPU-bound work
//!   (counting primes by trial division) the examples and benches give them.
//! - [`exercises`]: the chapter's exercises, each with its task, solution and tests.

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

pub mod exercises;
pub mod interleave;
pub mod jobs;
pub mod kitchen;
pub mod timeline;
