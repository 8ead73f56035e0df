//! Figures in the prose, bound to what was measured. A page never types a measured number; it
//! writes a placeholder that the book build renders from `book/src/generated/<chapter>.json`:
//!
//! - `{{#measured CHAPTER median ID}}`: that measurement, in its unit (`37.2 ms`);
//! - `{{#measured CHAPTER ratio NAME}}`: a ratio of the chapter's metadata (`1.96×`);
//! - `{{#measured CHAPTER efficiency NAME}}`: that ratio's efficiency (`95%`);
//! - `{{#quoted VALUE | SOURCE}}`: a figure from elsewhere, shown with its source;
//! - `{{#setting VALUE}}`: a value the reader chooses (a deadline, a count), not a measurement;
//! - `{{#claim CHAPTER ID}}`: after a sentence that compares measurements, the claim that makes
//!   it true (`claims.rs`): nothing to see while it holds, a note with the numbers where a
//!   reader's own measurements say otherwise; on the book's published measurements a claim that
//!   does not hold is an error.
//!
//! Run `cargo xtask bench CHAPTER` and every figure of that chapter changes with its tables.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use anyhow::Result;
use regex::Regex;

use super::fragment::ratio_cells;
use crate::book::Book;
use crate::book::meta::ChapterMeta;
use crate::i18n::Tr;
use crate::results::{AllResults, fmt_value};

/// `{{#measured ...}}`, `{{#quoted ...}}`, `{{#setting ...}}`, `{{#claim ...}}`; `\{{#...}}` is
/// mdBook's escape.
pub static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{#(measured|quoted|setting|claim)(?:\s+([^}]*?))?\s*\}\}")
        .expect("valid regex")
});

/// What the placeholders are rendered from: every chapter's results and metadata.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    results: AllResults,
    metas: BTreeMap<String, ChapterMeta>,
}

impl Figures {
    /// The committed results under `book/src/generated/`, with every chapter's metadata.
    pub fn load(book: &Book) -> Result<Figures> {
        Ok(Figures::new(
            crate::results::load_all(&book.generated_dir())?,
            book,
        ))
    }

    pub fn new(results: AllResults, book: &Book) -> Figures {
        Figures {
            results,
            metas: book
                .ws
                .crates
                .iter()
                .map(|c| (c.name.clone(), c.meta.clone()))
                .collect(),
        }
    }

    pub fn results(&self) -> &AllResults {
        &self.results
    }

    /// The text a placeholder stands for, or why it cannot be rendered.
    pub fn render(&self, kind: &str, body: &str, tr: &Tr<'_>) -> Result<String, String> {
        match kind {
            "setting" => {
                if body.is_empty() {
                    return Err("`{{#setting VALUE}}` needs a value".into());
                }
                Ok(body.to_owned())
            }
            // In a table row the bar is written `\|`, so that it does not end the cell.
            "quoted" => match body.split_once('|') {
                Some((value, source)) if !value.trim().is_empty() && !source.trim().is_empty() => {
                    let value = value.trim().trim_end_matches('\\').trim_end();
                    Ok(format!("{value} ({})", source.trim()))
                }
                _ => Err("`{{#quoted VALUE | SOURCE}}` needs a value and its source".into()),
            },
            "claim" => self.claim(body, tr),
            _ => self.measured(body),
        }
    }

