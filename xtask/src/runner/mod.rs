//! Running an example as a reader would, but with a deadline: stdout and stderr merged into
//! one pipe (as a terminal shows them), stdin closed, and the example in a process group of
//! its own so that it and everything it started can be killed together, at its end, at its
//! deadline, or when the check itself is interrupted (see [`install_interrupt_handler`]).

#[cfg(not(unix))]
compile_error!(
    "the xtask runs on Unix only (Linux; macOS where it applies; on Windows, use WSL): it needs process groups, Unix signals and /proc"
);

mod groups;
mod output;
mod procfs;
mod streaming;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;

pub use groups::install_interrupt_handler;
pub use procfs::{
    NotSupported, SWEEP_PAUSE, children_of_self, kill_leftover_children, processes_matching,
};
pub use streaming::{Streaming, output, spawn_streaming, status};

/// More output than this is cut, keeping its end: an example that floods its output is broken
/// anyway, and the end is where its error is.
const OUTPUT_LIMIT: usize = 1 << 20;
/// How long the output pipe may stay open after the example's group was killed.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// How a run ended.
#[derive(Debug)]
pub struct Outcome {
    /// stdout and stderr, interleaved as written.
    pub output: String,
    pub ended: Ended,
    pub elapsed: Duration,
    /// Processes the example started that were still alive when it ended (now killed).
    pub survivors: usize,
    /// The output pipe stayed open after everything was killed: something escaped the group.
    pub pipe_held_open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Exited(i32),
    Signalled(i32),
    /// Killed by the checker when its time ran out.
    TimedOut,
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ended::Exited(code) => write!(f, "exit code {code}"),
            Ended::Signalled(sig) => match Signal::try_from(*sig) {
                Ok(s) => write!(f, "killed by signal {s}"),
                Err(_) => write!(f, "killed by signal {sig}"),
            },
            Ended::TimedOut => write!(f, "timed out"),
        }
    }
}

impl From<WaitStatus> for Ended {
    fn from(status: WaitStatus) -> Self {
        match status {
            WaitStatus::Exited(_, code) => Ended::Exited(code),
            WaitStatus::Signaled(_, sig, _) => Ended::Signalled(sig as i32),
            _ => Ended::Exited(-1),
        }
    }
}

/// Makes this process the reaper of orphans it leaves, so that a grandchild whose parent
/// died is still ours to find and kill. Linux only; elsewhere a no-op.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_child_subreaper(true);
}

/// Runs `program` with `args` and extra `env` in `cwd`, for at most `timeout`.
pub fn run(
    program: &Path,
    args: &[String],
    env: &[(String, String)],
    cwd: &Path,
    timeout: Duration,
) -> Result<Outcome> {
    use std::os::unix::process::CommandExt;

    let (mut reader, writer) = std::io::pipe().context("cannot create a pipe")?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        // The book shows output under a plain environment: no backtraces, no colours.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("NO_COLOR", "1");
    // What `cargo run` set for the xtask describes the xtask, not this program.
    crate::build::without_cargo_run_env(&mut cmd)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .process_group(0);
    let start = Instant::now();
    let (_child, mut group) =
        groups::spawn(&mut cmd).with_context(|| format!("cannot start {}", program.display()))?;
    // Our copies of the pipe's write end must close, or reading would never see its end.
    drop(cmd);

    let tail = Arc::new(Mutex::new(output::Tail::new(OUTPUT_LIMIT)));
    let (done_tx, done_rx) = mpsc::channel();
    let sink = Arc::clone(&tail);
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(&chunk[..n]),
            }
        }
        let _ = done_tx.send(());
    });

    let deadline = start + timeout;
    let (status, survivors) = loop {
        if let Some(status) = group.exited(false)? {
            break (Some(status), running_members(&group));
        }
        if Instant::now() >= deadline {
            break (None, running_members(&group));
        }
        thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    group.finish();
    let pipe_held_open = done_rx.recv_timeout(DRAIN_GRACE).is_err();
    let ended = status.map_or(Ended::TimedOut, Ended::from);
    let output = tail.lock().unwrap_or_else(|e| e.into_inner()).text();
    Ok(Outcome {
        output,
        ended,
        elapsed,
        survivors,
        pipe_held_open,
    })
}

/// How many processes of the group, besides its leader, are still running. Without `/proc`,
/// only whether any is left can be known (the leader is reaped there, see `Group::exited`).
fn running_members(group: &groups::Group) -> usize {
    match procfs::reap_group_orphans(group.id(), group.id()) {
        Ok(running) => running.len(),
        Err(NotSupported) => usize::from(nix::sys::signal::killpg(group.id(), None).is_ok()),
    }
}
