//! The fixes for the two compiler errors of the chapter: an `Arc` where an `Rc` cannot go, a
//! `Mutex` where a `RefCell` cannot be shared, and an atomic where a plain number would do.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{Result, anyhow};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Share data between threads with Arc, Mutex and an atomic")]
struct Args {
    /// Increments each of the two threads makes.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    each: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: arc
    // `Arc` counts its owners with atomic operations, so a clone may move to another thread.
    let orders = Arc::new(vec![3, 1, 4, 1, 5]);
    let mine = Arc::clone(&orders);
    let worker = thread::spawn(move || mine.len());
    let counted = worker
        .join()
        .map_err(|_| anyhow!("the counting thread panicked"))?;
    println!(
        "arc:    the other thread counted {counted} orders; owners left: {}",
        Arc::strong_count(&orders)
    );
    // ANCHOR_END: arc

    // ANCHOR: mutex
    // A `Mutex` lets one thread at a time in, so a `&Mutex` may be shared: `Mutex<u64>` is `Sync`.
    let tally = Mutex::new(0u64);
    thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..args.each {
                    *tally.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                }
            });
        }
    });
    let tally = tally.into_inner().unwrap_or_else(|e| e.into_inner());
    println!("mutex:  2 threads x {} increments = {tally}", args.each);
    // ANCHOR_END: mutex

    // ANCHOR: atomic
    // For one number, an atomic does the same without a lock.
    let hits = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..args.each {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    println!(
        "atomic: 2 threads x {} increments = {}",
        args.each,
        hits.into_inner()
    );
    // ANCHOR_END: atomic
    Ok(())
}
