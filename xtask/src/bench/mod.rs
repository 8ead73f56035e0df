//! `cargo xtask bench [CHAPTER...] [--quick] [--publish]`: runs the chapters' criterion
//! benchmarks, their Python twins and probes, and writes `book/src/generated/<chapter>.json`:
//! the measurements and the machine they were taken on, the one source of every generated
//! file (`render::files`) and of every `{{#measured}}` figure and claim in the prose.
//!
//! What each chapter compares is its own business: the `[package.metadata.xtask]` table of
//! its `Cargo.toml` (see `book/meta.rs`). Each bench runs with `CRITERION_HOME` pointing at a
//! fresh folder of its own, so every result found there was written by that run.

pub(crate) mod criterion;
pub(crate) mod machine;
pub(crate) mod twins;

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::book::{Book, Chapter, RunTarget};
use crate::build;
use crate::claims;
use crate::files::write_if_changed;
use crate::render;
use crate::results::{self, ChapterResults, Stamp};
use crate::runner::{self, Ended};
use machine::{CpuTimes, Machine};

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// By crate name; empty means every chapter that measures something.
    pub chapters: Vec<String>,
    pub quick: bool,
    /// The maintainers' run the book ships with: its claims must hold on it.
    pub publish: bool,
}

/// The results file of a chapter, under `book/src/generated/`.
fn file_of(chapter: &str) -> String {
    format!("{chapter}.json")
}

/// Other programs taking more than this share of the machine's CPU time disturb a run.
pub const BUSY_SHARE: f64 = 0.05;

/// Renders every generated file again from the committed `<chapter>.json`, measuring nothing
/// (after a change to a chapter's metadata: a label, a new ratio, a plot); the JSON is
/// written again too, in today's format.
pub fn render_again(book: &Book, out: &mut dyn Write) -> Result<()> {
    let dir = book.generated_dir();
    let all = results::load_all(&dir)?;
    for (name, results) in &all {
        if book.ws.krate(name).is_none() {
            bail!(
                "{}: no chapter `{name}` in the workspace",
                render::shown(&file_of(name))
            );
        }
        let (file, text) = results.json()?;
        write_if_changed(&dir.join(file), text.as_bytes())?;
    }
    let files = render::files(book, &all)?;
    render::write(book, &files)?;
    for f in &files {
        say(
            out,
            format!("bench: rendered {} again", render::shown(&f.file)),
        );
    }
    Ok(())
}

/// Runs the measurements, writes the generated files, and returns the chapters done.
pub fn run(book: &Book, opts: &Options, out: &mut dyn Write) -> Result<Vec<String>> {
    let started = Instant::now();
    let mut selected = book.select(&opts.chapters)?;
    if let Some(c) = selected
        .iter()
        .find(|c| !c.krate.measures() && !opts.chapters.is_empty())
    {
        bail!(
            "chapter `{}` measures nothing (no benches, probes or Python twins)",
            c.name()
        );
    }
    selected.retain(|c| c.krate.measures());
    let ws = &book.ws;

    // One build for every chapter: cargo shares the work across them.
    say(
        out,
        "bench: building the benchmarks and probes (release profile)",
    );
    let mut args = vec!["bench", "--no-run"];
    for c in &selected {
        args.extend(["-p", c.name()]);
    }
    let benches = build::build(ws, false, &args)?;
    ensure!(
        benches.ok,
        "building the benchmarks failed: see the compiler's messages above"
    );
    let probe_packages: Vec<&str> = selected
        .iter()
        .filter(|c| !c.krate.meta.probes.is_empty())
        .map(|c| c.name())
        .collect();
    let probes = if probe_packages.is_empty() {
        build::Executables::new()
    } else {
        let (exes, ok) = build::build_targets(ws, true, &probe_packages, &["--examples"])?;
        ensure!(
            ok,
            "building the probes failed: see the compiler's messages above"
        );
        exes
    };
    say(
        out,
        format!("bench: built in {:.0} s", started.elapsed().as_secs_f64()),
    );

    let machine = Machine::read();
    for c in &selected {
        let results = measure(book, c, opts, &machine, &benches, &probes, out)?;
        let (file, text) = results.json()?;
        write_if_changed(&book.generated_dir().join(file), text.as_bytes())?;
        // Every generated file again after each chapter: an interrupted run leaves the
        // chapters it finished consistent.
        let all = results::load_all(&book.generated_dir())?;
        render::write(book, &render::files(book, &all)?)?;
        say(
            out,
            format!("bench: wrote {}", render::shown(&file_of(c.name()))),
        );
        for warning in noise_warnings(&results) {
            say(out, format!("bench: warning: {warning}"));
        }
    }
    say(
        out,
        format!(
            "bench: {} chapters in {:.0} s; results in book/src/generated/",
            selected.len(),
            started.elapsed().as_secs_f64()
        ),
    );
    let figures = render::figures::Figures::load(book)?;
    let names: Vec<&str> = selected.iter().map(|c| c.name()).collect();
    let not_held = claims::not_holding(&figures.judge(), &names);
    if not_held.is_empty() {
        say(
            out,
            "bench: every claim of these chapters holds on these measurements",
        );
    } else {
        let whose = if opts.publish {
            " (the book's: reword them or measure again before publishing)"
        } else {
            " (this machine's: the book now shows a note beside each)"
        };
        say(
            out,
            format!(
                "bench: {} claims do not hold on these measurements{whose}:",
                not_held.len()
            ),
        );
        for line in not_held {
            say(out, format!("  {line}"));
        }
    }
    Ok(names.into_iter().map(String::from).collect())
}

