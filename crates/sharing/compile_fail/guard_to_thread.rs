// Does not compile, on purpose: the book shows the error. Not part of any cargo target.
// ANCHOR: guard_to_thread
use std::sync::Mutex;
use std::thread;

pub fn unlock_elsewhere(stock: &Mutex<u64>) {
    let mut guard = stock.lock().unwrap();
    *guard += 1;
    thread::scope(|scope| {
        // Unlocking on another thread than the one that locked: some systems forbid it.
        scope.spawn(move || drop(guard));
    });
}
// ANCHOR_END: guard_to_thread
