//! Where the memory goes: the heap allocations each builder makes, counted by `dhat`.

use anyhow::{Result, bail};
use clap::Parser;
use profiling::builders::{BUILDERS, find};
use profiling::memory::measure;

// ANCHOR: allocator
// Every allocation of this program goes through dhat, which counts it while a profiler runs.
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;
// ANCHOR_END: allocator

/// Count the allocations and bytes each collection builder makes.
#[derive(Debug, Parser)]
struct Args {
    /// Only these builders (by name); all when none is given.
    builders: Vec<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut chosen = Vec::new();
    for name in &args.builders {
        match find(name) {
            Some(b) => chosen.push(b),
            None => {
                let known: Vec<_> = BUILDERS.iter().map(|b| b.name).collect();
                bail!("no builder `{name}`; known: {}", known.join(", "));
            }
        }
    }
    if chosen.is_empty() {
        chosen.extend(BUILDERS.iter());
    }

    // ANCHOR: count
    // Testing mode: count, but write no profile file at the end.
    let _profiler = dhat::Profiler::builder().testing().build();
    println!("builder             allocations  bytes asked  bytes kept");
    for b in chosen {
        let m = measure(b.build);
        println!(
            "{:<19} {:>11} {:>12} {:>11}",
            b.name, m.allocations, m.bytes, m.kept
        );
    }
    // ANCHOR_END: count
    Ok(())
}
