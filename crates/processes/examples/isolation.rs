//! Memory isolation: a child process has its own memory, a thread shares ours.
//!
//! A counter changed by a child process stays unchanged in the parent; the same change made
//! by a thread is seen at once. Data crosses between processes only when sent explicitly,
//! here through the child's stdin and stdout pipes.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::{Parser, ValueEnum};
use processes::{Finished, describe, run_with_deadline, worker_command};

/// Show that a child process does not share our memory, and pass it data through pipes.
#[derive(Parser, Debug)]
struct Args {
    /// The parent's counter starts at this value
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(..=1_000_000_000))]
    start: u64,
    /// How much the child (and then a thread) adds to the counter
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    add: u64,
    /// Send the numbers 1..=N to a child through its stdin; it sends back their doubles
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    send: u64,
    /// Run as a worker (the program starts itself with this)
    #[arg(long, hide = true)]
    worker: Option<Role>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Role {
    /// Add `--add` to the counter and report it.
    Count,
    /// Read numbers from stdin, write their doubles to stdout.
    Double,
}

/// How long a child may take: every wait has a way out.
const LIMIT: Duration = Duration::from_secs(5);

// ANCHOR: counter
/// One counter per process: a global variable, like the lesson's Python globals.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Adds to this process's counter and says what it saw.
fn count(add: u64) -> String {
    let before = COUNTER.fetch_add(add, Ordering::SeqCst);
    format!(
        "counter = {before} at start, {} after adding {add}",
        before + add
    )
}
// ANCHOR_END: counter

// ANCHOR: double
/// The piped worker: one number per line in, its double out.
fn double() -> Result<()> {
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let n: u64 = line
            .trim()
            .parse()
            .with_context(|| format!("bad number {line:?}"))?;
        writeln!(out, "{}", n * 2)?;
    }
    Ok(()) // stdin closed: the parent has sent everything
}
// ANCHOR_END: double

fn main() -> Result<()> {
    let args = Args::parse();
    match args.worker {
        Some(Role::Count) => {
            println!("{}", count(args.add));
            return Ok(());
        }
        Some(Role::Double) => return double(),
        None => {}
    }

    // ANCHOR: isolation
    COUNTER.store(args.start, Ordering::SeqCst);
    println!("parent: counter = {}", COUNTER.load(Ordering::SeqCst));

    let mut child = worker_command("count")?;
    child.args(["--add", &args.add.to_string()]);
    let said = succeed(run_with_deadline(&mut child, b"", LIMIT)?)?;
    print!("child:  {said}");
    println!(
        "parent: counter = {} after the child ended (the child changed its own counter)",
        COUNTER.load(Ordering::SeqCst)
    );

    let add = args.add;
    let said = thread::spawn(move || count(add))
        .join()
        .map_err(|_| anyhow::anyhow!("the thread panicked"))?;
    println!("thread: {said}");
    println!(
        "parent: counter = {} after the thread ended (a thread shares our memory)",
        COUNTER.load(Ordering::SeqCst)
    );
    // ANCHOR_END: isolation

    // ANCHOR: pipes
    let numbers: Vec<u64> = (1..=args.send).collect();
    let input: String = numbers.iter().map(|n| format!("{n}\n")).collect();
    let output = succeed(run_with_deadline(
        &mut worker_command("double")?,
        input.as_bytes(),
        LIMIT,
    )?)?;
    let doubled = output
        .lines()
        .map(|line| {
            line.parse::<u64>()
                .with_context(|| format!("bad line {line:?}"))
        })
        .collect::<Result<Vec<_>>>()?;
    println!("pipes:  sent {numbers:?} to a child's stdin");
    println!("pipes:  read {doubled:?} from its stdout");
    // ANCHOR_END: pipes
    Ok(())
}

/// The child's stdout, if it ended well; otherwise an error saying how it ended.
fn succeed(done: Finished) -> Result<String> {
    let stderr = String::from_utf8_lossy(&done.stderr);
    ensure!(
        done.status.success(),
        "the child {}: {}",
        describe(done.status),
        stderr.trim()
    );
    Ok(String::from_utf8(done.stdout)?)
}
