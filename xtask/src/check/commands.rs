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

pub(crate) fn check(ctx: &mut Ctx<'_>, selected: &[&Chapter], executables: &Executables) {
    let mut helps: BTreeMap<std::path::PathBuf, Result<String, String>> = BTreeMap::new();
    let mut count = 0;
    let before = ctx.report.failures.len();
    for chapter in selected {
        for shown in &chapter.commands {
            count += 1;
            let at = chapter.at(shown.line);
            let run = &shown.run;
            let Some(krate) = ctx.ws.chapter(&run.package) else {
                ctx.fail(format!(
                    "{at}: `{}`: no package `{}` in the workspace",
                    shown.command, run.package
                ));
                continue;
            };
            let (kind, list) = match &run.target {
                RunTarget::Example(_) => ("example", &krate.examples),
                RunTarget::Bin(_) => ("binary", &krate.bins),
            };
            if !list.iter().any(|n| n == run.target.name()) {
                ctx.fail(format!(
                    "{at}: `{}`: package `{}` has no {kind} `{}`",
                    shown.command,
                    run.package,
                    run.target.name()
                ));
                continue;
            }
            let key = (run.release, run.package.clone(), run.target.clone());
            let Some(exe) = executables.get(&key) else {
                continue; // it did not build: the build step said so
            };
            let help = helps
                .entry(exe.clone())
                .or_insert_with(|| help_of(exe, &ctx.ws.root))
                .clone();
            match help {
                Ok(text) => {
                    for flag in unknown_flags(&run.args, &text) {
                        ctx.fail(format!(
                            "{at}: `{}`: the program does not accept `{flag}` (see its `--help`)",
                            shown.command
                        ));
                    }
                }
                Err(why) => ctx.fail(format!("{at}: `{}`: {why}", shown.command)),
            }
        }
    }
    let ok = if ctx.report.failures.len() == before {
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
