//! Step 4: each chapter's tests (the test programs the workspace build made, run like
//! `cargo test` runs them), its loom models and its doc tests; step 5: the book and its links.

use std::time::{Duration, Instant};

use super::Ctx;
use super::cache::Fingerprint;
use crate::book::{Chapter, ChapterCrate, Workspace};
use crate::build::{Built, cargo_program, rustc_program};
use crate::problem::Problem;
use crate::runner::{self, Ended};

/// How long one test program or cargo step (a cold loom build included) may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(40 * 60);

/// One thing to run: a test program, or a cargo command.
#[derive(Debug, Clone)]
struct Step {
    label: String,
    program: std::path::PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: std::path::PathBuf,
    key: String,
    fingerprint: u64,
    /// A loom step must have run at least one test.
    needs_tests: bool,
}

struct Outcome {
    line: String,
    failure: Option<Problem>,
}

/// `rustc --version` of the toolchain in use.
pub(crate) fn rustc_version() -> Option<String> {
    let mut cmd = std::process::Command::new(rustc_program());
    cmd.arg("--version");
    let out = runner::output(&mut cmd).ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The rustc in use against the workspace's `rust-version`: the oldest release whose output
/// the book shows (panic lines carry the thread id only from 1.91 on).
pub(crate) fn toolchain_line(ws: &Workspace) -> Option<String> {
    let wanted = ws
        .metadata
        .workspace_packages()
        .iter()
        .find_map(|p| p.rust_version.clone())?;
    let text = rustc_version()?;
    let version = text.split_whitespace().nth(1)?;
    let have = cargo_metadata::semver::Version::parse(version.split('-').next()?).ok()?;
    let floor = cargo_metadata::semver::Version::new(wanted.major, wanted.minor, wanted.patch);
    Some(if have < floor {
        format!(
            "toolchain  {text} is older than {wanted}, the oldest release whose output the book shows: expect some outputs to differ (rustup update)"
        )
    } else {
        format!("toolchain  {text} (the book's outputs need {wanted} or newer) ... ok")
    })
}

pub(crate) fn run(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>], built: &Built) {
    let mut plans: Vec<Vec<Step>> = Vec::new();
    for chapter in selected {
        plans.push(chapter_steps(ctx.ws(), chapter.krate, built));
    }
    plans.push(vec![doc_step(ctx.ws())]);
    let (mut cached, mut to_run): (Vec<Vec<Step>>, Vec<Vec<Step>>) = (Vec::new(), Vec::new());
    for plan in plans {
        let (hit, miss): (Vec<Step>, Vec<Step>) = plan
            .into_iter()
            .partition(|s| ctx.cache.passed(&s.key, s.fingerprint));
        cached.push(hit);
        to_run.push(miss);
    }
    let unchanged: usize = cached.iter().map(Vec::len).sum();
    ctx.say(format!(
        "tests      running the tests of {} chapters side by side ({unchanged} test programs unchanged since they passed) ...",
        selected.len()
    ));
    // Chapters' tests mostly wait (deadlines, child processes), so running the chapters side
    // by side cuts a check's time to its slowest chapter. Each chapter's own steps stay in
    // order, and results print in chapter order.
    let results: Vec<Vec<(Step, Outcome)>> = std::thread::scope(|s| {
        let handles: Vec<_> = to_run
            .into_iter()
            .map(|steps| {
                s.spawn(move || {
                    steps
                        .into_iter()
                        .map(|st| {
                            let o = run_step(&st);
                            (st, o)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Vec::new()))
            .collect()
    });
    for chapter in results {
        for (step, outcome) in chapter {
            ctx.say(&outcome.line);
            match outcome.failure {
                Some(failure) => {
                    ctx.cache.forget(&step.key);
                    ctx.fail(failure);
                }
                None => ctx.cache.record(&step.key, step.fingerprint),
            }
        }
    }
    if built.ok {
        for chapter in selected.iter().filter(|c| !c.krate.benches.is_empty()) {
            ctx.say(format!(
                "benches    {} ... ok (compiled with the workspace build)",
                chapter.name()
            ));
        }
    }
}

/// A chapter's test programs, then its loom models.
fn chapter_steps(ws: &Workspace, krate: &ChapterCrate, built: &Built) -> Vec<Step> {
    let name = &krate.name;
    let source = Fingerprint::new()
        .tree(&krate.dir)
        .file(&ws.root.join("Cargo.lock"))
        .file(&ws.root.join("Cargo.toml"));
    let env = vec![
        (
            "CARGO_MANIFEST_DIR".to_owned(),
            krate.dir.display().to_string(),
        ),
        ("CARGO_PKG_NAME".to_owned(), name.clone()),
    ];
    let mut steps: Vec<Step> = built
        .tests
        .get(name)
        .into_iter()
        .flatten()
        .filter(|(target, _)| !krate.meta.loom_tests.contains(target))
        .map(|(target, exe)| Step {
            label: format!("tests      {name} ({target})"),
            program: exe.clone(),
            args: Vec::new(),
            env: env.clone(),
            cwd: krate.dir.clone(),
            key: format!("test {name} {target}"),
            fingerprint: Fingerprint::new().tree(&krate.dir).file(exe).finish(),
            needs_tests: false,
        })
        .collect();
    for test in &krate.meta.loom_tests {
        // The chapter's feature `loom` swaps its sync types for loom's. Selecting the whole
        // workspace keeps every other crate's features as the workspace build resolved them,
        // so only this crate and loom itself compile again.
        let feature = format!("{name}/loom");
        steps.push(Step {
            label: format!("loom       {name} --test {test}"),
            program: cargo_program(),
            args: [
                "test",
                "--locked",
                "--workspace",
                "--features",
                &feature,
                "--test",
                test,
            ]
            .map(String::from)
            .to_vec(),
            env: Vec::new(),
            cwd: ws.root.clone(),
            key: format!("loom {name} {test}"),
            fingerprint: Fingerprint::new().tree(&krate.dir).finish() ^ source.finish(),
            needs_tests: true,
        });
    }
    steps
}

/// The doc tests of every workspace member, with the workspace's feature set (a `-p` subset
/// would resolve features differently and rebuild the dependencies).
fn doc_step(ws: &Workspace) -> Step {
    let mut fp = Fingerprint::new().file(&ws.root.join("Cargo.lock"));
    for c in &ws.crates {
        fp = fp.tree(&c.dir.join("src"));
    }
    Step {
        label: "doctests   every crate".into(),
        program: cargo_program(),
        args: ["test", "--locked", "--workspace", "--doc", "--target-dir"]
            .map(String::from)
            .into_iter()
            .chain([ws.target_dir.display().to_string()])
            .collect(),
        env: Vec::new(),
        cwd: ws.root.clone(),
        key: "doctests".into(),
        fingerprint: fp.finish(),
        needs_tests: false,
    }
}

fn run_step(step: &Step) -> Outcome {
    let started = Instant::now();
    let result = runner::run(
        &step.program,
        &step.args,
        &step.env,
        &step.cwd,
        STEP_TIMEOUT,
    );
    let secs = started.elapsed().as_secs_f64();
    let label = &step.label;
    let command = if step.program == cargo_program() {
        format!("`cargo {}`", step.args.join(" "))
    } else {
        format!(
            "the test program `{}`",
            step.label.trim_start_matches("tests").trim()
        )
    };
    match result {
        Ok(o) if o.ended == Ended::Exited(0) => {
            let counts = test_counts(&o.output);
            if step.needs_tests && counts.is_none_or(|(passed, _)| passed == 0) {
                return Outcome {
                    line: format!("{label} ... FAILED ({secs:.1} s)"),
                    failure: Some(Problem::new(format!(
                        "{command} ran no test: a loom step must run its models"
                    ))),
                };
            }
            let counts = counts
                .map(|(passed, _)| format!("{passed} passed, "))
                .unwrap_or_default();
            Outcome {
                line: format!("{label} ... ok ({counts}{secs:.1} s)"),
                failure: None,
            }
        }
        Ok(o) => {
            let mut tail: Vec<String> = o
                .output
                .lines()
                .rev()
                .take(60)
                .map(|l| format!("| {l}"))
                .collect();
            tail.reverse();
            Outcome {
                line: format!("{label} ... FAILED ({secs:.1} s)"),
                failure: Some(
                    Problem::new(format!("{command}: {}; its last lines:", o.ended)).detail(tail),
                ),
            }
        }
        Err(e) => Outcome {
            line: format!("{label} ... FAILED"),
            failure: Some(Problem::new(format!("cannot run {command}: {e:#}"))),
        },
    }
}

/// Sums libtest's `test result:` lines: (passed, failed).
pub(crate) fn test_counts(output: &str) -> Option<(usize, usize)> {
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

/// Step 5: build the HTML book, every edition, and check their links.
pub(crate) fn build_book(ctx: &mut Ctx<'_>) {
    let started = Instant::now();
    match crate::render::html::build_all(ctx.book) {
        Ok(built) => {
            let index = built[0].clone();
            let editions: Vec<String> = built.iter().map(|i| ctx.book.display(i)).collect();
            ctx.say(format!(
                "book       {} ... ok ({:.1} s)",
                editions.join(", "),
                started.elapsed().as_secs_f64()
            ));
            // Every internal link and anchor of the rendered pages must lead somewhere.
            let html = index.parent().unwrap_or(&index).to_path_buf();
            let shown = ctx.book.display(&html);
            match crate::links::check_links(&html) {
                Ok(broken) if broken.is_empty() => ctx.say("links      ... ok"),
                Ok(broken) => {
                    ctx.say(format!("links      ... FAILED ({} broken)", broken.len()));
                    for b in broken {
                        ctx.fail(Problem::new(format!("{shown}/{b}")));
                    }
                }
                Err(e) => ctx.fail(Problem::new(format!(
                    "cannot check the book's links: {e:#}"
                ))),
            }
        }
        Err(e) => {
            ctx.say("book       ... FAILED");
            ctx.fail(Problem::new(format!("the book did not build: {e:#}")));
        }
    }
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
