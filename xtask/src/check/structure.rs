//! Step 1: the book's structure. Chapters and crates map one to one, includes resolve,
//! generated results are what their JSON renders to, and the prose quotes no hand-typed figure.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use super::{Ctx, claims, figures};
use crate::bench::render::Pages;
use crate::book::{self, Chapter, Selector};

/// Steps 1 and 2: chapters and crates map one to one; includes resolve.
pub(crate) fn check(ctx: &mut Ctx<'_>, chapters: &[Chapter]) {
    let crates: BTreeSet<String> = ctx.ws.chapters.iter().map(|c| c.name.clone()).collect();
    let before = ctx.report.failures.len();
    let mut owner: BTreeMap<&str, &Chapter> = BTreeMap::new();
    let mut includes = 0;
    for chapter in chapters {
        for problem in &chapter.problems {
            ctx.fail(problem.clone());
        }
        let krate = match &chapter.crate_marker {
            Some((name, line)) => {
                if !crates.contains(name) {
                    ctx.fail(format!(
                        "{}: the chapter names crate `{name}`, but there is no crates/{name} in the workspace",
                        chapter.at(*line)
                    ));
                }
                if let Some(other) = owner.insert(name, chapter) {
                    ctx.fail(format!(
                        "{}: crate `{name}` is already the crate of {}",
                        chapter.at(*line),
                        other.display
                    ));
                }
                Some(name.as_str())
            }
            None if chapter.teaches_code() => {
                ctx.fail(format!(
                    "{}: the chapter shows code or runs examples but names no crate: add a line `<!-- crate: NAME -->`",
                    chapter.at(1)
                ));
                None
            }
            None => None,
        };
        for inc in &chapter.includes {
            includes += 1;
            if let Some(err) = check_include(inc) {
                ctx.fail(format!("{}: {err}", chapter.at(inc.line)));
            }
            if let (Some(from), Some(mine)) = (&inc.crate_name, krate)
                && from != mine
            {
                ctx.fail(format!(
                    "{}: includes code of crate `{from}`, but this chapter's crate is `{mine}`",
                    chapter.at(inc.line)
                ));
            }
        }
        for block in &chapter.blocks {
            if let Some(mine) = krate
                && block.run.package != mine
            {
                ctx.fail(format!(
                    "{}: runs package `{}`, but this chapter's crate is `{mine}`",
                    chapter.at(block.line),
                    block.run.package
                ));
            }
        }
    }
    // What `cargo xtask bench` generated: what its JSON renders to, and shown.
    let pages: Pages = chapters
        .iter()
        .filter_map(|ch| {
            let (name, _) = ch.crate_marker.as_ref()?;
            let page = ch.path.strip_prefix(ctx.ws.root.join("book/src")).ok()?;
            Some((name.clone(), (page.display().to_string(), ch.title.clone())))
        })
        .collect();
    match crate::bench::verify::verify(&ctx.ws.root, &ctx.ws.chapters, &pages) {
        Ok(problems) => problems.into_iter().for_each(|p| ctx.fail(p)),
        Err(e) => ctx.fail(format!(
            "cannot verify the generated benchmark results: {e:#}"
        )),
    }
    // Figures in the prose: bound to measurements, never typed by hand; and the claims
    // around them hold.
    match crate::measured::Figures::load(&ctx.ws) {
        Ok(figures) => {
            for problem in figures::check(&figures, chapters) {
                ctx.fail(problem);
            }
            let found = claims::check(&ctx.ws, chapters, &figures);
            for problem in found.problems {
                ctx.fail(problem);
            }
            ctx.report.claims_held += found.held;
            if !found.not_held_here.is_empty() {
                ctx.say(format!(
                    "claims     {} claims did not hold on this machine's own measurements (your `cargo xtask bench`; the book shows a note beside each):",
                    found.not_held_here.len()
                ));
                for line in &found.not_held_here {
                    ctx.say(format!("  {line}"));
                }
            }
            ctx.report.claims_not_held_here.extend(found.not_held_here);
        }
        Err(e) => ctx.fail(format!("cannot read the measurements: {e:#}")),
    }
    let generated = ctx.ws.generated_dir();
    for (name, chapter) in &owner {
        let fragment = generated.join(format!("{name}.md"));
        let measures = ctx.ws.chapter(name).is_some_and(crate::bench::measures);
        if measures && !chapter.includes.iter().any(|i| i.file == fragment) {
            ctx.fail(format!(
                "{}: the chapter does not show its benchmark results: add `{{{{#include generated/{name}.md}}}}`",
                chapter.display
            ));
        }
    }
    for name in &crates {
        if !owner.contains_key(name.as_str()) {
            ctx.fail(format!(
                "crates/{name}: no chapter names this crate: add `<!-- crate: {name} -->` to its page in book/src/SUMMARY.md, or remove the crate"
            ));
        }
    }
    let ok = if ctx.report.failures.len() == before {
        "ok"
    } else {
        "FAILED"
    };
    ctx.say(format!(
        "structure  {} chapters, {} crates, {includes} includes ... {ok}",
        chapters.len(),
        crates.len()
    ));
}

static ANCHOR: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"ANCHOR(_END)?:\s*([A-Za-z0-9_-]+)").expect("valid regex"));

/// Checks one include against the file it names; `None` when it resolves.
fn check_include(inc: &book::Include) -> Option<String> {
    let text = match std::fs::read_to_string(&inc.file) {
        Ok(t) => t,
        Err(e) => {
            return Some(format!(
                "`{}`: cannot read {}: {e}",
                inc.target,
                inc.file.display()
            ));
        }
    };
    match &inc.selector {
        Selector::Whole => None,
        Selector::Lines(start, end) => {
            let lines = text.lines().count();
            let too_far = |n: &Option<usize>| n.is_some_and(|n| n == 0 || n > lines);
            (too_far(start) || too_far(end))
                .then(|| format!("`{}`: the file has only {lines} lines", inc.target))
        }
        Selector::Anchor(name) => {
            let (mut open, mut close) = (false, false);
            for caps in ANCHOR.captures_iter(&text) {
                if &caps[2] == name {
                    if caps.get(1).is_some() {
                        close = true;
                    } else {
                        open = true;
                    }
                }
            }
            match (open, close) {
                (true, true) => None,
                (false, _) => Some(format!(
                    "`{}`: no `ANCHOR: {name}` in {}",
                    inc.target,
                    inc.file.display()
                )),
                (true, false) => Some(format!(
                    "`{}`: `ANCHOR: {name}` has no `ANCHOR_END: {name}` in {}",
                    inc.target,
                    inc.file.display()
                )),
            }
        }
    }
}
