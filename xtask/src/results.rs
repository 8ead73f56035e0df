//! What `cargo xtask bench` measured, as stored in `book/src/generated/<chapter>.json`, and
//! the arithmetic on it: ratios, efficiencies, speedup series, and how values are written.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::book::meta::{EfficiencyKind, Ratio, Series};

/// A row whose 95% interval is wider than this share of its median is too noisy to rank.
pub const WIDE_INTERVAL: f64 = 0.10;

/// What a measurement's number counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Nanoseconds: criterion's medians, the Python twins' times.
    #[default]
    #[serde(rename = "ns")]
    Nanos,
    #[serde(rename = "B")]
    Bytes,
    #[serde(rename = "/s")]
    PerSecond,
    #[serde(rename = "count")]
    Count,
}

impl Unit {
    pub fn parse(text: &str) -> Option<Unit> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }

    fn is_nanos(&self) -> bool {
        *self == Unit::Nanos
    }
}

/// One result: a criterion median (with its 95% interval), or one run of a Python twin or
/// a probe (no interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Criterion's `full_id`, `python/<prefix>/<name>`, or `<probe example>/<id>`.
    pub id: String,
    /// Where it comes from: `benches/<name>.rs`, the Python script, or the probe example.
    pub source: String,
    #[serde(alias = "median_ns")]
    pub median: f64,
    #[serde(alias = "interval_ns")]
    pub interval: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Unit::is_nanos")]
    pub unit: Unit,
}

/// The machine and the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    pub cpu: String,
    pub cores: usize,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    pub rustc: String,
    pub quick: bool,
    /// The share of the machine's CPU time (all cores) that other programs used while this
    /// chapter ran, from `/proc/stat` minus our own children's time; `None` off Linux.
    pub others_cpu: Option<f64>,
    /// Measured for the book by its maintainers (`cargo xtask bench --publish`): the book's
    /// claims must hold on it. `false` for a reader's own run. Files from before the flag
    /// existed were all the maintainers'.
    #[serde(default = "published_by_default")]
    pub published: bool,
}

fn published_by_default() -> bool {
    true
}

/// Everything measured for one chapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChapterResults {
    pub chapter: String,
    pub stamp: Stamp,
    /// Every bench target run, as `benches/<name>.rs`.
    pub benches: Vec<String>,
    pub measurements: Vec<Measurement>,
    /// What happened to the Python twins and probes, one sentence each, for the fragment.
    #[serde(default, alias = "python", deserialize_with = "one_or_many")]
    pub notes: Vec<String>,
}

/// Older files hold one optional note (`"python": "..."` or `null`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Notes {
        One(Option<String>),
        Many(Vec<String>),
    }
    Ok(match Notes::deserialize(d)? {
        Notes::One(note) => note.into_iter().collect(),
        Notes::Many(notes) => notes,
    })
}

/// Its 95% interval is wider than [`WIDE_INTERVAL`] of its median.
pub fn is_wide(m: &Measurement) -> bool {
    m.interval
        .is_some_and(|(lo, hi)| (hi - lo) > WIDE_INTERVAL * m.median)
}

/// Every chapter's results: the `<chapter>.json` files of `generated`.
pub type AllResults = BTreeMap<String, ChapterResults>;

/// Reads every `<chapter>.json` under `generated` (none when the folder is missing).
pub fn load_all(generated: &Path) -> Result<AllResults> {
    let mut all = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(generated) else {
        return Ok(all);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path)?;
            let r: ChapterResults = serde_json::from_str(&text)
                .with_context(|| format!("cannot read {}", path.display()))?;
            all.insert(r.chapter.clone(), r);
        }
    }
    Ok(all)
}

impl ChapterResults {
    /// The file that holds them, `<chapter>.json`, in today's format.
    pub fn json(&self) -> Result<(String, String)> {
        Ok((
            format!("{}.json", self.chapter),
            serde_json::to_string_pretty(self)? + "\n",
        ))
    }
}

