//! `cargo xtask check`: proves that the book and the crates agree.
//!
//! 1. every chapter that teaches code names its crate, and every crate has a chapter;
//! 2. every `{{#include}}` names a file that exists, and an anchor or lines that exist in it;
//! 3. every `console` block that starts with `$ cargo run` is run (built once, then run with a
//!    deadline) and its output compared with the block;
//! 4. each chapter crate's tests pass (with its loom models, if it has any) and its
//!    benchmarks compile;
//! 5. the book builds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use cargo_metadata::{Message, MetadataCommand, TargetKind};

use crate::book::{self, Chapter, RunTarget, Selector};
use crate::matcher;
use crate::runner::{self, Ended};

/// How long one cargo step (a cold build and test run included) may take.
const CARGO_STEP_TIMEOUT: Duration = Duration::from_secs(40 * 60);

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
        }
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Console blocks whose output matched.
    pub verified: usize,
    /// Console blocks that failed.
    pub failed_examples: usize,
    /// Every failure, example or not, as printed (first line is the headline).
    pub failures: Vec<String>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    pub fn summary(&self) -> String {
        format!(
            "check: {} examples verified, {} failed",
            self.verified,
            self.failed()
        )
    }
}

/// The cargo that runs us (set by `cargo run`), else the one on PATH.
fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

/// A crate under `crates/`.
#[derive(Debug)]
struct ChapterCrate {
    name: String,
    loom_tests: Vec<String>,
}

struct Ctx<'a> {
    opts: &'a Options,
    target_dir: PathBuf,
    out: &'a mut dyn Write,
    report: Report,
}

impl Ctx<'_> {
    fn say(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", line.as_ref());
        let _ = self.out.flush();
    }

    fn fail(&mut self, text: String) {
        for line in text.lines() {
            let _ = writeln!(self.out, "  {line}");
        }
        self.report.failures.push(text);
    }

    fn cargo(&self) -> Command {
        let mut cmd = Command::new(cargo_program());
        cmd.current_dir(&self.opts.root);
        cmd
    }

    fn target_args(&self) -> [String; 2] {
        ["--target-dir".into(), self.target_dir.display().to_string()]
    }
}

