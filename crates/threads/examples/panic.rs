//! A thread that panics: the panic is printed where it happens, and the main thread
//! observes it at `join` as an `Err` carrying the panic's message.
use std::thread;

use anyhow::{Context, Result};
use clap::Parser;
use threads::panic_message;

#[derive(Parser)]
#[command(about = "Watch a thread's panic come back through join")]
struct Args {
    /// Dishes to carry; more than two and the thread drops one (and panics).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    dishes: u32,
}

fn main() -> Result<()> {
    let args = Args::parse();
    println!("main: starting retrieve-dish");
    // ANCHOR: panic
    let dishes = args.dishes;
    let worker = thread::Builder::new()
        .name("retrieve-dish".into())
        .spawn(move || -> u32 {
            if dishes > 2 {
                panic!("can carry 2 dishes, dropped dish {dishes}");
            }
            dishes
        })
        .context("spawning retrieve-dish")?;

    // The panic unwinds only the worker's stack; `join` hands it to us as an `Err`.
    match worker.join() {
        Ok(carried) => println!("join: carried {carried} dishes"),
        Err(payload) => println!("join: retrieve-dish panicked: {}", panic_message(&*payload)),
    }
    println!("main: still running");
    // ANCHOR_END: panic
    Ok(())
}
