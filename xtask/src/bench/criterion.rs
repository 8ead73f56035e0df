//! Criterion's own result files: `<home>/<group>/.../new/{benchmark,estimates}.json`.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;

use crate::results::{Measurement, Unit};

/// Criterion's options for `--quick`: short windows and few samples, so that every chapter
/// together stays well under five minutes on two cores. Benches that set their own group
/// times (processes) keep them: criterion lets a group's settings win over the command line.
/// `--noplot` skips criterion's own HTML plots, which nobody reads from the private folder.
pub const QUICK_ARGS: &[&str] = &[
    "--warm-up-time",
    "0.5",
    "--measurement-time",
    "1",
    "--sample-size",
    "10",
    "--noplot",
];

/// Reads one criterion result: `new/benchmark.json` gives the id, `new/estimates.json` the
/// median and its confidence interval (nanoseconds).
pub fn parse_criterion(
    benchmark_json: &str,
    estimates_json: &str,
    source: &str,
) -> Result<Measurement> {
    #[derive(Deserialize)]
    struct Benchmark {
        full_id: String,
    }
    #[derive(Deserialize)]
    struct Interval {
        lower_bound: f64,
        upper_bound: f64,
    }
    #[derive(Deserialize)]
    struct Estimate {
        confidence_interval: Interval,
        point_estimate: f64,
    }
    #[derive(Deserialize)]
    struct Estimates {
        median: Estimate,
    }
    let b: Benchmark = serde_json::from_str(benchmark_json).context("bad benchmark.json")?;
    let e: Estimates = serde_json::from_str(estimates_json).context("bad estimates.json")?;
    ensure!(
        e.median.point_estimate.is_finite() && e.median.point_estimate > 0.0,
        "{}: median {} is not a time",
        b.full_id,
        e.median.point_estimate
    );
    Ok(Measurement {
        id: b.full_id,
        source: source.to_owned(),
        median: e.median.point_estimate,
        interval: Some((
            e.median.confidence_interval.lower_bound,
            e.median.confidence_interval.upper_bound,
        )),
        unit: Unit::Nanos,
    })
}

/// Every result under a criterion home folder (`<group>/.../new/benchmark.json`), by id.
pub fn read_criterion_dir(dir: &Path, source: &str) -> Result<Vec<Measurement>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))?
        {
            let path = entry?.path();
            if !path.is_dir() {
                continue;
            }
            // `base` and `change` hold earlier runs; `report` is criterion's HTML.
            if path.file_name().is_some_and(|n| n == "new") {
                let bench = path.join("benchmark.json");
                let estimates = path.join("estimates.json");
                if bench.is_file() && estimates.is_file() {
                    let m = parse_criterion(
                        &std::fs::read_to_string(&bench)?,
                        &std::fs::read_to_string(&estimates)?,
                        source,
                    )
                    .with_context(|| format!("in {}", path.display()))?;
                    found.push(m);
                }
            } else {
                stack.push(path);
            }
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCHMARK_JSON: &str = r#"{"group_id":"primes_1M_to_1.2M","function_id":null,"value_str":"3","throughput":null,"full_id":"primes_1M_to_1.2M/3","directory_name":"primes_1M_to_1.2M/3","title":"primes_1M_to_1.2M/3"}"#;
    const ESTIMATES_JSON: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":9362684.4,"upper_bound":9725267.1},"point_estimate":9526150.1,"standard_error":93641.2},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":9311133.8,"upper_bound":9735998.0},"point_estimate":9463826.2,"standard_error":80844.3},"median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":17901.5,"upper_bound":443350.9},"point_estimate":133085.1,"standard_error":110436.1},"slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":95816.5,"upper_bound":408438.4},"point_estimate":311350.3,"standard_error":82560.3}}"#;

    #[test]
    fn parses_criterion_median_and_interval() {
        let got = parse_criterion(BENCHMARK_JSON, ESTIMATES_JSON, "benches/scale_up.rs").unwrap();
        assert_eq!(got.id, "primes_1M_to_1.2M/3");
        assert_eq!(got.median, 9463826.2);
        assert_eq!(got.interval, Some((9311133.8, 9735998.0)));
        assert_eq!(got.source, "benches/scale_up.rs");
    }

    #[test]
    fn rejects_broken_criterion_json() {
        assert!(parse_criterion("{}", ESTIMATES_JSON, "x").is_err());
        assert!(parse_criterion(BENCHMARK_JSON, r#"{"mean":{}}"#, "x").is_err());
        let zero = ESTIMATES_JSON.replace("\"point_estimate\":9463826.2", "\"point_estimate\":0.0");
        assert!(parse_criterion(BENCHMARK_JSON, &zero, "x").is_err());
    }

    #[test]
    fn reads_only_new_results_from_a_criterion_home() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["g/3/new", "g/3/base", "report"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("benchmark.json"), BENCHMARK_JSON).unwrap();
            std::fs::write(dir.path().join(sub).join("estimates.json"), ESTIMATES_JSON).unwrap();
        }
        let found = read_criterion_dir(dir.path(), "benches/b.rs").unwrap();
        assert_eq!(found.len(), 1, "only `new/` counts: {found:?}");
    }
}
