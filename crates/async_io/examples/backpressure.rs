//! Backpressure: a bounded channel slows a fast producer down to its consumer's pace, and a
//! semaphore caps how many orders cook at once.

use std::time::Duration;

use anyhow::Result;
use async_io::admission::cook_with_permits;
use clap::Parser;
use tokio::sync::mpsc;

/// Sends orders through a bounded channel, then cooks them under a semaphore.
#[derive(Parser, Debug)]
struct Args {
    /// Orders to send.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    orders: u64,
    /// Room in the channel.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1000))]
    capacity: u64,
    /// Orders allowed to cook at once.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1000))]
    permits: u64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let step = Duration::from_millis(5);

    // ANCHOR: channel
    let (tx, mut rx) = mpsc::channel::<u64>(args.capacity as usize);
    let producer = tokio::spawn(async move {
        let mut most_queued = 0;
        for id in 0..args.orders {
            // `send` waits while the channel is full: the producer goes at the consumer's pace.
            if tx.send(id).await.is_err() {
                break;
            }
            most_queued = most_queued.max(tx.max_capacity() - tx.capacity());
        }
        most_queued
    });
    let mut taken = 0;
    while let Some(_id) = rx.recv().await {
        tokio::time::sleep(step).await; // a slow consumer
        taken += 1;
    }
    let most_queued = producer.await?;
    println!(
        "channel of {}: {taken} orders passed, at most {most_queued} waited in it",
        args.capacity
    );
    // ANCHOR_END: channel

    let peak = cook_with_permits(args.orders as usize, args.permits as usize, step).await;
    println!(
        "semaphore of {} permits: {} orders cooked, at most {peak} at once",
        args.permits, args.orders
    );
    Ok(())
}
