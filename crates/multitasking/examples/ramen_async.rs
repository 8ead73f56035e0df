//! The asynchronous cook: the stove waits in its own task while the cook keeps working,
//! so the total is the longest chain of waits, not the sum of the steps.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use multitasking::kitchen::{
    BOIL_WATER, COOK_NOODLES, Journal, cook_async, kitchen_minutes, longest_wait_path, sum_of_steps,
};

/// Cook ramen asynchronously: the stove waits while the cook works.
#[derive(Debug, Parser)]
struct Args {
    /// How many real milliseconds one kitchen minute lasts.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    minute_ms: u64,
}

// ANCHOR: main
// One thread is enough: the stove's waits are timers, not work.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let minute = Duration::from_millis(args.minute_ms);
    println!(
        "one kitchen minute = {} ms; the stove waits while the cook works",
        args.minute_ms
    );

    let journal = Arc::new(Journal::new(minute, true));
    let ready = cook_async(journal).await?;
    let ready = kitchen_minutes(ready, minute);
    println!(
        "[min {ready:>2}] ramen is ready after {ready} minutes: the two waits on the stove \
         ({} + {} = {}), not the sum of all steps ({})",
        BOIL_WATER.minutes,
        COOK_NOODLES.minutes,
        longest_wait_path(),
        sum_of_steps(),
    );
    Ok(())
}
// ANCHOR_END: main
