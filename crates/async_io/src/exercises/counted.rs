//! Exercise: Count the polls of any future (medium)
//!
//! The chapter's `Traced` counts the polls of the future it wraps, but it only takes futures
//! that are `Unpin`: it polls the inner one through `Pin::new(&mut self.inner)`, and an async
//! block is not `Unpin`. Write `Counted`, which wraps *any* future. Awaiting a `Counted` gives
//! the inner future's output together with the number of times the inner future was polled.
//!
//! Keep the inner future in a `Pin<Box<F>>`, as the struct below does: the box gives the future
//! a place on the heap that does not change, and a `Pin<Box<F>>` is itself `Unpin`, whatever
//! `F` is. So `Counted<F>` is `Unpin` too, and a `Pin<&mut Counted<F>>` may hand out a plain
//! `&mut Counted<F>` (`Pin::get_mut`). Then poll the inner future through the box
//! (`Pin::as_mut`), count, and pass its `Poll` on.
//!
//! What a correct answer does, as the tests check it:
//!
//! - an async block that borrows its own local across two `.await`s that each suspend once is
//!   polled three times, and its output comes through;
//! - a future that is ready at once is polled once;
//! - a `Counted` polled once can be moved (it is `Unpin`), then wrapped by the chapter's
//!   `Traced` and driven to the end by its `block_on`, and the count goes on from where it was;
//! - the chapter's `Delay` is polled twice: once to start, once after its wake.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that polls `F` and counts how often; its output is `F`'s and the count.
#[derive(Debug)]
pub struct Counted<F: Future> {
    inner: Pin<Box<F>>,
    polls: u32,
}

impl<F: Future> Counted<F> {
    /// Wraps `future`; nothing is polled yet.
    pub fn new(future: F) -> Self {
        // solution: begin
        Counted {
            inner: Box::pin(future),
            polls: 0,
        }
        // solution: end
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = (F::Output, u32);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // solution: begin
        // Allowed because `Counted<F>` is `Unpin`: the future itself sits in the box.
        let this = self.get_mut();
        this.polls += 1;
        let polls = this.polls;
        this.inner.as_mut().poll(cx).map(|output| (output, polls))
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hand_future::{Delay, Traced, block_on};
    use crate::pinning::YieldOnce;
    use std::task::Waker;
    use std::time::Duration;

    #[test]
    fn an_async_block_that_borrows_across_awaits_is_polled_three_times() {
        let order = async {
            let dishes = ["ramen", "tea", "soup"];
            let first = &dishes[0];
            YieldOnce::default().await;
            YieldOnce::default().await;
            first.len()
        };
        let (len, polls) = block_on(Counted::new(order), Duration::from_secs(5))
            .expect("ready in time")
            .0;
        assert_eq!((len, polls), (5, 3));
    }

    #[test]
    fn a_future_ready_at_once_is_polled_once() {
        let mut tea = Counted::new(async { "tea" });
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(Pin::new(&mut tea).poll(&mut cx), Poll::Ready(("tea", 1)));
    }

    #[test]
    fn a_counted_future_moves_between_polls_and_can_be_traced() {
        let mut soup = Counted::new(async {
            YieldOnce::default().await;
            YieldOnce::default().await;
            "soup"
        });
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut soup).poll(&mut cx).is_pending());
        let moved = Box::new(soup); // a move after a poll: fine, the async block stays boxed
        let mut seen = Vec::new();
        let traced = Traced::new(*moved, |n, ready| seen.push((n, ready)));
        let ((said, polls), _) = block_on(traced, Duration::from_secs(5)).expect("in time");
        assert_eq!((said, polls), ("soup", 3));
        assert_eq!(seen, [(1, false), (2, true)]);
    }

    #[test]
    fn the_chapters_delay_is_polled_twice() {
        let counted = Counted::new(Delay::new(Duration::from_millis(5)));
        let (((), polls), _) = block_on(counted, Duration::from_secs(10)).expect("in time");
        assert_eq!(polls, 2);
    }
}