impl ChapterResults {
    pub fn get(&self, id: &str) -> Option<&Measurement> {
        self.measurements.iter().find(|m| m.id == id)
    }
}

/// `value(numerator) / value(denominator)`, and the efficiency when it is a parallel speedup;
/// `None` when either side was not measured or their units differ.
pub fn compute_ratio(r: &Ratio, results: &ChapterResults) -> Option<(f64, Option<f64>)> {
    let num = results.get(&r.numerator)?;
    let den = results.get(&r.denominator)?;
    if num.unit != den.unit {
        return None;
    }
    let value = num.median / den.median;
    let efficiency = match r.efficiency {
        None => None,
        Some(EfficiencyKind::PerCore) => Some(value / results.stamp.cores.max(1) as f64),
        Some(EfficiencyKind::PerThread) => Some(value / f64::from(r.threads.unwrap_or(1).max(1))),
    };
    Some((value, efficiency))
}

/// The points of one speedup series: `(x, speedup)`, sorted by x.
pub fn speedup_points(s: &Series, results: &ChapterResults) -> Vec<(f64, f64)> {
    let Some(base) = results.get(&s.baseline) else {
        return Vec::new();
    };
    let mut points: Vec<(f64, f64)> = results
        .measurements
        .iter()
        .filter_map(|m| {
            let x: f64 = m.id.strip_prefix(&s.prefix)?.parse().ok()?;
            Some((x, base.median / m.median))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// Three significant digits: 4.04, 18.5, 428.
fn three_digits(value: f64) -> String {
    let decimals = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.decimals$}")
}

/// A time with three significant digits and the unit that suits it.
pub fn fmt_time(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", three_digits(value))
}

/// A value in its unit, as the tables and the prose print it.
pub fn fmt_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Nanos => fmt_time(value),
        Unit::Bytes => {
            let (v, u) = if value < 1024.0 {
                (value, "B")
            } else if value < 1024.0 * 1024.0 {
                (value / 1024.0, "KiB")
            } else if value < 1024.0 * 1024.0 * 1024.0 {
                (value / (1024.0 * 1024.0), "MiB")
            } else {
                (value / (1024.0 * 1024.0 * 1024.0), "GiB")
            };
            format!("{} {u}", three_digits(v))
        }
        Unit::PerSecond => format!("{} per second", group_thousands(round_to_three(value))),
        Unit::Count => group_thousands(value.round() as u64),
    }
}

/// Rounds to three significant digits: 85_234 -> 85_200.
fn round_to_three(value: f64) -> u64 {
    if value < 1000.0 {
        return value.round() as u64;
    }
    let scale = 10f64.powi(value.log10().floor() as i32 - 2);
    ((value / scale).round() * scale) as u64
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A ratio with three significant digits and the multiplication sign: `1.94×`.
pub fn fmt_ratio(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}×")
    } else {
        format!("{}×", three_digits(value))
    }
}

