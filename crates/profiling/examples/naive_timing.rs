//! Why a hand-written `Instant` loop misleads: the optimiser deletes work whose result is
//! unused, the first calls pay for warming up, and one sample says nothing about the spread.

use std::hint::black_box;
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Instant;

use anyhow::Result;
use clap::Parser;
use profiling::timing::{nanos, sample};

/// Time collecting 0..100 into a Vec three ways: naively, one cold call, properly.
#[derive(Debug, Parser)]
struct Args {
    /// Calls per timing run.
    #[arg(long, default_value_t = NonZeroU32::new(20_000).unwrap(),
          value_parser = clap::value_parser!(NonZeroU32))]
    calls: NonZeroU32,
    /// Timed runs for the careful measurement.
    #[arg(long, default_value_t = NonZeroUsize::new(11).unwrap(),
          value_parser = clap::value_parser!(NonZeroUsize))]
    samples: NonZeroUsize,
}

// ANCHOR: naive
/// The naive way: call it `calls` times between two readings of the clock, and ignore
/// the result.
fn naive(calls: u32, n: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        let _unused: Vec<u32> = (0..n).collect();
    }
    nanos(start.elapsed()) / f64::from(calls)
}
// ANCHOR_END: naive

/// The fastest of five naive runs: the one least disturbed by the rest of the machine.
fn best_naive(calls: u32, n: u32) -> f64 {
    (0..5)
        .map(|_| naive(calls, n))
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let calls = args.calls.get();
    if cfg!(debug_assertions) {
        println!("note: a debug build: nothing is optimised, so nothing is optimised away,");
        println!("      and every number below is slow; add --release to see the point");
    }
    println!("timing (0..100).collect::<Vec<u32>>(), {calls} calls per run");

    // ANCHOR: scale
    // 1. A check every benchmark deserves: does the time grow with the work?
    let small = best_naive(calls, 100);
    let big = best_naive(calls.div_ceil(100), 10_000); // 100 times the numbers
    let growth = big / small;
    // ANCHOR_END: scale
    println!("1. naive loop, result unused, fastest of 5 runs:");
    println!("   0..100:    {small:>9.2} ns per call");
    println!("   0..10000:  {big:>9.2} ns per call ({growth:.1}x, for 100x the numbers)");
    // Real work grows about a hundredfold here; deleted work stays at the loop's cost.
    if growth < 10.0 {
        println!("   the time does not follow the work: the optimiser deleted the work");
    } else {
        println!("   the time follows the work: the work was done");
    }

    // ANCHOR: cold
    // 2. black_box keeps the work, but a single cold call is still misleading.
    let start = Instant::now();
    black_box((0..100).collect::<Vec<u32>>());
    let first = nanos(start.elapsed());
    let start = Instant::now();
    black_box((0..100).collect::<Vec<u32>>());
    let second = nanos(start.elapsed());
    // ANCHOR_END: cold
    println!("2. with black_box, one call at a time, no warm-up:");
    println!("   the first call:  {first:>7.0} ns");
    println!("   the second call: {second:>7.0} ns");

    // ANCHOR: careful
    // 3. black_box, a warm-up run, several samples: look at the median and the spread.
    let s = sample(args.calls, args.samples, || (0..100).collect::<Vec<u32>>());
    // ANCHOR_END: careful
    println!(
        "3. black_box, warm-up, {} runs: median {:.1} ns per call (fastest {:.1}, slowest {:.1})",
        s.all().len(),
        s.median(),
        s.min(),
        s.max()
    );
    Ok(())
}
