//! Controlling waits: `select!`, `timeout`, cancelling by dropping, detached and aborted
//! tasks, and a `JoinSet`. Every order is a sleep of a few kitchen milliseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

/// Shows select!, timeout, cancellation, detach, abort and JoinSet on a few slow orders.
#[derive(Parser, Debug)]
struct Args {
    /// One time unit of the example, in milliseconds (the slow order takes 10 of them).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    unit_ms: u64,
}

/// Counts itself out when dropped: a future that is cancelled drops its locals, so this says
/// whether the future finished or was dropped half-way.
struct Apron {
    name: &'static str,
    done: bool,
    live: Arc<AtomicUsize>,
}

impl Drop for Apron {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
        if !self.done {
            println!("  {}: dropped at its .await, never finished", self.name);
        }
    }
}

// ANCHOR: order
async fn order(name: &'static str, takes: Duration, live: Arc<AtomicUsize>) -> &'static str {
    live.fetch_add(1, Ordering::SeqCst);
    let mut apron = Apron {
        name,
        done: false,
        live,
    };
    sleep(takes).await; // a cancelled order stops here, at its next .await
    apron.done = true;
    name
}
// ANCHOR_END: order

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let unit = Duration::from_millis(args.unit_ms);
    let live = Arc::new(AtomicUsize::new(0));
    let slow = || order("ramen", unit * 10, Arc::clone(&live));

    // ANCHOR: timeout
    println!("timeout: the ramen takes 10 units, we wait 2");
    match timeout(unit * 2, slow()).await {
        Ok(name) => println!("  {name} arrived in time"),
        Err(elapsed) => println!("  gave up: {elapsed}"),
    }
    // ANCHOR_END: timeout

    // ANCHOR: select
    println!("select!: ramen (10 units) against tea (1 unit), first one wins");
    tokio::select! {
        name = slow() => println!("  {name} won"),
        name = order("tea", unit, Arc::clone(&live)) => println!("  {name} won"),
    }
    // ANCHOR_END: select

    // ANCHOR: detach_abort
    println!("a spawned task whose JoinHandle is dropped goes on: it is detached");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let detached = tokio::spawn(async move {
        sleep(unit).await;
        let _ = tx.send("the detached task finished anyway");
    });
    drop(detached);
    println!("  {}", timeout(unit * 20, rx).await??);

    println!("abort() cancels a spawned task at its next .await");
    let handle = tokio::spawn(slow());
    sleep(unit).await; // let it start
    handle.abort();
    let joined = handle.await;
    println!(
        "  joined: cancelled = {}",
        joined.is_err_and(|e| e.is_cancelled())
    );
    // ANCHOR_END: detach_abort

    // ANCHOR: joinset
    println!("JoinSet: three orders, collected as they finish, then the rest dropped");
    let mut set = JoinSet::new();
    for (name, units) in [("rice", 3), ("soup", 1), ("noodles", 2), ("banquet", 100)] {
        set.spawn(order(name, unit * units, Arc::clone(&live)));
    }
    for _ in 0..3 {
        if let Some(Ok(name)) = set.join_next().await {
            println!("  {name} is ready");
        }
    }
    drop(set); // aborts every task still in the set
    // ANCHOR_END: joinset

    // An aborted task is dropped the next time the runtime gets to it: give it a few turns.
    for _ in 0..100 {
        if live.load(Ordering::SeqCst) == 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    let metrics = tokio::runtime::Handle::current().metrics();
    let (aprons, tasks) = (live.load(Ordering::SeqCst), metrics.num_alive_tasks());
    println!("orders still alive: {aprons}; tasks still alive: {tasks}");
    ensure!(
        aprons == 0 && tasks == 0,
        "something survived its cancellation"
    );
    Ok(())
}
