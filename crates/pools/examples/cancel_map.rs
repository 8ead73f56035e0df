//! Cancelling a running `map`, the twin of Python's `executor.shutdown(cancel_futures=True)`:
//! one input gets a worker stuck for good, and the whole `map` has a time budget. When the
//! budget runs out, the answers already in are kept, the stuck worker is killed and
//! replaced, and the inputs not answered come back cancelled.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use pools::is_prime;
use pools::process::{self, Cancel, ProcessPool, TaskError, WorkerSpec, describe};

/// Map numbers over one worker process and cancel the map when its time is up.
#[derive(Parser, Debug)]
struct Args {
    /// First number to test
    #[arg(long, default_value_t = 1_000_000)]
    start: u64,
    /// How many numbers to test
    #[arg(long, default_value_t = 8)]
    count: u64,
    /// The number that gets its worker stuck
    #[arg(long, default_value_t = 1_000_003)]
    stuck: u64,
    /// The map's time budget in milliseconds
    #[arg(long, default_value_t = 2_000)]
    budget_ms: u64,
    /// Run as a pool worker (the pool starts this program with it)
    #[arg(long = "pools-worker", hide = true)]
    pools_worker: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.pools_worker {
        process::serve(|line| {
            let n: u64 = line
                .parse()
                .map_err(|_| format!("not a number: {line:?}"))?;
            if n == args.stuck {
                // A call that never returns, as a deadlocked native library would.
                loop {
                    thread::sleep(Duration::from_secs(3600));
                }
            }
            Ok(if is_prime(n) { "prime" } else { "not prime" }.to_owned())
        })?;
        return Ok(());
    }
    ensure!(args.count > 0, "--count must be at least 1");
    ensure!(args.budget_ms > 0, "--budget-ms must be at least 1");

    let spec = WorkerSpec::this_program()?.arg(format!("--stuck={}", args.stuck));
    let mut pool = ProcessPool::new(spec, 1)?;
    let end = args.start.saturating_add(args.count);
    let inputs: Vec<String> = (args.start..end).map(|n| n.to_string()).collect();

    // ANCHOR: cancel
    let cancel = Cancel::new();
    let budget = Duration::from_millis(args.budget_ms);
    // The other side of the budget: a thread that raises the flag when the time is up (it
    // could as well be a Ctrl-C handler, or a user's "stop" button). A map that ends first
    // closes `done`, and the timer leaves without raising it.
    let (done, map_ended) = mpsc::channel::<()>();
    let timer = {
        let cancel = cancel.clone();
        thread::spawn(move || {
            if map_ended.recv_timeout(budget) == Err(RecvTimeoutError::Timeout) {
                cancel.cancel();
            }
        })
    };
    let results = pool.map_cancellable(&inputs, &cancel)?;
    drop(done);
    // ANCHOR_END: cancel
    let (mut answered, mut cancelled) = (0, 0);
    for (input, outcome) in inputs.iter().zip(&results) {
        match outcome {
            Ok(answer) => {
                answered += 1;
                println!("{input}: {answer}");
            }
            Err(TaskError::Cancelled) => {
                cancelled += 1;
                println!("{input}: cancelled");
            }
            Err(error) => println!("{input}: FAILED, {error}"),
        }
    }
    for restart in pool.take_restarts() {
        let on = restart
            .input
            .map_or("between tasks".into(), |i| inputs[i].clone());
        println!(
            "pool: worker {} ({}) on {on} was replaced by worker {}",
            restart.old_pid, restart.how, restart.new_pid
        );
    }
    println!(
        "{} inputs: {answered} answered, {cancelled} cancelled",
        inputs.len()
    );
    for (pid, status) in pool.shutdown()? {
        println!("shutdown: worker {pid} {}", describe(status));
    }
    let _ = timer.join(); // it has seen `done` closed, or raised the flag

    Ok(())
}
