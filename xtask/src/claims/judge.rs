//! Judging claims on the measurements, and what a marker renders to.

use crate::i18n::Tr;
use std::collections::BTreeMap;

use super::{Claim, Condition, Derived, Order, Side};
use crate::book::meta::ChapterMeta;
use crate::results::{ChapterResults, Measurement, compute_ratio, fmt_ratio, fmt_value};

/// How far a value measured only once may be from what a second run would give: its
/// interval, for claims, is `[v × (1 − ONE_RUN), v × (1 + ONE_RUN)]`.
pub const ONE_RUN: f64 = 0.25;

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

    /// A chapter's results, or why there are none.
    pub fn results(&self, chapter: &str) -> Result<&'a ChapterResults, String> {
        let all: &'a BTreeMap<String, ChapterResults> = self.results;
        all.get(chapter).ok_or_else(|| {
            format!(
                "chapter `{chapter}` has no measurements ({})",
                crate::render::shown(&format!("{chapter}.json"))
            )
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

/// The HTML a marker renders to: nothing a reader sees while the claim holds (an anchor for
/// links and tests); a visible note with the numbers when the reader's own measurements say
/// otherwise.
/// The note's words, for the translations (`i18n::ui`).
pub const OTHERWISE: &str = "On this machine the measurements said otherwise";

pub fn render(chapter: &str, claim: &Claim, verdict: &Verdict, tr: &Tr<'_>) -> String {
    let anchor = format!("claim-{chapter}-{}", claim.id);
    if verdict.holds {
        return format!("<span class=\"claim\" id=\"{anchor}\"></span>");
    }
    format!(
        "<span class=\"claim claim-failed\" id=\"{anchor}\">({}: {}.)</span>",
        tr.ui(OTHERWISE),
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
    use crate::results::tests::{m, results};

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
            render("pools", &claim, &ok, &Tr::ENGLISH),
            "<span class=\"claim\" id=\"claim-pools-c\"></span>"
        );
        let failed = Verdict {
            holds: false,
            published: false,
            evidence: vec!["`a` 2 ns > `b` 1 ns: does not hold".into()],
        };
        let html = render("pools", &claim, &failed, &Tr::ENGLISH);
        assert!(html.contains("claim-failed"), "{html}");
        assert!(
            html.contains("said otherwise: a 2 ns &gt; b 1 ns.)"),
            "{html}"
        );
    }
}
