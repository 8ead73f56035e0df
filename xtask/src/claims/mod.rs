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
//! [`judge::ONE_RUN`] either side of its value.

mod judge;

use std::fmt;

use serde::Deserialize;

pub use judge::{Judge, OTHERWISE, not_holding, render};

use crate::book::meta::ChapterMeta;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