/// One chapter's benches, probes and Python twins.
fn measure(
    book: &Book,
    c: &Chapter<'_>,
    opts: &Options,
    machine: &Machine,
    benches: &build::Built,
    probes: &build::Executables,
    out: &mut dyn Write,
) -> Result<ChapterResults> {
    let (name, krate) = (c.name(), c.krate);
    let cpu_before = CpuTimes::read();
    let mut measurements = Vec::new();
    let mut notes = Vec::new();
    for bench in &krate.benches {
        let source = format!("benches/{bench}.rs");
        let exe = benches
            .benches
            .get(&(name.to_owned(), bench.clone()))
            .with_context(|| format!("{name}: the bench `{bench}` was not built"))?;
        let home = book
            .ws
            .target_dir
            .join("xtask-bench")
            .join(name)
            .join(bench);
        if home.exists() {
            std::fs::remove_dir_all(&home)
                .with_context(|| format!("cannot clear {}", home.display()))?;
        }
        say(out, format!("bench: {name} {source}"));
        let t = Instant::now();
        // As `cargo bench` runs it: `--bench`, from the crate's folder.
        let mut cmd = Command::new(exe);
        cmd.arg("--bench")
            .current_dir(&krate.dir)
            .env("CRITERION_HOME", &home)
            .env("CARGO_MANIFEST_DIR", &krate.dir);
        if opts.quick {
            cmd.args(criterion::QUICK_ARGS);
        }
        let ended = runner::status(&mut cmd)?;
        ensure!(
            ended == Ended::Exited(0),
            "`cargo bench -p {name} --bench {bench}`: {ended}"
        );
        let found = criterion::read_criterion_dir(&home, &source)?;
        ensure!(
            !found.is_empty(),
            "{name} {source}: criterion wrote no results"
        );
        say(
            out,
            format!(
                "bench: {name} {source}: {} results in {:.0} s",
                found.len(),
                t.elapsed().as_secs_f64()
            ),
        );
        measurements.extend(found);
    }
    for probe in &krate.meta.probes {
        let key = (
            true,
            name.to_owned(),
            RunTarget::Example(probe.example.clone()),
        );
        let exe = probes
            .get(&key)
            .with_context(|| format!("{name}: no example `{}` for its probe", probe.example))?;
        say(
            out,
            format!("bench: {name} probe examples/{}.rs", probe.example),
        );
        let (found, note) =
            twins::run_probe(book.root(), name, probe, exe).map_err(anyhow::Error::msg)?;
        measurements.extend(found);
        notes.push(note);
    }
    for twin in &krate.meta.python_twins {
        let (found, note) = twins::run_python(book.root(), name, &krate.dir, twin, machine.cores);
        say(out, format!("bench: {name} Python twin: {note}"));
        measurements.extend(found);
        notes.push(note);
    }
    Ok(ChapterResults {
        chapter: name.to_owned(),
        stamp: Stamp {
            cpu: machine.cpu.clone(),
            cores: machine.cores,
            date: machine::utc_now(),
            rustc: machine.rustc.clone(),
            quick: opts.quick,
            published: opts.publish,
            others_cpu: cpu_before.and_then(|b| Some(b.others_share(&CpuTimes::read()?))),
        },
        benches: krate.bench_sources(),
        measurements,
        notes,
    })
}

/// What made a chapter's run rough: rows with wide intervals, and a busy machine.
pub fn noise_warnings(results: &ChapterResults) -> Vec<String> {
    let name = &results.chapter;
    let mut warnings = Vec::new();
    let wide: Vec<&str> = results
        .measurements
        .iter()
        .filter(|m| results::is_wide(m))
        .map(|m| m.id.as_str())
        .collect();
    if !wide.is_empty() {
        warnings.push(format!(
            "{name}: {} of {} rows have a 95% interval wider than {:.0}% of their median ({}): measure again on a quieter machine (`cargo xtask bench {name}`)",
            wide.len(),
            results.measurements.len(),
            results::WIDE_INTERVAL * 100.0,
            wide.join(", ")
        ));
    }
    if let Some(share) = results.stamp.others_cpu.filter(|s| *s > BUSY_SHARE) {
        warnings.push(format!(
            "{name}: other programs used {:.0}% of the CPU time while it ran (more than {:.0}%): measure again when the machine is quiet",
            share * 100.0,
            BUSY_SHARE * 100.0
        ));
    }
    warnings
}

fn say(out: &mut dyn Write, line: impl AsRef<str>) {
    let _ = writeln!(out, "{}", line.as_ref());
    let _ = out.flush();
}
