//! A program whose standard output is read while it runs (`cargo build
//! --message-format=json`, read message by message), started and ended like [`super::run`]'s:
//! in a process group of its own, known to the interrupt handler, its group killed before
//! its leader is reaped.

use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdout, Command, Stdio};

use anyhow::{Context, Result};

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
    /// The program's standard output (once: later calls return `None`).
    pub fn stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// Waits for the program to end, then kills whatever it left running in its group.
    pub fn wait(self) -> Result<Ended> {
        let Streaming { mut group, child } = self;
        // Close our end of its output first: a program blocked writing to a full pipe that
        // nobody reads any more then gets EPIPE instead of waiting forever.
        drop(child);
        let status = group
            .exited(true)?
            .context("the program's status was not reported")?;
        group.finish();
        Ok(Ended::from(status))
    }
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
}
