//! A process pool whose workers crash on some inputs: a *flaky* input crashes only the first
//! worker that tries it, and succeeds on the fresh worker that tries it again; a *poison*
//! input crashes that one too and is reported. Every other input still gets its answer, in
//! input order.

use anyhow::{Result, ensure};
use clap::Parser;
use pools::is_prime;
use pools::process::{self, ProcessPool, WorkerSpec, describe};

/// Ask worker processes whether numbers are prime; some numbers crash the worker.
#[derive(Parser, Debug)]
struct Args {
    /// Worker processes
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// First number to test
    #[arg(long, default_value_t = 1_000_000)]
    start: u64,
    /// How many numbers to test
    #[arg(long, default_value_t = 10)]
    count: u64,
    /// Numbers that crash every worker that gets them (comma-separated)
    #[arg(long, value_delimiter = ',', default_value = "1000003")]
    poison: Vec<u64>,
    /// Numbers that crash the first worker that gets them only (comma-separated)
    #[arg(long, value_delimiter = ',', default_value = "1000006")]
    flaky: Vec<u64>,
    /// Where the workers note which flaky numbers have crashed once (set by the pool)
    #[arg(long, hide = true)]
    flaky_dir: Option<std::path::PathBuf>,
    /// Run as a pool worker (the pool starts this program with it)
    #[arg(long = "pools-worker", hide = true)]
    pools_worker: bool,
}

// ANCHOR: worker
/// The worker's job: one number in, `prime` or `not prime` out, with the worker's pid.
/// A poison number crashes the whole process, as a bug in native code would; a flaky one
/// does so only the first time (a file in `flaky_dir` remembers).
fn check(line: &str, args: &Args) -> Result<String, String> {
    let n: u64 = line
        .parse()
        .map_err(|_| format!("not a number: {line:?}"))?;
    if args.poison.contains(&n) {
        process::crash();
    }
    if let (true, Some(dir)) = (args.flaky.contains(&n), &args.flaky_dir) {
        let marker = dir.join(n.to_string());
        if !marker.exists() {
            std::fs::write(&marker, b"crashed once").map_err(|e| e.to_string())?;
            process::crash();
        }
    }
    let verdict = if is_prime(n) { "prime" } else { "not prime" };
    Ok(format!("{verdict} (worker {})", std::process::id()))
}
// ANCHOR_END: worker

fn main() -> Result<()> {
    let args = Args::parse();
    // ANCHOR: role
    if args.pools_worker {
        // Started by the pool: answer tasks until the pool closes our stdin.
        process::serve(|line| check(line, &args))?;
        return Ok(());
    }
    // ANCHOR_END: role
    ensure!(args.workers > 0, "--workers must be at least 1");
    ensure!(args.count > 0, "--count must be at least 1");

    // ANCHOR: parent
    // The workers are this program again, told the poison and flaky numbers.
    let list = |numbers: &[u64]| {
        numbers
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let flaky_dir = std::env::temp_dir().join(format!("pools-flaky-{}", std::process::id()));
    std::fs::create_dir_all(&flaky_dir)?;
    let spec = WorkerSpec::this_program()?
        .arg(format!("--poison={}", list(&args.poison)))
        .arg(format!("--flaky={}", list(&args.flaky)))
        .arg("--flaky-dir")
        .arg(&flaky_dir);
    let mut pool = ProcessPool::new(spec, args.workers)?;
    println!(
        "pool: {} worker processes, pids {:?}",
        pool.size(),
        pool.pids()
    );

    let end = args.start.saturating_add(args.count);
    let inputs: Vec<String> = (args.start..end).map(|n| n.to_string()).collect();
    let results = pool.map(&inputs)?; // one outcome per input, in input order
    let (mut answered, mut failed) = (0, 0);
    for (input, outcome) in inputs.iter().zip(&results) {
        match outcome {
            Ok(answer) => {
                answered += 1;
                println!("{input}: {answer}");
            }
            Err(error) => {
                failed += 1;
                println!("{input}: FAILED, {error}");
            }
        }
    }
    // In input order, a retry before its outcome (two workers crash independently).
    let mut restarts = pool.take_restarts();
    restarts.sort_by_key(|r| (r.input, !r.retried));
    for restart in restarts {
        let on = restart
            .input
            .map_or("between tasks".into(), |i| inputs[i].clone());
        let then = if restart.retried {
            ", which tries it again"
        } else {
            ""
        };
        println!(
            "pool: worker {} ({}) on {on} was replaced by worker {}{then}",
            restart.old_pid, restart.how, restart.new_pid
        );
    }
    println!(
        "{} inputs: {answered} answered, {failed} failed",
        inputs.len()
    );
    // ANCHOR_END: parent

    // ANCHOR: shutdown
    for (pid, status) in pool.shutdown()? {
        println!("shutdown: worker {pid} {}", describe(status));
    }
    // ANCHOR_END: shutdown
    std::fs::remove_dir_all(&flaky_dir)?;
    Ok(())
}
