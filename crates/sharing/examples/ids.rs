//! Ids near the top of the range: the `compare_exchange` allocator refuses once they are
//! used up, `fetch_add` wraps around and hands out 0 again.
use anyhow::Result;
use clap::Parser;
use sharing::ids::{IdAllocator, WrappingIds};

#[derive(Parser)]
#[command(about = "Hand out the last ids of the u32 range, two ways")]
struct Args {
    /// How many ids to ask for; the range has 3 left when we start.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    ask: u32,
}

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: near_the_end
    let first = u32::MAX - 3;
    let careful = IdAllocator::starting_at(first);
    let wrapping = WrappingIds::starting_at(first);
    for _ in 0..args.ask {
        let checked = match careful.allocate() {
            Ok(id) => id.to_string(),
            Err(e) => format!("refused ({e})"),
        };
        println!(
            "compare_exchange: {checked:<22} fetch_add: {}",
            wrapping.allocate()
        );
    }
    // ANCHOR_END: near_the_end
    Ok(())
}
