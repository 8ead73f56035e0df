//! `cargo xtask under-load`: the check (and, with `--tests`, the tests) run again and again on
//! a busy machine, as a reader's laptop or CI is: CPU hogs (three per core) and a disk writer
//! run beside it the whole time. It prints `N/M green` and, for each red run, what failed. A
//! tool for people chasing a flaky test, not a timed assertion in the suite.
//!
//! The hogs are plain shell loops started like every other program (in process groups the
//! interrupt handler knows), so they are killed when it ends, fails, or is interrupted.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::Result;

use crate::check::{self, Options};
use crate::problem::Problem;
use crate::runner::{self, Streaming};
use crate::session::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Chapters to check, by crate name (all when none is named).
    pub chapters: Vec<String>,
    /// How many times to run the check (each with `--fresh`).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Run `cargo test --workspace` after each check too.
    #[arg(long)]
    pub tests: bool,
    /// Only the structure and the examples, as `check --examples-only`.
    #[arg(long)]
    pub examples_only: bool,
    /// CPU hogs to start (default: three per core).
    #[arg(long)]
    pub cpu_hogs: Option<usize>,
    /// A word in every hog's command line, to find them from outside (tests use it).
    #[arg(long, default_value = "xtask-under-load")]
    pub tag: String,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let session = Session::start()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let hogs = start_hogs(root, args.cpu_hogs.unwrap_or(3 * cores), &args.tag)?;
    writeln!(
        out,
        "under-load: {} CPU hogs and a disk writer running beside {} runs",
        hogs.len() - 1,
        args.runs
    )?;
    // Each run's whole report, for the diff behind a red headline.
    let logs = root.join("target/xtask/under-load");
    std::fs::create_dir_all(&logs)?;
    let (mut green, mut red) = (0, Vec::new());
    for n in 1..=args.runs {
        let started = Instant::now();
        let log_file = logs.join(format!("run-{n}.log"));
        let mut log = std::fs::File::create(&log_file)?;
        let mut opts = Options::new(root);
        opts.chapters = args.chapters.clone();
        opts.fresh = true;
        opts.tests = !args.examples_only;
        opts.book = !args.examples_only;
        let mut failed: Vec<String> = check::run(&opts, &mut log)?
            .problems
            .iter()
            .map(Problem::headline)
            .collect();
        let mut took = format!("check {:.0} s", started.elapsed().as_secs_f64());
        if args.tests {
            let tests_started = Instant::now();
            failed.extend(failing_tests(root, &mut log)?);
            took += &format!(", tests {:.0} s", tests_started.elapsed().as_secs_f64());
        }
        if failed.is_empty() {
            green += 1;
            writeln!(out, "under-load: run {n}: green ({took})")?;
        } else {
            writeln!(out, "under-load: run {n}: RED ({took})")?;
            for f in &failed {
                writeln!(out, "  {f}")?;
            }
            writeln!(out, "  (the whole report: {})", log_file.display())?;
            red.push((n, failed));
        }
    }
    drop(hogs);
    let left = super::finish(session, out);
    writeln!(out, "under-load: {green}/{} green", args.runs)?;
    Ok(if red.is_empty() && left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `count` busy loops and one writer that fills and syncs a file under `target/`, over and
/// over. Dropping them kills them.
fn start_hogs(root: &Path, count: usize, tag: &str) -> Result<Vec<Streaming>> {
    let mut hogs = Vec::new();
    for _ in 0..count {
        hogs.push(hog(&format!("while :; do :; done # {tag}"))?);
    }
    let file = root.join("target/xtask/under-load.bin");
    std::fs::create_dir_all(file.parent().unwrap_or(root))?;
    hogs.push(hog(&format!(
        "while :; do dd if=/dev/zero of='{}' bs=1M count=256 conv=fsync 2>/dev/null; done # {tag}",
        file.display()
    ))?);
    Ok(hogs)
}

fn hog(script: &str) -> Result<Streaming> {
    let mut cmd = Command::new("/bin/sh");
    cmd.args(["-c", script]);
    runner::spawn_streaming(&mut cmd)
}

/// `cargo test --workspace` on the busy machine: the tests that failed (or why it failed).
/// Its whole output goes to `log`.
fn failing_tests(root: &Path, log: &mut dyn Write) -> Result<Vec<String>> {
    let mut cmd = Command::new(crate::build::cargo_program());
    crate::build::without_cargo_run_env(&mut cmd);
    cmd.current_dir(root)
        .args(["test", "--workspace", "--locked", "--no-fail-fast"]);
    let out = runner::output(&mut cmd)?;
    log.write_all(&out.stdout)?;
    log.write_all(&out.stderr)?;
    if out.status.success() {
        return Ok(Vec::new());
    }
    let failed: Vec<String> =
        crate::exercises::libtest_verdicts(&String::from_utf8_lossy(&out.stdout))
            .into_iter()
            .filter(|(_, ok)| !ok)
            .map(|(name, _)| format!("test {name} failed"))
            .collect();
    Ok(if failed.is_empty() {
        vec![format!("cargo test --workspace: {}", out.status)]
    } else {
        failed
    })
}