/// An efficiency as a percentage: `95%`.
pub fn fmt_efficiency(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn stamp(cores: usize) -> Stamp {
        Stamp {
            cpu: "Test CPU".into(),
            cores,
            date: "2026-11-23 15:00 UTC".into(),
            rustc: "rustc 1.95.0".into(),
            quick: true,
            others_cpu: Some(0.1),
            published: false,
        }
    }

    pub fn m(id: &str, ns: f64) -> Measurement {
        Measurement {
            id: id.into(),
            source: "benches/x.rs".into(),
            median: ns,
            interval: Some((ns * 0.9, ns * 1.1)),
            unit: Unit::Nanos,
        }
    }

    pub fn results(chapter: &str, cores: usize, ms: Vec<Measurement>) -> ChapterResults {
        ChapterResults {
            chapter: chapter.into(),
            stamp: stamp(cores),
            benches: vec!["benches/x.rs".into()],
            measurements: ms,
            notes: Vec::new(),
        }
    }

    fn ratio(
        num: &str,
        den: &str,
        efficiency: Option<EfficiencyKind>,
        threads: Option<u32>,
    ) -> Ratio {
        Ratio {
            name: "r".into(),
            label: "l".into(),
            numerator: num.into(),
            denominator: den.into(),
            efficiency,
            threads,
        }
    }

    #[test]
    fn ratios_and_efficiency() {
        let r = results(
            "t",
            2,
            vec![m("seq", 40.0), m("par", 25.0), m("four", 10.0)],
        );
        let per_core = ratio("seq", "par", Some(EfficiencyKind::PerCore), None);
        assert_eq!(compute_ratio(&per_core, &r), Some((1.6, Some(0.8))));
        let per_thread = ratio("seq", "four", Some(EfficiencyKind::PerThread), Some(4));
        assert_eq!(compute_ratio(&per_thread, &r), Some((4.0, Some(1.0))));
        assert_eq!(
            compute_ratio(&ratio("par", "seq", None, None), &r),
            Some((0.625, None))
        );
        assert_eq!(
            compute_ratio(&ratio("seq", "nowhere", None, None), &r),
            None
        );
        let mut bytes = r.clone();
        bytes.measurements[1].unit = Unit::Bytes;
        assert_eq!(
            compute_ratio(&ratio("seq", "par", None, None), &bytes),
            None,
            "units differ"
        );
    }

    #[test]
    fn speedup_points_follow_the_numbers_in_the_ids() {
        let r = results(
            "t",
            2,
            vec![
                m("g/2", 50.0),
                m("g/1", 100.0),
                m("g/4", 40.0),
                m("g/x", 1.0),
                m("h/2", 1.0),
            ],
        );
        let s = Series {
            name: "g".into(),
            prefix: "g/".into(),
            baseline: "g/1".into(),
        };
        assert_eq!(
            speedup_points(&s, &r),
            vec![(1.0, 1.0), (2.0, 2.0), (4.0, 2.5)]
        );
    }

    #[test]
    fn formats_values() {
        assert_eq!(fmt_time(4.04), "4.04 ns");
        assert_eq!(fmt_time(743.8), "744 ns");
        assert_eq!(fmt_time(26_100.0), "26.1 µs");
        assert_eq!(fmt_time(17_340_000.0), "17.3 ms");
        assert_eq!(fmt_time(1.5e9), "1.50 s");
        assert_eq!(fmt_ratio(1.943), "1.94×");
        assert_eq!(fmt_ratio(18.48), "18.5×");
        assert_eq!(fmt_ratio(427.6), "428×");
        assert_eq!(fmt_efficiency(0.947), "95%");
        assert_eq!(fmt_value(3.5 * 1024.0 * 1024.0, Unit::Bytes), "3.50 MiB");
        assert_eq!(fmt_value(85_234.0, Unit::PerSecond), "85,200 per second");
        assert_eq!(fmt_value(10_000.0, Unit::Count), "10,000");
        assert_eq!(Unit::parse("/s"), Some(Unit::PerSecond));
        assert_eq!(Unit::parse("parsecs"), None);
    }

    #[test]
    fn reads_the_older_file_format() {
        let old = r#"{"chapter":"c","stamp":{"cpu":"x","cores":2,"date":"d","rustc":"r","quick":true,"others_cpu":null},
            "benches":[],"measurements":[{"id":"a","source":"s","median_ns":2.0,"interval_ns":[1.0,3.0]}],"python":"note"}"#;
        let r: ChapterResults = serde_json::from_str(old).unwrap();
        assert_eq!(r.measurements[0].median, 2.0);
        assert_eq!(r.measurements[0].unit, Unit::Nanos);
        assert_eq!(r.notes, ["note"]);
        let none = old.replace("\"note\"", "null");
        assert!(
            serde_json::from_str::<ChapterResults>(&none)
                .unwrap()
                .notes
                .is_empty()
        );
    }
}
