//! Exercise: A lock held across a slow call (hard)
//!
//! `PriceList` remembers the price of each dish. The first time a dish is asked for, it asks a
//! slow supplier: the `fetch` function passed to `price`, which stands for a database query or
//! a web request. Later calls for the same dish get the remembered price.
//!
//! The `price` you are given is one line, and on one thread it works. But it keeps the list's
//! lock while the supplier answers, so while one thread waits for the price of ramen, every
//! other thread waits too, even for the price of tea that the list already knows. Find out why
//! the lock is still held during `fetch` (where does the `MutexGuard` live, and until when?),
//! and rewrite `price` so that:
//!
//! - the lock is never held while `fetch` runs: other threads get known prices, and fetch the
//!   prices of other dishes, while one fetch is under way;
//! - each dish's price is still fetched only once, even when several threads ask for the same
//!   new dish at the same moment: the later ones wait for the fetch under way and get its price.
//!
//! The map already holds, for each dish, an `Arc<OnceLock<u32>>`: a cell that is set at most once.
//! `OnceLock::get_or_init` runs its function only if the cell is empty, and makes any other
//! thread that calls it meanwhile wait for that one run. What must change is how long the map's
//! lock is held around it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
// solution: begin, skeleton:
use std::sync::PoisonError;
// solution: end

/// Prices of dishes, each fetched from a slow supplier the first time it is asked for.
#[derive(Debug, Default)]
pub struct PriceList {
    prices: Mutex<HashMap<String, Arc<OnceLock<u32>>>>,
}

impl PriceList {
    /// The price of `dish`: the remembered one, or else the one `fetch` returns (which is then
    /// remembered). Other threads are never kept waiting by a `fetch` for another dish.
    pub fn price(&self, dish: &str, fetch: impl FnOnce(&str) -> u32) -> u32 {
        // solution: begin, skeleton: *self.prices.lock().unwrap().entry(dish.to_owned()).or_default().get_or_init(|| fetch(dish))
        // A temporary is dropped only once the statement (or, in the one-liner, the function's
        // final expression) that made it is done: the guard that `lock()` returned there lived
        // until `get_or_init` had returned, so through the whole fetch. Here the guard is a
        // local of this block, and is dropped at its closing brace.
        let cell = {
            let mut prices = self.prices.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(prices.entry(dish.to_owned()).or_default())
        };
        // The lock is free again: other threads use the list while this one waits. Another
        // thread asking for the same dish waits here, in `get_or_init`, for this fetch.
        *cell.get_or_init(|| fetch(dish))
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    /// Far longer than a thread needs to look up a price, even on a loaded machine.
    const PATIENCE: Duration = Duration::from_secs(3);

    /// Starts, on a detached thread, a call for `dish` whose fetch tells the test it has begun
    /// and then waits until the test lets go (or gives up). Returns the channel of its answer.
    /// Detached, so that a wrong answer fails the test instead of blocking it: when the test
    /// ends, `release` is dropped and the fetch returns.
    fn slow_fetch(
        list: &Arc<PriceList>,
        dish: &'static str,
        price: u32,
        release: mpsc::Receiver<()>,
    ) -> (mpsc::Receiver<()>, mpsc::Receiver<u32>) {
        let (begun, fetching) = mpsc::channel();
        let (answer, answered) = mpsc::channel();
        let list = Arc::clone(list);
        std::thread::spawn(move || {
            let got = list.price(dish, |_| {
                let _ = begun.send(());
                let _ = release.recv_timeout(Duration::from_secs(60));
                price
            });
            let _ = answer.send(got);
        });
        (fetching, answered)
    }

    /// Asks for `dish` on another thread and waits at most `PATIENCE` for the answer, so that
    /// a wrong answer that blocks fails the test instead of hanging it.
    fn ask(
        list: &Arc<PriceList>,
        dish: &'static str,
        fetch: fn(&str) -> u32,
    ) -> Result<u32, mpsc::RecvTimeoutError> {
        let (answer, answered) = mpsc::channel();
        let list = Arc::clone(list);
        std::thread::spawn(move || {
            let _ = answer.send(list.price(dish, fetch));
        });
        answered.recv_timeout(PATIENCE)
    }

    const LOCK_HELD: &str = "waited for the fetch of another dish: the lock is held";

    #[test]
    fn other_dishes_are_served_while_one_is_being_fetched() {
        let list = Arc::new(PriceList::default());
        assert_eq!(
            ask(&list, "tea", |_| 3),
            Ok(3),
            "the first price never came"
        );

        let (release, released) = mpsc::channel();
        let (fetching, answered) = slow_fetch(&list, "ramen", 12, released);
        fetching
            .recv_timeout(PATIENCE)
            .expect("the fetch of ramen never began");

        // Ramen's supplier is still busy: a known price and a new dish must not wait for it.
        assert_eq!(
            ask(&list, "tea", |_| panic!("tea was known")),
            Ok(3),
            "tea {LOCK_HELD}"
        );
        assert_eq!(ask(&list, "gyoza", |_| 7), Ok(7), "gyoza {LOCK_HELD}");

        release.send(()).unwrap();
        assert_eq!(answered.recv_timeout(PATIENCE), Ok(12));
        assert_eq!(ask(&list, "ramen", |_| panic!("ramen was known")), Ok(12));
    }

    #[test]
    fn a_dish_asked_for_twice_at_once_is_fetched_once() {
        let list = Arc::new(PriceList::default());
        let (release, released) = mpsc::channel();
        let (fetching, first) = slow_fetch(&list, "ramen", 12, released);
        fetching
            .recv_timeout(PATIENCE)
            .expect("the fetch of ramen never began");

        // A second caller for ramen, while the first fetch is under way.
        static SECOND_FETCHES: AtomicUsize = AtomicUsize::new(0);
        let (answer, second) = mpsc::channel();
        {
            let list = Arc::clone(&list);
            std::thread::spawn(move || {
                let _ = answer.send(list.price("ramen", |_| {
                    SECOND_FETCHES.fetch_add(1, Ordering::SeqCst);
                    99
                }));
            });
        }
        // Meanwhile the list serves everybody else.
        assert_eq!(ask(&list, "tea", |_| 3), Ok(3), "tea {LOCK_HELD}");

        release.send(()).unwrap();
        assert_eq!(first.recv_timeout(PATIENCE), Ok(12));
        assert_eq!(
            second.recv_timeout(PATIENCE),
            Ok(12),
            "ramen was fetched twice"
        );
        assert_eq!(SECOND_FETCHES.load(Ordering::SeqCst), 0);
    }
}
