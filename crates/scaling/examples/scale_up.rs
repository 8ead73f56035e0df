//! Scale-up, measured: the same prime count on rayon pools of 1, 2, 3, ... threads, then
//! Amdahl's law fitted to the speedups and asked about bigger machines.

use std::time::Instant;

use anyhow::{Result, ensure};
use clap::Parser;
use scaling::laws::{self, Run};
use scaling::{cores, count_primes, count_primes_on, pool};

/// Count primes on pools of 1 to N threads; print speedup, efficiency and Amdahl's forecast.
#[derive(Debug, Parser)]
struct Args {
    /// Count the primes from this number...
    #[arg(long, default_value_t = 1_000_000)]
    from: u64,
    /// ...up to this one (not included)
    #[arg(long, default_value_t = 1_030_000)]
    to: u64,
    /// The largest pool to try [default: this machine's cores + 2]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    max_threads: Option<u16>,
    /// Runs per pool size; the fastest counts (the others met more noise)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    runs: u16,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(
        args.from < args.to && args.to - args.from <= 100_000_000,
        "--from must be below --to, at most 100000000 apart"
    );
    let range = args.from..args.to;
    let cores = cores();
    let max = args.max_threads.map_or(cores + 2, usize::from);
    let expected = count_primes(range.clone());
    println!("{expected} primes in {range:?}; this machine has {cores} cores");

    // ANCHOR: measure
    let mut runs = Vec::new();
    for threads in 1..=max {
        let pool = pool(threads)?;
        let _ = count_primes_on(&pool, range.clone()); // warm up: threads started, caches filled
        let mut best = f64::INFINITY;
        for _ in 0..args.runs {
            let start = Instant::now();
            let primes = count_primes_on(&pool, range.clone());
            best = best.min(start.elapsed().as_secs_f64());
            ensure!(primes == expected, "{threads} threads counted {primes}");
        }
        runs.push(Run {
            threads,
            seconds: best,
        });
    }
    // ANCHOR_END: measure

    println!("threads  primes      time  speedup  efficiency");
    let base = runs[0];
    for run in &runs {
        let note = if run.threads > cores {
            "  more threads than cores"
        } else {
            ""
        };
        println!(
            "{:>7}  {expected:>6}  {:>5.1} ms  {:>6.2}x  {:>9.0}%{note}",
            run.threads,
            run.seconds * 1e3,
            run.speedup(&base),
            run.efficiency(&base) * 100.0,
        );
    }

    // ANCHOR: fit
    let points = laws::fit_points(&runs, &base, cores);
    let Some(serial) = laws::fit_serial_fraction(&points) else {
        println!("no run on 2 or more cores: nothing to fit");
        return Ok(());
    };
    let used: Vec<String> = points.iter().map(|(n, _)| n.to_string()).collect();
    println!(
        "Amdahl fit on {} threads: serial fraction {serial:.3}",
        used.join(", ")
    );
    println!("cores  Amdahl (same job)  Gustafson (job grows)");
    for n in [16.0, 64.0, 256.0] {
        let (a, g) = (laws::amdahl(serial, n), laws::gustafson(serial, n));
        println!("{n:>5}  {a:>16.1}x  {g:>20.1}x");
    }
    // ANCHOR_END: fit
    if serial > 0.0 {
        let ceiling = laws::amdahl_ceiling(serial);
        println!("Amdahl's ceiling for this job: {ceiling:.0}x, however many cores");
    } else {
        println!("Amdahl's ceiling for this job: none measured (no serial part seen)");
    }
    Ok(())
}
