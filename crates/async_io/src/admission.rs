//! Backpressure: a `Semaphore` admits at most `permits` orders into the kitchen at once, and
//! a count shows it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How many are inside now, and the most that ever were.
#[derive(Debug, Default)]
pub struct Occupancy {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Occupancy {
    pub fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak.fetch_max(now, Ordering::AcqRel);
    }
    pub fn leave(&self) {
        self.now.fetch_sub(1, Ordering::AcqRel);
    }
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }
}

// ANCHOR: admit
/// Spawns `orders` tasks that each cook for `cook` once the semaphore lets them in. Returns
/// the most that were cooking at once.
pub async fn cook_with_permits(orders: usize, permits: usize, cook: Duration) -> usize {
    let kitchen = Arc::new(Semaphore::new(permits));
    let inside = Arc::new(Occupancy::default());
    let mut set = JoinSet::new();
    for _ in 0..orders {
        let (kitchen, inside) = (Arc::clone(&kitchen), Arc::clone(&inside));
        set.spawn(async move {
            // Waits here while `permits` others are cooking; the permit is given back when
            // `_permit` is dropped at the end of the task, even if the task is cancelled.
            let _permit = kitchen
                .acquire()
                .await
                .expect("the semaphore is never closed");
            inside.enter();
            tokio::time::sleep(cook).await;
            inside.leave();
        });
    }
    while set.join_next().await.is_some() {}
    inside.peak()
}
// ANCHOR_END: admit
