//! A spin lock of our own: one atomic boolean, `Acquire` to take it, `Release` to give it back,
//! and a guard that gives it back when dropped.
//!
//! This workspace forbids `unsafe`, so the lock owns no data: a lock that hands out `&mut T`
//! (as `Mutex<T>` does) needs an `UnsafeCell` and an `unsafe impl Sync`. The data it guards
//! here lives next to it in atomics, read and written with `Relaxed`: the lock's own
//! Acquire/Release is what orders those accesses, and the loom models prove it.

use crate::sync::{AtomicBool, AtomicU64, Ordering, spin_loop};

// ANCHOR: spin_lock
/// A lock that waits by spinning: a thread that finds it taken keeps asking, on its core,
/// until the holder lets go. It never asks the operating system to put it to sleep.
#[derive(Debug, Default)]
pub struct SpinLock {
    locked: AtomicBool,
}

/// Proof that the lock is held; dropping it unlocks.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct SpinGuard<'a> {
    lock: &'a SpinLock,
}

impl SpinLock {
    pub fn lock(&self) -> SpinGuard<'_> {
        // Set it to `true` only if it was `false`: the one thread that succeeds holds the lock.
        // Acquire: what the previous holder wrote before unlocking is visible from here on.
        // (A failed attempt reads only, with Relaxed: it acquires nothing.)
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Taken: wait with plain loads until it looks free, so that the waiting core
            // only reads the cache line instead of claiming it for a write on every turn.
            while self.locked.load(Ordering::Relaxed) {
                spin_loop();
            }
        }
        SpinGuard { lock: self }
    }
}

impl Drop for SpinGuard<'_> {
    fn drop(&mut self) {
        // Release: everything written while the lock was held is published to the next
        // thread whose Acquire swap sees this `false`.
        self.lock.locked.store(false, Ordering::Release);
    }
}
// ANCHOR_END: spin_lock

// ANCHOR: spin_counter
/// A number guarded by a [`SpinLock`]: read, add one and write back while holding it. The
/// read and the write are two separate `Relaxed` steps, the mistake that loses updates
/// without a lock; the lock makes the pair indivisible.
#[derive(Debug, Default)]
pub struct SpinCounter {
    lock: SpinLock,
    value: AtomicU64,
}

impl SpinCounter {
    pub fn increment(&self) {
        let _held = self.lock.lock();
        let seen = self.value.load(Ordering::Relaxed);
        self.value.store(seen + 1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        let _held = self.lock.lock();
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: spin_counter

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn the_guard_unlocks_when_dropped() {
        let lock = SpinLock::default();
        let guard = lock.lock();
        assert!(lock.locked.load(Ordering::Relaxed));
        drop(guard);
        assert!(!lock.locked.load(Ordering::Relaxed));
        // Taking it again does not spin forever.
        drop(lock.lock());
    }

    #[test]
    fn four_threads_lose_no_increment() {
        let counter = SpinCounter::default();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| (0..20_000).for_each(|_| counter.increment()));
            }
        });
        assert_eq!(counter.get(), 80_000);
    }
}
