//! I/O-bound versus CPU-bound: the same number of jobs on 1, 2, 4 and 8 threads.
//! Waiting jobs get faster with every thread; CPU jobs stop at the number of cores (on a quiet
//! machine), and use the same CPU time however many threads share them.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use multitasking::jobs::{count_primes, run_jobs};
use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;

/// Time waiting jobs and CPU jobs on 1, 2, 4 and 8 threads.
#[derive(Debug, Parser)]
struct Args {
    /// How many jobs of each kind.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=256))]
    jobs: u64,
    /// How long each waiting job sleeps, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    wait_ms: u64,
    /// Each CPU job counts the primes below this number.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    prime_limit: u64,
}

const THREADS: [usize; 4] = [1, 2, 4, 8];

// ANCHOR: measure
/// What one table measured: the speedup of its last row (the most threads) over its first
/// (one thread), and the CPU time the process used during each of the two.
struct Measured {
    speedup: f64,
    cpu_one: Duration,
    cpu_most: Duration,
}

/// Runs `jobs` copies of `job` on each thread count and prints a row per count.
fn table(jobs: usize, at_best: impl Fn(usize) -> f64, job: impl Fn() + Sync) -> Result<Measured> {
    println!("  threads       time  speedup");
    let mut one_thread = None;
    let mut measured = Measured {
        speedup: 1.0,
        cpu_one: Duration::ZERO,
        cpu_most: Duration::ZERO,
    };
    for threads in THREADS {
        let threads = NonZeroUsize::new(threads).context("thread counts are not zero")?;
        let (start, cpu_start) = (Instant::now(), cpu_time()?);
        run_jobs(jobs, threads, |_| job())?;
        let (took, cpu) = (start.elapsed(), cpu_time()?.saturating_sub(cpu_start));
        let base = *one_thread.get_or_insert(took);
        measured.speedup = base.as_secs_f64() / took.as_secs_f64();
        if threads.get() == 1 {
            measured.cpu_one = cpu;
        }
        measured.cpu_most = cpu;
        let best = at_best(threads.get());
        let ms = took.as_secs_f64() * 1e3;
        let speedup = measured.speedup;
        println!("  {threads:>7} {ms:>7.1} ms  {speedup:>6.2}x  (at best {best:.2}x)");
    }
    Ok(measured)
}

/// The CPU time this process has used so far, on all its threads: a job that sleeps adds none.
fn cpu_time() -> Result<Duration> {
    let usage = getrusage(UsageWho::RUSAGE_SELF)?;
    let time = |t: TimeVal| {
        Duration::from_secs(t.tv_sec().try_into().unwrap_or(0))
            + Duration::from_micros(t.tv_usec().try_into().unwrap_or(0))
    };
    Ok(time(usage.user_time()) + time(usage.system_time()))
}
// ANCHOR_END: measure

fn main() -> Result<()> {
    let args = Args::parse();
    let jobs = usize::try_from(args.jobs)?;
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    println!("available parallelism: {cores}");
    // With `jobs` jobs dealt to `t` threads, the busiest thread runs ceil(jobs / t) of them.
    let rounds = |t: usize| jobs.div_ceil(t.min(jobs)) as f64;

    // ANCHOR: main
    let wait = Duration::from_millis(args.wait_ms);
    println!("{jobs} waiting jobs: each sleeps {} ms", args.wait_ms);
    // Waiting needs no core: every thread can wait at the same time.
    let best_wait = |t: usize| rounds(1) / rounds(t);
    let waits = table(jobs, best_wait, || std::thread::sleep(wait))?.speedup;
    // A verdict with a wide margin: sleeping threads need no core, so the most threads should
    // come close to their best on any machine, however many cores it has or how busy it is.
    let most = THREADS[THREADS.len() - 1];
    let quarter = best_wait(most) / 4.0;
    println!(
        "  {most} threads waited more than {quarter:.1}x faster than 1: {}",
        waits > quarter
    );

    let limit = args.prime_limit;
    let primes = count_primes(0..limit);
    println!("{jobs} CPU jobs: each counts the primes below {limit} ({primes} of them)");
    // More threads than cores cannot help: at best, all cores are busy.
    let best_cpu = |t: usize| rounds(1) / rounds(t.min(cores));
    let computed = table(jobs, best_cpu, || {
        black_box(count_primes(0..black_box(limit))); // black_box: keep the unused work
    })?;
    // The other verdict counts CPU time, not speed: on a busy machine the kernel shares the
    // CPU out by thread, so the most threads take a larger share of it than one thread does,
    // and their speedup can pass what the cores allow. But a computing job needs a core for
    // all of its work, so the most threads use about the CPU time one thread used; a job that
    // needs no core (a sleep passed off as work) would use next to none.
    println!(
        "  {most} threads used at least half the CPU time of 1: {}",
        computed.cpu_most >= computed.cpu_one / 2
    );
    // ANCHOR_END: main
    Ok(())
}
