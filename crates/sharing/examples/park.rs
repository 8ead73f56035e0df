//! `thread::park` and `unpark`: a waiter sleeps until another thread unparks it. A park can
//! end for no reason, so the waiter checks a flag in a loop, and it gives up at a deadline.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Park a thread until another one unparks it")]
struct Args {
    /// How long the cook takes before the order is ready.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=5000))]
    cook_ms: u64,
    /// How long the waiter waits at most.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    patience_ms: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: park
    let ready = Arc::new(AtomicBool::new(false));
    let waiter = {
        let ready = Arc::clone(&ready);
        let patience = Duration::from_millis(args.patience_ms);
        thread::Builder::new()
            .name("waiter".into())
            .spawn(move || {
                let deadline = Instant::now() + patience;
                // `park` may return without an `unpark` (spuriously): look at the flag.
                while !ready.load(Ordering::Acquire) {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    thread::park_timeout(left);
                }
                Some(())
            })
            .context("cannot start the waiter")?
    };
    thread::sleep(Duration::from_millis(args.cook_ms));
    ready.store(true, Ordering::Release);
    // An unpark that comes before the park is not lost: the next park returns at once.
    waiter.thread().unpark();
    // ANCHOR_END: park
    match waiter.join() {
        Ok(Some(())) => println!("waiter: unparked, and the order is ready"),
        Ok(None) => bail!("waiter: gave up after {} ms", args.patience_ms),
        Err(_) => bail!("the waiter panicked"),
    }
    Ok(())
}
