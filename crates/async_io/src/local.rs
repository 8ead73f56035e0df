//! Tasks whose futures are not `Send`, on a `LocalSet`.
//!
//! `tokio::spawn` requires a future that is `Send + 'static`, on every runtime, even a
//! `current_thread` one: its signature says so, whatever runtime runs it. A future that holds
//! an `Rc` across an `.await` is not `Send`, so this does not compile:
//!
//! ```compile_fail
//! use std::cell::RefCell;
//! use std::rc::Rc;
//!
//! async fn serve() {
//!     let tally: Rc<RefCell<Vec<&str>>> = Rc::default();
//!     let mine = Rc::clone(&tally);
//!     tokio::spawn(async move {
//!         tokio::task::yield_now().await;
//!         mine.borrow_mut().push("ramen"); // `mine`, an Rc, lives across the .await
//!     });
//! }
//! ```
//!
//! [`serve_locally`] runs such futures with `tokio::task::spawn_local` inside a `LocalSet`,
//! whose tasks all run on the thread that drives the set.

use std::cell::RefCell;
use std::rc::Rc;

use tokio::task::{JoinError, LocalSet};

/// What the orders served on a `LocalSet` saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The dishes, in the order they finished.
    pub finished: Vec<&'static str>,
    /// The thread each order ran on, in the order the orders were given.
    pub threads: Vec<String>,
    /// How many `Rc`s to the shared tally were left once every order had ended: 1, ours.
    pub handles_left: usize,
}

// ANCHOR: serve_locally
/// Runs one task per order on a `LocalSet`; each takes `turns` turns (a `yield_now` each), then
/// puts its dish on a tally that all of them share through an `Rc<RefCell<..>>`.
pub async fn serve_locally(orders: &[(&'static str, u32)]) -> Result<Served, JoinError> {
    let tally: Rc<RefCell<Vec<&'static str>>> = Rc::default(); // neither is `Send`
    let local = LocalSet::new();
    let threads = local
        .run_until(async {
            let mut handles = Vec::new();
            for &(dish, turns) in orders {
                let tally = Rc::clone(&tally);
                handles.push(tokio::task::spawn_local(async move {
                    for _ in 0..turns {
                        tokio::task::yield_now().await; // the other orders cook meanwhile
                    }
                    tally.borrow_mut().push(dish);
                    let here = std::thread::current();
                    here.name().unwrap_or("unnamed").to_owned()
                }));
            }
            let mut threads = Vec::new();
            for handle in handles {
                threads.push(handle.await?);
            }
            Ok::<_, JoinError>(threads)
        })
        .await?;
    let finished = tally.borrow().clone();
    Ok(Served {
        finished,
        threads,
        handles_left: Rc::strong_count(&tally),
    })
}
// ANCHOR_END: serve_locally
