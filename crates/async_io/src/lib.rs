//! Waiting for real I/O: futures and tasks, from `poll` to ten thousand connections.
//!
//! - [`hand_future`]: a future and an executor written by hand;
//! - [`orders`], [`thread_server`], [`task_server`], [`load`]: a loopback order server served
//!   by a thread per connection and by a task per connection, and its load generator;
//! - [`admission`]: backpressure with a semaphore;
//! - [`stoves`]: what CPU work does to a `current_thread` runtime, and three fixes;
//! - [`system`]: open-file limits and resident memory;
//! - [`shared`]: which mutex to hold across an `.await`;
//! - [`pinning`]: why a polled future must not move;
//! - [`streams`]: a connection served as a stream, and through a channel;
//! - [`local`]: futures that are not `Send`, on a `LocalSet`;
//! - [`exercises`]: the chapter's exercises, each with its solution and tests.

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

pub mod admission;
pub mod exercises;
pub mod hand_future;
pub mod load;
pub mod local;
pub mod orders;
pub mod pinning;
pub mod shared;
pub mod stoves;
pub mod streams;
pub mod system;
pub mod task_server;
pub mod thread_server;
