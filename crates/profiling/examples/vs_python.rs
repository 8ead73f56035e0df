//! The lesson's eight builders in Python (timed by `timeit`, in `python/builders.py`) and in
//! Rust, timed the same way on this machine, one right after the other: the ratio per builder.

use std::ffi::OsString;
use std::num::{NonZeroU32, NonZeroUsize};

use anyhow::{Context, Result, ensure};
use clap::Parser;
use profiling::builders::{find, lesson};
use profiling::timing::sample;
use profiling::{python, timing};

/// Time the lesson's builders in Python and in Rust and print how many times faster Rust is.
#[derive(Debug, Parser)]
struct Args {
    /// Calls per timing run (the lesson's timeit used 1000000).
    #[arg(long, default_value_t = NonZeroU32::new(2_000).unwrap(),
          value_parser = clap::value_parser!(NonZeroU32))]
    calls: NonZeroU32,
    /// Timing runs per builder; the fastest counts, in both languages.
    #[arg(long, default_value_t = NonZeroUsize::new(3).unwrap(),
          value_parser = clap::value_parser!(NonZeroUsize))]
    repeat: NonZeroUsize,
    /// The Python interpreter to run.
    #[arg(long, default_value = "python3")]
    python: OsString,
}

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: skip
    let Some(py) = python::run(&args.python, args.calls, args.repeat)? else {
        println!("skipped: {} not found", args.python.display());
        return Ok(());
    };
    // ANCHOR_END: skip
    if cfg!(debug_assertions) {
        println!("note: a debug build: the Rust times are far too slow; add --release");
    }
    println!(
        "{} calls per run, fastest of {} runs; Python is {}",
        args.calls, args.repeat, py.python
    );
    println!("builder                  Python       Rust   Python/Rust");
    // ANCHOR: compare
    let mut rust_names = lesson().map(|b| b.name);
    let mut ratios = Vec::new();
    for (name, py_time) in &py.per_call {
        let builder = find(name)
            .with_context(|| format!("Python times `{name}`, Rust has no such builder"))?;
        // The twin must list the same builders in the same order: no t7/t8 mix-up.
        ensure!(
            rust_names.next() == Some(name.as_str()),
            "the twin's builders are out of order at `{name}`"
        );
        let rust = sample(args.calls, args.repeat, builder.run).min();
        let py_ns = timing::nanos(*py_time);
        println!(
            "{name:<19} {py_ns:>8.0} ns {rust:>7.1} ns {:>11.1}x",
            py_ns / rust
        );
        ratios.push((name.as_str(), py_ns / rust));
    }
    // ANCHOR_END: compare
    ensure!(rust_names.next().is_none(), "the twin is missing builders");
    // ANCHOR: verdict
    // A verdict with a wide margin, so that it holds on a busy machine too: where Rust writes
    // plain numbers into one buffer, Python builds an object per element, a gap of well over
    // ten times (the sets, whose gap is small and varies, are left out).
    let filling = ["list", "tuple", "list_comprehension"];
    let far_ahead = ratios
        .iter()
        .filter(|(name, _)| filling.contains(name))
        .all(|(_, ratio)| *ratio > 10.0);
    println!(
        "{} builders paired by name, in the lesson's order",
        ratios.len()
    );
    println!(
        "Rust more than 10x faster on {}: {far_ahead}",
        filling.join(", ")
    );
    // ANCHOR_END: verdict
    Ok(())
}
