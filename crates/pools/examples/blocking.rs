//! tokio's pool for blocking work: CPU-bound (or blocking) code inside async code goes to
//! `spawn_blocking`, Python's `await loop.run_in_executor(None, fn, arg)`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use pools::{chunks, count_primes};

/// Count primes inside async code, first blocking the runtime, then on the blocking pool,
/// while an async heartbeat tries to tick every 2 ms.
#[derive(Parser, Debug)]
struct Args {
    /// First number of the range
    #[arg(long, default_value_t = 1_000_000)]
    start: u64,
    /// End of the range (not included)
    #[arg(long, default_value_t = 1_040_000)]
    end: u64,
    /// Numbers per blocking job
    #[arg(long, default_value_t = 10_000)]
    chunk: u64,
}

// One thread runs all the async tasks, as in Python's asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.start < args.end, "--start must be below --end");
    ensure!(args.chunk > 0, "--chunk must be at least 1");
    let range = args.start..args.end;

    // ANCHOR: heartbeat
    // An async task that should tick every 2 ms, if it gets the thread.
    let ticks = Arc::new(AtomicU64::new(0));
    let heartbeat = tokio::spawn({
        let ticks = Arc::clone(&ticks);
        async move {
            loop {
                tokio::time::sleep(Duration::from_millis(2)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    tokio::task::yield_now().await; // let it start
    // ANCHOR_END: heartbeat

    // ANCHOR: inline
    // Wrong: a long computation right in async code holds the only runtime thread.
    let before = ticks.load(Ordering::Relaxed);
    let inline = count_primes(range.clone());
    let missed = ticks.load(Ordering::Relaxed) - before;
    println!("inline:         {inline} primes; the heartbeat ticked {missed} times meanwhile");
    // ANCHOR_END: inline

    // ANCHOR: spawn_blocking
    // Right: hand it to tokio's blocking pool and await the results.
    let before = ticks.load(Ordering::Relaxed);
    let jobs: Vec<_> = chunks(range, args.chunk)
        .into_iter()
        .map(|piece| tokio::task::spawn_blocking(move || count_primes(piece)))
        .collect();
    let all = async {
        let mut total = 0;
        for job in jobs {
            total += job.await?;
        }
        anyhow::Ok(total)
    };
    let total = tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .context("the blocking jobs took over a minute")??;
    let beats = ticks.load(Ordering::Relaxed) - before;
    println!("spawn_blocking: {total} primes; the heartbeat ticked {beats} times meanwhile");
    // ANCHOR_END: spawn_blocking
    heartbeat.abort();
    Ok(())
}
