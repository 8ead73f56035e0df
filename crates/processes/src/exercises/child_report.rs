//! Exercise: A child's report (easy)
//!
//! Run a program to its end and say what it did: the lines it wrote to its stdout, and how it
//! ended. On Unix a process ends in one of two ways: it exits with a code of its own choosing,
//! or a signal ends it before it can choose anything.
//!
//! Write `report`. It runs `command` (its stdout captured), waits for its end, and fills a
//! [`Report`]: `lines` holds the stdout split into lines (without their line ends), `code` the
//! exit code if the child exited, `signal` the signal's number if a signal ended it. Exactly
//! one of `code` and `signal` is `Some`. A program that cannot be started is an error, as
//! `Command` reports it.
//!
//! Hint: `Command::output` starts the child, collects its output and reaps it;
//! `ExitStatus::code` and `std::os::unix::process::ExitStatusExt::signal` read the status.

use std::io;
use std::process::Command;

// solution: begin, skeleton:
use std::os::unix::process::ExitStatusExt;
// solution: end

/// What a child did: its stdout, line by line, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Its stdout, one entry per line, line ends removed.
    pub lines: Vec<String>,
    /// Its exit code, if it exited.
    pub code: Option<i32>,
    /// The number of the signal that ended it, if one did.
    pub signal: Option<i32>,
}

/// Runs `command` to its end and reports its stdout lines and how it ended.
pub fn report(command: &mut Command) -> io::Result<Report> {
    // solution: begin
    let output = command.output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    Ok(Report {
        lines: stdout.lines().map(str::to_owned).collect(),
        code: output.status.code(),
        signal: output.status.signal(),
    })
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn lines_and_exit_code() -> io::Result<()> {
        let got = report(&mut sh("echo one; echo two; exit 3"))?;
        assert_eq!(got.lines, ["one", "two"]);
        assert_eq!(got.code, Some(3));
        assert_eq!(got.signal, None);
        Ok(())
    }

    #[test]
    fn a_clean_exit_is_code_zero() -> io::Result<()> {
        let got = report(&mut sh("printf 'no line end'"))?;
        assert_eq!(got.lines, ["no line end"]);
        assert_eq!((got.code, got.signal), (Some(0), None));
        Ok(())
    }

    #[test]
    fn a_signal_leaves_no_exit_code() -> io::Result<()> {
        // The shell sends SIGTERM (15) to itself: it never gets to choose a code.
        let got = report(&mut sh("echo bye; kill -TERM $$"))?;
        assert_eq!(got.lines, ["bye"]);
        assert_eq!((got.code, got.signal), (None, Some(15)));
        Ok(())
    }

    #[test]
    fn stderr_is_not_part_of_the_lines() -> io::Result<()> {
        let mut command = sh("echo out; echo err >&2");
        let got = report(command.stderr(std::process::Stdio::null()))?;
        assert_eq!(got.lines, ["out"]);
        Ok(())
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let error = report(&mut Command::new("/no/such/program")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
