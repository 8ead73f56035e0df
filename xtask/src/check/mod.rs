//! `cargo xtask check`: proves that the book and the crates agree.
//!
//! 1. structure: pages and crates pair one to one, every `{{#include}}` resolves
//!    (`structure.rs`); the generated results render again from their JSON (`generated.rs`);
//!    no measured figure is typed by hand in the prose (`figures.rs`) and every comparison in
//!    it is a claim that holds (`claims.rs`);
//!    every translation under `po/` is complete, current and keeps every placeholder
//!    (`translations.rs`);
//! 2. one build of the whole workspace, with the feature set `cargo test --workspace` uses,
//!    so that the two commands of the README compile everything once;
//! 3. every `console` block that starts with `$ cargo run` or `$ rustc` runs and its output is
//!    compared with the block (`examples.rs`); every `cargo run` line shown elsewhere names a
//!    program and flags that exist (`commands.rs`); every picture drawn by an example is what
//!    the example draws now (`diagrams.rs`);
//! 4. each chapter's tests pass, its loom models too, and its benchmarks compile (`steps.rs`);
//!    each exercise's solution passes its tests and its skeleton fails them (`skeletons.rs`);
//! 5. the book builds, and its links work.
//!
//! Steps whose inputs did not change since they last passed are skipped (`cache.rs`);
//! `--fresh` runs everything.

mod cache;
mod claims;
mod commands;
mod diagrams;
mod examples;
mod figures;
mod generated;
mod skeletons;
mod steps;
mod structure;
mod translations;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use crate::book::{Book, Chapter, Workspace};
use crate::build::{self, Built};
use crate::problem::Problem;

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
    /// Exercises whose solution passed its tests and whose skeleton failed every one.
    pub exercises: usize,
    /// Console blocks rewritten by `--bless`.
    pub blessed: usize,
    /// Claim markers whose claim holds on the measurements.
    pub claims_held: usize,
    /// Claims that do not hold on this machine's own (unpublished) measurements: listed, not
    /// failed.
    pub claims_not_held_here: Vec<String>,
    /// Everything that failed, in the order found.
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.problems.len()
    }

    /// What a person reads at the end: the failures' headlines, then the summary line.
    pub fn closing(&self) -> String {
        let mut text = String::new();
        if !self.problems.is_empty() {
            text.push_str("\nfailures:\n");
            for p in &self.problems {
                text.push_str(&format!("  {}\n", p.headline()));
            }
        }
        text.push_str(&self.summary());
        text
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
    pub book: &'a Book,
    pub out: &'a mut dyn Write,
    pub report: Report,
    pub cache: cache::Cache,
}

impl Ctx<'_> {
    pub fn say(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", line.as_ref());
        let _ = self.out.flush();
    }

    /// Prints a problem where it was found (indented under the step's line) and keeps it.
    pub fn fail(&mut self, problem: Problem) {
        for line in problem.to_string().lines() {
            let _ = writeln!(self.out, "  {line}");
        }
        self.report.problems.push(problem);
    }

    pub fn fail_all(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            self.fail(p);
        }
    }

    pub fn ws(&self) -> &Workspace {
        &self.book.ws
    }
}

/// Runs the whole check, printing progress to `out`. `Err` means the check could not start
/// (no book, no workspace, an unknown chapter); what it found is in the report.
pub fn run(opts: &Options, out: &mut dyn Write) -> Result<Report> {
    let started = Instant::now();
    let mut ws = Workspace::load(&opts.root)?;
    if let Some(dir) = &opts.target_dir {
        ws.target_dir = dir.clone();
    }
    let book = Book::of(ws)?;
    let selected = book.select(&opts.chapters)?;
    let cache = cache::Cache::load(&book.ws.target_dir, opts.fresh);
    let mut ctx = Ctx {
        opts,
        book: &book,
        out,
        report: Report::default(),
        cache,
    };
    let names: Vec<&str> = selected.iter().map(Chapter::name).collect();
    ctx.say(format!(
        "check: {} of {} chapters ({})",
        names.len(),
        book.chapters().len(),
        names.join(", ")
    ));
    if let Some(line) = steps::toolchain_line(ctx.ws()) {
        ctx.say(line);
    }

    structure::check(&mut ctx);
    translations::check(&mut ctx);
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
        diagrams::check(&mut ctx, &selected, &executables);
    }
    if opts.tests {
        steps::run(&mut ctx, &selected, &built);
        skeletons::run(&mut ctx, &selected, &built);
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
    // programs, examples as plain programs), then the benches in test mode, to prove they
    // compile (`cargo xtask bench` runs them): the same feature set both times.
    let mut commands: Vec<&[&str]> = vec![&["test", "--no-run", "--workspace"]];
    if ctx.opts.tests {
        commands.push(&["test", "--no-run", "--workspace", "--benches"]);
    }
    let mut all = Built {
        ok: true,
        ..Built::default()
    };
    for args in commands {
        let started = Instant::now();
        ctx.say(format!("build      cargo {}", args.join(" ")));
        match build::build(ctx.ws(), false, args) {
            Ok(built) => {
                if built.ok {
                    ctx.say(format!(
                        "build      ... ok ({:.1} s)",
                        started.elapsed().as_secs_f64()
                    ));
                } else {
                    ctx.fail(Problem::new(format!(
                        "`cargo {}` failed: see the compiler's messages above",
                        args.join(" ")
                    )));
                }
                all.executables.extend(built.executables);
                // A lib target is a bench target too unless it says `bench = false`, as the
                // workspace's do; then the benches' build compiles its unit tests again. The
                // first build's test programs are the ones run.
                if !args.contains(&"--benches") {
                    for (package, tests) in built.tests {
                        all.tests.entry(package).or_default().extend(tests);
                    }
                }
                all.ok &= built.ok;
            }
            Err(e) => {
                ctx.fail(Problem::new(format!("cannot run cargo: {e:#}")));
                all.ok = false;
            }
        }
    }
    all
}
