//! The lesson's two jobs, run one after the other, then each on its own thread.
use anyhow::{Context, Result, anyhow};
use clap::{Parser, ValueEnum};
use threads::{Job, start};

#[derive(Parser)]
#[command(about = "Run Delivery and RetrieveDish one after the other, or on two threads")]
struct Args {
    /// How to run the two jobs.
    #[arg(long, value_enum, default_value_t = Mode::Threads)]
    mode: Mode,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    /// `run()` called directly, on the main thread.
    Sequential,
    /// Each job on its own thread, then both joined.
    Threads,
}

// ANCHOR: jobs
struct Delivery;

impl Job for Delivery {
    fn run(&mut self) {
        println!("delivery (on thread {})", thread_name());
    }
}

struct RetrieveDish;

impl Job for RetrieveDish {
    fn run(&mut self) {
        println!("retrieving dish (on thread {})", thread_name());
    }
}

fn thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_owned()
}
// ANCHOR_END: jobs

// ANCHOR: sequential
/// Plain method calls on the main thread: the second job waits for the first to finish.
fn one_after_the_other() {
    Delivery.run();
    RetrieveDish.run();
}
// ANCHOR_END: sequential

// ANCHOR: threads
/// Each job on its own thread: both run at the same time, and `join` waits for each.
fn each_on_its_own_thread() -> Result<()> {
    let delivery = start("delivery", Delivery).context("spawning delivery")?;
    let dishes = start("retrieve-dish", RetrieveDish).context("spawning retrieve-dish")?;
    delivery.join().map_err(|_| anyhow!("delivery panicked"))?;
    dishes
        .join()
        .map_err(|_| anyhow!("retrieve-dish panicked"))?;
    println!("both jobs joined");
    Ok(())
}
// ANCHOR_END: threads

fn main() -> Result<()> {
    match Args::parse().mode {
        Mode::Sequential => one_after_the_other(),
        Mode::Threads => each_on_its_own_thread()?,
    }
    Ok(())
}
