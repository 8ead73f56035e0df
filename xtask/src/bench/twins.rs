//! Measurements that criterion does not take: the Python twins (the lesson's code, timed by
//! Python itself) and the probes (a chapter's example run once in release, printing what it
//! measured: requests per second, resident memory, ...).

use std::path::Path;
use std::time::Duration;

use crate::book::meta::{Probe, PythonTwin};
use crate::results::{Measurement, Unit};
use crate::runner::{self, Ended};

/// How long a Python twin may run before it is killed.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a probe may run when it does not say.
const PROBE_TIMEOUT: Duration = Duration::from_secs(300);

/// Runs a Python twin of the chapter in `crate_dir`; its measurements, and a sentence on what
/// happened, for the fragment.
pub fn run_python(
    root: &Path,
    chapter: &str,
    crate_dir: &Path,
    twin: &PythonTwin,
    cores: usize,
) -> (Vec<Measurement>, String) {
    let script = crate_dir.join(&twin.script);
    let source = format!("{chapter}/{}", twin.script);
    let mut version = std::process::Command::new("python3");
    version.arg("--version");
    if runner::output(&mut version).is_err() {
        return (
            Vec::new(),
            format!(
                "python3 was not found: the Python twin `{source}` did not run, so there are no Python/Rust ratios."
            ),
        );
    }
    let mut args = vec![script.display().to_string()];
    args.extend(twin.args.iter().cloned());
    if twin.workers {
        args.extend(["--workers".to_owned(), cores.to_string()]);
    }
    let outcome = match runner::run(Path::new("python3"), &args, &[], root, PYTHON_TIMEOUT) {
        Ok(o) => o,
        Err(e) => {
            return (
                Vec::new(),
                format!("the Python twin `{source}` could not run: {e:#}"),
            );
        }
    };
    if outcome.ended != Ended::Exited(0) {
        return (
            Vec::new(),
            format!(
                "the Python twin `{source}` failed ({}): no Python numbers",
                outcome.ended
            ),
        );
    }
    let measurements = parse_python(&outcome.output, &twin.prefix, &source);
    let version = outcome
        .output
        .lines()
        .find_map(|l| l.strip_prefix("#python\t"))
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    (
        measurements,
        format!("{}{version}; from `{source}`.", twin.note),
    )
}

/// Reads a twin's output: `name<TAB or space>nanoseconds`, `name count seconds`, or a
/// probe's `name<TAB>value<TAB>unit` (unit: ns, B, /s or count); other lines and `#` lines
/// are ignored.
pub fn parse_python(output: &str, prefix: &str, source: &str) -> Vec<Measurement> {
    output
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let (value, unit) = match words.as_slice() {
                [_, ns] => (ns.parse::<f64>().ok()?, Unit::Nanos),
                [_, value, unit] if Unit::parse(unit).is_some() => {
                    (value.parse::<f64>().ok()?, Unit::parse(unit)?)
                }
                [_, _count, seconds] => (seconds.parse::<f64>().ok()? * 1e9, Unit::Nanos),
                _ => return None,
            };
            Some(Measurement {
                id: format!("python/{prefix}/{}", words[0]),
                source: source.to_owned(),
                median: value,
                interval: None,
                unit,
            })
        })
        .collect()
}

/// Runs a probe (its example, built in release, at `exe`); its measurements, or why none.
pub fn run_probe(
    root: &Path,
    chapter: &str,
    probe: &Probe,
    exe: &Path,
) -> Result<(Vec<Measurement>, String), String> {
    let source = format!("{chapter}/examples/{}.rs", probe.example);
    let timeout = probe.timeout.map_or(PROBE_TIMEOUT, Duration::from_secs);
    let outcome = runner::run(exe, &probe.args, &[], root, timeout)
        .map_err(|e| format!("the probe `{source}` could not run: {e:#}"))?;
    if outcome.ended != Ended::Exited(0) {
        let tail: Vec<&str> = outcome.output.lines().rev().take(10).collect();
        return Err(format!(
            "the probe `{source}` {}; its last lines:\n{}",
            outcome.ended,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let measurements = parse_probe(&outcome.output, &probe.example, &source)?;
    if measurements.is_empty() {
        return Err(format!(
            "the probe `{source}` printed no `id<TAB>value<TAB>unit` line"
        ));
    }
    Ok((measurements, format!("{}; from `{source}`.", probe.note)))
}

/// Reads a probe's lines `id<TAB>value<TAB>unit`; other lines are its commentary.
pub fn parse_probe(output: &str, example: &str, source: &str) -> Result<Vec<Measurement>, String> {
    let mut found = Vec::new();
    for line in output.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, value, unit] = fields.as_slice() else {
            continue;
        };
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|_| format!("{source}: `{line}`: the value is not a number"))?;
        let unit = Unit::parse(unit.trim())
            .ok_or_else(|| format!("{source}: `{line}`: unknown unit (ns, B, /s, count)"))?;
        found.push(Measurement {
            id: format!("{example}/{}", id.trim()),
            source: source.to_owned(),
            median: value,
            interval: None,
            unit,
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_python_output_forms() {
        let tsv = "#python\tCPython 3.11.2\nset\t1143.5\nlist\t386.0\n";
        let got = parse_python(tsv, "builders", "profiling/python/builders.py");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id, "python/builders/set");
        assert_eq!(got[0].median, 1143.5);
        let primes = "sequential 14440 0.4600\nPool.map 14440 0.3000\nnoise\n";
        let got = parse_python(primes, "primes", "pools/python/primes.py");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].id, "python/primes/Pool.map");
        assert!((got[1].median - 3e8).abs() < 1.0);
        let units = "lost\t1234\tcount\nlock\t55.5\tns\n";
        let got = parse_python(units, "sharing", "sharing/python/lost.py");
        assert_eq!((got[0].median, got[0].unit), (1234.0, Unit::Count));
        assert_eq!((got[1].median, got[1].unit), (55.5, Unit::Nanos));
    }

    #[test]
    fn parses_probe_lines_with_units() {
        let out = "serving 100 clients\ntask/100/rps\t85000\t/s\ntask/100/rss\t3145728\tB\n";
        let got = parse_probe(out, "load", "async_io/examples/load.rs").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id, "load/task/100/rps");
        assert_eq!(got[0].unit, Unit::PerSecond);
        assert_eq!(got[1].unit, Unit::Bytes);
        assert!(
            parse_probe("a\t1\tparsecs\n", "load", "s")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(
            parse_probe("a\tmany\tB\n", "load", "s")
                .unwrap_err()
                .contains("not a number")
        );
    }
}
