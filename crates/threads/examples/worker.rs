//! The lesson's worker thread: `do <work>` every interval until the main thread stops it,
//! then `retired..`. Three ways to tell it to stop, and how long each takes to be obeyed.
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use clap::{Parser, ValueEnum};
use threads::{Stop, StopFlag, StopSignal, work_until_message, work_until_stopped};

#[derive(Parser)]
#[command(about = "A worker that loops until it is told to stop")]
struct Args {
    /// How the main thread tells the worker to stop.
    #[arg(long, value_enum, default_value_t = How::Flag)]
    stop: How,
    /// What the worker says it does on each round.
    #[arg(long, default_value = "Overwork")]
    work: String,
    /// The worker's rest between rounds, in milliseconds.
    #[arg(long, default_value_t = 250, value_parser = clap::value_parser!(u64).range(1..=5_000))]
    interval_ms: u64,
    /// How many rounds the main thread waits for before stopping the worker.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=20))]
    rounds: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum How {
    /// A shared `AtomicBool`, checked between rounds.
    Flag,
    /// A flag behind a mutex plus a condition variable that wakes the resting worker.
    Signal,
    /// A channel: the worker's rest is a `recv_timeout`; dropping the sender stops it.
    Channel,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let interval = Duration::from_millis(args.interval_ms);
    // Each round tells the main thread it happened, so main stops the worker after a known
    // number of rounds instead of after a guessed time.
    let (tick, ticks) = mpsc::channel();
    let work = args.work.clone();
    let round = move || {
        println!("do {work}");
        // Main may have given up already (an error); the worker does not care.
        let _ = tick.send(());
    };

    let (rounds, took) = match args.stop {
        How::Flag => run_until_stopped(StopFlag::default(), interval, round, &ticks, args.rounds)?,
        How::Signal => {
            run_until_stopped(StopSignal::default(), interval, round, &ticks, args.rounds)?
        }
        How::Channel => run_until_dropped(interval, round, &ticks, args.rounds)?,
    };

    println!("worker is gone after {rounds} rounds.");
    // A wide margin, so that a busy machine cannot flip the verdict.
    let verdict = if took >= interval / 2 {
        format!("it slept out its {} ms rest first", args.interval_ms)
    } else {
        "it woke at once, long before its next round".to_owned()
    };
    println!("stop took {:.1} ms: {verdict}.", took.as_secs_f64() * 1e3);
    Ok(())
}

// ANCHOR: run_until_stopped
/// Starts the worker, lets it do `rounds` rounds, stops it and joins it.
/// Returns the rounds it did and the time from the stop to the end of `join`.
fn run_until_stopped(
    stop: impl Stop + Clone + 'static,
    interval: Duration,
    round: impl FnMut() + Send + 'static,
    ticks: &Receiver<()>,
    rounds: u64,
) -> Result<(u64, Duration)> {
    let worker = {
        let stop = stop.clone();
        thread::Builder::new()
            .name("worker".into())
            .spawn(move || {
                let done = work_until_stopped(&stop, interval, round);
                println!("retired..");
                done
            })?
    };
    wait_for_rounds(ticks, rounds, interval)?;

    println!("main: stop!");
    let asked = Instant::now();
    stop.stop();
    let done = worker.join().map_err(|_| anyhow!("the worker panicked"))?;
    Ok((done, asked.elapsed()))
}
// ANCHOR_END: run_until_stopped

// ANCHOR: run_until_dropped
/// The same with a channel: the worker rests in `recv_timeout`, and the main thread
/// stops it by dropping the only sender, which ends that wait at once.
fn run_until_dropped(
    interval: Duration,
    round: impl FnMut() + Send + 'static,
    ticks: &Receiver<()>,
    rounds: u64,
) -> Result<(u64, Duration)> {
    let (stop, stop_heard) = mpsc::channel::<()>();
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            let done = work_until_message(&stop_heard, interval, round);
            println!("retired..");
            done
        })?;
    wait_for_rounds(ticks, rounds, interval)?;

    println!("main: stop!");
    let asked = Instant::now();
    drop(stop);
    let done = worker.join().map_err(|_| anyhow!("the worker panicked"))?;
    Ok((done, asked.elapsed()))
}
// ANCHOR_END: run_until_dropped

/// Waits for `rounds` ticks, giving up (instead of hanging) if the worker stalls.
fn wait_for_rounds(ticks: &Receiver<()>, rounds: u64, interval: Duration) -> Result<()> {
    for n in 1..=rounds {
        ticks
            .recv_timeout(interval + Duration::from_secs(5))
            .with_context(|| format!("the worker never did round {n}"))?;
    }
    Ok(())
}
