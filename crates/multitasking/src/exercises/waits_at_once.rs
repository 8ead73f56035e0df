//! Exercise: All the waits at once (easy)
//!
//! The asynchronous cook was faster because it *started* a wait and only came back for it
//! later. Awaiting one sleep after the other does not do that: it adds the waits up, just like
//! the synchronous cook.
//!
//! Write `wait_all`. It gets a list of named waits, starts all of them at once (each one a
//! tokio task that sleeps for its duration with `tokio::time::sleep`), then collects them.
//! It returns the names in the order the waits *finished*, and how long it took in all,
//! measured with `tokio::time::Instant`. A correct answer takes as long as the longest wait,
//! not the sum, even on a single-threaded runtime: waiting needs no thread.
//!
//! Hint: `tokio::task::JoinSet` holds many tasks; its `join_next` gives their results in the
//! order they finish.

use std::time::Duration;

// solution: begin, skeleton:
use tokio::task::JoinSet;
use tokio::time::Instant;
// solution: end

/// Starts every wait at once and collects them: the names in the order the waits finished,
/// and the time it took from start to the last one.
pub async fn wait_all(waits: &[(&'static str, Duration)]) -> (Vec<&'static str>, Duration) {
    // solution: begin
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for &(name, duration) in waits {
        tasks.spawn(async move {
            tokio::time::sleep(duration).await;
            name
        });
    }
    let mut finished = Vec::new();
    while let Some(result) = tasks.join_next().await {
        finished.push(result.expect("a wait does not panic"));
    }
    (finished, start.elapsed())
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_millis(100);

    /// Awaits `future`, failing the test if it never ends: on the paused clock a day passes at
    /// once when nothing else can run, so an answer that waits forever fails instead of hanging.
    async fn in_time<T>(future: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(86_400), future)
            .await
            .expect("it never returned")
    }

    // A paused clock jumps to the next timer as soon as every task waits, so these tests take
    // no real time, and their times are exact.
    #[tokio::test(start_paused = true)]
    async fn takes_as_long_as_the_longest_wait_not_the_sum() {
        let waits = [
            ("noodles", MINUTE * 3),
            ("egg", MINUTE),
            ("tea", MINUTE * 2),
        ];
        let (_, took) = in_time(wait_all(&waits)).await;
        assert_eq!(
            took,
            MINUTE * 3,
            "the waits must overlap, not add up to 6 minutes"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn names_come_back_in_the_order_the_waits_finish() {
        let waits = [
            ("noodles", MINUTE * 3),
            ("egg", MINUTE),
            ("tea", MINUTE * 2),
        ];
        let (finished, _) = in_time(wait_all(&waits)).await;
        assert_eq!(finished, ["egg", "tea", "noodles"]);
    }

    #[tokio::test(start_paused = true)]
    async fn many_waits_on_one_thread() {
        // 100 waits of one minute each: one minute in all, on the test's single thread.
        let waits: Vec<(&'static str, Duration)> = (0..100).map(|_| ("pot", MINUTE)).collect();
        let (finished, took) = in_time(wait_all(&waits)).await;
        assert_eq!(finished.len(), 100);
        assert_eq!(took, MINUTE);
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_to_wait_for_takes_no_time() {
        let (finished, took) = in_time(wait_all(&[])).await;
        assert!(finished.is_empty());
        assert_eq!(took, Duration::ZERO);
    }
}
