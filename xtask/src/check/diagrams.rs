//! Pictures drawn by code: each `[[package.metadata.xtask.diagrams]]` example runs, and what
//! it prints must be the committed `book/src/generated/<file>`, so the picture in the book is
//! the one the program draws today. `--bless` writes the new drawing.

use std::path::Path;
use std::time::Duration;

use super::Ctx;
use super::cache::Fingerprint;
use crate::book::Chapter;
use crate::build::{Executables, RunTarget};
use crate::problem::Problem;
use crate::render::{Difference, difference};
use crate::runner::{self, Ended};

/// How long drawing one picture may take.
const TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) fn check(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>], executables: &Executables) {
    let generated = ctx.book.generated_dir();
    let jobs = selected
        .iter()
        .flat_map(|c| c.krate.meta.diagrams.iter().map(move |d| (c.krate, d)));
    for (krate, diagram) in jobs {
        let chapter = &krate.name;
        let file = generated.join(&diagram.file);
        let shown = ctx.book.display(&file);
        let command = format!(
            "cargo run -p {chapter} --example {}{}",
            diagram.example,
            if diagram.args.is_empty() {
                String::new()
            } else {
                format!(" -- {}", diagram.args.join(" "))
            }
        );
        let key = (
            false,
            chapter.to_owned(),
            RunTarget::Example(diagram.example.clone()),
        );
        let Some(exe) = executables.get(&key).cloned() else {
            ctx.fail(Problem::in_file(
                &shown,
                format!(
                    "`{command}` was not built: is `{}` an example of `{chapter}`?",
                    diagram.example
                ),
            ));
            continue;
        };
        let fingerprint = Fingerprint::new()
            .file(&exe)
            .file(&file)
            .text(&command)
            .finish();
        let cache_key = format!("diagram {shown}");
        if ctx.cache.passed(&cache_key, fingerprint) {
            ctx.say(format!("diagram    {shown} ... ok (unchanged)"));
            continue;
        }
        match draw(&exe, &diagram.args, &krate.dir) {
            Ok(drawn) => match difference(&file, &drawn) {
                None => {
                    ctx.say(format!("diagram    {shown} ... ok"));
                    ctx.cache.record(&cache_key, fingerprint);
                }
                Some(_) if ctx.opts.bless => match std::fs::write(&file, &drawn) {
                    Ok(()) => {
                        ctx.say(format!("diagram    {shown} ... blessed (drawn again)"));
                        ctx.report.blessed += 1;
                    }
                    Err(e) => ctx.fail(Problem::in_file(&shown, format!("cannot write it: {e}"))),
                },
                Some(difference) => {
                    ctx.say(format!("diagram    {shown} ... FAILED"));
                    let what = format!("is not what `{command}` draws now");
                    let problem = match difference {
                        Difference::Missing => {
                            Problem::in_file(&shown, format!("{what} (the file is missing)"))
                        }
                        Difference::AtLine(line) => Problem::at(&shown, line, what),
                    };
                    ctx.fail(problem.fix("run `cargo xtask check --bless` to draw it again"));
                }
            },
            Err(why) => {
                ctx.say(format!("diagram    {shown} ... FAILED"));
                ctx.fail(Problem::in_file(&shown, format!("`{command}` {why}")));
            }
        }
    }
}

/// Runs the drawing program twice: a picture that differs between runs cannot be checked.
fn draw(exe: &Path, args: &[String], dir: &Path) -> Result<String, String> {
    let mut drawings = Vec::new();
    for _ in 0..2 {
        let out = runner::run(exe, args, &[], dir, TIMEOUT).map_err(|e| format!("{e:#}"))?;
        if out.ended != Ended::Exited(0) {
            let tail: Vec<&str> = out.output.lines().rev().take(10).collect();
            return Err(format!(
                "ended with {}: {}",
                out.ended,
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ));
        }
        drawings.push(out.output);
    }
    if drawings[0] != drawings[1] {
        return Err(
            "drew two different pictures in two runs: it must draw the same bytes every time"
                .into(),
        );
    }
    Ok(drawings.swap_remove(0))
}
