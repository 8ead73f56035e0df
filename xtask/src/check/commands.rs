//! Step 3, for commands shown without their output (`sh` blocks and the like): each `cargo run`
//! line must name a package of the workspace and a program it has, and every flag it passes
//! must be one the program accepts, as its own `--help` lists them.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::Ctx;
use crate::book::{Chapter, RunTarget};
use crate::build::Executables;
use crate::runner::{self, Ended};

const HELP_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) fn check(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>], executables: &Executables) {
    let mut helps: BTreeMap<std::path::PathBuf, Result<String, String>> = BTreeMap::new();
    let mut count = 0;
    let before = ctx.report.problems.len();
    for chapter in selected {
        let page = chapter.page;
        for shown in &page.commands {
            count += 1;
            let fail =
                |what: String| page.problem(shown.line, format!("`{}`: {what}", shown.command));
            let run = &shown.run;
            let Some(krate) = ctx.ws().krate(&run.package) else {
                ctx.fail(fail(format!(
                    "no package `{}` in the workspace",
                    run.package
                )));
                continue;
            };
            let (kind, list) = match &run.target {
                RunTarget::Example(_) => ("example", &krate.examples),
                RunTarget::Bin(_) => ("binary", &krate.bins),
            };
            if !list.iter().any(|n| n == run.target.name()) {
                ctx.fail(fail(format!(
                    "package `{}` has no {kind} `{}`",
                    run.package,
                    run.target.name()
                )));
                continue;
            }
            // Its flags are the same in any profile: the dev build answers `--help` too.
            let key = |release| (release, run.package.clone(), run.target.clone());
            let Some(exe) = executables
                .get(&key(run.release))
                .or_else(|| executables.get(&key(false)))
            else {
                continue; // it did not build: the build step said so
            };
            let root = &ctx.ws().root;
            let help = helps
                .entry(exe.clone())
                .or_insert_with(|| help_of(exe, root))
                .clone();
            match help {
                Ok(text) => {
                    for flag in unknown_flags(&run.args, &text) {
                        ctx.fail(fail(format!(
                            "the program does not accept `{flag}` (see its `--help`)"
                        )));
                    }
                }
                Err(why) => ctx.fail(fail(why)),
            }
        }
    }
    let ok = if ctx.report.problems.len() == before {
        "ok"
    } else {
        "FAILED"
    };
    ctx.say(format!(
        "commands   {count} shown `cargo run` commands ... {ok}"
    ));
}

fn help_of(exe: &Path, root: &Path) -> Result<String, String> {
    let args = ["--help".to_owned()];
    match runner::run(exe, &args, &[], root, HELP_TIMEOUT) {
        Ok(o) if o.ended == Ended::Exited(0) => Ok(o.output),
        Ok(o) => Err(format!(
            "`--help` ended with {}: cannot tell which flags it takes",
            o.ended
        )),
        Err(e) => Err(format!("cannot run it with `--help`: {e:#}")),
    }
}

/// The flags among `args` that `help` does not list (`--name`, `--name=value`, `-x`).
fn unknown_flags(args: &[String], help: &str) -> Vec<String> {
    let words: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '=')
        .collect();
    args.iter()
        .take_while(|a| a.as_str() != "--")
        .filter(|a| {
            a.starts_with('-') && a.len() > 1 && !a[1..].starts_with(|c: char| c.is_ascii_digit())
        })
        .map(|a| a.split('=').next().unwrap_or(a).to_owned())
        .filter(|flag| !words.contains(&flag.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_looked_up_in_the_help() {
        let help = "Usage: load [OPTIONS]\n\nOptions:\n  -c, --connections <N>  how many\n      --server <KIND>  [default: task]\n  -h, --help  Print help\n";
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            unknown_flags(
                &args(&["--connections", "10", "-c", "3", "--server=thread"]),
                help
            )
            .is_empty()
        );
        assert_eq!(
            unknown_flags(&args(&["--conections", "10", "-x"]), help),
            ["--conections", "-x"]
        );
        // Negative numbers are values, not flags.
        assert!(unknown_flags(&args(&["--connections", "-1"]), help).is_empty());
    }
}
