//! A queue that consumers wait on: a `Mutex<VecDeque>` and a `Condvar`. The wait sits in a
//! `while` loop, because a thread can come back from `wait` and find the queue empty: a
//! spurious wake-up, or another consumer that took the item first.

use std::collections::VecDeque;
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use crate::sync::{Condvar, Mutex};

// ANCHOR: queue
/// A first-in first-out queue between threads; `pop` waits for an item, up to a deadline.
#[derive(Debug, Default)]
pub struct WorkQueue<T> {
    items: Mutex<VecDeque<T>>,
    ready: Condvar,
}

impl<T> WorkQueue<T> {
    pub fn push(&self, item: T) {
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        items.push_back(item);
        drop(items); // unlock before waking, so that the woken thread need not wait for us
        self.ready.notify_one();
    }

    /// The oldest item, or `None` if none came within `patience`.
    pub fn pop(&self, patience: Duration) -> Option<T> {
        let deadline = Instant::now() + patience;
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        // `while`, not `if`: being woken says "look again", not "there is an item".
        while items.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            // Unlocks while waiting, and locks again before returning.
            items = match self.ready.wait_timeout(items, left) {
                Ok((guard, _timed_out)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        items.pop_front()
    }
}
// ANCHOR_END: queue

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn items_come_out_in_order() {
        let queue = WorkQueue::default();
        queue.push(1);
        queue.push(2);
        assert_eq!(queue.pop(Duration::ZERO), Some(1));
        assert_eq!(queue.pop(Duration::ZERO), Some(2));
    }

    #[test]
    fn an_empty_queue_gives_up_at_the_deadline() {
        let queue = WorkQueue::<u8>::default();
        assert_eq!(queue.pop(Duration::from_millis(20)), None);
    }

    #[test]
    fn a_waiting_consumer_gets_an_item_pushed_later() {
        let queue = WorkQueue::default();
        std::thread::scope(|scope| {
            let consumer = scope.spawn(|| queue.pop(Duration::from_secs(60)));
            queue.push("soup");
            assert_eq!(consumer.join().unwrap(), Some("soup"));
        });
    }
}
