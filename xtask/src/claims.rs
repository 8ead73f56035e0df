//! Claims: the sentences that compare, rank or explain measurements, bound to the numbers they
//! rest on. A chapter declares each one in its metadata:
//!
//! ```toml
//! [[package.metadata.xtask.claims]]
//! id = "rayon-beats-sequential"
//! says = "rayon counts the primes faster than the sequential loop"
//! holds = ["count_primes/rayon < count_primes/sequential", "ratio speedup-rayon >= 1.5"]
//! ```
//!
//! and the prose puts `{{#claim CHAPTER ID}}` after the sentence. Every condition must hold,
//! judged on the 95% intervals, never on the medians alone:
//!
//! - `A < B` (`A > B`): A's whole interval lies below (above) B's;
//! - `A ~ B`: the two intervals overlap, "the same within the noise";
//! - `ratio NAME >= X` (`<= X`): the ratio's interval, `[num.lo / den.hi, num.hi / den.lo]`,
//!   lies at or above (at or below) X; `efficiency NAME` likewise, X a fraction.
//!
//! A side is a measurement id of the chapter, or `[chapter] id` of another one. A value
//! measured once (a probe, a Python twin) has no interval of its own: it counts as
//! [`ONE_RUN`] either side of its value.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::bench::results::{ChapterResults, Measurement, compute_ratio, fmt_ratio, fmt_value};
use crate::meta::ChapterMeta;

/// How far a value measured only once may be from what a second run would give: its
/// interval, for claims, is `[v × (1 − ONE_RUN), v × (1 + ONE_RUN)]`.
pub const ONE_RUN: f64 = 0.25;

/// One claim of a chapter's metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Claim {
    /// One word, unique in its chapter: `{{#claim CHAPTER ID}}`.
    pub id: String,
    /// The sentence's gist, for messages.
    pub says: String,
    /// Every one must hold.
    pub holds: Vec<Condition>,
}

/// One condition of a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare {
        left: Side,
        op: Order,
        right: Side,
    },
    Bound {
        what: Derived,
        name: String,
        at_least: bool,
        value: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Below,
    Above,
    Overlaps,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    Ratio,
    Efficiency,
}

/// A measurement: of the claim's own chapter, or `[chapter] id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub chapter: Option<String>,
    pub id: String,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.chapter {
            Some(c) => write!(f, "[{c}] {}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

impl std::str::FromStr for Condition {
    type Err = String;

    fn from_str(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        for (word, what) in [
            ("ratio ", Derived::Ratio),
            ("efficiency ", Derived::Efficiency),
        ] {
            let Some(rest) = text.strip_prefix(word) else {
                continue;
            };
            let (name, at_least, value) = if let Some((n, v)) = rest.split_once(" >= ") {
                (n, true, v)
            } else if let Some((n, v)) = rest.split_once(" <= ") {
                (n, false, v)
            } else {
                return Err(format!(
                    "condition `{text}`: write `{word}NAME >= X` or `{word}NAME <= X`"
                ));
            };
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("condition `{text}`: `{}` is not a number", value.trim()))?;
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(format!("condition `{text}`: a ratio's name is one word"));
            }
            return Ok(Condition::Bound {
                what,
                name: name.to_owned(),
                at_least,
                value,
            });
        }
        let ops = [
            (" < ", Order::Below),
            (" > ", Order::Above),
            (" ~ ", Order::Overlaps),
        ];
        let count: usize = ops.iter().map(|(sym, _)| text.matches(sym).count()).sum();
        let found: Vec<_> = ops
            .iter()
            .filter_map(|(sym, op)| text.split_once(sym).map(|(l, r)| (l, *op, r)))
            .collect();
        let [(left, op, right)] = found.as_slice() else {
            return Err(format!(
                "condition `{text}`: write `A < B`, `A > B`, `A ~ B`, `ratio NAME >= X` or `ratio NAME <= X` (one comparison, spaces around it)"
            ));
        };
        if count != 1 {
            return Err(format!(
                "condition `{text}`: write `A < B`, `A > B`, `A ~ B`, `ratio NAME >= X` or `ratio NAME <= X` (one comparison, spaces around it)"
            ));
        }
        Ok(Condition::Compare {
            left: parse_side(left, text)?,
            op: *op,
            right: parse_side(right, text)?,
        })
    }
}

