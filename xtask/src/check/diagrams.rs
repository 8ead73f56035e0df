//! Pictures drawn by code: each `[[package.metadata.xtask.diagrams]]` example runs, and what
//! it prints must be the committed `book/src/generated/<file>`, so the picture in the book is
//! the one the program draws today. `--bless` writes the new drawing. A drawing whose words
//! are translated (`words = true`) is also checked as its list of phrases and as each
//! translation's copy under `generated/LANG/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Ctx;
use super::cache::Fingerprint;
use crate::book::meta::Diagram;
use crate::book::{Book, Chapter};
use crate::build::{Executables, RunTarget};
use crate::i18n::{self, Translation};
use crate::problem::Problem;
use crate::render::{Difference, difference};
use crate::runner::{self, Ended};

/// How long drawing one picture may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// One drawing to compare: the file, and the arguments that make the example draw it.
struct Drawing {
    file: PathBuf,
    args: Vec<String>,
    /// A file the drawing is made from besides the program (a translation's words).
    input: Option<PathBuf>,
}

pub(crate) fn check(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>], executables: &Executables) {
    let jobs = selected
        .iter()
        .flat_map(|c| c.krate.meta.diagrams.iter().map(move |d| (c.krate, d)));
    for (krate, diagram) in jobs {
        let chapter = &krate.name;
        let key = (
            false,
            chapter.to_owned(),
            RunTarget::Example(diagram.example.clone()),
        );
        let Some(exe) = executables.get(&key).cloned() else {
            let shown = ctx
                .book
                .display(&ctx.book.generated_dir().join(&diagram.file));
            ctx.fail(Problem::in_file(
                &shown,
                format!(
                    "`cargo run -p {chapter} --example {}` was not built: is `{}` an example of `{chapter}`?",
                    diagram.example, diagram.example
                ),
            ));
            continue;
        };
        let drawings = match drawings(ctx.book, diagram) {
            Ok(drawings) => drawings,
            Err(e) => {
                let shown = ctx
                    .book
                    .display(&ctx.book.generated_dir().join(&diagram.file));
                ctx.fail(Problem::in_file(&shown, format!("{e:#}")));
                continue;
            }
        };
        for drawing in drawings {
            compare(ctx, chapter, &diagram.example, &exe, &krate.dir, drawing);
        }
    }
}

/// The English drawing; with `words`, also its list of phrases and each translation's drawing
/// (from `po/LANG.po`'s translations of those phrases, written to a file under `target/`).
fn drawings(book: &Book, diagram: &Diagram) -> anyhow::Result<Vec<Drawing>> {
    let generated = book.generated_dir();
    let mut all = vec![Drawing {
        file: generated.join(&diagram.file),
        args: diagram.args.clone(),
        input: None,
    }];
    if !diagram.words {
        return Ok(all);
    }
    let list = generated.join(format!("{}.words", diagram.file));
    all.push(Drawing {
        file: list.clone(),
        args: [&diagram.args[..], &["--list-words".to_owned()]].concat(),
        input: None,
    });
    let phrases = std::fs::read_to_string(&list).unwrap_or_default();
    for lang in i18n::translations(book.root()) {
        let translation = Translation::load(book, &lang)?;
        let words: String = phrases
            .lines()
            .filter_map(|english| {
                let shown = translation.message(english)?;
                Some(format!("{english}\t{shown}\n"))
            })
            .collect();
        let input = book
            .ws
            .target_dir
            .join(format!("xtask/words/{lang}/{}.tsv", diagram.file));
        std::fs::create_dir_all(input.parent().expect("a folder"))?;
        std::fs::write(&input, words)?;
        all.push(Drawing {
            file: generated.join(&lang).join(&diagram.file),
            args: [
                &diagram.args[..],
                &["--words".to_owned(), input.display().to_string()],
            ]
            .concat(),
            input: Some(input),
        });
    }
    Ok(all)
}

fn compare(
    ctx: &mut Ctx<'_>,
    chapter: &str,
    example: &str,
    exe: &Path,
    dir: &Path,
    drawing: Drawing,
) {
    let Drawing { file, args, input } = drawing;
    let shown = ctx.book.display(&file);
    let command = format!(
        "cargo run -p {chapter} --example {example}{}",
        if args.is_empty() {
            String::new()
        } else {
            format!(" -- {}", args.join(" "))
        }
    );
    let mut fingerprint = Fingerprint::new().file(exe).file(&file).text(&command);
    if let Some(input) = &input {
        fingerprint = fingerprint.file(input);
    }
    let fingerprint = fingerprint.finish();
    let cache_key = format!("diagram {shown}");
    if ctx.cache.passed(&cache_key, fingerprint) {
        ctx.say(format!("diagram    {shown} ... ok (unchanged)"));
        return;
    }
    match draw(exe, &args, dir) {
        Ok(drawn) => match difference(&file, &drawn) {
            None => {
                ctx.say(format!("diagram    {shown} ... ok"));
                ctx.cache.record(&cache_key, fingerprint);
            }
            Some(_) if ctx.opts.bless => {
                let written = file
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&file, &drawn));
                match written {
                    Ok(()) => {
                        ctx.say(format!("diagram    {shown} ... blessed (drawn again)"));
                        ctx.report.blessed += 1;
                    }
                    Err(e) => ctx.fail(Problem::in_file(&shown, format!("cannot write it: {e}"))),
                }
            }
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