    /// Judges every claim `{{#claim CHAPTER ID}}` could name.
    pub fn judge(&self) -> crate::claims::Judge<'_> {
        crate::claims::Judge {
            results: &self.results,
            metas: &self.metas,
        }
    }

    fn claim(&self, body: &str, tr: &Tr<'_>) -> Result<String, String> {
        let words: Vec<&str> = body.split_whitespace().collect();
        let [chapter, id] = words.as_slice() else {
            return Err("write `{{#claim CHAPTER ID}}`".into());
        };
        let (claim, verdict) = self.judge().judge(chapter, id)?;
        if !verdict.holds && verdict.published {
            return Err(format!(
                "the claim \"{}\" does not hold on the book's measurements: {}: reword the sentence and its claim in crates/{chapter}/Cargo.toml, or measure again (`cargo xtask bench --publish {chapter}`)",
                claim.says,
                verdict.against()
            ));
        }
        Ok(crate::claims::render(chapter, claim, &verdict, tr))
    }

    fn measured(&self, body: &str) -> Result<String, String> {
        // Words may be broken over lines like any prose: ids never hold two spaces in a row.
        let mut words = body.split_whitespace();
        let (Some(chapter), Some(what)) = (words.next(), words.next()) else {
            return Err("write `{{#measured CHAPTER median|ratio|efficiency ID}}`".into());
        };
        let key = words.collect::<Vec<_>>().join(" ");
        if key.is_empty() {
            return Err("write `{{#measured CHAPTER median|ratio|efficiency ID}}`".into());
        }
        let key = key.as_str();
        let results = self.judge().results(chapter)?;
        let meta = self
            .metas
            .get(chapter)
            .ok_or_else(|| format!("no chapter `{chapter}`"))?;
        match what {
            "median" => results
                .get(key)
                .map(|m| fmt_value(m.median, m.unit))
                .ok_or_else(|| format!("`{chapter}` measured nothing called `{key}`")),
            "ratio" | "efficiency" => {
                if meta.ratio(key).is_none() {
                    return Err(format!(
                        "`{chapter}` has no ratio named `{key}` (its Cargo.toml's [[package.metadata.xtask.ratios]])"
                    ));
                }
                let (ratio, eff) = ratio_cells(results, meta, key)
                    .ok_or_else(|| format!("ratio `{key}` of `{chapter}` was not measured"))?;
                if what == "ratio" {
                    Ok(ratio)
                } else if eff.is_empty() {
                    Err(format!("ratio `{key}` of `{chapter}` has no efficiency"))
                } else {
                    Ok(eff)
                }
            }
            other => Err(format!(
                "unknown `{other}`: write median, ratio or efficiency"
            )),
        }
    }

    /// Renders every placeholder of a page; the problems are `(line, message)`.
    pub fn expand(&self, text: &str) -> (String, Vec<(usize, String)>) {
        self.expand_in(text, &Tr::ENGLISH)
    }

    /// [`Figures::expand`] for an edition: the words a claim's note adds are `tr`'s.
    pub fn expand_in(&self, text: &str, tr: &Tr<'_>) -> (String, Vec<(usize, String)>) {
        let mut problems = Vec::new();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for caps in PLACEHOLDER.captures_iter(text) {
            let whole = caps.get(0).expect("match");
            out.push_str(&text[last..whole.start()]);
            last = whole.end();
            if caps.get(1).is_some() {
                out.push_str(&whole.as_str()[1..]); // escaped: shown as written
                continue;
            }
            let body = caps.get(3).map_or("", |m| m.as_str().trim());
            match self.render(&caps[2], body, tr) {
                Ok(value) => out.push_str(&value),
                Err(why) => {
                    let line = text[..whole.start()].matches('\n').count() + 1;
                    problems.push((line, format!("`{}`: {why}", whole.as_str())));
                    out.push_str(whole.as_str());
                }
            }
        }
        out.push_str(&text[last..]);
        (out, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{m, results};

    fn figures() -> Figures {
        let meta = ChapterMeta::from_package_metadata(
            "pools",
            &serde_json::json!({ "xtask": { "ratios": [
                { "name": "speedup", "label": "l", "numerator": "seq", "denominator": "par",
                  "efficiency": "per-core" },
                { "name": "plain", "label": "l", "numerator": "par", "denominator": "seq" }] } }),
        )
        .unwrap();
        Figures {
            results: BTreeMap::from([(
                "pools".to_owned(),
                results(
                    "pools",
                    2,
                    vec![m("seq", 16_000_000.0), m("par", 8_420_000.0)],
                ),
            )]),
            metas: BTreeMap::from([("pools".to_owned(), meta)]),
        }
    }

    #[test]
    fn renders_each_kind() {
        let f = figures();
        let (text, problems) = f.expand(concat!(
            "sequential {{#measured pools median seq}}, rayon {{#measured pools\n  ratio speedup}}\n",
            "({{#measured pools efficiency speedup}}); Python said {{#quoted 2.5 ms | [the docs](https://docs.python.org/)}};\n",
            "a {{#setting 5 s}} deadline, and \\{{#measured shown as written}}.\n",
        ));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            text,
            concat!(
                "sequential 16.0 ms, rayon 1.90×\n",
                "(95%); Python said 2.5 ms ([the docs](https://docs.python.org/));\n",
                "a 5 s deadline, and {{#measured shown as written}}.\n",
            )
        );
    }

    #[test]
    fn a_bad_placeholder_is_a_problem_at_its_line() {
        let f = figures();
        let (_, problems) = f.expand(concat!(
            "fine\n",
            "{{#measured pools median nowhere}} {{#measured pools ratio nope}}\n",
            "{{#measured threads median x}} {{#measured pools efficiency plain}}\n",
            "{{#quoted 3 ms}} {{#setting}} {{#measured pools}}\n",
        ));
        let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 2, 3, 3, 4, 4, 4], "{problems:?}");
        assert!(problems[0].1.contains("measured nothing called `nowhere`"));
        assert!(problems[1].1.contains("no ratio named `nope`"));
        assert!(problems[2].1.contains("`threads` has no measurements"));
        assert!(problems[3].1.contains("has no efficiency"));
        assert!(problems[4].1.contains("needs a value and its source"));
    }
}
