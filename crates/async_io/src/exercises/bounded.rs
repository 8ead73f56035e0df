//! Exercise: At most N at once, until told to stop (hard)
//!
//! A kitchen with a few stoves gets a long list of orders. Write `cook_bounded`: it runs the
//! futures of `orders`, but never more than `stoves` of them at the same time, and returns
//! their outputs in the order of `orders` (not the order they finished). It also listens to
//! `closing`, a `CancellationToken`: once it is cancelled, orders that have not started yet are
//! not started at all (their place in the result is `None`), while orders already on a stove
//! are finished (their place is `Some(output)`), as a restaurant that closes still serves the
//! dishes it has begun.
//!
//! What a correct answer does, as the tests check it on tokio's paused clock:
//!
//! - with 20 orders and 1, 3 or 7 stoves, never more orders are cooking at once than there
//!   are stoves, and that many are reached (every stove is used);
//! - every output is in its order's place;
//! - with 2 stoves and six orders of 10 units each, closing at 15 units serves the first four
//!   (two finished at 10, two started at 10 and finished at 20) and skips the last two;
//! - closing before anything started cooks nothing.
//!
//! The tools are in the chapter's sections on backpressure and shutdown: a `Semaphore` with one
//! permit per stove (an order holds a permit while it cooks), a `JoinSet` for the tasks, and
//! `tokio::select!` to wait for a permit and for `closing` at the same time (think about which
//! one wins when both are ready at once). Remember that an output must go back to its place: a
//! task can return its index along with the output.

use std::future::Future;

// solution: begin, skeleton:
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
// solution: end
use tokio_util::sync::CancellationToken;

/// Runs `orders` with at most `stoves` of them at once, and returns their outputs in the order
/// of `orders`. After `closing` is cancelled, orders not yet started are skipped (`None`);
/// orders already started finish (`Some`).
pub async fn cook_bounded<F>(
    orders: Vec<F>,
    stoves: usize,
    closing: CancellationToken,
) -> Vec<Option<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // solution: begin
    let stoves = Arc::new(Semaphore::new(stoves));
    let mut kitchen = JoinSet::new();
    let count = orders.len();
    for (place, order) in orders.into_iter().enumerate() {
        let (stoves, closing) = (Arc::clone(&stoves), closing.clone());
        kitchen.spawn(async move {
            // Wait for a free stove, unless the kitchen closes first. `biased` looks at
            // `closing` first, so a closed kitchen starts nothing even if a stove is free.
            let _stove = tokio::select! {
                biased;
                () = closing.cancelled() => return (place, None),
                permit = stoves.acquire_owned() => permit.expect("the semaphore is never closed"),
            };
            // The permit is held until the order is cooked, and given back when dropped.
            (place, Some(order.await))
        });
    }
    let mut served: Vec<Option<F::Output>> = (0..count).map(|_| None).collect();
    while let Some(finished) = kitchen.join_next().await {
        match finished {
            Ok((place, output)) => served[place] = output,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    served
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::Occupancy;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::time::{Instant, sleep, timeout};

    const UNIT: Duration = Duration::from_millis(100);

    /// An order that counts itself in and out of the kitchen and returns its number.
    async fn order(number: usize, units: u32, inside: Arc<Occupancy>) -> usize {
        inside.enter();
        sleep(UNIT * units).await;
        inside.leave();
        number
    }

    /// Runs `cook_bounded`, giving up (on the paused clock, at once) if it never returns.
    async fn cook(
        orders: Vec<impl Future<Output = usize> + Send + 'static>,
        stoves: usize,
        closing: CancellationToken,
    ) -> Vec<Option<usize>> {
        timeout(
            Duration::from_secs(3600),
            cook_bounded(orders, stoves, closing),
        )
        .await
        .expect("cook_bounded never returned")
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_orders_cook_than_there_are_stoves() {
        for stoves in [1, 3, 7] {
            let inside = Arc::new(Occupancy::default());
            let orders = (0..20)
                .map(|n| order(n, n as u32 % 3 + 1, Arc::clone(&inside)))
                .collect();
            let served = cook(orders, stoves, CancellationToken::new()).await;
            assert_eq!(inside.peak(), stoves, "the most orders cooking at once");
            assert_eq!(
                served,
                (0..20).map(Some).collect::<Vec<_>>(),
                "outputs out of place"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn closing_skips_what_has_not_started_and_finishes_the_rest() {
        let inside = Arc::new(Occupancy::default());
        let orders = (0..6).map(|n| order(n, 10, Arc::clone(&inside))).collect();
        let closing = CancellationToken::new();
        let closer = closing.clone();
        tokio::spawn(async move {
            sleep(UNIT * 15).await;
            closer.cancel();
        });
        let start = Instant::now();
        let served = cook(orders, 2, closing).await;
        let took = start.elapsed();
        assert_eq!(served, [Some(0), Some(1), Some(2), Some(3), None, None]);
        // The two orders on the stoves at closing time were finished, not cut short.
        assert!(took >= UNIT * 20 && took < UNIT * 21, "took {took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_kitchen_closed_from_the_start_cooks_nothing() {
        let inside = Arc::new(Occupancy::default());
        let orders = (0..5).map(|n| order(n, 1, Arc::clone(&inside))).collect();
        let closing = CancellationToken::new();
        closing.cancel();
        let served = cook(orders, 2, closing).await;
        assert_eq!(served, [None, None, None, None, None]);
        assert_eq!(inside.peak(), 0, "an order started after closing");
    }
}
