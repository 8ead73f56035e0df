//! The lesson's prime count three ways: one number after the other, with rayon, and with
//! the hand-made pool. All three must give the same count.

use std::time::Instant;

use anyhow::{Result, bail, ensure};
use clap::Parser;
use pools::handmade::{self, ThreadPool};
use pools::{count_primes, count_primes_rayon};

/// Count the primes in a range sequentially, with rayon and with the hand-made pool.
#[derive(Parser, Debug)]
struct Args {
    /// First number of the range
    #[arg(long, default_value_t = 1_000_000)]
    start: u64,
    /// End of the range (not included)
    #[arg(long, default_value_t = 1_200_000)]
    end: u64,
    /// Threads of the hand-made pool (default: one per core)
    #[arg(long)]
    threads: Option<usize>,
    /// Numbers per job for the hand-made pool
    #[arg(long, default_value_t = 10_000)]
    chunk: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.start < args.end, "--start must be below --end");
    ensure!(args.chunk > 0, "--chunk must be at least 1");
    let threads = args.threads.unwrap_or_else(pools::cores);
    ensure!(threads > 0, "--threads must be at least 1");
    let range = args.start..args.end;
    println!("primes in {range:?}:");

    // ANCHOR: three_ways
    let clock = Instant::now();
    let sequential = count_primes(range.clone());
    report("sequential", sequential, clock);

    let clock = Instant::now();
    let rayon = count_primes_rayon(range.clone());
    report("rayon", rayon, clock);

    let pool = ThreadPool::new(threads, 2 * threads)?;
    let clock = Instant::now();
    let handmade = handmade::count_primes(&pool, range, args.chunk)?;
    report("hand-made pool", handmade, clock);
    // ANCHOR_END: three_ways

    if sequential != rayon || sequential != handmade {
        bail!("the counts differ: {sequential}, {rayon}, {handmade}");
    }
    println!("all three agree");
    Ok(())
}

fn report(how: &str, count: u64, clock: Instant) {
    let ms = clock.elapsed().as_secs_f64() * 1e3;
    println!("  {how:<15} {count:>7} primes  {ms:>8.1} ms");
}
