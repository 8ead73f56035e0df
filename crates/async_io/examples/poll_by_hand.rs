//! A hand-written future on a hand-written executor: every poll and every wake, printed.

use std::time::Duration;

use anyhow::{Result, bail};
use async_io::hand_future::{Delay, Traced, block_on};
use clap::Parser;

/// Polls a `Delay` with the crate's own `block_on` and prints what happens.
#[derive(Parser, Debug)]
struct Args {
    /// How long the delay lasts, in milliseconds.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    delay_ms: u64,
}

// ANCHOR: main
fn main() -> Result<()> {
    let args = Args::parse();
    let delay = Delay::new(Duration::from_millis(args.delay_ms));
    println!("created the future: nothing runs yet, nobody has polled it");
    let traced = Traced::new(delay, |n, ready| {
        let state = if ready {
            "Ready"
        } else {
            "Pending (the helper thread will wake us)"
        };
        println!(
            "poll #{n} on thread {}: {state}",
            std::thread::current().name().unwrap_or("?")
        );
    });
    match block_on(traced, Duration::from_secs(5)) {
        Ok(((), stats)) => println!("done: {} polls, {} wake(s)", stats.polls, stats.wakes),
        Err(timed_out) => bail!("still pending after 5 s: {:?}", timed_out.0),
    }
    Ok(())
}
// ANCHOR_END: main
