//! Where the time goes: run the deliberately slow program under the `pprof` sampling
//! profiler, say which function the samples point at, and draw the flamegraph.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use profiling::hotspot::{STAGES, profile, round};

/// Profile the slow program and write its flamegraph as an SVG.
#[derive(Debug, Parser)]
struct Args {
    /// Where to write the SVG [default: flamegraph.svg in the system's temporary folder].
    #[arg(long)]
    out: Option<PathBuf>,
    /// How long to keep the program running, in seconds of wall time.
    #[arg(long, default_value_t = 0.5)]
    seconds: f64,
    /// Samples per second of CPU time.
    #[arg(long, default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    frequency: u32,
    /// Numbers per round of the program.
    #[arg(long, default_value_t = 5_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    numbers: u32,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(
        args.seconds > 0.0 && args.seconds <= 60.0,
        "--seconds must be more than 0 and at most 60, not {}",
        args.seconds
    );
    let out = args
        .out
        .unwrap_or_else(|| std::env::temp_dir().join("flamegraph.svg"));

    // Create the file first: a bad path should fail before the profiling, not after.
    let file = File::create(&out).with_context(|| format!("cannot create {}", out.display()))?;

    // ANCHOR: run
    let budget = Duration::from_secs_f64(args.seconds);
    let (rounds, cpu) = profile(args.frequency, || -> Result<u64> {
        // Rounds until the time is up, each with different numbers.
        let start = Instant::now();
        let mut rounds = 0;
        while start.elapsed() < budget {
            round(args.numbers, rounds)?;
            rounds += 1;
        }
        Ok(rounds)
    })?;
    let rounds = rounds?;
    // ANCHOR_END: run

    let total = cpu.samples();
    if total == 0 {
        bail!("the profiler took no samples: is SIGPROF blocked, or --seconds too short?");
    }
    println!(
        "ran {rounds} rounds of {} numbers in {:.1} s: {total} samples",
        args.numbers, args.seconds
    );
    // ANCHOR: shares
    // A sample counts for a function when that function is anywhere on its call stack.
    let mut hottest = ("", 0);
    for stage in STAGES {
        let n = cpu.samples_in(stage);
        println!(
            "  {stage:<16} {:>5.1}% of samples",
            100.0 * n as f64 / total as f64
        );
        if n > hottest.1 {
            hottest = (stage, n);
        }
    }
    println!("hottest: {}", hottest.0);
    // ANCHOR_END: shares

    let mut svg = BufWriter::new(file);
    cpu.write_flamegraph(
        &mut svg,
        "the slow program: dedup_with_list against dedup_with_set",
    )?;
    svg.flush()
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(())
}