fn parse_side(side: &str, text: &str) -> Result<Side, String> {
    let side = side.trim();
    let (chapter, id) = match side.strip_prefix('[') {
        Some(rest) => {
            let (chapter, id) = rest
                .split_once(']')
                .ok_or_else(|| format!("condition `{text}`: `[` without `]`"))?;
            (Some(chapter.trim().to_owned()), id.trim())
        }
        None => (None, side),
    };
    if id.is_empty() {
        return Err(format!("condition `{text}`: a side names no measurement"));
    }
    Ok(Side {
        chapter,
        id: id.to_owned(),
    })
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How the evidence of a condition that failed ends.
const FAILED: &str = ": does not hold";

/// What the measurements say of a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub holds: bool,
    /// Every measurement it rests on comes from a published run (`cargo xtask bench
    /// --publish`, what the book ships with): a claim that fails there is the book's bug. On
    /// the reader's own measurements it is a finding about their machine.
    pub published: bool,
    /// The numbers, one line per condition, as a reader would check them.
    pub evidence: Vec<String>,
}

impl Verdict {
    /// The numbers of the conditions that failed (all of them when none did).
    pub fn against(&self) -> String {
        let failed: Vec<&str> = self
            .evidence
            .iter()
            .filter_map(|e| e.strip_suffix(FAILED))
            .collect();
        if failed.is_empty() {
            self.evidence.join("; ")
        } else {
            failed.join("; ")
        }
    }
}

/// Every chapter's results and metadata: what claims are judged on.
#[derive(Debug, Clone, Copy)]
pub struct Judge<'a> {
    pub results: &'a BTreeMap<String, ChapterResults>,
    pub metas: &'a BTreeMap<String, ChapterMeta>,
}

impl<'a> Judge<'a> {
    /// The claim `id` of `chapter`, judged; `Err` when it cannot be (no such claim, or a
    /// measurement it names was never taken).
    pub fn judge(&self, chapter: &str, id: &str) -> Result<(&'a Claim, Verdict), String> {
        let metas: &'a BTreeMap<String, ChapterMeta> = self.metas;
        let meta = metas
            .get(chapter)
            .ok_or_else(|| format!("no chapter `{chapter}`"))?;
        let claim = meta
            .claims
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| {
                format!(
                    "`{chapter}` declares no claim `{id}` (its Cargo.toml's [[package.metadata.xtask.claims]])"
                )
            })?;
        let mut verdict = Verdict {
            holds: true,
            published: true,
            evidence: Vec::new(),
        };
        for condition in &claim.holds {
            let (holds, published, evidence) = self.condition(chapter, condition)?;
            verdict.holds &= holds;
            verdict.published &= published;
            verdict.evidence.push(if holds {
                evidence
            } else {
                format!("{evidence}{FAILED}")
            });
        }
        Ok((claim, verdict))
    }

    fn results(&self, chapter: &str) -> Result<&ChapterResults, String> {
        self.results.get(chapter).ok_or_else(|| {
            format!("chapter `{chapter}` has no measurements (book/src/generated/{chapter}.json)")
        })
    }

    fn measurement(&self, chapter: &str, side: &Side) -> Result<(&Measurement, bool), String> {
        let chapter = side.chapter.as_deref().unwrap_or(chapter);
        let results = self.results(chapter)?;
        let m = results
            .get(&side.id)
            .ok_or_else(|| format!("`{chapter}` measured nothing called `{}`", side.id))?;
        Ok((m, results.stamp.published))
    }

    fn condition(&self, chapter: &str, c: &Condition) -> Result<(bool, bool, String), String> {
        match c {
            Condition::Compare { left, op, right } => {
                let (a, pa) = self.measurement(chapter, left)?;
                let (b, pb) = self.measurement(chapter, right)?;
                if a.unit != b.unit {
                    return Err(format!("`{left}` and `{right}` are in different units"));
                }
                let ((alo, ahi), (blo, bhi)) = (interval(a), interval(b));
                let holds = match op {
                    Order::Below => ahi < blo,
                    Order::Above => alo > bhi,
                    Order::Overlaps => alo <= bhi && blo <= ahi,
                };
                let sym = match op {
                    Order::Below => "<",
                    Order::Above => ">",
                    Order::Overlaps => "~",
                };
                Ok((
                    holds,
                    pa && pb,
                    format!("`{left}` {} {sym} `{right}` {}", shown(a), shown(b)),
                ))
            }
            Condition::Bound {
                what,
                name,
                at_least,
                value,
            } => {
                let results = self.results(chapter)?;
                let meta = &self.metas[chapter];
                let ratio = meta.ratio(name).ok_or_else(|| {
                    format!("`{chapter}` has no ratio named `{name}` (its Cargo.toml's [[package.metadata.xtask.ratios]])")
                })?;
                let (median, efficiency) = compute_ratio(ratio, results)
                    .ok_or_else(|| format!("ratio `{name}` of `{chapter}` was not measured"))?;
                let num = results.get(&ratio.numerator).expect("a computed ratio");
                let den = results.get(&ratio.denominator).expect("a computed ratio");
                let ((nlo, nhi), (dlo, dhi)) = (interval(num), interval(den));
                let (mut lo, mut hi, mut mid) = (nlo / dhi, nhi / dlo, median);
                if *what == Derived::Efficiency {
                    let eff = efficiency.ok_or_else(|| {
                        format!("ratio `{name}` of `{chapter}` has no efficiency")
                    })?;
                    let per = median / eff;
                    (lo, hi, mid) = (lo / per, hi / per, eff);
                }
                let holds = if *at_least {
                    lo >= *value
                } else {
                    hi <= *value
                };
                let fmt = |v: f64| match what {
                    Derived::Ratio => fmt_ratio(v),
                    Derived::Efficiency => format!("{:.0}%", v * 100.0),
                };
                let want = match what {
                    Derived::Ratio => fmt_ratio(*value),
                    Derived::Efficiency => format!("{:.0}%", value * 100.0),
                };
                let word = if *what == Derived::Ratio {
                    "ratio"
                } else {
                    "efficiency"
                };
                Ok((
                    holds,
                    results.stamp.published,
                    format!(
                        "{word} `{name}` {} ({} – {}) {} {want}",
                        fmt(mid),
                        fmt(lo),
                        fmt(hi),
                        if *at_least { ">=" } else { "<=" }
                    ),
                ))
            }
        }
    }
}

