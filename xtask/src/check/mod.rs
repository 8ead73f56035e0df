//! `cargo xtask check`: proves that the book and the crates agree.
//!
//! 1. structure: every chapter that teaches code names its crate and every crate has a
//!    chapter; every `{{#include}}` resolves; the generated results render again from their
//!    JSON; no measured figure is typed by hand in the prose (`structure.rs`, `figures.rs`);
//! 2. one build of the whole workspace, with the feature set `cargo test --workspace` uses,
//!    so that the two commands of the README compile everything once (`build.rs`);
//! 3. every `console` block that starts with `$ cargo run` runs and its output is compared
//!    with the block (`examples.rs`); every `cargo run` line shown elsewhere names a program
//!    and flags that exist (`commands.rs`); every picture drawn by an example is what the
//!    example draws now (`diagrams.rs`);
//! 4. each chapter's tests pass, its loom models too, and its benchmarks compile (`steps.rs`);
//!    each exercise's solution passes its tests and its skeleton fails them (`exercises.rs`);
//! 5. the book builds, and its links work.
//!
//! Steps whose inputs did not change since they last passed are skipped (`cache.rs`);
//! `--fresh` runs everything.

mod cache;
mod claims;
mod commands;
mod diagrams;
mod examples;
mod exercises;
pub mod figures;
mod steps;
mod structure;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::book::{self, Chapter};
use crate::build::{self, Built};
use crate::workspace::Workspace;

#[derive(Debug, Clone)]
pub struct Options {
    /// The workspace root (holds `Cargo.toml`, `book/` and `crates/`).
    pub root: PathBuf,
    /// Chapters to run, by crate name; empty means all.
    pub chapters: Vec<String>,
    /// Where cargo builds; `None` uses the workspace's own target directory.
    pub target_dir: Option<PathBuf>,
    /// Build and run the examples the chapters show.
    pub examples: bool,
    /// Run the chapters' tests and compile their benchmarks.
    pub tests: bool,
    /// Build the HTML book.
    pub book: bool,
    /// Rewrite console blocks whose output changed with what the program prints now.
    pub bless: bool,
    /// Run every step, even those whose inputs did not change since they passed.
    pub fresh: bool,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            chapters: Vec::new(),
            target_dir: None,
            examples: true,
            tests: true,
            book: true,
            bless: false,
            fresh: false,
        }
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Console blocks whose output matched (run now, or unchanged since they last did).
    pub verified: usize,
    /// Of those, how many were not run again because nothing they depend on changed.
    pub unchanged: usize,
    /// Console blocks that failed.
    pub failed_examples: usize,
    /// Exercises whose solution passed its tests and whose skeleton failed every one.
    pub exercises: usize,
    /// Console blocks rewritten by `--bless`.
    pub blessed: usize,
    /// Claim markers whose claim holds on the measurements.
    pub claims_held: usize,
    /// Claims that do not hold on this machine's own (unpublished) measurements: listed, not
    /// failed.
    pub claims_not_held_here: Vec<String>,
    /// Every failure, example or not, as printed (first line is the headline).
    pub failures: Vec<String>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    pub fn summary(&self) -> String {
        let exercises = if self.exercises > 0 {
            format!(
                "{} exercises verified (solutions pass, skeletons fail), ",
                self.exercises
            )
        } else {
            String::new()
        };
        let claims = if self.claims_held > 0 {
            format!("{} claims hold, ", self.claims_held)
        } else {
            String::new()
        };
        let mut text = format!(
            "check: {} examples verified, {exercises}{claims}{} failed",
            self.verified,
            self.failed()
        );
        if !self.claims_not_held_here.is_empty() {
            text.push_str(&format!(
                ", {} claims did not hold on this machine",
                self.claims_not_held_here.len()
            ));
        }
        if self.blessed > 0 {
            text.push_str(&format!(", {} blessed", self.blessed));
        }
        text
    }
}

pub(crate) struct Ctx<'a> {
    pub opts: &'a Options,
    pub ws: Workspace,
    pub out: &'a mut dyn Write,
    pub report: Report,
    pub cache: cache::Cache,
}

impl Ctx<'_> {
    pub fn say(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", line.as_ref());
        let _ = self.out.flush();
    }

    pub fn fail(&mut self, text: String) {
        for line in text.lines() {
            let _ = writeln!(self.out, "  {line}");
        }
        self.report.failures.push(text);
    }
}

