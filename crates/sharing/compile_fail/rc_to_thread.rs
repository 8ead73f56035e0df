// Does not compile, on purpose: the book shows the error. Not part of any cargo target.
// ANCHOR: rc_to_thread
use std::rc::Rc;
use std::thread;

pub fn count_in_the_background(orders: Rc<Vec<u32>>) -> usize {
    let mine = Rc::clone(&orders);
    // The new thread and this one would both change the same reference count, which `Rc`
    // updates without atomics.
    let worker = thread::spawn(move || mine.len());
    worker.join().unwrap()
}
// ANCHOR_END: rc_to_thread