/// Runs the whole check, printing progress to `out`. `Err` means the check could not start
/// (no book, no workspace, an unknown chapter); failures found are in the report.
pub fn run(opts: &Options, out: &mut dyn Write) -> Result<Report> {
    let metadata = MetadataCommand::new()
        .manifest_path(opts.root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("cannot read the workspace (cargo metadata)")?;
    let crates_dir = opts.root.join("crates");
    let crates: BTreeMap<String, ChapterCrate> = metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| p.manifest_path.as_std_path().starts_with(&crates_dir))
        .map(|p| {
            let loom_tests = p.metadata["xtask"]["loom-tests"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let name = p.name.to_string();
            (name.clone(), ChapterCrate { name, loom_tests })
        })
        .collect();
    let package_names: BTreeMap<String, String> = metadata
        .packages
        .iter()
        .map(|p| (p.id.repr.clone(), p.name.to_string()))
        .collect();
    let chapters = book::load(&opts.root, &opts.root.join("book"))?;

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

    let target_dir = opts
        .target_dir
        .clone()
        .unwrap_or_else(|| metadata.target_directory.clone().into_std_path_buf());
    let mut ctx = Ctx {
        opts,
        target_dir,
        out,
        report: Report::default(),
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

    check_structure(&mut ctx, &chapters, &crates);
    if opts.examples {
        let executables = build_examples(&mut ctx, &selected, &package_names);
        for chapter in &selected {
            run_examples(&mut ctx, chapter, &executables);
        }
    }
    if opts.tests {
        let plans: Vec<Vec<CargoStep>> = selected
            .iter()
            .filter_map(|c| c.crate_marker.as_ref().and_then(|(n, _)| crates.get(n)))
            .map(|krate| cargo_steps(&ctx, krate))
            .collect();
        ctx.say(format!(
            "tests      running the tests and bench builds of {} chapters side by side ...",
            plans.len()
        ));
        // Chapters' tests mostly wait (deadlines, child processes), so running the chapters
        // side by side cuts a check's time to its slowest chapter. Each chapter's own steps
        // stay in order, and results print in chapter order.
        let root = &opts.root;
        let results: Vec<StepOutcome> = std::thread::scope(|s| {
            let handles: Vec<_> = plans
                .into_iter()
                .map(|steps| {
                    s.spawn(move || {
                        steps
                            .into_iter()
                            .map(|step| run_step(step, root))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join().unwrap_or_else(|_| {
                        vec![StepOutcome {
                            line: "tests      ... FAILED".into(),
                            failure: Some("a test runner thread of the checker panicked".into()),
                        }]
                    })
                })
                .collect()
        });
        for outcome in results {
            ctx.say(outcome.line);
            if let Some(failure) = outcome.failure {
                ctx.fail(failure);
            }
        }
    }
    if opts.book {
        build_book(&mut ctx);
    }
    Ok(ctx.report)
}

/// Steps 1 and 2: chapters and crates map one to one; includes resolve.
fn check_structure(
    ctx: &mut Ctx<'_>,
    chapters: &[Chapter],
    crates: &BTreeMap<String, ChapterCrate>,
) {
    let before = ctx.report.failures.len();
    let mut owner: BTreeMap<&str, &Chapter> = BTreeMap::new();
    let mut includes = 0;
    for chapter in chapters {
        for problem in &chapter.problems {
            ctx.fail(problem.clone());
        }
        let krate = match &chapter.crate_marker {
            Some((name, line)) => {
                if !crates.contains_key(name) {
                    ctx.fail(format!(
                        "{}: the chapter names crate `{name}`, but there is no crates/{name} in the workspace",
                        chapter.at(*line)
                    ));
                }
                if let Some(other) = owner.insert(name, chapter) {
                    ctx.fail(format!(
                        "{}: crate `{name}` is already the crate of {}",
                        chapter.at(*line),
                        other.display
                    ));
                }
                Some(name.as_str())
            }
            None if chapter.teaches_code() => {
                ctx.fail(format!(
                    "{}: the chapter shows code or runs examples but names no crate: add a line `<!-- crate: NAME -->`",
                    chapter.at(1)
                ));
                None
            }
            None => None,
        };
        for inc in &chapter.includes {
            includes += 1;
            if let Some(err) = check_include(inc) {
                ctx.fail(format!("{}: {err}", chapter.at(inc.line)));
            }
            if let (Some(from), Some(mine)) = (&inc.crate_name, krate)
                && from != mine
            {
                ctx.fail(format!(
                    "{}: includes code of crate `{from}`, but this chapter's crate is `{mine}`",
                    chapter.at(inc.line)
                ));
            }
        }
        for block in &chapter.blocks {
            if let Some(mine) = krate
                && block.run.package != mine
            {
                ctx.fail(format!(
                    "{}: runs package `{}`, but this chapter's crate is `{mine}`",
                    chapter.at(block.line),
                    block.run.package
                ));
            }
        }
    }
    // Benchmark results that `cargo xtask bench` generated: well-formed, and shown.
    match crate::bench::verify_fragments(&ctx.opts.root) {
        Ok(problems) => problems.into_iter().for_each(|p| ctx.fail(p)),
        Err(e) => ctx.fail(format!(
            "cannot verify the generated benchmark results: {e:#}"
        )),
    }
    let generated = ctx.opts.root.join("book/src/generated");
    for (name, chapter) in &owner {
        let fragment = generated.join(format!("{name}.md"));
        if fragment.is_file() && !chapter.includes.iter().any(|i| i.file == fragment) {
            ctx.fail(format!(
                "{}: the chapter does not show its benchmark results: add `{{{{#include generated/{name}.md}}}}`",
                chapter.display
            ));
        }
    }
    for name in crates.keys() {
        if !owner.contains_key(name.as_str()) {
            ctx.fail(format!(
                "crates/{name}: no chapter names this crate: add `<!-- crate: {name} -->` to its page in book/src/SUMMARY.md, or remove the crate"
            ));
        }
    }
    let ok = if ctx.report.failures.len() == before {
        "ok"
    } else {
        "FAILED"
    };
    ctx.say(format!(
        "structure  {} chapters, {} crates, {includes} includes ... {ok}",
        chapters.len(),
        crates.len()
    ));
}

static ANCHOR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"ANCHOR(_END)?:\s*([A-Za-z0-9_-]+)").expect("valid regex")
});

/// Checks one include against the file it names; `None` when it resolves.
fn check_include(inc: &book::Include) -> Option<String> {
    let text = match std::fs::read_to_string(&inc.file) {
        Ok(t) => t,
        Err(e) => {
            return Some(format!(
                "`{}`: cannot read {}: {e}",
                inc.target,
                inc.file.display()
            ));
        }
    };
    match &inc.selector {
        Selector::Whole => None,
        Selector::Lines(start, end) => {
            let lines = text.lines().count();
            let too_far = |n: &Option<usize>| n.is_some_and(|n| n == 0 || n > lines);
            (too_far(start) || too_far(end))
                .then(|| format!("`{}`: the file has only {lines} lines", inc.target))
        }
        Selector::Anchor(name) => {
            let (mut open, mut close) = (false, false);
            for caps in ANCHOR.captures_iter(&text) {
                if &caps[2] == name {
                    if caps.get(1).is_some() {
                        close = true;
                    } else {
                        open = true;
                    }
                }
            }
            match (open, close) {
                (true, true) => None,
                (false, _) => Some(format!(
                    "`{}`: no `ANCHOR: {name}` in {}",
                    inc.target,
                    inc.file.display()
                )),
                (true, false) => Some(format!(
                    "`{}`: `ANCHOR: {name}` has no `ANCHOR_END: {name}` in {}",
                    inc.target,
                    inc.file.display()
                )),
            }
        }
    }
}

type Executables = BTreeMap<(bool, String, RunTarget), PathBuf>;

/// Step 3a: one `cargo build` per profile the blocks use; returns the executables it made.
fn build_examples(
    ctx: &mut Ctx<'_>,
    selected: &[&Chapter],
    package_names: &BTreeMap<String, String>,
) -> Executables {
    let mut wanted: BTreeMap<bool, BTreeSet<&str>> = BTreeMap::new();
    for chapter in selected {
        for block in &chapter.blocks {
            wanted
                .entry(block.run.release)
                .or_default()
                .insert(block.run.package.as_str());
        }
    }
    let mut executables = Executables::new();
    for (release, packages) in wanted {
        let profile = if release { "release" } else { "dev" };
        let started = Instant::now();
        ctx.say(format!(
            "build      examples ({profile}): {}",
            packages.iter().copied().collect::<Vec<_>>().join(", ")
        ));
        let mut cmd = ctx.cargo();
        cmd.args([
            "build",
            "--examples",
            "--bins",
            "--message-format=json-render-diagnostics",
        ])
        .args(ctx.target_args())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        if release {
            cmd.arg("--release");
        }
        for p in &packages {
            cmd.args(["-p", p]);
        }
        match collect_artifacts(cmd, release, package_names, &mut executables) {
            Ok(true) => ctx.say(format!(
                "build      ... ok ({:.1} s)",
                started.elapsed().as_secs_f64()
            )),
            Ok(false) => ctx.fail(format!(
                "cargo build of the examples ({profile}) failed: see the compiler's messages above"
            )),
            Err(e) => ctx.fail(format!("cannot run cargo build: {e:#}")),
        }
    }
    executables
}

fn collect_artifacts(
    mut cmd: Command,
    release: bool,
    package_names: &BTreeMap<String, String>,
    into: &mut Executables,
) -> Result<bool> {
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    for message in Message::parse_stream(BufReader::new(stdout)) {
        if let Message::CompilerArtifact(art) = message? {
            let Some(exe) = art.executable else { continue };
            let Some(package) = package_names.get(&art.package_id.repr) else {
                continue;
            };
            let name = art.target.name.clone();
            let target = if art.target.kind.contains(&TargetKind::Example) {
                RunTarget::Example(name)
            } else if art.target.kind.contains(&TargetKind::Bin) {
                RunTarget::Bin(name)
            } else {
                continue;
            };
            into.insert((release, package.clone(), target), exe.into_std_path_buf());
        }
    }
    Ok(child.wait()?.success())
}

/// Step 3b: run every block of a chapter and compare.
fn run_examples(ctx: &mut Ctx<'_>, chapter: &Chapter, executables: &Executables) {
    for block in &chapter.blocks {
        let key = (
            block.run.release,
            block.run.package.clone(),
            block.run.target.clone(),
        );
        let label = format!(
            "run        {}",
            block.command.trim_start_matches("cargo run ")
        );
        let at = chapter.at(block.line);
        let Some(exe) = executables.get(&key) else {
            ctx.say(format!("{label} ... FAILED"));
            ctx.fail(format!(
                "{at}: `{}`: package `{}` has no {} `{}` (or it did not build)",
                block.command,
                block.run.package,
                match block.run.target {
                    RunTarget::Example(_) => "example",
                    RunTarget::Bin(_) => "binary",
                },
                block.run.target.name()
            ));
            ctx.report.failed_examples += 1;
            continue;
        };
        let outcome = match runner::run(exe, &block.run.args, &[], &ctx.opts.root, block.timeout) {
            Ok(o) => o,
            Err(e) => {
                ctx.say(format!("{label} ... FAILED"));
                ctx.fail(format!("{at}: `{}`: {e:#}", block.command));
                ctx.report.failed_examples += 1;
                continue;
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
            problems.push(
                "a process it started escaped its process group and kept the output open".into(),
            );
        }
        let mismatch = matcher::compare(&block.expected, &outcome.output, block.unordered).err();
        let secs = outcome.elapsed.as_secs_f64();
        if problems.is_empty() && mismatch.is_none() {
            ctx.report.verified += 1;
            ctx.say(format!("{label} ... ok ({secs:.1} s)"));
            continue;
        }
        ctx.report.failed_examples += 1;
        ctx.say(format!("{label} ... FAILED ({secs:.1} s)"));
        let mut text = String::new();
        match &mismatch {
            Some(m) => {
                // The command is on `block.line`; expected output starts on the next line.
                let line = block.line + 1 + m.first_line;
                let _ = writeln!(
                    text,
                    "{}: `{}` printed something else than the book shows (block at line {})",
                    chapter.at(line),
                    block.command,
                    block.line
                );
            }
            None => {
                let _ = writeln!(text, "{at}: `{}`", block.command);
            }
        }
        for p in &problems {
            let _ = writeln!(text, "  {p}");
        }
        match mismatch {
            Some(m) => {
                for line in m.diff.lines() {
                    let _ = writeln!(text, "    {line}");
                }
            }
            None if !problems.is_empty() => {
                let _ = writeln!(text, "  its output:");
                for line in outcome.output.lines().take(40) {
                    let _ = writeln!(text, "    | {line}");
                }
            }
            None => {}
        }
        ctx.fail(text.trim_end().to_string());
    }
}

/// One cargo command run with captured output.
struct CargoStep {
    label: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// Step 4: the cargo commands proving that a crate's tests (and loom models) pass and its
/// benchmarks compile.
fn cargo_steps(ctx: &Ctx<'_>, krate: &ChapterCrate) -> Vec<CargoStep> {
    let name = krate.name.as_str();
    let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let mut steps = vec![CargoStep {
        label: format!("tests      {name}"),
        args: [words(&["test", "-p", name]), ctx.target_args().to_vec()].concat(),
        env: vec![],
    }];
    for test in &krate.loom_tests {
        // loom swaps the crate's sync primitives under `--cfg loom`; that rebuilds everything,
        // so it gets its own target directory to keep the normal build cached.
        let loom_dir = ctx.target_dir.join("loom").display().to_string();
        let flags = std::env::var("RUSTFLAGS")
            .map_or_else(|_| "--cfg loom".into(), |f| format!("{f} --cfg loom"));
        steps.push(CargoStep {
            label: format!("loom       {name} --test {test}"),
            args: words(&[
                "test",
                "-p",
                name,
                "--release",
                "--test",
                test,
                "--target-dir",
                &loom_dir,
            ]),
            env: vec![("RUSTFLAGS".into(), flags)],
        });
    }
    steps.push(CargoStep {
        label: format!("benches    {name}"),
        args: [
            words(&["bench", "--no-run", "-p", name]),
            ctx.target_args().to_vec(),
        ]
        .concat(),
        env: vec![],
    });
    steps
}

/// What one cargo step printed for the progress list, and its failure, if any.
struct StepOutcome {
    line: String,
    failure: Option<String>,
}

fn run_step(step: CargoStep, root: &Path) -> StepOutcome {
    let CargoStep { label, args, env } = step;
    let started = Instant::now();
    let result = runner::run(&cargo_program(), &args, &env, root, CARGO_STEP_TIMEOUT);
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(o) if o.ended == Ended::Exited(0) => {
            let counts = test_counts(&o.output)
                .map(|(passed, _)| format!("{passed} passed, "))
                .unwrap_or_default();
            StepOutcome {
                line: format!("{label} ... ok ({counts}{secs:.1} s)"),
                failure: None,
            }
        }
        Ok(o) => {
            let tail: Vec<&str> = o.output.lines().rev().take(60).collect();
            let mut text = format!("`cargo {}` {}; its last lines:", args.join(" "), o.ended);
            for line in tail.into_iter().rev() {
                let _ = write!(text, "\n    | {line}");
            }
            StepOutcome {
                line: format!("{label} ... FAILED ({secs:.1} s)"),
                failure: Some(text),
            }
        }
        Err(e) => StepOutcome {
            line: format!("{label} ... FAILED"),
            failure: Some(format!("cannot run `cargo {}`: {e:#}", args.join(" "))),
        },
    }
}

/// Sums cargo's `test result:` lines: (passed, failed).
fn test_counts(output: &str) -> Option<(usize, usize)> {
    let mut seen = false;
    let (mut passed, mut failed) = (0, 0);
    for line in output.lines().filter(|l| l.starts_with("test result:")) {
        seen = true;
        let num = |word: &str| {
            line.split(';')
                .find(|part| part.trim_end().ends_with(word))
                .and_then(|part| part.split_whitespace().rev().nth(1)?.parse::<usize>().ok())
                .unwrap_or(0)
        };
        passed += num("passed");
        failed += num("failed");
    }
    seen.then_some((passed, failed))
}

/// Step 5: build the HTML book.
fn build_book(ctx: &mut Ctx<'_>) {
    let started = Instant::now();
    match crate::build_book(&ctx.opts.root.join("book")) {
        Ok(index) => {
            ctx.say(format!(
                "book       {} ... ok ({:.1} s)",
                display_path(&ctx.opts.root, &index),
                started.elapsed().as_secs_f64()
            ));
            // Every internal link and anchor of the rendered pages must lead somewhere.
            let html = index.parent().unwrap_or(&index).to_path_buf();
            match crate::links::check_links(&html) {
                Ok(broken) if broken.is_empty() => ctx.say("links      ... ok"),
                Ok(broken) => {
                    ctx.say(format!("links      ... FAILED ({} broken)", broken.len()));
                    for b in broken {
                        ctx.fail(format!("{}: {b}", display_path(&ctx.opts.root, &html)));
                    }
                }
                Err(e) => ctx.fail(format!("cannot check the book's links: {e:#}")),
            }
        }
        Err(e) => {
            ctx.say("book       ... FAILED");
            ctx.fail(format!("the book did not build: {e:#}"));
        }
    }
}

pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_test_results() {
        let out = "running 2 tests\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\ntest result: FAILED. 3 passed; 1 failed; 0 ignored\n";
        assert_eq!(test_counts(out), Some((5, 1)));
        assert_eq!(test_counts("nothing"), None);
    }
}
