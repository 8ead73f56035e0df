//! Concurrency without parallelism: a few tokio tasks take turns on one thread.

use anyhow::Result;
use clap::Parser;
use multitasking::interleave::{MAX_TASKS, run_interleaved, task_letter};

/// Run a few tasks on a single-threaded tokio runtime and show who ran where.
#[derive(Debug, Parser)]
struct Args {
    /// How many tasks (named A, B, C, ...).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=MAX_TASKS as u64))]
    tasks: u64,
    /// How many steps each task does.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    steps: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let (tasks, steps) = (usize::try_from(args.tasks)?, usize::try_from(args.steps)?);
    let letters: String = (0..tasks).map(task_letter).collect();
    println!("{tasks} tasks ({letters}) x {steps} steps on a current_thread runtime");

    // ANCHOR: main
    let records = run_interleaved(tasks, steps, |record| {
        println!(
            "task {} step {} on thread {}",
            record.task_letter(),
            record.step,
            record.thread_name
        );
    })?;
    // ANCHOR_END: main

    let mut threads: Vec<_> = records.iter().map(|r| r.thread).collect();
    threads.sort_unstable_by_key(|id| format!("{id:?}"));
    threads.dedup();
    println!("{} steps ran on {} thread(s)", records.len(), threads.len());
    Ok(())
}
