//! Where two counters sit in memory: side by side, or padded apart with `CachePadded`.
use std::mem::{align_of, size_of};
use std::sync::atomic::AtomicU64;

use anyhow::Result;
use clap::Parser;
use crossbeam_utils::CachePadded;
use sharing::padding::{Adjacent, Padded, distance};

#[derive(Parser)]
#[command(about = "Print how far apart the benchmark's two counters are")]
struct Args {}

fn main() -> Result<()> {
    Args::parse();
    // ANCHOR: distances
    println!(
        "adjacent: counters {} bytes apart",
        distance(&Adjacent::default())
    );
    println!(
        "padded:   counters {} bytes apart",
        distance(&Padded::default())
    );
    println!(
        "CachePadded<AtomicU64>: size {} bytes, alignment {} bytes (target {})",
        size_of::<CachePadded<AtomicU64>>(),
        align_of::<CachePadded<AtomicU64>>(),
        std::env::consts::ARCH
    );
    // ANCHOR_END: distances
    Ok(())
}
