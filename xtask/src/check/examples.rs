//! Step 3: every console block that starts with `$ cargo run` is run against the built
//! program, and every one that starts with `$ rustc` compiles its source file again, and what
//! it prints is compared with the block. Blocks run two at a time (or one
//! per core); a block marked `alone` (its output depends on timing) runs by itself, after the
//! others. `--bless` rewrites a block whose output changed with what the program prints now,
//! keeping every wildcard that still matches.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use super::Ctx;
use super::cache::Fingerprint;
use crate::book::{Chapter, ConsoleBlock, Page, Run, RunTarget};
use crate::build::{self, Executables};
use crate::matcher;
use crate::problem::Problem;
use crate::runner::{self, Ended};

/// Release builds for the blocks that run `cargo run --release` (their own feature set: a
/// release build shares nothing with the dev build anyway).
pub(crate) fn build_release(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>]) -> Executables {
    // Commands shown without their output need only their `--help`, which the dev build
    // answers as well: only the programs of the blocks that run need the release build.
    let runs: BTreeSet<(&str, &RunTarget)> = selected
        .iter()
        .flat_map(|c| c.page.blocks.iter().filter_map(|b| b.run.cargo()))
        .filter(|run| run.release)
        .map(|run| (run.package.as_str(), &run.target))
        .collect();
    if runs.is_empty() {
        return Executables::new();
    }
    let started = Instant::now();
    let packages: BTreeSet<&str> = runs.iter().map(|(package, _)| *package).collect();
    let list: Vec<&str> = packages.into_iter().collect();
    let mut targets = Vec::new();
    for (_, target) in &runs {
        let kind = match target {
            RunTarget::Example(_) => "--example",
            RunTarget::Bin(_) => "--bin",
        };
        targets.extend([kind, target.name()]);
    }
    ctx.say(format!(
        "build      examples (release): {}",
        runs.iter()
            .map(|(package, target)| format!("{package}/{}", target.name()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    match build::build_targets(ctx.ws(), true, &list, &targets) {
        Ok((exes, true)) => {
            ctx.say(format!(
                "build      ... ok ({:.1} s)",
                started.elapsed().as_secs_f64()
            ));
            exes
        }
        Ok((exes, false)) => {
            ctx.fail(Problem::new(
                "cargo build of the examples (release) failed: see the compiler's messages above",
            ));
            exes
        }
        Err(e) => {
            ctx.fail(Problem::new(format!("cannot run cargo build: {e:#}")));
            Executables::new()
        }
    }
}

/// One block to run: where it is and what runs it.
struct Job<'a> {
    chapter: &'a Page,
    block: &'a ConsoleBlock,
    exe: Option<PathBuf>,
    args: Vec<String>,
    fingerprint: u64,
    key: String,
}

/// What came of one block.
struct Done {
    line: String,
    failure: Option<Problem>,
    passed: bool,
    /// With `--bless`: the block's new output.
    bless: Option<String>,
}

pub(crate) fn run_all(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>], executables: &Executables) {
    let mut jobs = Vec::new();
    let rustc = build::rustc_program();
    let rustc_version = crate::check::steps::rustc_version().unwrap_or_default();
    let out_dir = ctx.ws().target_dir.join("xtask/rustc");
    for chapter in selected {
        let chapter = chapter.page;
        for block in &chapter.blocks {
            let (exe, args, inputs) = match &block.run {
                Run::Cargo(run) => {
                    let key = (run.release, run.package.clone(), run.target.clone());
                    let exe = executables.get(&key).cloned();
                    let inputs = Fingerprint::new().file(exe.as_deref().unwrap_or(Path::new("")));
                    (exe, run.args.clone(), inputs)
                }
                // Where the compiler would put what it makes, should the file compile: out of
                // the reader's way. It changes nothing in the messages.
                Run::Rustc(run) => {
                    let mut args = run.args.clone();
                    args.extend(["--out-dir".to_owned(), out_dir.display().to_string()]);
                    let inputs = Fingerprint::new()
                        .file(&ctx.ws().root.join(&run.file))
                        .text(&rustc_version);
                    (Some(rustc.clone()), args, inputs)
                }
            };
            let fingerprint = inputs
                .text(&block.command)
                .text(&block.expected)
                .text(&format!(
                    "{} {:?} {} {}",
                    block.unordered, block.timeout, block.status, block.alone
                ))
                .finish();
            jobs.push(Job {
                chapter,
                key: format!("example {}:{}", chapter.display, block.command),
                block,
                exe,
                args,
                fingerprint,
            });
        }
    }
    let (unchanged, to_run): (Vec<Job<'_>>, Vec<Job<'_>>) = jobs
        .into_iter()
        .partition(|j| j.exe.is_some() && ctx.cache.passed(&j.key, j.fingerprint));
    if !unchanged.is_empty() {
        ctx.say(format!(
            "run        {} examples unchanged since they last passed (--fresh runs them again)",
            unchanged.len()
        ));
        ctx.report.verified += unchanged.len();
        ctx.report.unchanged += unchanged.len();
    }
    let (alone, together): (Vec<Job<'_>>, Vec<Job<'_>>) =
        to_run.into_iter().partition(|j| j.block.alone);
    let root = ctx.ws().root.clone();
    let bless = ctx.opts.bless;
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let results = run_parallel(&together, workers, &root, bless);
    let alone_results: Vec<Done> = alone.iter().map(|j| run_one(j, &root, bless)).collect();
    let mut blessed: BTreeMap<PathBuf, Vec<(&ConsoleBlock, String)>> = BTreeMap::new();
    for (job, done) in together
        .iter()
        .chain(alone.iter())
        .zip(results.into_iter().chain(alone_results))
    {
        ctx.say(&done.line);
        if done.passed {
            ctx.report.verified += 1;
            ctx.cache.record(&job.key, job.fingerprint);
        } else {
            ctx.cache.forget(&job.key);
        }
        if let Some(text) = done.bless {
            blessed
                .entry(job.chapter.path.clone())
                .or_default()
                .push((job.block, text));
        } else if let Some(failure) = done.failure {
            ctx.fail(failure);
        }
    }
    for (page, edits) in blessed {
        match bless_page(&page, &edits) {
            Ok(diff) => {
                ctx.report.blessed += edits.len();
                ctx.say(format!(
                    "bless      {} ({} blocks):",
                    ctx.book.display(&page),
                    edits.len()
                ));
                for line in diff.lines() {
                    ctx.say(format!("    {line}"));
                }
            }
            Err(e) => ctx.fail(Problem::new(format!(
                "cannot bless {}: {e:#}",
                page.display()
            ))),
        }
    }
}

/// Runs jobs on `workers` threads; results in the jobs' order.
fn run_parallel(jobs: &[Job<'_>], workers: usize, root: &Path, bless: bool) -> Vec<Done> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<Done>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers.min(jobs.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(job) = jobs.get(i) else { break };
                    let done = run_one(job, root, bless);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(done);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|d| {
            d.unwrap_or_else(|| Done {
                line: "run        ... FAILED".into(),
                failure: Some(Problem::new("a runner thread of the checker panicked")),
                passed: false,
                bless: None,
            })
        })
        .collect()
}

fn run_one(job: &Job<'_>, root: &Path, bless: bool) -> Done {
    let (page, block) = (job.chapter, job.block);
    let label = format!(
        "run        {}",
        block.command.trim_start_matches("cargo run ")
    );
    let failed = |line: String, problem: Problem| Done {
        line,
        failure: Some(problem),
        passed: false,
        bless: None,
    };
    let Some(exe) = &job.exe else {
        let missing = match &block.run {
            Run::Cargo(run) => format!(
                "package `{}` has no {} `{}` (or it did not build)",
                run.package,
                match run.target {
                    RunTarget::Example(_) => "example",
                    RunTarget::Bin(_) => "binary",
                },
                run.target.name()
            ),
            Run::Rustc(_) => "no compiler".to_owned(),
        };
        return failed(
            format!("{label} ... FAILED"),
            page.problem(block.line, format!("`{}`: {missing}", block.command)),
        );
    };
    let outcome = match runner::run(exe, &job.args, &[], root, block.timeout) {
        Ok(o) => o,
        Err(e) => {
            return failed(
                format!("{label} ... FAILED"),
                page.problem(block.line, format!("`{}`: {e:#}", block.command)),
            );
        }
    };
    let mut problems = Vec::new();
    match outcome.ended {
        Ended::TimedOut => problems.push(format!(
            "killed after its timeout of {:.1} s (set a longer one with `console,timeout=SECONDS`)",
            block.timeout.as_secs_f64()
        )),
        Ended::Exited(code) if code == block.status => {}
        other => problems.push(format!(
            "ended with {other}, expected exit code {} (set `console,status=CODE` if that is intended)",
            block.status
        )),
    }
    if outcome.survivors > 0 && outcome.ended != Ended::TimedOut {
        problems.push(format!(
            "left {} process(es) running after it ended (the checker killed them)",
            outcome.survivors
        ));
    }
    if outcome.pipe_held_open {
        problems
            .push("a process it started escaped its process group and kept the output open".into());
    }
    let mismatch = matcher::compare(&block.expected, &outcome.output, block.unordered).err();
    let secs = outcome.elapsed.as_secs_f64();
    if problems.is_empty() && mismatch.is_none() {
        return Done {
            line: format!("{label} ... ok ({secs:.1} s)"),
            failure: None,
            passed: true,
            bless: None,
        };
    }
    if bless
        && problems.is_empty()
        && let Some(m) = &mismatch
    {
        return Done {
            line: format!("{label} ... blessed ({secs:.1} s)"),
            failure: None,
            passed: true,
            bless: Some(m.blessed.clone()),
        };
    }
    let problem = match &mismatch {
        // The command is on `block.line`; expected output starts on the next line.
        Some(m) => page
            .problem(
                block.line + 1 + m.first_line,
                format!(
                    "`{}` printed something else than the book shows (block at line {})",
                    block.command, block.line
                ),
            )
            .detail(problems)
            .detail(m.diff.lines()),
        None => page
            .problem(block.line, format!("`{}`: {}", block.command, problems[0]))
            .detail(problems.into_iter().skip(1))
            .detail(
                std::iter::once("its output:".to_owned())
                    .chain(outcome.output.lines().take(40).map(|l| format!("| {l}"))),
            ),
    };
    failed(format!("{label} ... FAILED ({secs:.1} s)"), problem)
}

/// Replaces each block's expected lines in its page; returns a diff of the page.
fn bless_page(page: &Path, edits: &[(&ConsoleBlock, String)]) -> anyhow::Result<String> {
    let before = std::fs::read_to_string(page)?;
    let mut lines: Vec<String> = before.lines().map(String::from).collect();
    let mut edits: Vec<&(&ConsoleBlock, String)> = edits.iter().collect();
    // From the bottom up, so earlier line numbers stay right.
    edits.sort_by_key(|(b, _)| std::cmp::Reverse(b.line));
    for (block, text) in edits {
        let start = block.line; // index of the first expected line (line numbers count from 1)
        let old = if block.expected.is_empty() {
            0
        } else {
            block.expected.split('\n').count()
        };
        anyhow::ensure!(
            start + old <= lines.len(),
            "the page changed while it was checked"
        );
        let new: Vec<String> = text.trim_end().lines().map(String::from).collect();
        lines.splice(start..start + old, new);
    }
    let mut after = lines.join("\n");
    if before.ends_with('\n') {
        after.push('\n');
    }
    std::fs::write(page, &after)?;
    Ok(similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(1)
        .to_string())
}
