//! A `Barrier`: every cook finishes the prep phase before any starts cooking.
use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Keep threads in step, phase by phase, with a Barrier")]
struct Args {
    /// Cooks (threads); the slowest preps longest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=16))]
    cooks: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    // Every line printed, in the order it was printed, to check the phases afterwards.
    let log = Mutex::new(Vec::new());
    let say = |line: String| {
        println!("{line}");
        log.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    };
    // ANCHOR: barrier
    let all_prepped = Barrier::new(args.cooks as usize);
    thread::scope(|scope| {
        for cook in 1..=args.cooks {
            let (all_prepped, say) = (&all_prepped, &say);
            scope.spawn(move || {
                // Cook n takes n × 20 ms to prep: they arrive at the barrier one by one.
                thread::sleep(Duration::from_millis(20 * cook));
                say(format!("cook {cook}: prepped"));
                // Blocks until every cook has arrived; one of them is told it is the leader.
                if all_prepped.wait().is_leader() {
                    say("the leader: everyone prepped".to_owned());
                }
                say(format!("cook {cook}: cooking"));
            });
        }
    });
    // ANCHOR_END: barrier
    let log = log.into_inner().unwrap_or_else(PoisonError::into_inner);
    let in_step = sharing::phases::prepped_before_cooking(&log);
    println!("every cook prepped before any cook cooked: {in_step}");
    Ok(())
}
