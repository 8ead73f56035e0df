//! rayon as `multiprocessing.Pool().map(double, [1, 2, 3, 4, 5])`: each call says which
//! worker runs it, and the results come back in input order.

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use rayon::prelude::*;

/// Double some numbers on a sized rayon pool, printing which worker doubles which.
#[derive(Parser, Debug)]
struct Args {
    /// Worker threads in the pool
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Double the numbers 1..=N
    #[arg(long, default_value_t = 5)]
    items: u64,
}

// ANCHOR: double
/// The lesson's `double`, saying where it runs, as the Python version prints its pid; it
/// returns the pid too, so that `main` can count the processes that did the work.
fn double(i: u64) -> (u64, u32) {
    // Stand-in for real work. Without it one thread doubles all five numbers before the
    // other has woken up to steal any.
    thread::sleep(Duration::from_millis(20));
    // One `println!` is one whole line: it locks stdout for the line, so lines from
    // different threads never mix mid-line (the Python output did).
    let pid = std::process::id();
    println!(
        "worker {} of process {pid} doubles {i}",
        rayon::current_thread_index().unwrap_or(usize::MAX),
    );
    (i * 2, pid)
}
// ANCHOR_END: double

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.threads > 0, "--threads must be at least 1");
    // ANCHOR: map
    // with Pool(2) as pool:
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let items: Vec<u64> = (1..=args.items).collect();
    // result = pool.map(double, [1, 2, 3, 4, 5])
    let (result, pids): (Vec<u64>, BTreeSet<u32>) =
        pool.install(|| items.par_iter().map(|&i| double(i)).unzip());
    println!("{result:?}");
    // ANCHOR_END: map
    let ours = pids.len() == 1 && pids.contains(&std::process::id());
    println!(
        "processes that doubled: {}, and it is this one: {ours}",
        pids.len()
    );
    Ok(())
}
