//! Programs the xtask starts for itself rather than for the book (cargo's builds and queries,
//! the benchmarks), started and ended like [`super::run`]'s: in a process group of its own,
//! known to the interrupt handler, its group killed before its leader is reaped. A program
//! whose standard output is read while it runs (`cargo build --message-format=json`, read
//! message by message) is a [`Streaming`]; [`output`] collects what one prints, [`status`]
//! lets it print to the terminal.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};

use anyhow::{Context, Result};
use nix::sys::wait::WaitStatus;

use super::Ended;
use super::groups::{self, Group};

/// A program started by [`spawn_streaming`]. Dropping it before [`Streaming::wait`] kills it
/// with its group.
#[derive(Debug)]
pub struct Streaming {
    // Declared first, so dropped first: the group is ended before the child's handles close.
    group: Group,
    child: Child,
}

/// Starts `cmd` with stdin closed and stdout piped to the caller (stderr stays as `cmd` set
/// it), in a process group of its own that an interrupt kills.
pub fn spawn_streaming(cmd: &mut Command) -> Result<Streaming> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .process_group(0);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let (child, group) = groups::spawn(cmd).with_context(|| format!("cannot start {program}"))?;
    Ok(Streaming { group, child })
}

impl Streaming {
    /// The program's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Its standard error, when `cmd` piped it (once: later calls return `None`).
    pub fn stderr(&mut self) -> Option<std::process::ChildStderr> {
        self.child.stderr.take()
    }

    /// The program's standard output (once: later calls return `None`).
    pub fn stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// Its status if it has ended, without waiting (and without reaping it: see `wait`).
    pub fn try_wait(&mut self) -> Result<Option<Ended>> {
        Ok(self.group.exited(false)?.map(Ended::from))
    }

    /// Waits for the program to end, then kills whatever it left running in its group.
    pub fn wait(self) -> Result<Ended> {
        Ok(Ended::from(self.wait_raw()?))
    }

    fn wait_status(self) -> Result<ExitStatus> {
        Ok(match self.wait_raw()? {
            WaitStatus::Exited(_, code) => ExitStatus::from_raw(code << 8),
            WaitStatus::Signaled(_, signal, _) => ExitStatus::from_raw(signal as i32),
            _ => ExitStatus::from_raw(-1 << 8),
        })
    }

    fn wait_raw(self) -> Result<WaitStatus> {
        let Streaming { mut group, child } = self;
        // Close our end of its output first: a program blocked writing to a full pipe that
        // nobody reads any more then gets EPIPE instead of waiting forever.
        drop(child);
        let status = group
            .exited(true)?
            .context("the program's status was not reported")?;
        group.finish();
        Ok(status)
    }
}

/// Runs `cmd` to its end, stdin closed, and returns what it printed (stdout and stderr apart).
pub fn output(cmd: &mut Command) -> Result<Output> {
    cmd.stderr(Stdio::piped());
    let mut program = spawn_streaming(cmd)?;
    let mut stderr = program.stderr().context("no stderr")?;
    let errors = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let mut stdout = Vec::new();
    program
        .stdout()
        .context("no stdout")?
        .read_to_end(&mut stdout)?;
    let stderr = errors.join().unwrap_or_default();
    let status = program.wait_status()?;
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

/// Runs `cmd` to its end with stdin closed and its output on ours (a benchmark's progress).
pub fn status(cmd: &mut Command) -> Result<Ended> {
    cmd.stdin(Stdio::null()).process_group(0);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let (child, group) = groups::spawn(cmd).with_context(|| format!("cannot start {program}"))?;
    Streaming { group, child }.wait()
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};

    use super::super::processes_matching;
    use super::*;

    fn sh(script: &str) -> Streaming {
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", script]);
        spawn_streaming(&mut cmd).unwrap()
    }

    #[test]
    fn output_is_read_as_it_comes_and_leftovers_are_killed_at_the_end() {
        let mut program = sh("echo one; sleep 609 & echo two; exit 4");
        let lines: Vec<String> = BufReader::new(program.stdout().unwrap())
            .lines()
            .take(2)
            .map(Result::unwrap)
            .collect();
        assert_eq!(lines, ["one", "two"]);
        assert_eq!(program.wait().unwrap(), Ended::Exited(4));
        assert_eq!(processes_matching("sleep 609").unwrap(), Vec::<i32>::new());
    }

    #[test]
    fn dropping_it_early_kills_the_program_and_its_group() {
        let mut program = sh("echo ready; sleep 610 & sleep 611; :");
        let mut first = String::new();
        BufReader::new(program.stdout().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert_eq!(first, "ready\n");
        drop(program);
        assert_eq!(processes_matching("sleep 61").unwrap(), Vec::<i32>::new());
    }

    #[test]
    fn output_and_status_wait_for_the_end_and_leave_nothing_behind() {
        let mut cmd = Command::new("/bin/sh");
        cmd.args([
            "-c",
            "echo out; echo err >&2; sleep 7021 >/dev/null 2>&1 & exit 3",
        ]);
        let out = output(&mut cmd).unwrap();
        assert_eq!(
            (out.stdout.as_slice(), out.stderr.as_slice()),
            (&b"out\n"[..], &b"err\n"[..])
        );
        assert_eq!(out.status.code(), Some(3));
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", "sleep 7022 & exit 5"])
            .stdout(Stdio::null());
        assert_eq!(status(&mut cmd).unwrap(), Ended::Exited(5));
        assert_eq!(processes_matching("sleep 702").unwrap(), Vec::<i32>::new());
    }
}
