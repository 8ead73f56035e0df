//! Amdahl and Gustafson side by side, for a serial fraction you choose.

use anyhow::{Result, ensure};
use clap::Parser;
use scaling::laws::{amdahl, amdahl_ceiling, gustafson};

/// Print the speedup both laws give on 1 to 256 cores.
#[derive(Debug, Parser)]
struct Args {
    /// The share of the work that cannot run in parallel, from 0 to 1
    #[arg(long, default_value_t = 0.05)]
    serial: f64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let serial = args.serial;
    ensure!(
        (0.0..=1.0).contains(&serial),
        "--serial must be between 0 and 1, not {serial}"
    );
    println!("serial fraction {serial}");
    println!("cores  Amdahl  efficiency  Gustafson");
    for n in [1.0, 2.0, 4.0, 16.0, 64.0, 256.0] {
        let a = amdahl(serial, n);
        let g = gustafson(serial, n);
        println!("{n:>5}  {a:>5.1}x  {:>9.0}%  {g:>8.1}x", a / n * 100.0);
    }
    if serial > 0.0 {
        println!("Amdahl's ceiling: {:.0}x", amdahl_ceiling(serial));
    }
    Ok(())
}
