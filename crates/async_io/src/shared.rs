//! Holding a lock across an `.await`.
//!
//! A `std::sync::MutexGuard` must be unlocked on the thread that locked it, so it is not
//! `Send`. A future that holds one across an `.await` keeps it inside its state, and is then
//! not `Send` either. `tokio::spawn` refuses it, on every runtime: it asks for `Send` because
//! on a multi-thread runtime the task could be resumed on another worker thread. (`spawn_local`
//! on a `LocalSet` takes such a future; see [`crate::local`].) This does not compile:
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//!
//! fn bump_later(count: Arc<Mutex<u64>>) {
//!     tokio::spawn(async move {
//!         let mut guard = count.lock().unwrap();
//!         tokio::task::yield_now().await; // the guard is still alive here
//!         *guard += 1;
//!     });
//! }
//! ```
//!
//! Two ways out. Unlock before the `.await` (a block ends the guard's life), which is right
//! when the data is plain data:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! fn bump_later(count: Arc<Mutex<u64>>) {
//!     tokio::spawn(async move {
//!         tokio::task::yield_now().await;
//!         *count.lock().unwrap() += 1; // locked and unlocked between two awaits
//!     });
//! }
//! ```
//!
//! Or, when the lock must really stay held while waiting (a connection shared by tasks),
//! `tokio::sync::Mutex`, whose guard is `Send` and whose `lock` waits without blocking:
//!
//! ```
//! use std::sync::Arc;
//! use tokio::sync::Mutex;
//!
//! fn bump_later(count: Arc<Mutex<u64>>) {
//!     tokio::spawn(async move {
//!         let mut guard = count.lock().await;
//!         tokio::task::yield_now().await;
//!         *guard += 1;
//!     });
//! }
//! ```

// ANCHOR: counter
/// Adds one to a shared count after a wait, holding the lock only between awaits.
pub async fn bump_after_wait(count: &std::sync::Mutex<u64>) -> u64 {
    tokio::task::yield_now().await;
    let mut guard = count
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *guard += 1;
    *guard
}
// ANCHOR_END: counter
