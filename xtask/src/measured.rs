//! Figures in the prose, bound to what was measured. A page never types a measured number; it
//! writes a placeholder that the book build renders from `book/src/generated/<chapter>.json`:
//!
//! - `{{#measured CHAPTER median ID}}`: that measurement, in its unit (`37.2 ms`);
//! - `{{#measured CHAPTER ratio NAME}}`: a ratio of the chapter's metadata (`1.96×`);
//! - `{{#measured CHAPTER efficiency NAME}}`: that ratio's efficiency (`95%`);
//! - `{{#quoted VALUE | SOURCE}}`: a figure from elsewhere, shown with its source;
//! - `{{#setting VALUE}}`: a value the reader chooses (a deadline, a count), not a measurement;
//! - `{{#claim CHAPTER ID}}`: marks the sentence before it as the claim `ID` of the chapter's
//!   metadata; renders as nothing (the claims checker of issue 21 evaluates it).
//!
//! Run `cargo xtask bench CHAPTER` and every figure of that chapter changes with its tables.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use anyhow::Result;
use regex::Regex;

use crate::bench::render::ratio_cells;
use crate::bench::results::{ChapterResults, fmt_value};
use crate::meta::ChapterMeta;
use crate::workspace::Workspace;

/// `{{#measured ...}}`, `{{#quoted ...}}`, `{{#setting ...}}`, `{{#claim ...}}`; `\{{#...}}` is
/// mdBook's escape.
pub static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{#(measured|quoted|setting|claim)(?:\s+([^}]*?))?\s*\}\}")
        .expect("valid regex")
});

/// What the placeholders are rendered from: every chapter's results and metadata.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    results: BTreeMap<String, ChapterResults>,
    metas: BTreeMap<String, ChapterMeta>,
}

impl Figures {
    pub fn load(ws: &Workspace) -> Result<Figures> {
        Ok(Figures {
            results: crate::bench::load_results(&ws.generated_dir())?,
            metas: ws
                .chapters
                .iter()
                .map(|c| (c.name.clone(), c.meta.clone()))
                .collect(),
        })
    }

    /// The text a placeholder stands for, or why it cannot be rendered.
    pub fn render(&self, kind: &str, body: &str) -> Result<String, String> {
        match kind {
            "setting" => {
                if body.is_empty() {
                    return Err("`{{#setting VALUE}}` needs a value".into());
                }
                Ok(body.to_owned())
            }
            "claim" => match body.split_whitespace().collect::<Vec<_>>()[..] {
                [chapter, id] => match self.metas.get(chapter) {
                    Some(meta) if meta.claims.iter().any(|c| c.id == id) => Ok(String::new()),
                    Some(_) => Err(format!(
                        "`{chapter}` declares no claim `{id}` (its Cargo.toml's [[package.metadata.xtask.claims]])"
                    )),
                    None => Err(format!("no chapter `{chapter}`")),
                },
                _ => Err("write `{{#claim CHAPTER ID}}`".into()),
            },
            "quoted" => match body.split_once('|') {
                Some((value, source)) if !value.trim().is_empty() && !source.trim().is_empty() => {
                    Ok(format!("{} ({})", value.trim(), source.trim()))
                }
                _ => Err("`{{#quoted VALUE | SOURCE}}` needs a value and its source".into()),
            },
            _ => self.measured(body),
        }
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
        let results = self.results.get(chapter).ok_or_else(|| {
            format!("chapter `{chapter}` has no measurements (book/src/generated/{chapter}.json)")
        })?;
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
            match self.render(&caps[2], body) {
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

/// Rewrites every page of `book` with `f(page, text) -> (text, problems)`, where `page` is how
/// messages name it (`book/src/<page>.md`); fails with every problem of every page.
pub fn rewrite_pages(
    book: &mut mdbook_preprocessor::book::Book,
    mut f: impl FnMut(&str, &str) -> (String, Vec<String>),
) -> Vec<String> {
    let mut problems = Vec::new();
    book.for_each_chapter_mut(|ch| {
        let page = ch
            .source_path
            .as_ref()
            .map_or_else(|| ch.name.clone(), |p| format!("book/src/{}", p.display()));
        let (text, found) = f(&page, &ch.content);
        problems.extend(found);
        ch.content = text;
    });
    problems
}

/// `page:line: why` for each problem found on a page.
pub fn at_lines(page: &str, found: Vec<(usize, String)>) -> Vec<String> {
    found
        .into_iter()
        .map(|(line, why)| format!("{page}:{line}: {why}"))
        .collect()
}

/// The mdBook preprocessor that renders the placeholders; a placeholder it cannot render
/// fails the build, naming the page and line.
#[derive(Debug)]
pub struct MeasuredPreprocessor {
    pub figures: Figures,
}

impl mdbook_preprocessor::Preprocessor for MeasuredPreprocessor {
    fn name(&self) -> &str {
        "measured"
    }

    fn run(
        &self,
        _ctx: &mdbook_preprocessor::PreprocessorContext,
        mut book: mdbook_preprocessor::book::Book,
    ) -> Result<mdbook_preprocessor::book::Book> {
        let problems = rewrite_pages(&mut book, |page, text| {
            let (text, found) = self.figures.expand(text);
            (text, at_lines(page, found))
        });
        if !problems.is_empty() {
            anyhow::bail!("{}", problems.join("\n"));
        }
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::results::tests::{m, results};

    fn figures() -> Figures {
        let meta = ChapterMeta::from_package_metadata(
            "pools",
            &serde_json::json!({ "xtask": { "ratios": [
                { "name": "speedup", "label": "l", "numerator": "seq", "denominator": "par",
                  "efficiency": "per-core" },
                { "name": "plain", "label": "l", "numerator": "par", "denominator": "seq" }],
              "claims": [{ "id": "par-wins", "says": "parallel is faster",
                           "holds": ["par < seq"] }] } }),
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

    #[test]
    fn a_claim_marker_renders_as_nothing_and_must_name_a_declared_claim() {
        let f = figures();
        let (text, problems) =
            f.expand("rayon wins. {{#claim pools par-wins}}\n{{#claim pools nope}}\n");
        assert_eq!(text, "rayon wins. \n{{#claim pools nope}}\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(
            problems[0].1.contains("declares no claim `nope`"),
            "{problems:?}"
        );
    }
}
