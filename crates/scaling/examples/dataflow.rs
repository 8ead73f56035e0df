//! Scale-out: count primes on timely dataflow workers, in one process or in several.
//!
//! - `dataflow -w 2`: one process, two worker threads.
//! - `dataflow -w 2 -n 2 -p 0 --hostfile hosts.txt`: process 0 of 2 (run `-p 1` elsewhere
//!   with the same host file). Timely's own flags are the same, except that its host file
//!   flag is `-h`, which clap keeps for `--help`.
//! - `dataflow --launch 2`: start processes 0 and 1 of this program on 127.0.0.1 and wait.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use scaling::cluster::{self, End, Plan};
use scaling::count_primes;
use scaling::dataflow::{self, Shape, WorkerReport, count_primes_on_worker};

/// Count the primes below a limit on timely dataflow workers.
#[derive(Debug, Parser)]
struct Args {
    /// Count the primes below this number
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    limit: u64,
    /// Worker threads per process (timely's -w)
    #[arg(short = 'w', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: u16,
    /// How many processes take part (timely's -n)
    #[arg(short = 'n', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    processes: u16,
    /// Which process this is, from 0 (timely's -p)
    #[arg(short = 'p', long)]
    process: Option<u16>,
    /// A file with one `host:port` line per process, in process order (timely's -h)
    /// [default: 127.0.0.1:2101, 127.0.0.1:2102, ...]
    #[arg(long)]
    hostfile: Option<PathBuf>,
    /// How long to wait for the other processes to connect, in milliseconds
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    connect_timeout_ms: u64,
    /// How long the whole run may take, connecting included, in milliseconds
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=86_400_000))]
    deadline_ms: u64,
    /// Start this many processes of this program on 127.0.0.1 and wait for them
    #[arg(long, conflicts_with_all = ["processes", "process", "hostfile"],
          value_parser = clap::value_parser!(u16).range(2..=16))]
    launch: Option<u16>,
    /// With --launch: do not start this process (a peer that never arrives)
    #[arg(long, requires = "launch")]
    skip: Option<u16>,
    /// With --launch: this process dies right after connecting (a node failure)
    #[arg(long, requires = "launch")]
    fail: Option<u16>,
    /// Die right after connecting (the launcher passes this for --fail)
    #[arg(long, hide = true)]
    die_after_connect: bool,
    /// Started by the launcher: end when the launcher is gone (our stdin closes)
    #[arg(long, hide = true)]
    launched: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let ended = match args.launch {
        Some(processes) => launcher(&args, processes),
        None => worker(&args),
    };
    match ended {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A worker's stdout and stderr share the launcher's pipe, and timely's network
            // thread prints "awaiting connections" to stdout while it waits: that line once
            // landed in the middle of the error, and sometimes came after it. So the error is
            // one write, made while this thread holds stdout, and the process ends holding it.
            let _quiet = std::io::stdout().lock();
            let _ = std::io::stderr().write_all(format!("Error: {e:?}\n").as_bytes());
            std::process::exit(1)
        }
    }
}

/// The shape this process takes from `-w`, `-n`, `-p` and `--hostfile`.
fn shape(args: &Args) -> Result<Shape> {
    let threads = usize::from(args.threads);
    let processes = usize::from(args.processes);
    if processes == 1 {
        ensure!(args.process.unwrap_or(0) == 0, "-p must be 0 when -n is 1");
        ensure!(args.hostfile.is_none(), "--hostfile needs -n 2 or more");
        return Ok(Shape::Alone { threads });
    }
    let process = usize::from(
        args.process
            .context("-n 2 or more needs -p: which process is this?")?,
    );
    ensure!(
        process < processes,
        "-p {process} is not below -n {processes}"
    );
    let addresses = match &args.hostfile {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the host file {}", path.display()))?;
            dataflow::parse_hosts(&text)
        }
        // timely's default ports (timely says localhost: 127.0.0.1 keeps to IPv4 loopback)
        None => (0..processes)
            .map(|i| format!("127.0.0.1:{}", 2101 + i))
            .collect(),
    };
    ensure!(
        addresses.len() >= processes,
        "the host file has {} addresses for {processes} processes",
        addresses.len()
    );
    Ok(Shape::Cluster {
        threads,
        process,
        addresses: addresses[..processes].to_vec(),
    })
}

