//! Step 1, for the words around the figures: every claim a chapter declares is marked on a page
//! and holds on the book's published measurements (a claim that does not is reported where
//! its marker renders, by `figures.rs`); on a reader's own measurements, the claims that no
//! longer hold are listed, not failed. And no paragraph compares measured figures without a
//! claim.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::Ctx;
use crate::problem::Problem;
use crate::render::figures::{Figures, PLACEHOLDER};

/// Words that make a sentence a comparison.
static COMPARATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:faster|slower|quicker|fastest|slowest|beats?|beaten|wins?|won|loses?|lost|",
        r"scales?|scaling|same|noise|cheaper|cheapest|dearer|costlier|more|less|fewer|than|",
        r"dominates?|nothing|outperforms?|better|worse|twice|half|higher|lower|keeps? up)\b"
    ))
    .expect("valid regex")
});

static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`[^`]*`").expect("valid regex"));

pub(crate) fn check(ctx: &mut Ctx<'_>, figures: &Figures) {
    let book = ctx.book;
    let mut marked: BTreeSet<(String, String)> = BTreeSet::new();
    let mut not_held_here = Vec::new();
    for page in &book.pages {
        let Ok(text) = std::fs::read_to_string(&page.path) else {
            continue; // a missing page is reported when the book loads
        };
        for (line, body) in markers(&text) {
            let words: Vec<&str> = body.split_whitespace().collect();
            let [name, id] = words.as_slice() else {
                continue; // `figures.rs` reports a malformed placeholder
            };
            marked.insert((name.to_string(), id.to_string()));
            // A claim that cannot be judged, or fails on published measurements, is reported
            // by `figures.rs` as a placeholder that does not render.
            if let Ok((claim, verdict)) = figures.judge().judge(name, id) {
                if verdict.holds {
                    ctx.report.claims_held += 1;
                } else if !verdict.published {
                    not_held_here.push(format!(
                        "{}: \"{}\": {}",
                        page.at(line),
                        claim.says,
                        verdict.against()
                    ));
                }
            }
        }
        for (line, word) in unmarked_comparisons(&text) {
            ctx.fail(
                page.problem(
                    line,
                    format!("this paragraph compares measured figures (\"{word}\") but marks no claim"),
                )
                .fix("declare the claim in the chapter's Cargo.toml ([[package.metadata.xtask.claims]]) and put `{{#claim CHAPTER ID}}` after the sentence, or say it without comparing"),
            );
        }
    }
    for krate in &book.ws.crates {
        for claim in &krate.meta.claims {
            if !marked.contains(&(krate.name.clone(), claim.id.clone())) {
                let manifest = krate.dir.join("Cargo.toml");
                let line = line_of_claim(&manifest, &claim.id);
                ctx.fail(
                    Problem::at(
                        book.display(&manifest),
                        line,
                        format!("claim `{}` is marked on no page", claim.id),
                    )
                    .fix(format!(
                        "put `{{{{#claim {} {}}}}}` after its sentence, or remove the claim",
                        krate.name, claim.id
                    )),
                );
            }
        }
    }
    if !not_held_here.is_empty() {
        ctx.say(format!(
            "claims     {} claims did not hold on this machine's own measurements (your `cargo xtask bench`; the book shows a note beside each):",
            not_held_here.len()
        ));
        for line in &not_held_here {
            ctx.say(format!("  {line}"));
        }
    }
    ctx.report.claims_not_held_here.extend(not_held_here);
}

/// The `{{#claim ...}}` markers of a page: `(line, body)`.
fn markers(text: &str) -> Vec<(usize, String)> {
    PLACEHOLDER
        .captures_iter(text)
        .filter(|c| c.get(1).is_none() && &c[2] == "claim")
        .map(|c| {
            let at = c.get(0).expect("match").start();
            let line = text[..at].matches('\n').count() + 1;
            (line, c.get(3).map_or("", |m| m.as_str()).to_owned())
        })
        .collect()
}

