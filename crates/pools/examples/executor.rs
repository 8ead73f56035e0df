//! The hand-made pool as Python's `ThreadPoolExecutor`: submit jobs, get handles (futures),
//! collect each value or each job's panic, and shut down by dropping the pool.

use std::panic;
use std::thread;

use anyhow::{Result, ensure};
use clap::Parser;
use pools::handmade::ThreadPool;

/// Deliver orders on a small pool of threads; one order has no address and panics.
#[derive(Parser, Debug)]
struct Args {
    /// Worker threads in the pool
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Jobs the queue holds before `submit` waits
    #[arg(long, default_value_t = 4)]
    queue: usize,
    /// How many orders to deliver
    #[arg(long, default_value_t = 5)]
    orders: u32,
    /// The order whose delivery panics (0: none)
    #[arg(long, default_value_t = 4)]
    bad_order: u32,
}

// ANCHOR: job
/// One job: deliver an order. The bad one panics, as a bug in a job would.
fn deliver(order: u32, bad_order: u32) -> String {
    if order == bad_order {
        panic!("no address for order {order}");
    }
    format!("order {order} delivered to table {}", order * 3 % 7 + 1)
}
// ANCHOR_END: job

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.threads > 0, "--threads must be at least 1");
    ensure!(args.queue > 0, "--queue must be at least 1");
    quiet_panics_in_workers();

    // ANCHOR: submit
    // with ThreadPoolExecutor(max_workers=2) as executor:
    let pool = ThreadPool::new(args.threads, args.queue)?;
    println!(
        "pool: {} worker threads, room for {} waiting jobs",
        pool.threads(),
        args.queue
    );
    // future = executor.submit(deliver, order), for each order
    let bad = args.bad_order;
    let handles: Vec<_> = (1..=args.orders)
        .map(|order| pool.submit(move || deliver(order, bad)))
        .collect();
    println!(
        "submitted {} jobs, got {} handles",
        args.orders,
        handles.len()
    );
    // future.result(): the value, or the job's panic as an error
    for (order, handle) in (1..=args.orders).zip(handles) {
        match handle.wait() {
            Ok(done) => println!("  {done}"),
            Err(error) => println!("  order {order} failed: {error}"),
        }
    }
    // Leaving the `with` block: the pool shuts down and joins its workers.
    drop(pool);
    println!("pool dropped: every worker finished and was joined");
    // ANCHOR_END: submit
    Ok(())
}

/// A panicking job's message comes back through its handle; the default hook would also
/// print it to stderr, from the worker thread, at an unpredictable moment. Silence it for the
/// pool's threads only (a panic anywhere else still prints).
fn quiet_panics_in_workers() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let in_pool = thread::current()
            .name()
            .is_some_and(|name| name.starts_with("pool-worker-"));
        if !in_pool {
            default(info);
        }
    }));
}
