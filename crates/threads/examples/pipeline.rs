//! A channel as the queue between producer threads (kitchens) and a consumer (delivery).
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result, anyhow};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Kitchens cook dishes into a bounded channel; one delivery thread takes them")]
struct Args {
    /// Producer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=16))]
    kitchens: u32,
    /// Dishes each kitchen cooks.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    dishes: u32,
    /// Dishes the channel holds before a kitchen has to wait.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(0..=1000))]
    bound: u16,
}

// ANCHOR: pipeline
#[derive(Debug)]
struct Dish {
    kitchen: u32,
    number: u32,
}

fn main() -> Result<()> {
    let args = Args::parse();
    // Bounded: a kitchen that gets `bound` dishes ahead of delivery waits in `send`.
    let (pass, counter) = mpsc::sync_channel::<Dish>(args.bound.into());

    let delivery = thread::Builder::new()
        .name("delivery".into())
        .spawn(move || {
            let mut delivered = 0;
            // Ends when every sender is gone: the closed channel is the stop signal.
            for dish in counter {
                println!(
                    "delivering dish {} of kitchen {}",
                    dish.number, dish.kitchen
                );
                delivered += 1;
            }
            delivered
        })
        .context("spawning delivery")?;

    let mut kitchens = Vec::new();
    for kitchen in 1..=args.kitchens {
        let pass = pass.clone();
        let dishes = args.dishes;
        let handle = thread::Builder::new()
            .name(format!("kitchen-{kitchen}"))
            .spawn(move || {
                for number in 1..=dishes {
                    // Fails only if delivery is gone; then cooking more is pointless.
                    if pass.send(Dish { kitchen, number }).is_err() {
                        break;
                    }
                }
            })
            .with_context(|| format!("spawning kitchen-{kitchen}"))?;
        kitchens.push(handle);
    }
    // Main's own sender must go too, or delivery would wait for it forever.
    drop(pass);

    for kitchen in kitchens {
        kitchen.join().map_err(|_| anyhow!("a kitchen panicked"))?;
    }
    let delivered: u32 = delivery.join().map_err(|_| anyhow!("delivery panicked"))?;
    println!("delivered {delivered} dishes, then the channel closed");
    Ok(())
}
// ANCHOR_END: pipeline