/// One process of the computation: run the dataflow on this process's workers and say what
/// they counted. Worker 0, wherever it runs, prints the global total.
fn worker(args: &Args) -> Result<()> {
    let shape = shape(args)?;
    if args.launched {
        exit_with_launcher();
    }
    quiet_panics();
    let (here, all) = shape.workers();
    let name = shape.describe();
    let limit = args.limit;
    let die = args.die_after_connect;
    let reports: Vec<WorkerReport> = dataflow::run(
        &shape,
        Duration::from_millis(args.connect_timeout_ms),
        Duration::from_millis(args.deadline_ms),
        move |worker| {
            if die {
                println!("{name}: connected, and now dies on purpose");
                std::process::exit(3);
            }
            count_primes_on_worker(worker, limit)
        },
    )?;
    println!("{}: workers {here:?} of {all}", shape.describe());
    for mine in reports.iter().map(|r| r.mine) {
        let (w, numbers, primes) = (mine.worker, mine.numbers, mine.primes);
        println!("worker {w}: {numbers} numbers, {primes} primes");
    }
    // Only worker 0 received anything: the partial counts of every worker, its own included.
    for report in reports.iter().filter(|r| r.total().is_some()) {
        let from: Vec<String> = report
            .received
            .iter()
            .map(|p| p.worker.to_string())
            .collect();
        println!(
            "exchange: worker 0 received the counts of workers {}",
            from.join(", ")
        );
        let total = report.total().unwrap_or_default();
        println!("total: {total} primes below {limit}");
    }
    Ok(())
}

/// Start `processes` processes of this very program on 127.0.0.1, wait for them with a
/// deadline, show what each printed, and check worker 0's total against one thread's count.
fn launcher(args: &Args, processes: u16) -> Result<()> {
    for (flag, value) in [("--skip", args.skip), ("--fail", args.fail)] {
        if let Some(i) = value {
            ensure!(
                i < processes,
                "{flag} {i} is not below --launch {processes}"
            );
        }
    }
    let deadline = Duration::from_millis(args.deadline_ms);
    let mut worker_args: Vec<String> = vec!["--launched".into()];
    for (flag, value) in [
        ("--limit", args.limit),
        ("-w", args.threads.into()),
        ("--connect-timeout-ms", args.connect_timeout_ms),
        ("--deadline-ms", args.deadline_ms),
    ] {
        worker_args.extend([flag.to_string(), value.to_string()]);
    }
    let plan = Plan {
        program: std::env::current_exe()?,
        args: worker_args,
        processes: processes.into(),
        skip: args.skip.map(usize::from),
        // Each process gives itself the deadline; the launcher's own comes a second later,
        // for a process too stuck to notice its own.
        deadline: deadline + Duration::from_secs(1),
    };
    let fail = args.fail.map(usize::from);
    let (hosts, ran) = cluster::launch_with(&plan, |index, command| {
        if Some(index) == fail {
            command.arg("--die-after-connect");
        }
    })?;
    println!("launcher: host file");
    print!("{hosts}");

    let mut failures = Vec::new();
    let mut total = None;
    for process in &ran {
        let i = process.index;
        for line in process.output.lines() {
            println!("[process {i}] {line}");
            if let Some(n) = line.strip_prefix("total: ") {
                total = n
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok());
            }
        }
        match &process.end {
            End::Exited(status) if status.success() => {}
            End::Exited(status) => failures.push(format!("process {i} failed ({status})")),
            End::Killed => failures.push(format!("process {i} was still running: killed")),
            End::NotStarted => failures.push(format!("process {i} was left out")),
        }
    }
    if !failures.is_empty() {
        bail!("{}: the run has no answer", failures.join(", "));
    }
    let total = total.context("no process printed a total")?;
    let sequential = count_primes(0..args.limit);
    println!("launcher: {processes} processes counted {total}, one thread counts {sequential}");
    ensure!(total == sequential, "the counts differ");
    Ok(())
}

/// A safety net, not the lesson: if the launcher dies (even by SIGKILL), the pipe on our stdin
/// closes; then end this process instead of leaving it behind.
fn exit_with_launcher() {
    thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(4);
    });
}

/// A panic in one of timely's threads (a peer's connection broke) is reported in one line
/// with the thread's name, not with a backtrace hint: `main` then reports the failure.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        let thread = thread::current();
        eprintln!(
            "panic in {}: {message}",
            thread.name().unwrap_or("a thread")
        );
    }));
}