/// Runs the whole check, printing progress to `out`. `Err` means the check could not start
/// (no book, no workspace, an unknown chapter); failures found are in the report.
pub fn run(opts: &Options, out: &mut dyn Write) -> Result<Report> {
    let started = Instant::now();
    let mut ws = Workspace::load(&opts.root)?;
    if let Some(dir) = &opts.target_dir {
        ws.target_dir = dir.clone();
    }
    let chapters = book::load(&ws)?;
    let known: Vec<&str> = chapters
        .iter()
        .filter_map(|c| c.crate_marker.as_ref().map(|(n, _)| n.as_str()))
        .collect();
    for wanted in &opts.chapters {
        if !known.contains(&wanted.as_str()) {
            bail!(
                "unknown chapter `{wanted}`; known chapters: {}",
                known.join(", ")
            );
        }
    }
    let selected: Vec<&Chapter> = chapters
        .iter()
        .filter(|c| {
            c.crate_marker
                .as_ref()
                .is_some_and(|(n, _)| opts.chapters.is_empty() || opts.chapters.contains(n))
        })
        .collect();
    let cache = cache::Cache::load(&ws.target_dir, opts.fresh);
    let mut ctx = Ctx {
        opts,
        ws,
        out,
        report: Report::default(),
        cache,
    };
    let names: Vec<&str> = selected
        .iter()
        .filter_map(|c| c.crate_marker.as_ref().map(|(n, _)| n.as_str()))
        .collect();
    ctx.say(format!(
        "check: {} of {} chapters ({})",
        names.len(),
        known.len(),
        names.join(", ")
    ));
    if let Some(line) = steps::toolchain_line(&ctx.ws) {
        ctx.say(line);
    }

    structure::check(&mut ctx, &chapters);
    let built = if opts.examples || opts.tests {
        build_workspace(&mut ctx)
    } else {
        Built::default()
    };
    if opts.examples {
        let release = examples::build_release(&mut ctx, &selected);
        let mut executables = built.executables.clone();
        executables.extend(release);
        commands::check(&mut ctx, &selected, &executables);
        examples::run_all(&mut ctx, &selected, &executables);
        diagrams::check(&mut ctx, &names, &executables);
    }
    if opts.tests {
        steps::run(&mut ctx, &names, &built);
        exercises::run(&mut ctx, &names, &built);
    }
    if opts.book {
        steps::build_book(&mut ctx);
    }
    ctx.cache.save();
    ctx.say(format!(
        "check: done in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    Ok(ctx.report)
}

/// One dev build of the whole workspace, as `cargo test --workspace` builds it (plus the
/// benches for a full check): every member is selected, so features resolve as they do for
/// the README's `cargo test --workspace`, and nothing is built twice.
fn build_workspace(ctx: &mut Ctx<'_>) -> Built {
    // `cargo test`'s own target selection (the lib's and the integration tests' test
    // programs, examples as plain programs), then the benches in test mode: the same feature
    // set both times.
    let mut commands: Vec<&[&str]> = vec![&["test", "--no-run", "--workspace"]];
    if ctx.opts.tests {
        commands.push(&["test", "--no-run", "--workspace", "--benches"]);
    }
    let mut all = Built {
        ok: true,
        ..Built::default()
    };
    for args in commands {
        match build_once(ctx, args, Instant::now()) {
            Some(built) => {
                all.executables.extend(built.executables);
                for (package, tests) in built.tests {
                    if args.contains(&"--benches") {
                        continue; // compiled to prove they build; `cargo xtask bench` runs them
                    }
                    all.tests.entry(package).or_default().extend(tests);
                }
                all.ok &= built.ok;
            }
            None => all.ok = false,
        }
    }
    all
}

fn build_once(ctx: &mut Ctx<'_>, args: &[&str], started: Instant) -> Option<Built> {
    ctx.say(format!("build      cargo {}", args.join(" ")));
    match build::build(&ctx.ws, false, args) {
        Ok(built) if built.ok => {
            ctx.say(format!(
                "build      ... ok ({:.1} s)",
                started.elapsed().as_secs_f64()
            ));
            Some(built)
        }
        Ok(built) => {
            ctx.fail(format!(
                "`cargo {}` failed: see the compiler's messages above",
                args.join(" ")
            ));
            Some(built)
        }
        Err(e) => {
            ctx.fail(format!("cannot run cargo: {e:#}"));
            None
        }
    }
}
