//! rayon's two building blocks: `join` runs two closures, maybe in parallel; `scope` runs
//! many, and they may borrow local data because the scope waits for all of them.

use std::ops::Range;

use anyhow::{Result, ensure};
use clap::Parser;
use pools::{chunks, count_primes};

/// Count primes in a range with rayon::join (two halves) and rayon::scope (chunks).
#[derive(Parser, Debug)]
struct Args {
    /// First number of the range
    #[arg(long, default_value_t = 1_000_000)]
    start: u64,
    /// End of the range (not included)
    #[arg(long, default_value_t = 1_020_000)]
    end: u64,
    /// Numbers per chunk for the scope
    #[arg(long, default_value_t = 5_000)]
    chunk: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.start < args.end, "--start must be below --end");
    ensure!(args.chunk > 0, "--chunk must be at least 1");
    let range = args.start..args.end;
    println!("range {range:?}");

    // ANCHOR: join
    let middle = range.start + (range.end - range.start) / 2;
    let (low, high) = rayon::join(
        || count_primes(range.start..middle),
        || count_primes(middle..range.end),
    );
    println!("join:  {low} + {high} = {} primes", low + high);
    // ANCHOR_END: join

    // ANCHOR: scope
    let pieces: Vec<Range<u64>> = chunks(range, args.chunk);
    // A local array the tasks write into: no Arc, no 'static, no channel.
    let mut counts = vec![0; pieces.len()];
    rayon::scope(|scope| {
        for (count, piece) in counts.iter_mut().zip(&pieces) {
            scope.spawn(move |_| *count = count_primes(piece.clone()));
        }
    }); // every task has ended here, so `counts` is ours again
    let total: u64 = counts.iter().sum();
    println!("scope: {counts:?} = {total} primes");
    // ANCHOR_END: scope
    Ok(())
}
