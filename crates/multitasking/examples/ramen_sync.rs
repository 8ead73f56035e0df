//! The synchronous cook: waits by the stove for the water, then chops, then waits again.
//! Every step starts when the previous one ends, so the total is the sum of the steps.

use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use multitasking::kitchen::{
    FakeClock, Journal, RECIPE, WallClock, check_stamps, cook_sync, kitchen_minutes, sum_of_steps,
};

/// Cook ramen synchronously: one step after the other.
#[derive(Debug, Parser)]
struct Args {
    /// How many real milliseconds one kitchen minute lasts.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    minute_ms: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let minute = Duration::from_millis(args.minute_ms);
    println!(
        "one kitchen minute = {} ms; one cook, one step after the other",
        args.minute_ms
    );

    // ANCHOR: main
    let journal = Journal::new(minute, true); // `true`: print each step as it starts
    let ready = cook_sync(&WallClock::start(), &journal);
    // ANCHOR_END: main
    let steps: Vec<String> = RECIPE.iter().map(|s| s.minutes.to_string()).collect();
    let stamp = kitchen_minutes(ready, minute);
    println!(
        "[min {stamp:>2}] ramen is ready after {stamp} minutes: every step added up ({} = {})",
        steps.join(" + "),
        sum_of_steps(),
    );
    // A machine busy enough to make a step half a kitchen minute late prints wrong stamps:
    // then say so, against the same kitchen on a clock that does not wait.
    let plan = Journal::new(minute, false);
    let planned = cook_sync(&FakeClock::default(), &plan);
    check_stamps(
        minute,
        (&journal.events(), ready),
        (&plan.events(), planned),
    )
}
