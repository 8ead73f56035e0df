//! Two transfers between the same two accounts, run the opposite ways at the same moment.
//! With `--order from-then-to` each takes the lock of the account the money leaves first:
//! both hold one lock and wait for the other, for ever. A watchdog waits for them up to a
//! deadline, then reports who holds what and ends the program. With `--order by-id` both
//! take the lower id first, and both transfers finish.
use std::collections::BTreeMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use sharing::deadlock::{Account, LockOrder, transfer_with};

#[derive(Clone, Copy, ValueEnum)]
enum Order {
    /// Lock the account the money leaves, then the one it goes to.
    FromThenTo,
    /// Lock the account with the smaller id first, whichever way the money goes.
    ById,
}

#[derive(Parser)]
#[command(about = "Deadlock two transfers on purpose, and let a watchdog report it")]
struct Args {
    #[arg(long, value_enum, default_value = "from-then-to")]
    order: Order,
    /// How long the watchdog waits for both transfers before it declares a deadlock.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(50..=10_000))]
    deadline_ms: u64,
}

/// What each transfer thread is doing, for the watchdog's report.
type Board = Mutex<BTreeMap<String, String>>;

/// Lets each thread take its first lock, then waits (at most `patience`) until the other
/// has taken its first too: with opposite orders the deadlock then happens on every run,
/// not once in a while. With the same order the other thread cannot take its first lock
/// (it is ours), so we stop waiting after `patience` and go on.
struct Rendezvous {
    holding: Mutex<usize>,
    both: Condvar,
}

impl Rendezvous {
    fn arrive_and_wait(&self, patience: Duration) {
        let mut holding = self.holding.lock().unwrap_or_else(PoisonError::into_inner);
        *holding += 1;
        self.both.notify_all();
        let (_holding, _timeout) = self
            .both
            .wait_timeout_while(holding, patience, |holding| *holding < 2)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

fn note(board: &Board, who: &str, what: String) {
    board
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(who.to_owned(), what);
}

fn main() -> Result<()> {
    let args = Args::parse();
    let order = match args.order {
        Order::FromThenTo => LockOrder::FromThenTo,
        Order::ById => LockOrder::ById,
    };
    let alice = Arc::new(Account::new(1, "alice", 100));
    let bob = Arc::new(Account::new(2, "bob", 100));
    let board: Arc<Board> = Arc::default();
    let rendezvous = Arc::new(Rendezvous {
        holding: Mutex::new(0),
        both: Condvar::new(),
    });
    let (done, finished) = mpsc::channel();

    // ANCHOR: threads
    // Thread "pay-bob" moves 30 from alice to bob; thread "refund-alice" moves 10 back.
    for (name, from, to, amount) in [
        ("pay-bob", &alice, &bob, 30),
        ("refund-alice", &bob, &alice, 10),
    ] {
        let (from, to) = (Arc::clone(from), Arc::clone(to));
        let (board, rendezvous, done) = (Arc::clone(&board), Arc::clone(&rendezvous), done.clone());
        thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                transfer_with(&from, &to, amount, order, |held, wanted| {
                    let what = format!("holds {}, waits for {}", held.name(), wanted.name());
                    note(&board, name, what);
                    rendezvous.arrive_and_wait(Duration::from_millis(200));
                });
                note(&board, name, "done".to_owned());
                // The watchdog may have given up already; nobody to tell then.
                let _ = done.send(name);
            })
            .with_context(|| format!("cannot start thread {name}"))?;
    }
    drop(done);
    // ANCHOR_END: threads

    // ANCHOR: watchdog
    // The watchdog: wait for both transfers, but never past the deadline.
    let deadline = Instant::now() + Duration::from_millis(args.deadline_ms);
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match finished.recv_timeout(left) {
            Ok(name) => println!("{name}: finished"),
            Err(RecvTimeoutError::Timeout) => {
                println!("watchdog: no progress after {} ms", args.deadline_ms);
                for (who, what) in board.lock().unwrap_or_else(PoisonError::into_inner).iter() {
                    println!("  {who} {what}");
                }
                // Returning from main ends the process, and the two stuck threads with it.
                bail!("deadlock: each thread holds the lock the other waits for");
            }
            Err(RecvTimeoutError::Disconnected) => bail!("a transfer thread died"),
        }
    }
    // ANCHOR_END: watchdog
    println!("balances: alice {}, bob {}", alice.balance(), bob.balance());
    Ok(())
}
