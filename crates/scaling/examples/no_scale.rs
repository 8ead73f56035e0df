//! Work that does not scale up: more threads, and the time does not drop (or grows).
//!
//! - lock: every addition takes the same Mutex, so they happen one at a time.
//! - own: the same additions, each thread on its own counter (the control: this one scales).
//! - stream: adding up a large array, where the cores wait on memory.

use std::time::Instant;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use scaling::bottleneck::{big_array, one_lock, own_counters, sum_on};
use scaling::{cores, machine, pool};

/// Time a job on 1 to N threads and print the speedup.
#[derive(Debug, Parser)]
struct Args {
    /// The jobs to run
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "lock,own,stream"
    )]
    jobs: Vec<Job>,
    /// Additions for the lock and own jobs
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    additions: u64,
    /// Size of the array for the stream job, in MiB
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=4096))]
    mib: u64,
    /// The most threads to try [default: this machine's cores + 2]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    max_threads: Option<u16>,
    /// Runs per thread count; the fastest counts
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    runs: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Job {
    Lock,
    Own,
    Stream,
}

/// The fastest of `runs` runs of `job`, in seconds, and its result.
fn best_of(runs: u16, mut job: impl FnMut() -> u64) -> (f64, u64) {
    let mut best = f64::INFINITY;
    let mut result = job(); // warm up
    for _ in 0..runs {
        let start = Instant::now();
        result = job();
        best = best.min(start.elapsed().as_secs_f64());
    }
    (best, result)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let max = args.max_threads.map_or(cores() + 2, usize::from);
    let (cache, memory) = (machine::last_level_cache(), machine::memory());
    let size = |bytes: Option<u64>, show: fn(u64) -> String| bytes.map_or("unknown".into(), show);
    println!(
        "this machine has {} cores, a last-level cache of {} and {} of memory",
        cores(),
        size(cache, machine::mib),
        size(memory, machine::gib),
    );
    let len = usize::try_from(args.mib * (1 << 20) / 8)?;
    let data = if args.jobs.contains(&Job::Stream) {
        big_array(len)
    } else {
        Vec::new()
    };
    for job in &args.jobs {
        let (what, expected) = match job {
            Job::Lock => ("additions under one Mutex", args.additions),
            Job::Own => ("additions, one counter per thread", args.additions),
            Job::Stream => ("sum of the array", (len as u64) * (len as u64 - 1) / 2),
        };
        match job {
            Job::Stream => {
                // A sum over an array bigger than the cache reads (nearly) every number from
                // memory: each pass pushes the start of the array out before it comes round.
                let bytes = args.mib << 20;
                let verdict = match cache {
                    Some(c) if bytes > c => format!(
                        "{:.0} times the last-level cache: read from memory",
                        bytes as f64 / c as f64
                    ),
                    Some(_) => "no bigger than the last-level cache: it may stay in it".into(),
                    None => "the size of the cache is not known here".into(),
                };
                println!(
                    "{job:?}: {what}, {len} numbers ({} MiB, {verdict})",
                    args.mib
                );
            }
            _ => println!("{job:?}: {} {what}", args.additions),
        }
        println!("threads  {:>15}      time  speedup", "result");
        let mut base = None;
        for threads in 1..=max {
            let (seconds, result) = match job {
                Job::Lock => best_of(args.runs, || one_lock(threads, args.additions)),
                Job::Own => best_of(args.runs, || own_counters(threads, args.additions)),
                Job::Stream => {
                    let pool = pool(threads)?;
                    best_of(args.runs, || sum_on(&pool, &data))
                }
            };
            ensure!(result == expected, "{job:?} on {threads} threads: {result}");
            let base = *base.get_or_insert(seconds);
            println!(
                "{threads:>7}  {result:>15}  {:>5.1} ms  {:>6.2}x",
                seconds * 1e3,
                base / seconds
            );
        }
    }
    Ok(())
}
