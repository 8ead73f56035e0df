//! A child that fails, panics or aborts does not take the parent down: the parent reads how
//! it ended (exit code or signal) and what it wrote on stderr, and carries on.

use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Parser, ValueEnum};
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use processes::{describe, run_with_deadline, worker_command};

/// Start children that end in different ways and report how each ended.
#[derive(Parser, Debug)]
struct Args {
    /// The children to start, in order (comma-separated)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "ok,error,panic,abort"
    )]
    children: Vec<Kind>,
    /// Run as a worker (the program starts itself with this)
    #[arg(long, hide = true)]
    worker: Option<Kind>,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
enum Kind {
    /// Ends well
    Ok,
    /// `main` returns an error
    Error,
    /// Panics
    Panic,
    /// Aborts, killed by the signal SIGABRT
    Abort,
}

// ANCHOR: worker
/// The child's job, ending the way it is told to.
fn work(kind: Kind) -> Result<()> {
    match kind {
        Kind::Ok => Ok(()),
        Kind::Error => bail!("the dish was dropped"),
        Kind::Panic => panic!("the order was wrong"),
        Kind::Abort => {
            no_core_file()?;
            std::process::abort()
        }
    }
}
// ANCHOR_END: worker

/// SIGABRT may write a core file, a snapshot of the process's memory: not for a demo.
fn no_core_file() -> Result<()> {
    let (_, hard) = getrlimit(Resource::RLIMIT_CORE)?;
    setrlimit(Resource::RLIMIT_CORE, 0, hard)?;
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(kind) = args.worker {
        return work(kind);
    }

    // ANCHOR: parent
    let mut bad = 0;
    for kind in &args.children {
        let name = format!("{kind:?}").to_lowercase();
        let mut child = worker_command(&name)?;
        // The panic message depends on these: keep them out for a stable output.
        child
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE");
        let done = run_with_deadline(&mut child, b"", Duration::from_secs(5))?;
        println!("child ({name}): {}", describe(done.status));
        // What it said on its way out (its stderr), without the blank lines.
        let stderr = String::from_utf8_lossy(&done.stderr);
        for line in stderr.lines().filter(|line| !line.trim().is_empty()) {
            println!("  stderr | {line}");
        }
        if !done.status.success() {
            bad += 1;
        }
    }
    let total = args.children.len();
    println!("parent: still running; {bad} of {total} children ended badly");
    // ANCHOR_END: parent
    Ok(())
}