/// The line of `id = "ID"` in a manifest (1 when it cannot be found).
fn line_of_claim(manifest: &std::path::Path, id: &str) -> usize {
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let wanted = format!("\"{id}\"");
    let mut in_claims = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("[[") {
            in_claims = line == "[[package.metadata.xtask.claims]]";
        } else if in_claims && line.starts_with("id") && line.ends_with(&wanted) {
            return i + 1;
        }
    }
    1
}

/// The paragraphs, list items and table rows of a page's prose that compare measured figures
/// (two or more `{{#measured}}` placeholders, or one ratio or efficiency, and a comparative
/// word) with no claim marker: `(first line, the comparative word)`.
pub(crate) fn unmarked_comparisons(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line, unit) in prose_units(text) {
        let (mut medians, mut ratios, mut claims) = (0, 0, 0);
        for c in PLACEHOLDER.captures_iter(&unit) {
            if c.get(1).is_some() {
                continue;
            }
            match &c[2] {
                "claim" => claims += 1,
                "measured" => {
                    let body = c.get(3).map_or("", |m| m.as_str());
                    match body.split_whitespace().nth(1) {
                        Some("ratio" | "efficiency") => ratios += 1,
                        _ => medians += 1,
                    }
                }
                _ => {}
            }
        }
        if claims > 0 || (medians < 2 && ratios == 0) {
            continue;
        }
        let words = CODE_SPAN
            .replace_all(&PLACEHOLDER.replace_all(&unit, " "), " ")
            .into_owned();
        if let Some(word) = COMPARATIVE.find(&words) {
            found.push((line, word.as_str().to_owned()));
        }
    }
    found
}

/// The page's prose cut into units: paragraphs (up to a blank line), each list item and each
/// table row on its own, headings on their own; fenced code and HTML comments left out.
/// `(first line, text)`.
fn prose_units(text: &str) -> Vec<(usize, String)> {
    let mut units: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut fence: Option<&str> = None;
    let mut comment = false;
    let flush = |current: &mut Option<(usize, String)>, units: &mut Vec<(usize, String)>| {
        if let Some(unit) = current.take() {
            units.push(unit);
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if let Some(open) = fence {
            if line.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            flush(&mut current, &mut units);
            fence = Some(&line[..3]);
            continue;
        }
        if comment || line.starts_with("<!--") {
            comment = !line.contains("-->");
            continue;
        }
        let starts_unit = line.starts_with("- ")
            || line.starts_with("* ")
            || line.starts_with('|')
            || line.starts_with('#')
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if line.is_empty() || starts_unit {
            flush(&mut current, &mut units);
        }
        if line.is_empty() {
            continue;
        }
        let unit = current.get_or_insert_with(|| (i + 1, String::new()));
        unit.1.push_str(line);
        unit.1.push('\n');
        if line.starts_with('|') || line.starts_with('#') {
            flush(&mut current, &mut units);
        }
    }
    flush(&mut current, &mut units);
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_of_measured_figures_needs_a_claim() {
        let page = concat!(
            "# Title\n\n",
            "A takes {{#measured demo median a}}, B takes {{#measured demo median b}}:\n",
            "A is faster.\n\n",
            "A takes {{#measured demo median a}}, B takes {{#measured demo median b}}: A is\n",
            "faster. {{#claim demo a-beats-b}}\n\n",
            "- rayon is {{#measured demo ratio speedup}} quicker than a loop\n",
            "- a list item with {{#measured demo median a}} alone, faster\n\n",
            "| a | {{#measured demo median a}} | {{#measured demo median b}} | cheaper |\n\n",
            "```text\nA {{#measured demo median a}} B {{#measured demo median b}} faster\n```\n\n",
            "Two figures, {{#measured demo median a}} and {{#measured demo median b}}, and `same` in code.\n",
        );
        assert_eq!(
            unmarked_comparisons(page),
            [
                (3, "faster".to_owned()),
                (9, "quicker".to_owned()),
                (12, "cheaper".to_owned())
            ]
        );
    }

    #[test]
    fn markers_are_found_with_their_lines() {
        let page = "One.\nTwo {{#claim pools fast}}.\n\\{{#claim shown as written}}\n";
        assert_eq!(markers(page), [(2, "pools fast".to_owned())]);
    }
}
