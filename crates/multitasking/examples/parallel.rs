//! Parallelism: named OS threads count primes at the same time, each on its own part of
//! the range.

use std::num::NonZeroUsize;
use std::thread;

use anyhow::Result;
use clap::Parser;
use multitasking::jobs::{chunks, count_primes, run_jobs};

/// Count primes below a limit on several OS threads at once.
#[derive(Debug, Parser)]
struct Args {
    /// How many worker threads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Count the primes below this number.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    limit: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let threads = NonZeroUsize::try_from(usize::try_from(args.threads)?)?;
    let main = thread::current();
    println!(
        "thread {} ({:?}) starts {} worker threads",
        main.name().unwrap_or("<unnamed>"),
        main.id(),
        threads,
    );

    // ANCHOR: main
    let ranges = chunks(args.limit, threads);
    let results = run_jobs(ranges.len(), threads, |job| {
        let primes = count_primes(ranges[job].clone());
        let me = thread::current();
        let name = me.name().unwrap_or("<unnamed>");
        println!(
            "{name} ({:?}) counted {primes} primes in {:?}",
            me.id(),
            ranges[job]
        );
        primes
    })?;
    // ANCHOR_END: main

    let total: usize = results.iter().map(|r| r.value).sum();
    let mut threads: Vec<_> = results.iter().map(|r| format!("{:?}", r.thread)).collect();
    threads.sort_unstable();
    threads.dedup();
    println!(
        "{total} primes below {} in all, counted by {} different threads",
        args.limit,
        threads.len()
    );
    Ok(())
}