/// Every claim of `chapters` that does not hold, or cannot be judged: `chapter id: "says":
/// numbers`.
pub fn not_holding(judge: &Judge<'_>, chapters: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    for chapter in chapters {
        let Some(meta) = judge.metas.get(*chapter) else {
            continue;
        };
        for claim in &meta.claims {
            match judge.judge(chapter, &claim.id) {
                Ok((_, v)) if v.holds => {}
                Ok((_, v)) => lines.push(format!(
                    "{chapter} {}: \"{}\": {}",
                    claim.id,
                    claim.says,
                    v.against()
                )),
                Err(why) => lines.push(format!("{chapter} {}: cannot be judged: {why}", claim.id)),
            }
        }
    }
    lines
}

/// A measurement's interval for claims: criterion's (widened to hold its median, which a
/// file edited by hand may have moved out of it), or [`ONE_RUN`] either side.
pub fn interval(m: &Measurement) -> (f64, f64) {
    match m.interval {
        Some((lo, hi)) => (lo.min(m.median), hi.max(m.median)),
        None => (m.median * (1.0 - ONE_RUN), m.median * (1.0 + ONE_RUN)),
    }
}

/// `12.3 ms (12.1 ms – 12.5 ms)`, or `12.3 ms (one run)`.
fn shown(m: &Measurement) -> String {
    match m.interval {
        Some((lo, hi)) => format!(
            "{} ({} – {})",
            fmt_value(m.median, m.unit),
            fmt_value(lo, m.unit),
            fmt_value(hi, m.unit)
        ),
        None => format!("{} (one run)", fmt_value(m.median, m.unit)),
    }
}

