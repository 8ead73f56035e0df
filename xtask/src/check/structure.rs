//! Step 1: the book's structure. Pages and crates pair one to one (`Book::pairing_problems`),
//! includes resolve and take code from the page's own crate, generated results are what their
//! JSON renders to, the prose quotes no hand-typed figure, and its comparisons are claims
//! that hold.

use std::sync::LazyLock;

use super::{Ctx, claims, figures, generated};
use crate::book::{self, Run, Selector};
use crate::problem::Problem;
use crate::render::figures::Figures;

pub(crate) fn check(ctx: &mut Ctx<'_>) {
    let book = ctx.book;
    let before = ctx.report.problems.len();
    let mut includes = 0;
    ctx.fail_all(book.pairing_problems());
    for page in &book.pages {
        ctx.fail_all(page.problems.iter().cloned());
        let mine = page
            .crate_marker
            .as_ref()
            .map(|(name, _)| name.as_str())
            .filter(|name| book.ws.krate(name).is_some());
        for inc in &page.includes {
            includes += 1;
            if let Some(err) = check_include(inc, &book.ws.root) {
                ctx.fail(page.problem(inc.line, err));
            }
            if let (Some(from), Some(mine)) = (&inc.crate_name, mine)
                && from != mine
            {
                ctx.fail(page.problem(
                    inc.line,
                    format!(
                        "includes code of crate `{from}`, but this chapter's crate is `{mine}`"
                    ),
                ));
            }
        }
        for block in &page.blocks {
            let Some(mine) = mine else { continue };
            let wrong = match &block.run {
                Run::Cargo(run) => {
                    (run.package != mine).then(|| format!("runs package `{}`", run.package))
                }
                Run::Rustc(run) => (!run.file.starts_with(&format!("crates/{mine}/")))
                    .then(|| format!("compiles `{}`", run.file)),
            };
            if let Some(wrong) = wrong {
                ctx.fail(page.problem(
                    block.line,
                    format!("{wrong}, but this chapter's crate is `{mine}`"),
                ));
            }
        }
    }
    match Figures::load(book) {
        Ok(figures) => {
            ctx.fail_all(generated::check(book, figures.results()));
            ctx.fail_all(figures::check(&figures, &book.pages));
            claims::check(ctx, &figures);
        }
        Err(e) => ctx.fail(Problem::new(format!("cannot read the measurements: {e:#}"))),
    }
    for chapter in book.chapters() {
        let fragment = book.generated_dir().join(format!("{}.md", chapter.name()));
        if chapter.krate.measures() && !chapter.page.includes.iter().any(|i| i.file == fragment) {
            ctx.fail(
                Problem::in_file(
                    &chapter.page.display,
                    "the chapter does not show its benchmark results",
                )
                .fix(format!(
                    "add `{{{{#include generated/{}.md}}}}`",
                    chapter.name()
                )),
            );
        }
    }
    let ok = if ctx.report.problems.len() == before {
        "ok"
    } else {
        "FAILED"
    };
    ctx.say(format!(
        "structure  {} chapters, {} crates, {includes} includes ... {ok}",
        book.pages.len(),
        book.ws.crates.len()
    ));
}

static ANCHOR: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"ANCHOR(_END)?:\s*([A-Za-z0-9_-]+)").expect("valid regex"));

/// Checks one include against the file it names; `None` when it resolves.
fn check_include(inc: &book::Include, root: &std::path::Path) -> Option<String> {
    let file = crate::book::workspace::display_path(root, &inc.file);
    let text = match std::fs::read_to_string(&inc.file) {
        Ok(t) => t,
        Err(e) => {
            return Some(format!("`{}`: cannot read {file}: {e}", inc.target));
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
                (false, _) => Some(format!("`{}`: no `ANCHOR: {name}` in {file}", inc.target)),
                (true, false) => Some(format!(
                    "`{}`: `ANCHOR: {name}` has no `ANCHOR_END: {name}` in {file}",
                    inc.target
                )),
            }
        }
    }
}
