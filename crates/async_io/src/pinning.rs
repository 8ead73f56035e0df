//! Why a future must stay where it is once polled, shown without `unsafe`.
//!
//! - [`SelfAddressed`] keeps the address of its own field as a plain number, the way a
//!   future's state keeps a borrow of its own local: a move copies the bytes and leaves the
//!   number pointing at the old place.
//! - [`order_with_a_borrow`] is an async fn whose future borrows its own local across an `.await`;
//!   the address it reports lies inside the future itself, which is why it is not `Unpin`.
//! - [`lies_within`] tells whether an address falls inside a value's memory.

use std::cell::Cell;
use std::pin::Pin;
use std::ptr;
use std::task::{Context, Poll};

// ANCHOR: self_addressed
/// An order that remembers where its own dishes are, as a number. Nothing updates that number
/// when the order moves: a move copies the bytes to a new place, and the old place is gone.
#[derive(Debug)]
pub struct SelfAddressed {
    dishes: [&'static str; 3],
    dishes_at: usize,
}

impl SelfAddressed {
    /// A new order, which has noted no address yet. (Noting it here would be too early:
    /// returning the order moves it to the caller.)
    pub fn new() -> Self {
        SelfAddressed {
            dishes: ["ramen", "tea", "soup"],
            dishes_at: 0,
        }
    }

    /// Notes where `dishes` is now.
    pub fn note_address(&mut self) {
        self.dishes_at = ptr::from_ref(&self.dishes).addr();
    }

    /// Whether the noted address is still where `dishes` is.
    pub fn points_into_itself(&self) -> bool {
        self.dishes_at == ptr::from_ref(&self.dishes).addr()
    }
}
// ANCHOR_END: self_addressed

impl Default for SelfAddressed {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `addr` falls inside the memory of `value`.
pub fn lies_within<T: ?Sized>(value: &T, addr: usize) -> bool {
    let start = ptr::from_ref(value).addr();
    (start..start + size_of_val(value)).contains(&addr)
}

/// Pending on its first poll (after asking to be polled again at once), ready on the second:
/// the smallest `.await` that really suspends.
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// ANCHOR: borrow_across_await
/// An order whose future borrows its own local across an `.await`. On its first poll it
/// reports, in `seen`, the address its borrow points to.
pub async fn order_with_a_borrow(seen: &Cell<usize>) -> String {
    let dishes = ["ramen", "tea", "soup"];
    let first = &dishes[0]; // a borrow of a local of this very future...
    seen.set(ptr::from_ref(first).addr());
    YieldOnce::default().await; // ...kept across an .await: both are in the future's state
    format!("{} dishes, the first is {first}", dishes.len())
}
// ANCHOR_END: borrow_across_await

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn a_moved_struct_no_longer_points_into_itself() {
        let mut order = SelfAddressed::new();
        order.note_address();
        assert!(order.points_into_itself());
        let moved = Box::new(order);
        assert!(!moved.points_into_itself());
    }

    #[test]
    fn a_polled_future_borrows_from_inside_itself_and_box_pin_keeps_it_there() {
        let seen = Cell::new(0);
        let mut order = Box::pin(order_with_a_borrow(&seen));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(order.as_mut().poll(&mut cx).is_pending());
        assert!(lies_within(&*order, seen.get()));
        let mut moved = [order];
        assert!(lies_within(&*moved[0], seen.get()));
        let Poll::Ready(said) = moved[0].as_mut().poll(&mut cx) else {
            panic!("still pending after its one yield");
        };
        assert_eq!(said, "3 dishes, the first is ramen");
    }
}
