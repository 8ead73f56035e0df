//! The blocks of a page that the checker runs or checks: `console` blocks whose first line
//! is `$ cargo run ...` (run and compared) or `$ rustc ...` (a compiler error the page shows,
//! compiled again and compared), and `cargo run` lines shown in `sh` blocks (their program and
//! flags checked).

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use super::page::Page;

/// How long an example may run when its block does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A fenced `console` block whose first line is `$ cargo run ...` or `$ rustc ...`.
#[derive(Debug, Clone)]
pub struct ConsoleBlock {
    /// Line of the command (the first line inside the fence).
    pub line: usize,
    /// The command as written after `$ `.
    pub command: String,
    pub run: Run,
    /// The output the book shows.
    pub expected: String,
    pub unordered: bool,
    pub timeout: Duration,
    /// The exit code the command is expected to end with.
    pub status: i32,
    /// Its output depends on timing (a speedup, a verdict on a wait): run it alone, after the
    /// others, so that they do not take its cores.
    pub alone: bool,
}

/// A `cargo run` line shown for the reader to type.
#[derive(Debug, Clone)]
pub struct ShownCommand {
    pub line: usize,
    pub command: String,
    pub run: CargoRun,
}

/// What a console block runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// A program of the workspace, built by the check.
    Cargo(CargoRun),
    /// The compiler on one source file that must not compile: the page shows its error.
    Rustc(RustcRun),
}

impl Run {
    pub fn cargo(&self) -> Option<&CargoRun> {
        match self {
            Run::Cargo(run) => Some(run),
            Run::Rustc(_) => None,
        }
    }
}

/// `rustc [--edition E] [--crate-type T] FILE`, run from the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustcRun {
    pub args: Vec<String>,
    /// The source file, as written (relative to the workspace root).
    pub file: String,
}

/// What `cargo run` is asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoRun {
    pub package: String,
    pub target: RunTarget,
    pub release: bool,
    pub args: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunTarget {
    Example(String),
    Bin(String),
}

impl RunTarget {
    pub fn name(&self) -> &str {
        match self {
            RunTarget::Example(n) | RunTarget::Bin(n) => n,
        }
    }
}

pub(super) fn parse_console_blocks(chapter: &mut Page, content: &str) {
    let line_of = |offset: usize| content[..offset].matches('\n').count() + 1;
    let mut current: Option<(String, usize, String)> = None;
    for (event, range) in Parser::new(content).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                current = Some((info.to_string(), line_of(range.start), String::new()));
            }
            Event::Text(text) => {
                if let Some((_, _, body)) = &mut current {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((info, fence_line, body)) = current.take() {
                    parse_block(chapter, &info, fence_line, &body);
                }
            }
            _ => {}
        }
    }
}

/// Shell-like blocks whose `cargo run` lines are checked without being run.
const SHELL_BLOCKS: &[&str] = &["sh", "bash", "shell", "console", "text"];

pub(super) fn parse_block(chapter: &mut Page, info: &str, fence_line: usize, body: &str) {
    let mut words = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let language = words.next().unwrap_or_default();
    if SHELL_BLOCKS.contains(&language) {
        parse_shown_commands(chapter, language, fence_line, body);
    }
    if language != "console" {
        return;
    }
    let Some(first) = body.lines().next() else {
        return;
    };
    let Some(command) = first.strip_prefix("$ ") else {
        return;
    };
    let command = command.trim();
    if !command.starts_with("cargo run") && !command.starts_with("rustc ") {
        return; // not something the checker runs (shown as an illustration)
    }
    let line = fence_line + 1;
    let mut problem = |msg: String| chapter.problems.push(chapter.problem(line, msg));
    let mut unordered = false;
    let mut timeout = DEFAULT_TIMEOUT;
    let mut status = 0;
    let mut alone = false;
    for word in words {
        match word.split_once('=') {
            None if word == "unordered" => unordered = true,
            None if word == "alone" => alone = true,
            Some(("timeout", v)) => match v.parse::<f64>() {
                Ok(s) if s > 0.0 && s <= 600.0 => timeout = Duration::from_secs_f64(s),
                _ => problem(format!(
                    "bad `timeout={v}`: expected seconds between 0 and 600"
                )),
            },
            Some(("status", v)) => match v.parse::<i32>() {
                Ok(s) => status = s,
                Err(_) => problem(format!("bad `status={v}`: expected an exit code")),
            },
            _ => problem(format!(
                "unknown console block option `{word}` (known: unordered, alone, timeout=SECONDS, status=CODE)"
            )),
        }
    }
    let expected: Vec<&str> = body.lines().skip(1).collect();
    let run = if command.starts_with("rustc ") {
        parse_rustc(command, &expected).map(Run::Rustc)
    } else {
        parse_cargo_run(command).map(Run::Cargo)
    };
    let run = match run {
        Ok(run) => run,
        Err(e) => {
            problem(format!("cannot check `{command}`: {e}"));
            return;
        }
    };
    let telling = expected
        .iter()
        .map(|l| l.trim())
        .any(|l| !l.is_empty() && l != "..." && l != "[..]");
    if !expected.is_empty() && !telling {
        problem(format!(
            "the block of `{command}` shows only wildcards: it would pass whatever the program printed; show the lines that matter"
        ));
    }
    chapter.blocks.push(ConsoleBlock {
        line,
        command: command.trim().to_string(),
        run,
        expected: expected.join("\n"),
        unordered,
        timeout,
        status,
        alone,
    });
}

