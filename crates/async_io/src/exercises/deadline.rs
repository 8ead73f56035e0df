//! Exercise: A deadline on an order (easy)
//!
//! A client that waits for a slow backend without a limit waits forever when the backend
//! hangs. Write `within`: it awaits `order`, but for at most `limit`. If the order is ready in
//! time, it returns `Ok` with the order's output; if not, it stops waiting at the deadline and
//! returns `Err(TooSlow { waited: limit })`.
//!
//! Stopping the wait must also stop the order: in Rust a future is cancelled by dropping it, so
//! a correct answer has dropped `order` by the time it returns `TooSlow` (nothing of it goes on
//! running in the background). The chapter's section on `timeout` and `select!` has the tool.
//!
//! The tests run on tokio's paused clock (`#[tokio::test(start_paused = true)]`): time only
//! moves when every task is waiting, and then jumps straight to the next timer, so an hour-long
//! order takes no real time and the deadlines are exact.

use std::future::Future;
use std::time::Duration;

/// The order was not ready within the limit, and was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooSlow {
    /// How long the order was waited for: the limit.
    pub waited: Duration,
}

/// Awaits `order` for at most `limit`: its output if it is ready in time, `TooSlow` (with the
/// order dropped) if it is not.
pub async fn within<F: Future>(limit: Duration, order: F) -> Result<F::Output, TooSlow> {
    // solution: begin
    // `timeout` drops `order` when the deadline passes: that drop is the cancellation.
    tokio::time::timeout(limit, order)
        .await
        .map_err(|_elapsed| TooSlow { waited: limit })
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;
    use tokio::time::{Instant, sleep};

    const UNIT: Duration = Duration::from_millis(100);

    /// Awaits `future`, failing the test if it never ends (on the paused clock a day passes at
    /// once when nothing else can run), so that a wrong answer cannot hang the test.
    async fn or_fail<F: std::future::Future>(future: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(86_400), future)
            .await
            .expect("never returned")
    }

    #[tokio::test(start_paused = true)]
    async fn an_order_ready_in_time_is_returned_without_waiting_for_the_limit() {
        let start = Instant::now();
        let got = or_fail(within(UNIT * 10, async {
            sleep(UNIT * 2).await;
            "ramen"
        }))
        .await;
        assert_eq!(got, Ok("ramen"));
        let waited = start.elapsed();
        assert!(waited >= UNIT * 2 && waited < UNIT * 3, "waited {waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_order_is_given_up_at_the_deadline_and_dropped() {
        // The order holds the sending half of a channel: dropping the order closes it.
        let (kept, closed) = oneshot::channel::<()>();
        let start = Instant::now();
        let got = or_fail(within(UNIT * 2, async move {
            let _kept = kept;
            sleep(Duration::from_secs(3600)).await;
            "banquet"
        }))
        .await;
        let waited = start.elapsed();
        assert_eq!(got, Err(TooSlow { waited: UNIT * 2 }));
        assert!(
            waited >= UNIT * 2 && waited < UNIT * 3,
            "gave up after {waited:?}, not at the deadline"
        );
        assert!(
            or_fail(closed).await.is_err(),
            "the late order was not dropped: it still holds its channel"
        );
    }
}
