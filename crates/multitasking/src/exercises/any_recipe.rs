//! Exercise: The asynchronous cook for any recipe (hard)
//!
//! `cook_async` in the chapter is written out for one recipe: it knows which steps are waits
//! and where to pick them up. Write `cook_any`, the asynchronous cook for any list of
//! [`Step`]s, following these rules:
//!
//! - The cook does the `Kind::Work` steps itself, in recipe order, one at a time: each one
//!   lasts its minutes (`tokio::time::sleep`, as in the chapter).
//! - A `Kind::Wait` step goes on the stove: a task of its own that sleeps for its length.
//!   The cook does not wait for it, and goes straight on with the next step.
//! - The stove has one pot: a wait can only start once the wait before it is done (the
//!   noodles go into the water once it boils). A cook who reaches a wait while the previous
//!   one is still on the stove waits for that one first, and only then.
//! - The ramen is ready once the cook's last step and the last wait are both done.
//!
//! `cook_any` returns when each step started and when the ramen was ready, measured from the
//! start with `tokio::time::Instant`. With the kitchen's `RECIPE` and the same minute, it
//! must agree with `cook_async` to the minute: ready after seven minutes, not eleven.

use std::time::Duration;

use tokio::task::JoinError;

use crate::kitchen::{Kind, Step};

// solution: begin, skeleton:
use tokio::task::JoinHandle;
use tokio::time::Instant;
// solution: end

/// When each step of a recipe started, and when it was all done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cooked {
    /// When each step started, in recipe order, measured from the start.
    pub starts: Vec<Duration>,
    /// When the last step and the last wait were both done.
    pub ready: Duration,
}

/// Cooks `recipe` asynchronously, one kitchen minute lasting `minute`: the cook works while
/// the stove waits.
pub async fn cook_any(recipe: &[Step], minute: Duration) -> Result<Cooked, JoinError> {
    // solution: begin
    let start = Instant::now();
    let mut starts = Vec::with_capacity(recipe.len());
    let mut on_the_stove: Option<JoinHandle<()>> = None;
    for step in recipe {
        let length = minute * step.minutes;
        match step.kind {
            Kind::Work => {
                starts.push(start.elapsed());
                tokio::time::sleep(length).await;
            }
            Kind::Wait => {
                // One pot: the previous wait must be done before this one starts.
                if let Some(pot) = on_the_stove.take() {
                    pot.await?;
                }
                starts.push(start.elapsed());
                on_the_stove = Some(tokio::spawn(tokio::time::sleep(length)));
            }
        }
    }
    if let Some(pot) = on_the_stove {
        pot.await?;
    }
    Ok(Cooked {
        starts,
        ready: start.elapsed(),
    })
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kitchen::{RECIPE, longest_wait_path};

    const MINUTE: Duration = Duration::from_millis(100);

    /// Awaits `future`, failing the test if it never ends: on the paused clock a day passes at
    /// once when nothing else can run, so an answer that waits forever fails instead of hanging.
    async fn in_time<T>(future: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(86_400), future)
            .await
            .expect("it never returned")
    }

    fn work(minutes: u32) -> Step {
        Step {
            what: "work",
            minutes,
            kind: Kind::Work,
        }
    }

    fn wait(minutes: u32) -> Step {
        Step {
            what: "wait",
            minutes,
            kind: Kind::Wait,
        }
    }

    fn minutes(list: &[u32]) -> Vec<Duration> {
        list.iter().map(|&m| MINUTE * m).collect()
    }

    // The clock is paused: it jumps to the next timer when every task waits, so the times
    // below are exact and the tests take no real time.
    #[tokio::test(start_paused = true)]
    async fn the_kitchen_recipe_is_ready_after_the_two_waits() {
        let cooked = in_time(cook_any(&RECIPE, MINUTE)).await.unwrap();
        assert_eq!(cooked.ready, MINUTE * longest_wait_path());
        // Water at 0, onion at 0, egg at 2, noodles when the water boils at 4, table at 4.
        assert_eq!(cooked.starts, minutes(&[0, 0, 2, 4, 4]));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_after_work_starts_when_the_cook_gets_there() {
        let cooked = in_time(cook_any(&[work(2), wait(3)], MINUTE))
            .await
            .unwrap();
        assert_eq!(cooked.starts, minutes(&[0, 2]));
        assert_eq!(cooked.ready, MINUTE * 5);
    }

    #[tokio::test(start_paused = true)]
    async fn work_fits_inside_a_long_wait() {
        let cooked = cook_any(&[wait(4), work(1), work(1)], MINUTE)
            .await
            .unwrap();
        assert_eq!(cooked.starts, minutes(&[0, 0, 1]));
        assert_eq!(cooked.ready, MINUTE * 4, "the ramen waits for the last pot");
    }

    #[tokio::test(start_paused = true)]
    async fn one_pot_at_a_time() {
        // The second wait starts when the first is done; the work goes on meanwhile.
        let cooked = cook_any(&[wait(1), wait(1), work(5)], MINUTE)
            .await
            .unwrap();
        assert_eq!(cooked.starts, minutes(&[0, 1, 1]));
        assert_eq!(cooked.ready, MINUTE * 6);
    }

    #[tokio::test(start_paused = true)]
    async fn only_work_adds_up() {
        let cooked = cook_any(&[work(1), work(2), work(1)], MINUTE)
            .await
            .unwrap();
        assert_eq!(cooked.starts, minutes(&[0, 1, 3]));
        assert_eq!(cooked.ready, MINUTE * 4);
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_recipe_is_ready_at_once() {
        let cooked = in_time(cook_any(&[], MINUTE)).await.unwrap();
        assert!(cooked.starts.is_empty());
        assert_eq!(cooked.ready, Duration::ZERO);
    }
}
