//! Running an example as a reader would, but with a deadline: stdout and stderr merged into
//! one pipe (as a terminal shows them), stdin closed, and the example in a process group of
//! its own so that it and everything it started can be killed together.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// More output than this is cut: an example that floods its output is broken anyway.
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
    use std::os::unix::process::{CommandExt, ExitStatusExt};

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
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", program.display()))?;
    // Our copies of the pipe's write end must close, or reading would never see its end.
    drop(cmd);
    let group = Pid::from_raw(i32::try_from(child.id()).context("pid out of range")?);

    let buffer = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done_rx) = mpsc::channel();
    let sink = Arc::clone(&buffer);
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut out = sink.lock().unwrap_or_else(|e| e.into_inner());
                    let room = OUTPUT_LIMIT.saturating_sub(out.len());
                    out.extend_from_slice(&chunk[..n.min(room)]);
                }
            }
        }
        let _ = done_tx.send(());
    });

    let deadline = start + timeout;
    let status: Option<ExitStatus> = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = killpg(group, Signal::SIGKILL);
            child.wait()?;
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let survivors = kill_group(group);
    let pipe_held_open = done_rx.recv_timeout(DRAIN_GRACE).is_err();
    let ended = match status {
        None => Ended::TimedOut,
        Some(s) => match (s.code(), s.signal()) {
            (Some(code), _) => Ended::Exited(code),
            (None, Some(sig)) => Ended::Signalled(sig),
            (None, None) => Ended::Exited(-1),
        },
    };
    let output = {
        let bytes = buffer.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Ok(Outcome {
        output,
        ended,
        elapsed,
        survivors,
        pipe_held_open,
    })
}

/// Kills whatever is left of the process group and reaps it; returns how many were left.
fn kill_group(group: Pid) -> usize {
    if killpg(group, None).is_err() {
        return 0; // the group is empty
    }
    let _ = killpg(group, Signal::SIGKILL);
    // Orphans in the group were re-parented to us (we are their subreaper) or to init.
    // Reap ours so that no zombie stays; count every member we saw die.
    let mut seen = 0;
    let give_up = Instant::now() + Duration::from_secs(2);
    loop {
        match waitpid(Pid::from_raw(-group.as_raw()), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {
                if Instant::now() > give_up {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Ok(_) => seen += 1,
            Err(Errno::ECHILD) | Err(_) => break,
        }
    }
    seen.max(1)
}

/// Processes whose parent is this process: after a check, none should be left.
pub fn children_of_self() -> Vec<(i32, String)> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The command name is in parentheses and may hold spaces; fields follow the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let name = head.split_once('(').map_or("", |(_, n)| n).to_string();
        let mut fields = rest.split_whitespace();
        let (_state, ppid) = (fields.next(), fields.next());
        if ppid == Some(me.as_str()) {
            found.push((pid, name));
        }
    }
    found
}

/// Pids of processes whose command line contains `needle` (a test's way to prove that
/// nothing it started is still running).
pub fn processes_matching(needle: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline.contains(needle).then_some(pid)
        })
        .collect()
}

/// Kills and reaps every child left (see [`children_of_self`]); returns what it found.
pub fn kill_leftover_children() -> Vec<(i32, String)> {
    let left = children_of_self();
    for (pid, _) in &left {
        let pid = Pid::from_raw(*pid);
        let _ = nix::sys::signal::kill(pid, Signal::SIGKILL);
        let _ = waitpid(pid, None);
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> Outcome {
        run(
            Path::new("/bin/sh"),
            &["-c".to_string(), script.to_string()],
            &[],
            Path::new("/"),
            timeout,
        )
        .unwrap()
    }

    #[test]
    fn merges_stdout_and_stderr_in_order() {
        let out = sh("echo one; echo two >&2; echo three", Duration::from_secs(5));
        assert_eq!(out.output, "one\ntwo\nthree\n");
        assert_eq!(out.ended, Ended::Exited(0));
        assert_eq!(out.survivors, 0);
    }

    #[test]
    fn reports_exit_code_and_signal() {
        assert_eq!(sh("exit 3", Duration::from_secs(5)).ended, Ended::Exited(3));
        assert_eq!(
            sh("kill -TERM $$", Duration::from_secs(5)).ended,
            Ended::Signalled(15)
        );
    }

    #[test]
    fn stdin_is_closed_so_a_reader_does_not_hang() {
        let out = sh("cat; echo after", Duration::from_secs(5));
        assert_eq!(out.output, "after\n");
    }

    #[test]
    fn a_hanging_program_is_killed_with_its_children() {
        let out = sh("sleep 601 & echo started; wait", Duration::from_millis(300));
        assert_eq!(out.ended, Ended::TimedOut);
        assert_eq!(out.output, "started\n");
        assert!(out.elapsed < Duration::from_secs(5), "{:?}", out.elapsed);
        assert!(!out.pipe_held_open);
        assert_eq!(processes_matching("sleep 601"), Vec::<i32>::new());
    }

    #[test]
    fn a_background_child_left_behind_is_found_and_killed() {
        become_subreaper();
        let out = sh("sleep 602 & echo bye", Duration::from_secs(5));
        assert_eq!(out.ended, Ended::Exited(0));
        assert!(out.survivors >= 1, "the sleep outlived its parent");
        assert_eq!(processes_matching("sleep 602"), Vec::<i32>::new());
    }
}
