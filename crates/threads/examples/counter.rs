//! A counter shared by several threads: `Arc<Mutex<u64>>`, an atomic, and a racy
//! read-then-write that loses updates.
use std::sync::{Arc, Barrier};
use std::thread;

use anyhow::{Result, anyhow};
use clap::Parser;
use threads::{AtomicCounter, Counter, MutexCounter, RacyCounter};

#[derive(Parser)]
#[command(about = "Increment one shared counter from several threads")]
struct Args {
    /// Threads incrementing the counter.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Increments each thread makes.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    each: u64,
}

// ANCHOR: count
/// Shares `counter` with `threads` spawned threads through an `Arc` (a spawned thread may
/// outlive this function, so it must own its handle), and returns the final count.
fn count<C: Counter + 'static>(counter: C, threads: u64, each: u64) -> Result<u64> {
    let counter = Arc::new(counter);
    // All threads start incrementing together, so that they really overlap.
    let start = Arc::new(Barrier::new(threads as usize));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                for _ in 0..each {
                    counter.increment();
                }
            })
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow!("a counting thread panicked"))?;
    }
    Ok(counter.get())
}
// ANCHOR_END: count

fn main() -> Result<()> {
    let args = Args::parse();
    let expected = args.threads * args.each;
    println!(
        "{} threads x {} increments = {expected}",
        args.threads, args.each
    );
    let mutex = count(MutexCounter::default(), args.threads, args.each)?;
    println!("mutex:  {mutex}");
    let atomic = count(AtomicCounter::default(), args.threads, args.each)?;
    println!("atomic: {atomic}");
    let racy = count(RacyCounter::default(), args.threads, args.each)?;
    println!("racy:   {racy} ({} increments lost)", expected - racy);
    Ok(())
}
