//! State set once: a `OnceLock` that four threads race to fill (one wins, all see the same
//! value), and a `LazyLock` static computed on its first use.
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::thread;

use anyhow::Result;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Initialise shared state exactly once")]
struct Args {
    /// Threads racing to initialise the menu.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
}

// ANCHOR: lazy
/// Computed the first time anyone reads it, on whichever thread that is; never again.
static PRICES: LazyLock<Vec<u32>> = LazyLock::new(|| {
    println!("computing the price list (once)");
    (1..=5).map(|n| n * 1000).collect()
});
// ANCHOR_END: lazy

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: once_lock
    let menu: OnceLock<String> = OnceLock::new();
    let cooked = AtomicU32::new(0);
    let seen: Vec<usize> = thread::scope(|scope| {
        let handles: Vec<_> = (0..args.threads)
            .map(|_| {
                scope.spawn(|| {
                    // Every thread asks; the closure runs for one of them only, and the
                    // others wait until its value is there.
                    let text = menu.get_or_init(|| {
                        cooked.fetch_add(1, Ordering::Relaxed);
                        "ramen, udon, soba".to_owned()
                    });
                    std::ptr::from_ref(text).addr()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let same = seen.windows(2).all(|pair| pair[0] == pair[1]);
    println!(
        "once_lock: {} threads asked, the menu was cooked {} time(s), all saw the same one: {same}",
        args.threads,
        cooked.load(Ordering::Relaxed)
    );
    // ANCHOR_END: once_lock
    println!("main: before the first use of PRICES");
    println!("prices: {:?}", *PRICES);
    println!("prices again: {:?}", *PRICES);
    Ok(())
}
