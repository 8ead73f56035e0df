//! Step 1b: every translation under `po/` against the English sources as they are now
//! (`i18n::lint`): complete, current, and keeping every placeholder, link and code span.

use std::time::Instant;

use super::Ctx;
use crate::i18n;
use crate::problem::Problem;

pub(crate) fn check(ctx: &mut Ctx<'_>) {
    let book = ctx.book;
    let langs = i18n::translations(book.root());
    if langs.is_empty() {
        return;
    }
    let started = Instant::now();
    let messages = match i18n::messages(book) {
        Ok(m) => m,
        Err(e) => {
            ctx.fail(Problem::new(format!(
                "cannot cut the English sources into messages: {e:#}"
            )));
            return;
        }
    };
    for lang in langs {
        let shown = format!("po/{lang}.po");
        let found = i18n::lint::lint(book, &lang, &messages).map(|mut problems| {
            problems.extend(i18n::diagrams::lint(book, &lang));
            problems
        });
        match found {
            Ok(problems) if problems.is_empty() => ctx.say(format!(
                "translate  {shown}: {} messages ... ok ({:.1} s)",
                messages.len(),
                started.elapsed().as_secs_f64()
            )),
            Ok(problems) => {
                ctx.say(format!(
                    "translate  {shown}: {} messages ... FAILED ({} problems)",
                    messages.len(),
                    problems.len()
                ));
                ctx.fail_all(problems);
            }
            Err(e) => ctx.fail(Problem::new(format!("cannot check {shown}: {e:#}"))),
        }
    }
}
