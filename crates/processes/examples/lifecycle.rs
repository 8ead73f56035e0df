//! Start, join and terminate a worker process: the lesson's `multiprocessing.Process` verbs.
//!
//! The worker is a function of this program. Rust has no `multiprocessing`, so the program
//! starts itself again with a hidden `--worker <role>` argument, and `main` runs the role.

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use clap::{Parser, ValueEnum};
use processes::{describe, lines_channel, stop, terminate, wait_deadline, worker_command};

// ANCHOR: args
/// Start a worker process, join it; start another, terminate it.
#[derive(Parser, Debug)]
struct Args {
    /// How many deliveries the first worker makes before it ends by itself
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    deliveries: u32,
    /// Pause between two deliveries, in milliseconds
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    interval_ms: u64,
    /// The signal that ends the second worker: term (Python's terminate) or kill
    #[arg(long, value_enum, default_value_t = Ending::Term)]
    signal: Ending,
    /// Run as a worker (the program starts itself with this)
    #[arg(long, hide = true)]
    worker: Option<Role>,
}
// ANCHOR_END: args

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Ending {
    /// SIGTERM, a request: the process may catch it
    Term,
    /// SIGKILL, the end: the process cannot catch it
    Kill,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Role {
    /// Deliver `--deliveries` times, then end.
    Deliver,
    /// Deliver until stopped.
    DeliverForever,
}

/// How long a join may take before we give up on the worker: a wait must have a way out.
const JOIN_LIMIT: Duration = Duration::from_secs(5);

// ANCHOR: worker
/// The worker's job: the lesson's process prints "delivering...".
fn deliver(deliveries: Option<u32>, interval: Duration) -> Result<()> {
    let mut out = std::io::stdout();
    for n in 1.. {
        match deliveries {
            Some(total) if n > total => break,
            Some(total) => writeln!(out, "worker: delivering {n} of {total}...")?,
            // A write fails once the parent stops reading: the worker then ends too.
            None => writeln!(out, "worker: delivering {n}...")?,
        }
        thread::sleep(interval);
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: dispatch
fn main() -> Result<()> {
    let args = Args::parse();
    let interval = Duration::from_millis(args.interval_ms);
    match args.worker {
        Some(Role::Deliver) => return deliver(Some(args.deliveries), interval),
        Some(Role::DeliverForever) => return deliver(None, interval),
        None => {}
    }
    // ANCHOR_END: dispatch

    // ANCHOR: join
    println!(
        "parent: start a worker that delivers {} times",
        args.deliveries
    );
    let mut child = worker_command("deliver")?
        .args(["--deliveries", &args.deliveries.to_string()])
        .args(["--interval-ms", &args.interval_ms.to_string()])
        .spawn()?; // start
    // join: Child::wait blocks until the end; this wait gives up after JOIN_LIMIT.
    let Some(status) = wait_deadline(&mut child, JOIN_LIMIT)? else {
        stop(&mut child)?;
        bail!("the worker did not finish within {JOIN_LIMIT:?}");
    };
    println!("parent: joined, the worker {}", describe(status));
    // ANCHOR_END: join

    // ANCHOR: terminate
    println!("parent: start a worker that delivers until it is stopped");
    let mut child = worker_command("deliver-forever")?
        .args(["--interval-ms", &args.interval_ms.to_string()])
        .stdout(Stdio::piped())
        .spawn()?;
    // Wait for its first line, so we know it is at work before we stop it.
    let lines = lines_channel(child.stdout.take().context("no stdout pipe")?);
    let Ok(first) = lines.recv_timeout(JOIN_LIMIT) else {
        stop(&mut child)?;
        bail!("the worker said nothing within {JOIN_LIMIT:?}");
    };
    println!("parent: the worker said {first:?}");
    match args.signal {
        Ending::Term => {
            println!("parent: terminate it with SIGTERM, as Python's terminate() does");
            terminate(&mut child)?;
        }
        Ending::Kill => {
            println!("parent: kill it with SIGKILL, as Child::kill() does");
            child.kill()?;
        }
    }
    // Join it, or its exit status stays unread (a zombie). A SIGTERM can be ignored:
    // if the worker is still there after JOIN_LIMIT, SIGKILL it.
    let status = match wait_deadline(&mut child, JOIN_LIMIT)? {
        Some(status) => status,
        None => stop(&mut child)?,
    };
    println!("parent: joined, the worker {}", describe(status));
    println!(
        "parent: status.code() = {:?}, status.signal() = {:?}",
        status.code(),
        status.signal()
    );
    // ANCHOR_END: terminate
    ensure!(status.signal().is_some(), "the worker ended by itself");
    Ok(())
}
