//! Why a polled future must not move: a struct that notes its own address, moved; an async
//! block that borrows its own local, pinned on the heap and on the stack.

use std::cell::Cell;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use anyhow::{Result, bail};
use async_io::pinning::{SelfAddressed, lies_within, order_with_a_borrow};
use clap::Parser;

/// Shows what a move does to a value that points into itself, and how `Pin` prevents it.
#[derive(Parser, Debug)]
struct Args {}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Polls once with a waker that does nothing: this example polls by hand, in order.
fn poll_once<F: Future<Output = String>>(future: Pin<&mut F>) -> Poll<String> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

fn main() -> Result<()> {
    Args::parse();

    // ANCHOR: moved
    println!("a struct that notes the address of its own field, as a future's state can:");
    let mut order = SelfAddressed::new();
    order.note_address();
    println!(
        "  where it was made: the address points into it: {}",
        yes_no(order.points_into_itself())
    );
    let order = Box::new(order); // a move: the bytes are copied to the heap
    println!(
        "  moved into a Box: the address points into it: {} (it points where the struct was)",
        yes_no(order.points_into_itself())
    );
    // ANCHOR_END: moved

    // ANCHOR: pinned
    println!("an async fn whose future borrows its own local across an .await:");
    let seen = Cell::new(0);
    // Moving the future before its first poll is fine: nothing is borrowed yet.
    let mut boxed = Box::pin(order_with_a_borrow(&seen));
    let first = poll_once(boxed.as_mut());
    println!(
        "  Box::pin, polled once: {}; its borrow points into the future itself: {}",
        if first.is_pending() {
            "Pending"
        } else {
            "Ready"
        },
        yes_no(lies_within(&*boxed, seen.get()))
    );
    // Moving the Box moves only the pointer: the future stays where it is on the heap.
    let mut shelf = [boxed];
    println!(
        "  the Box moved into an array; the borrow still points into the future: {}",
        yes_no(lies_within(&*shelf[0], seen.get()))
    );
    let Poll::Ready(said) = poll_once(shelf[0].as_mut()) else {
        bail!("still pending after its one yield");
    };
    println!("  polled again: Ready: {said}");

    // `pin!` pins on the stack instead: the future can no longer be named, so never moved.
    let seen = Cell::new(0);
    let mut on_stack = pin!(order_with_a_borrow(&seen));
    let first = poll_once(on_stack.as_mut());
    let inside = lies_within(&*on_stack, seen.get());
    let Poll::Ready(said) = poll_once(on_stack.as_mut()) else {
        bail!("still pending after its one yield");
    };
    println!(
        "  pin! on the stack: {} then Ready: {said}; its borrow pointed into it: {}",
        if first.is_pending() {
            "Pending"
        } else {
            "Ready"
        },
        yes_no(inside)
    );
    // ANCHOR_END: pinned
    Ok(())
}
