//! The asynchronous cook: the stove waits in its own task while the cook keeps working,
//! so the total is the longest chain of waits, not the sum of the steps.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Parser;
use multitasking::kitchen::{
    BOIL_WATER, COOK_NOODLES, Event, Journal, check_stamps, cook_async, kitchen_minutes,
    longest_wait_path, sum_of_steps,
};

/// Cook ramen asynchronously: the stove waits while the cook works.
#[derive(Debug, Parser)]
struct Args {
    /// How many real milliseconds one kitchen minute lasts.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=60_000))]
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
    let ready = cook_async(Arc::clone(&journal)).await?;
    let stamp = kitchen_minutes(ready, minute);
    println!(
        "[min {stamp:>2}] ramen is ready after {stamp} minutes: the two waits on the stove \
         ({} + {} = {}), not the sum of all steps ({})",
        BOIL_WATER.minutes,
        COOK_NOODLES.minutes,
        longest_wait_path(),
        sum_of_steps(),
    );
    // A machine too busy for the stamps above says so: `planned` is the same kitchen on
    // tokio's paused clock, where every wait lasts exactly its length.
    let (plan, planned) = planned(minute)?;
    check_stamps(minute, (&journal.events(), ready), (&plan, planned))
}
// ANCHOR_END: main

/// The same kitchen on tokio's paused clock: the journal and ready time a run on the real
/// clock should match. It needs a runtime of its own, which cannot start inside `main`'s:
/// hence a thread.
fn planned(minute: Duration) -> Result<(Vec<Event>, Duration)> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()?;
        let journal = Arc::new(Journal::new(minute, false));
        let ready = runtime.block_on(cook_async(Arc::clone(&journal)))?;
        Ok((journal.events(), ready))
    })
    .join()
    .map_err(|_| anyhow!("the planned kitchen panicked"))?
}
