// Does not compile, on purpose: the book shows the error. Not part of any cargo target.
// ANCHOR: refcell_shared
use std::cell::RefCell;
use std::thread;

pub fn tally_on_two_threads(tally: &RefCell<u64>) {
    thread::scope(|scope| {
        // Both threads borrow the same RefCell, whose borrow flag is not atomic.
        scope.spawn(|| *tally.borrow_mut() += 1);
        scope.spawn(|| *tally.borrow_mut() += 1);
    });
}
// ANCHOR_END: refcell_shared
