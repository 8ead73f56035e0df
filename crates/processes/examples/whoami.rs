//! Who am I? This process's ids and working directory, and what a child process shares.
//!
//! The Python lesson prints `os.getpid()`, `os.getuid()`, `os.getgid()` and `os.getcwd()`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use clap::{Parser, ValueEnum};
use nix::unistd::{getgid, getuid};
use processes::{describe, run_with_deadline, worker_command};

/// Print this process's ids and working directory, then compare a child's.
#[derive(Parser, Debug)]
struct Args {
    /// Change into this directory first (the working directory belongs to the process)
    #[arg(long, value_name = "DIR")]
    cd: Option<PathBuf>,
    /// Run as a worker (the program starts itself with this)
    #[arg(long, hide = true)]
    worker: Option<Role>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Role {
    /// Print our ids on one line, for the parent to read.
    Report,
}

// ANCHOR: ids
/// Who this process is, as the operating system sees it.
#[derive(Debug)]
struct Me {
    pid: u32,
    parent: u32,
    user: u32,
    group: u32,
    cwd: PathBuf,
}

fn who_am_i() -> Result<Me> {
    Ok(Me {
        pid: std::process::id(),
        parent: std::os::unix::process::parent_id(),
        user: getuid().as_raw(),
        group: getgid().as_raw(),
        cwd: std::env::current_dir()?,
    })
}
// ANCHOR_END: ids

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(Role::Report) = args.worker {
        let me = who_am_i()?;
        let cwd = me.cwd.display();
        println!("{} {} {} {} {cwd}", me.pid, me.parent, me.user, me.group);
        return Ok(());
    }

    // ANCHOR: main
    if let Some(dir) = &args.cd {
        std::env::set_current_dir(dir)
            .map_err(|error| anyhow!("cannot change into {}: {error}", dir.display()))?;
    }
    let me = who_am_i()?;
    println!("process id:        {}", me.pid);
    println!("parent process id: {}", me.parent);
    println!("user id:           {}", me.user);
    println!("group id:          {}", me.group);
    println!("working directory: {}", me.cwd.display());
    // ANCHOR_END: main

    // ANCHOR: child
    // Start this program again as a worker that reports its own ids on stdout.
    let done = run_with_deadline(&mut worker_command("report")?, b"", Duration::from_secs(5))?;
    ensure!(done.status.success(), "the child {}", describe(done.status));
    let child = parse_report(&String::from_utf8(done.stdout)?)?;
    println!("a child process of ours says:");
    println!("  its process id is not ours:    {}", child.pid != me.pid);
    println!(
        "  its parent process is us:      {}",
        child.parent == me.pid
    );
    println!(
        "  it has our user and group ids: {}",
        (child.user, child.group) == (me.user, me.group)
    );
    println!("  it has our working directory:  {}", child.cwd == me.cwd);
    // ANCHOR_END: child
    Ok(())
}

/// Reads the worker's line: `pid parent user group cwd` (the directory may hold spaces).
fn parse_report(line: &str) -> Result<Me> {
    let mut fields = line.trim_end_matches('\n').splitn(5, ' ');
    let mut number = || -> Result<u32> {
        let field = fields.next().context("short report")?;
        field.parse().with_context(|| format!("bad id {field:?}"))
    };
    Ok(Me {
        pid: number()?,
        parent: number()?,
        user: number()?,
        group: number()?,
        cwd: fields.next().context("no directory in report")?.into(),
    })
}