/// Checks a chapter's claims against its metadata alone: unique one-word ids, and ratios that
/// exist. (Whether the measurements exist is known only with the results.)
pub fn validate(chapter: &str, meta: &ChapterMeta) -> Result<(), String> {
    let mut ids = std::collections::BTreeSet::new();
    for claim in &meta.claims {
        let id = &claim.id;
        let one_word = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !one_word {
            return Err(format!(
                "claim `{id}`: an id is one word of a-z, 0-9 and '-'"
            ));
        }
        if !ids.insert(id.as_str()) {
            return Err(format!("two claims are named `{id}`"));
        }
        if claim.holds.is_empty() {
            return Err(format!("claim `{id}` has no condition in `holds`"));
        }
        for c in &claim.holds {
            if let Condition::Bound { name, .. } = c
                && meta.ratio(name).is_none()
            {
                return Err(format!(
                    "claim `{id}`: no ratio named `{name}` in this chapter"
                ));
            }
            if let Condition::Compare { left, right, .. } = c {
                for side in [left, right] {
                    if side.chapter.as_deref() == Some(chapter) {
                        return Err(format!(
                            "claim `{id}`: write `{}` without `[{chapter}]`, it is this chapter's",
                            side.id
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The HTML a marker renders to: nothing a reader sees while the claim holds (an anchor for
/// links and tests); a visible note with the numbers when the reader's own measurements say
/// otherwise.
pub fn render(chapter: &str, claim: &Claim, verdict: &Verdict) -> String {
    let anchor = format!("claim-{chapter}-{}", claim.id);
    if verdict.holds {
        return format!("<span class=\"claim\" id=\"{anchor}\"></span>");
    }
    format!(
        "<span class=\"claim claim-failed\" id=\"{anchor}\">(On this machine the measurements \
         said otherwise: {}.)</span>",
        html_escape(&verdict.against())
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::results::tests::{m, results};

    fn meta(claims: serde_json::Value) -> ChapterMeta {
        ChapterMeta::from_package_metadata(
            "pools",
            &serde_json::json!({ "xtask": {
                "ratios": [{ "name": "speedup", "label": "l", "numerator": "seq",
                             "denominator": "par", "efficiency": "per-core" }],
                "claims": claims } }),
        )
        .unwrap()
    }

    fn judge_one(claims: serde_json::Value, ms: Vec<Measurement>) -> Result<Verdict, String> {
        let metas = BTreeMap::from([("pools".to_owned(), meta(claims))]);
        let all = BTreeMap::from([("pools".to_owned(), results("pools", 2, ms))]);
        let judge = Judge {
            results: &all,
            metas: &metas,
        };
        judge.judge("pools", "c").map(|(_, v)| v)
    }

    #[test]
    fn parses_every_form() {
        let c: Condition = "count/rayon < count/sequential loop".parse().unwrap();
        assert_eq!(
            c,
            Condition::Compare {
                left: Side {
                    chapter: None,
                    id: "count/rayon".into()
                },
                op: Order::Below,
                right: Side {
                    chapter: None,
                    id: "count/sequential loop".into()
                },
            }
        );
        let c: Condition = "[threads] spawn/thread ~ x".parse().unwrap();
        let Condition::Compare { left, op, .. } = c else {
            panic!()
        };
        assert_eq!(left.chapter.as_deref(), Some("threads"));
        assert_eq!(op, Order::Overlaps);
        assert_eq!(
            "efficiency speedup >= 0.8".parse::<Condition>().unwrap(),
            Condition::Bound {
                what: Derived::Efficiency,
                name: "speedup".into(),
                at_least: true,
                value: 0.8
            }
        );
        for bad in [
            "a faster than b",
            "ratio x > 2",
            "ratio x >= two",
            "a < b < c",
            " < b",
        ] {
            assert!(bad.parse::<Condition>().is_err(), "{bad}");
        }
    }

    #[test]
    fn comparisons_use_the_intervals_not_the_medians() {
        // m() gives every measurement an interval of ±10%.
        let claim = |cond: &str| serde_json::json!([{ "id": "c", "says": "s", "holds": [cond] }]);
        let ms = || vec![m("seq", 100.0), m("par", 85.0), m("far", 50.0)];
        // 85 (76.5–93.5) against 100 (90–110): the medians differ, the intervals overlap.
        assert!(!judge_one(claim("par < seq"), ms()).unwrap().holds);
        assert!(judge_one(claim("par ~ seq"), ms()).unwrap().holds);
        assert!(judge_one(claim("far < seq"), ms()).unwrap().holds);
        assert!(judge_one(claim("seq > far"), ms()).unwrap().holds);
        assert!(!judge_one(claim("far ~ seq"), ms()).unwrap().holds);
        // The ratio 100/85 = 1.18, its interval 90/93.5 .. 110/76.5 = 0.96 .. 1.44.
        assert!(
            judge_one(claim("ratio speedup >= 0.95"), ms())
                .unwrap()
                .holds
        );
        assert!(
            !judge_one(claim("ratio speedup >= 1.1"), ms())
                .unwrap()
                .holds
        );
        assert!(
            judge_one(claim("ratio speedup <= 1.5"), ms())
                .unwrap()
                .holds
        );
        // Efficiency per core on 2 cores: 0.48 .. 0.72.
        let v = judge_one(claim("efficiency speedup >= 0.5"), ms()).unwrap();
        assert!(!v.holds, "{v:?}");
        assert!(v.evidence[0].contains("59% (48% – 72%) >= 50%"), "{v:?}");
    }

    #[test]
    fn a_value_measured_once_counts_as_a_quarter_either_side() {
        let claim = serde_json::json!([{ "id": "c", "says": "s", "holds": ["seq > par"] }]);
        let mut once = m("seq", 100.0);
        once.interval = None;
        // 100 (75–125) against 60 (54–66): holds; against 70 (63–77): does not.
        assert!(
            judge_one(claim.clone(), vec![once.clone(), m("par", 60.0)])
                .unwrap()
                .holds
        );
        let v = judge_one(claim, vec![once, m("par", 70.0)]).unwrap();
        assert!(!v.holds);
        assert_eq!(
            v.evidence,
            ["`seq` 100 ns (one run) > `par` 70.0 ns (63.0 ns – 77.0 ns): does not hold"]
        );
    }

    #[test]
    fn what_cannot_be_judged_is_an_error() {
        let claim = |cond: &str| serde_json::json!([{ "id": "c", "says": "s", "holds": [cond] }]);
        let ms = || vec![m("seq", 100.0), m("par", 85.0)];
        let err = judge_one(claim("nowhere < seq"), ms()).unwrap_err();
        assert!(err.contains("measured nothing called `nowhere`"), "{err}");
        let err = judge_one(claim("[threads] x < seq"), ms()).unwrap_err();
        assert!(err.contains("`threads` has no measurements"), "{err}");
    }

    #[test]
    fn metadata_errors_name_the_claim() {
        let parse = |claims: serde_json::Value| {
            ChapterMeta::from_package_metadata(
                "pools",
                &serde_json::json!({ "xtask": { "claims": claims } }),
            )
        };
        let err = parse(serde_json::json!([{ "id": "c", "says": "s", "holds": ["a faster b"] }]))
            .unwrap_err();
        assert!(err.to_string().contains("condition `a faster b`"), "{err}");
        let err =
            parse(serde_json::json!([{ "id": "Big Claim", "says": "s", "holds": ["a < b"] }]))
                .unwrap_err();
        assert!(err.to_string().contains("one word"), "{err}");
        let err = parse(serde_json::json!([{ "id": "c", "says": "s", "holds": ["ratio r >= 2"] }]))
            .unwrap_err();
        assert!(err.to_string().contains("no ratio named `r`"), "{err}");
    }

    #[test]
    fn a_failed_claim_renders_its_numbers() {
        let claim = Claim {
            id: "c".into(),
            says: "s".into(),
            holds: vec!["a < b".parse().unwrap()],
        };
        let ok = Verdict {
            holds: true,
            published: false,
            evidence: vec![],
        };
        assert_eq!(
            render("pools", &claim, &ok),
            "<span class=\"claim\" id=\"claim-pools-c\"></span>"
        );
        let failed = Verdict {
            holds: false,
            published: false,
            evidence: vec!["`a` 2 ns > `b` 1 ns: does not hold".into()],
        };
        let html = render("pools", &claim, &failed);
        assert!(html.contains("claim-failed"), "{html}");
        assert!(
            html.contains("said otherwise: a 2 ns &gt; b 1 ns.)"),
            "{html}"
        );
    }
}
