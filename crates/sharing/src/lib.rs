//! Sharing state safely: what `Send` and `Sync` promise, locks and their guards, deadlock and
//! lock ordering, atomics and their orderings, a spin lock of our own, cache lines, and state
//! that is set once or kept per thread.
//!
//! Everything that synchronises threads here is written against [`sync`], which is `std` in a
//! normal build and loom with the crate's feature `loom`: `tests/loom.rs` then model-checks
//! this very code in every interleaving its threads can take.
//!
//! The chapter's exercises are in [`exercises`].

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

pub mod deadlock;
pub mod exercises;
pub mod ids;
pub mod padding;
pub mod parts;
pub mod phases;
pub mod queue;
pub mod spin;

/// The synchronisation types the crate is written against.
pub mod sync {
    // ANCHOR: sync_imports
    // With the feature `loom` the same names come from loom, which records every access so that
    // its model checker can replay all the orders in which the threads may touch them.
    #[cfg(feature = "loom")]
    pub use loom::{
        hint::spin_loop,
        sync::{
            Condvar, Mutex, MutexGuard,
            atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering},
        },
    };
    #[cfg(not(feature = "loom"))]
    pub use std::{
        hint::spin_loop,
        sync::{
            Condvar, Mutex, MutexGuard,
            atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering},
        },
    };
    // ANCHOR_END: sync_imports
}