/// Every `cargo run` line of a shell-like block, except the first line of a console block
/// that the checker runs (that one is a `ConsoleBlock`).
fn parse_shown_commands(chapter: &mut Page, language: &str, fence_line: usize, body: &str) {
    for (i, text) in body.lines().enumerate() {
        let command = text.trim().trim_start_matches("$ ").trim();
        if !command.starts_with("cargo run") {
            continue;
        }
        if i == 0 && language == "console" && text.starts_with("$ cargo run") {
            continue;
        }
        let line = fence_line + 1 + i;
        match parse_cargo_run(command) {
            Ok(run) => chapter.commands.push(ShownCommand {
                line,
                command: command.to_owned(),
                run,
            }),
            Err(e) => chapter
                .problems
                .push(chapter.problem(line, format!("cannot check `{command}`: {e}"))),
        }
    }
}

/// A compiler error shown in the book: `rustc` with the options a page may need and one
/// source file. The expected output must name the error as rustc does (`error[E0277]: ...`),
/// with no wildcard in that line: the error's code and headline are what the page teaches.
pub fn parse_rustc(command: &str, expected: &[&str]) -> Result<RustcRun> {
    let words = shlex::split(command).context("unbalanced quotes")?;
    let mut words = words.into_iter().skip(1);
    let (mut args, mut file) = (Vec::new(), None);
    while let Some(w) = words.next() {
        match w.as_str() {
            "--edition" | "--crate-type" | "--crate-name" => {
                let value = words
                    .next()
                    .with_context(|| format!("`{w}` needs a value"))?;
                args.extend([w, value]);
            }
            flag if flag.starts_with("--edition=") || flag.starts_with("--crate-type=") => {
                args.push(w)
            }
            source if source.ends_with(".rs") && !source.starts_with('-') => {
                ensure!(file.is_none(), "name one source file");
                file = Some(w);
            }
            other => bail!(
                "unsupported `rustc` option `{other}` (supported: --edition, --crate-type, --crate-name, one FILE.rs)"
            ),
        }
    }
    let file = file.context("name the source file, `rustc ... crates/CHAPTER/FILE.rs`")?;
    let headlines: Vec<&&str> = expected.iter().filter(|l| l.starts_with("error")).collect();
    ensure!(
        !headlines.is_empty(),
        "the block must show the compiler's error (a line `error[E...]: ...`)"
    );
    if let Some(line) = headlines.iter().find(|l| l.contains("[..]")) {
        bail!("`{line}`: the error's headline must be shown as rustc prints it, without wildcards");
    }
    args.push(file.clone());
    Ok(RustcRun { args, file })
}

/// Understands the `cargo run` options a chapter uses; anything else is refused rather than
/// silently run differently from what the reader would see.
pub fn parse_cargo_run(command: &str) -> Result<CargoRun> {
    let words = shlex::split(command).context("unbalanced quotes")?;
    let mut words = words.into_iter();
    if words.next().as_deref() != Some("cargo") || words.next().as_deref() != Some("run") {
        bail!("the command must start with `cargo run`");
    }
    let (mut package, mut target, mut release) = (None, None, false);
    let mut args = Vec::new();
    while let Some(w) = words.next() {
        let mut value = |flag: &str| {
            words
                .next()
                .with_context(|| format!("`{flag}` needs a value"))
        };
        match w.as_str() {
            "-p" | "--package" => package = Some(value(&w)?),
            "--example" => target = Some(RunTarget::Example(value(&w)?)),
            "--bin" => target = Some(RunTarget::Bin(value(&w)?)),
            "--release" | "-r" => release = true,
            "-q" | "--quiet" => {}
            "--" => {
                args.extend(words.by_ref());
            }
            other => {
                if let Some(p) = other.strip_prefix("--package=") {
                    package = Some(p.to_string());
                } else if let Some(e) = other.strip_prefix("--example=") {
                    target = Some(RunTarget::Example(e.to_string()));
                } else if let Some(b) = other.strip_prefix("--bin=") {
                    target = Some(RunTarget::Bin(b.to_string()));
                } else {
                    bail!(
                        "unsupported `cargo run` option `{other}` (supported: -p, --example, --bin, --release, -q, -- ARGS)"
                    );
                }
            }
        }
    }
    Ok(CargoRun {
        package: package.context("name the package with `-p NAME`")?,
        target: target.context("name the program with `--example NAME` or `--bin NAME`")?,
        release,
        args,
    })
}
