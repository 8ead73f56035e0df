//! Pictures drawn by code: each `[[package.metadata.xtask.diagrams]]` example runs, and what
//! it prints must be the committed `book/src/generated/<file>`, so the picture in the book is
//! the one the program draws today. `--bless` writes the new drawing.

use std::path::Path;
use std::time::Duration;

use super::Ctx;
use super::cache::Fingerprint;
use crate::build::{Executables, RunTarget};
use crate::runner::{self, Ended};

/// How long drawing one picture may take.
const TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) fn check(ctx: &mut Ctx<'_>, names: &[&str], executables: &Executables) {
    let generated = ctx.ws.generated_dir();
    let jobs: Vec<(String, crate::meta::Diagram)> = names
        .iter()
        .filter_map(|n| ctx.ws.chapter(n))
        .flat_map(|c| c.meta.diagrams.iter().map(|d| (c.name.clone(), d.clone())))
        .collect();
    for (chapter, diagram) in jobs {
        let file = generated.join(&diagram.file);
        let shown = ctx.ws.display(&file);
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
            chapter.clone(),
            RunTarget::Example(diagram.example.clone()),
        );
        let Some(exe) = executables.get(&key).cloned() else {
            ctx.fail(format!(
                "{shown}: `{command}` was not built: is `{}` an example of `{chapter}`?",
                diagram.example
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
        let dir = ctx
            .ws
            .chapter(&chapter)
            .map_or_else(|| ctx.ws.root.clone(), |c| c.dir.clone());
        match draw(&exe, &diagram.args, &dir) {
            Ok(drawn) => {
                let committed = std::fs::read_to_string(&file).unwrap_or_default();
                if drawn == committed {
                    ctx.say(format!("diagram    {shown} ... ok"));
                    ctx.cache.record(&cache_key, fingerprint);
                } else if ctx.opts.bless {
                    match std::fs::write(&file, &drawn) {
                        Ok(()) => {
                            ctx.say(format!("diagram    {shown} ... blessed (drawn again)"));
                            ctx.report.blessed += 1;
                        }
                        Err(e) => ctx.fail(format!("cannot write {shown}: {e}")),
                    }
                } else {
                    ctx.say(format!("diagram    {shown} ... FAILED"));
                    ctx.fail(format!(
                        "{shown} is not what `{command}` draws now: run `cargo xtask check --bless` to draw it again{}",
                        if committed.is_empty() { " (the file is missing)" } else { "" }
                    ));
                }
            }
            Err(why) => {
                ctx.say(format!("diagram    {shown} ... FAILED"));
                ctx.fail(format!("{shown}: `{command}` {why}"));
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
