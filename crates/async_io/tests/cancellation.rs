//! Cancelling leaves nothing running: the runtime's own count of live tasks goes back to zero.

use std::time::Duration;

use tokio::runtime::Handle;
use tokio::task::JoinSet;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);

/// Waits (a bounded number of turns) until the runtime counts `n` live tasks or fewer.
async fn settle_to(n: usize) -> usize {
    let metrics = Handle::current().metrics();
    for _ in 0..1000 {
        if metrics.num_alive_tasks() <= n {
            break;
        }
        tokio::task::yield_now().await;
    }
    metrics.num_alive_tasks()
}

fn forever() -> impl Future<Output = ()> + Send + 'static {
    // An hour stands for "never" here; the test's own timeout ends it long before.
    tokio::time::sleep(Duration::from_secs(3600))
}

#[tokio::test]
async fn dropping_a_joinset_cancels_every_task_in_it() {
    timeout(LIMIT, async {
        let mut set = JoinSet::new();
        for _ in 0..100 {
            set.spawn(forever());
        }
        assert_eq!(settle_to(100).await, 100);
        drop(set);
        assert_eq!(settle_to(0).await, 0);
    })
    .await
    .expect("in time");
}

#[tokio::test]
async fn abort_cancels_and_a_dropped_handle_detaches() {
    timeout(LIMIT, async {
        let aborted = tokio::spawn(forever());
        let detached = tokio::spawn(forever());
        drop(detached);
        assert_eq!(
            settle_to(2).await,
            2,
            "dropping the handle did not stop its task"
        );
        aborted.abort();
        assert!(aborted.await.expect_err("it was aborted").is_cancelled());
        assert_eq!(settle_to(1).await, 1, "only the detached task is left");
    })
    .await
    .expect("in time");
}

#[tokio::test]
async fn a_timeout_drops_the_future_it_gave_up_on() {
    timeout(LIMIT, async {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        // The future owns `rx`; if the timeout drops it, the sender sees the channel closed.
        let waiting = async move {
            let _ = rx.await;
        };
        assert!(
            tokio::time::timeout(Duration::from_millis(10), waiting)
                .await
                .is_err()
        );
        assert!(tx.is_closed(), "the timed-out future was dropped");
    })
    .await
    .expect("in time");
}
