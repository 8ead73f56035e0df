//! The Python twin: `python/builders.py` holds the lesson's eight builders, timed with
//! `timeit`. This module runs it and reads its timings, so that Rust and Python can be timed
//! on the same machine, one right after the other.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// Where the twin lives: `crates/profiling/python/builders.py`.
pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/builders.py")
}

/// What the twin measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Timings {
    /// The interpreter, e.g. `CPython 3.11.7`.
    pub python: String,
    /// Each builder's name and its best time per call, in the lesson's order.
    pub per_call: Vec<(String, Duration)>,
}

// ANCHOR: run
/// Runs the twin with the interpreter `python`: `calls` calls per timing run, the best of
/// `repeat` runs. `Ok(None)` when there is no such interpreter.
pub fn run(python: &OsStr, calls: NonZeroU32, repeat: NonZeroUsize) -> Result<Option<Timings>> {
    let output = Command::new(python)
        .arg(script())
        .args(["--number", &calls.to_string()])
        .args(["--repeat", &repeat.to_string()])
        .arg("--tsv")
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot run {}", python.display())),
    };
    if !output.status.success() {
        bail!(
            "{} {} failed ({}): {}",
            python.display(),
            script().display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    parse(&String::from_utf8_lossy(&output.stdout)).map(Some)
}
// ANCHOR_END: run

/// Reads the twin's `--tsv` output: a `#python<TAB>version` line, then
/// `name<TAB>nanoseconds per call` lines.
pub fn parse(tsv: &str) -> Result<Timings> {
    let mut python = None;
    let mut per_call = Vec::new();
    for line in tsv.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line
            .split_once('\t')
            .with_context(|| format!("no tab in the twin's line {line:?}"))?;
        if key == "#python" {
            python = Some(value.to_string());
            continue;
        }
        let nanos: f64 = value
            .parse()
            .with_context(|| format!("bad time in the twin's line {line:?}"))?;
        if !nanos.is_finite() || nanos < 0.0 {
            bail!("bad time in the twin's line {line:?}");
        }
        per_call.push((key.to_string(), Duration::from_secs_f64(nanos / 1e9)));
    }
    Ok(Timings {
        python: python.context("the twin did not say which Python it is")?,
        per_call,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_tsv() {
        let t = parse("#python\tCPython 3.11.7\nset\t2257.0\nlist\t735.0\n").unwrap();
        assert_eq!(t.python, "CPython 3.11.7");
        assert_eq!(
            t.per_call,
            [
                ("set".to_string(), Duration::from_nanos(2257)),
                ("list".to_string(), Duration::from_nanos(735)),
            ]
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("set\t12\n").is_err(), "no version line");
        assert!(parse("#python\tX\nset 12\n").is_err(), "no tab");
        assert!(parse("#python\tX\nset\tfast\n").is_err(), "not a number");
        assert!(parse("#python\tX\nset\t-1\n").is_err(), "negative");
    }

    #[test]
    fn a_missing_interpreter_is_none_not_an_error() {
        let one = NonZeroU32::new(1).unwrap();
        let r = run(OsStr::new("/nonexistent/python3"), one, NonZeroUsize::MIN);
        assert!(matches!(r, Ok(None)), "{r:?}");
    }
}
