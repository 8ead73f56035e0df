//! Scoped threads borrow local data: several threads read one vector, then each doubles
//! its own part of it in place. No `Arc`, no clone, no `'static`.
use anyhow::Result;
use clap::Parser;
use threads::{double_in_place, parallel_sum};

#[derive(Parser)]
#[command(about = "Sum and double a local vector on scoped threads")]
struct Args {
    /// How many dish prices (1, 2, 3, ...) the vector holds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    dishes: u64,
    /// Threads sharing the work.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let threads = args.threads as usize;
    // ANCHOR: borrow
    // A local vector, owned by main; the scoped threads only borrow it.
    let mut prices: Vec<u64> = (1..=args.dishes).collect();
    println!("prices:  {}", preview(&prices));
    println!("total:   {}", parallel_sum(&prices, threads));
    double_in_place(&mut prices, threads);
    // The scopes have ended, so every borrow has ended: main may use `prices` again.
    println!("doubled: {}", preview(&prices));
    println!("total:   {}", parallel_sum(&prices, threads));
    // ANCHOR_END: borrow
    Ok(())
}

/// The first few numbers, then an ellipsis.
fn preview(numbers: &[u64]) -> String {
    let shown: Vec<String> = numbers.iter().take(10).map(u64::to_string).collect();
    let more = if numbers.len() > 10 { " ..." } else { "" };
    format!("{}{more}", shown.join(" "))
}
