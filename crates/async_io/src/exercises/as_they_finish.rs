//! Exercise: Three dishes, served as they finish (medium)
//!
//! A kitchen starts several dishes at once and serves each one the moment it is ready, not in
//! the order they were ordered: the soup is served while the ramen still simmers. Write
//! `as_they_finish`: it runs every future of `dishes` as its own task, all at the same time, and
//! returns their outputs in the order the dishes finished.
//!
//! A correct answer spawns the dishes into a `tokio::task::JoinSet` and collects them with
//! `join_next`, which hands back each task's result as soon as it ends. Two things to get right:
//!
//! - the dishes cook at the same time, so serving three dishes takes as long as the slowest
//!   one, not the sum of all three;
//! - a dish that panics is a bug, not a result: `join_next` gives it back as an error, and
//!   `as_they_finish` must panic in its turn with the same payload. A `JoinError` hands the
//!   payload over with `into_panic`, and `std::panic::resume_unwind` panics with it again (the
//!   Threads chapter does the same with a thread's panic).
//!
//! The tests run on tokio's paused clock, so the cooking times are exact and take no real time.

use std::future::Future;

use tokio::task::JoinSet;

/// Runs every dish as a task, all at once, and returns their outputs in the order they
/// finished. Panics if a dish panicked, with that dish's panic.
pub async fn as_they_finish<F>(dishes: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // solution: begin
    let mut kitchen = JoinSet::new();
    for dish in dishes {
        kitchen.spawn(dish);
    }
    let mut served = Vec::with_capacity(kitchen.len());
    while let Some(finished) = kitchen.join_next().await {
        match finished {
            Ok(dish) => served.push(dish),
            // Nobody aborts these tasks, so an error is a panic: pass it on.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    served
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    const UNIT: Duration = Duration::from_millis(100);

    /// Awaits `future`, failing the test if it never ends (on the paused clock a day passes at
    /// once when nothing else can run), so that a wrong answer cannot hang the test.
    async fn or_fail<F: std::future::Future>(future: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(86_400), future)
            .await
            .expect("never returned")
    }

    async fn dish(name: &'static str, units: u32) -> &'static str {
        sleep(UNIT * units).await;
        if name == "burnt" {
            panic!("the burnt dish caught fire");
        }
        name
    }

    #[tokio::test(start_paused = true)]
    async fn dishes_are_served_in_the_order_they_finish() {
        let served = or_fail(as_they_finish(vec![
            dish("ramen", 3),
            dish("soup", 1),
            dish("gyoza", 2),
        ]))
        .await;
        assert_eq!(served, ["soup", "gyoza", "ramen"]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_dishes_cook_at_the_same_time() {
        let start = Instant::now();
        let served = or_fail(as_they_finish(vec![
            dish("ramen", 3),
            dish("soup", 3),
            dish("gyoza", 3),
        ]))
        .await;
        let took = start.elapsed();
        assert_eq!(served.len(), 3);
        // One after the other they would take 9 units; together, 3.
        assert!(took >= UNIT * 3 && took < UNIT * 4, "took {took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_dish_that_panics_makes_the_whole_service_panic() {
        let service = tokio::spawn(as_they_finish(vec![dish("soup", 1), dish("burnt", 2)]));
        let error = or_fail(service)
            .await
            .expect_err("a panicking dish was ignored");
        assert!(error.is_panic(), "{error}");
        let payload = error.into_panic();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        assert_eq!(message, Some("the burnt dish caught fire"));
    }
}
