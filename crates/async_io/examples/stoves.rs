//! The cook works on the runtime's only thread and the stove runs late; three fixes.

use std::time::Duration;

use anyhow::Result;
use async_io::stoves::{Fix, kitchen};
use clap::Parser;

/// Measures how late a ticking stove runs while the cook does CPU work, for each fix.
#[derive(Parser, Debug)]
struct Args {
    /// How long the cook's CPU work lasts, in milliseconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(50..=10_000))]
    work_ms: u64,
    /// How often the stove should tick, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=1000))]
    tick_ms: u64,
    /// Print machine lines `id<TAB>value<TAB>unit` instead of sentences.
    #[arg(long)]
    tsv: bool,
}

// ANCHOR: main
fn main() -> Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.tick_ms * 5 <= args.work_ms,
        "--work-ms must be at least 5 ticks long"
    );
    let (work, tick) = (
        Duration::from_millis(args.work_ms),
        Duration::from_millis(args.tick_ms),
    );
    if !args.tsv {
        println!(
            "current_thread runtime; the cook works {work:?} of CPU, the stove should tick every {tick:?}"
        );
    }
    for fix in Fix::ALL {
        let seen = kitchen(fix, work, tick);
        if args.tsv {
            println!(
                "{}/worst_lateness\t{}\tns",
                fix.name(),
                seen.worst.as_nanos()
            );
            println!(
                "{}/ticks_during_work\t{}\tcount",
                fix.name(),
                seen.ticks_during_work
            );
            continue;
        }
        let kept_ticking = if seen.ticks_during_work > 0 {
            "yes"
        } else {
            "no"
        };
        println!(
            "{:>14}: stove ticked while the cook worked: {kept_ticking} ({} ticks); worst lateness {:.1} ms",
            fix.name(),
            seen.ticks_during_work,
            seen.worst.as_secs_f64() * 1e3,
        );
    }
    Ok(())
}
// ANCHOR_END: main
