//! A child that would run forever is stopped at a deadline, and reaped: no zombie is left.

use std::io::Read;
use std::process::Stdio;
use std::thread;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, ValueEnum};
use processes::{describe, proc_state, wait_deadline, wait_unreaped, worker_command};

/// Give a job a deadline; kill it if it runs past it, and leave no zombie.
#[derive(Parser, Debug)]
struct Args {
    /// The deadline, in milliseconds
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    deadline_ms: u64,
    /// How long the job works, in milliseconds [default: it never stops]
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=60_000))]
    job_ms: Option<u64>,
    /// Run as a worker (the program starts itself with this)
    #[arg(long, hide = true)]
    worker: Option<Role>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Role {
    /// Work for `--job-ms`, or forever.
    Job,
}

/// The worker: sleeps for `job`, or forever when there is no `job`.
fn job(job: Option<Duration>) {
    // A safety net, not the lesson: our stdin is a pipe from the parent, which closes when the
    // parent dies. Then this thread ends the worker instead of leaving it running forever.
    thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(3);
    });
    match job {
        Some(job) => thread::sleep(job),
        None => loop {
            thread::sleep(Duration::from_secs(1));
        },
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(Role::Job) = args.worker {
        job(args.job_ms.map(Duration::from_millis));
        return Ok(());
    }

    let deadline = Duration::from_millis(args.deadline_ms);
    let mut worker = worker_command("job")?;
    if let Some(ms) = args.job_ms {
        worker.args(["--job-ms", &ms.to_string()]);
        println!("parent: start a job of {ms} ms, deadline {deadline:?}");
    } else {
        println!("parent: start a job that never ends, deadline {deadline:?}");
    }
    // ANCHOR: deadline
    let mut child = worker.stdin(Stdio::piped()).spawn()?;
    let pid = child.id();
    let status = match wait_deadline(&mut child, deadline)? {
        Some(status) => status, // ended in time, and reaped by try_wait
        None => {
            println!("parent: deadline passed, kill the job");
            child.kill()?;
            // Wait until it is dead without collecting its status, to look at the corpse.
            wait_unreaped(&child)?;
            let state = proc_state(pid)?.unwrap_or('-');
            println!("parent: killed, not yet waited for: state {state} (Z is a zombie)");
            child.wait()? // collect the exit status: the zombie is gone
        }
    };
    println!("parent: the job {}", describe(status));
    match proc_state(pid)? {
        None => println!("parent: after the wait, no process {pid} any more: no zombie"),
        Some(state) => println!("parent: after the wait, process {pid} is in state {state}"),
    }
    // ANCHOR_END: deadline
    Ok(())
}
