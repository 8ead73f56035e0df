//! `cargo xtask bench [CHAPTER...] [--quick]`: runs the chapters' criterion benchmarks, their
//! Python twins and probes, and writes what the book includes under `book/src/generated/`:
//!
//! - `<chapter>.json`: the measurements and the machine they were taken on: the one source
//!   every other generated file, and every `{{#measured}}` figure in the prose, is drawn from;
//! - `<chapter>.md`: the fragment with the table of results and the chapter's ratios;
//! - `<chapter>-*.svg`: its plots;
//! - `costs.md`: the appendix table, "what concurrency costs on this machine";
//! - `costs-ladder.svg`: the same costs as dots on one logarithmic time axis (`ladder.rs`).
//!
//! What each chapter compares is its own business: the `[package.metadata.xtask]` table of
//! its `Cargo.toml` (see `meta.rs`). Each bench target runs with `CRITERION_HOME` pointing at
//! a fresh folder of its own, so every result found there was written by that run.

pub mod criterion;
pub mod ladder;
pub mod machine;
pub mod plot;
pub mod render;
pub mod results;
pub mod twins;
pub mod verify;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::build::{self, RunTarget};
use crate::meta::ChapterMeta;
use crate::workspace::{ChapterCrate, Workspace};
use machine::{CpuTimes, Machine};
use render::Pages;
use results::{ChapterResults, Stamp};

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// By crate name; empty means every chapter that measures something.
    pub chapters: Vec<String>,
    pub quick: bool,
    /// The maintainers' run the book ships with: its claims must hold on it.
    pub publish: bool,
}

/// Renders every generated file again from the committed `<chapter>.json`, measuring nothing:
/// after a change to a chapter's metadata (a label, a new ratio, a plot).
pub fn render_again(ws: &Workspace, out: &mut dyn Write) -> Result<()> {
    let generated = ws.generated_dir();
    let all = load_results(&generated)?;
    for (name, results) in &all {
        let Some(c) = ws.chapter(name) else {
            bail!("book/src/generated/{name}.json: no chapter `{name}` in the workspace");
        };
        for (file, text) in chapter_files(results, &c.meta)? {
            std::fs::write(generated.join(&file), text)?;
        }
        // The JSON too, so that it is in today's format.
        std::fs::write(
            generated.join(format!("{name}.json")),
            serde_json::to_string_pretty(results)? + "\n",
        )?;
        say(
            out,
            format!("bench: rendered book/src/generated/{name}.md again"),
        );
    }
    write_costs(&generated, &ws.chapters, &all, &book_pages(ws)?)?;
    say(
        out,
        format!(
            "bench: rendered book/src/generated/costs.md and {} again",
            ladder::FILE
        ),
    );
    Ok(())
}

/// A chapter measures something: criterion benches, a probe or a Python twin.
pub fn measures(c: &ChapterCrate) -> bool {
    !c.benches.is_empty() || !c.meta.probes.is_empty() || !c.meta.python_twins.is_empty()
}

/// Runs the measurements, writes the generated files, and returns the chapters done.
pub fn run(ws: &Workspace, opts: &Options, out: &mut dyn Write) -> Result<Vec<String>> {
    let started = Instant::now();
    let measured: Vec<&ChapterCrate> = ws.chapters.iter().filter(|c| measures(c)).collect();
    for wanted in &opts.chapters {
        if !measured.iter().any(|c| &c.name == wanted) {
            bail!(
                "unknown chapter `{wanted}`; chapters with measurements: {}",
                measured
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    let selected: Vec<&ChapterCrate> = measured
        .into_iter()
        .filter(|c| opts.chapters.is_empty() || opts.chapters.contains(&c.name))
        .collect();
    let generated = ws.generated_dir();
    std::fs::create_dir_all(&generated)?;
    let pages = book_pages(ws)?;

    // One build for every chapter: cargo shares the work across them.
    say(
        out,
        "bench: building the benchmarks and probes (release profile)",
    );
    let mut cmd = build::cargo(ws);
    cmd.args(["bench", "--no-run", "--quiet", "--locked"]);
    for c in &selected {
        cmd.args(["-p", &c.name]);
    }
    let status = cmd.status().context("cannot run cargo")?;
    ensure!(status.success(), "building the benchmarks failed: {status}");
    let probe_packages: Vec<&str> = selected
        .iter()
        .filter(|c| !c.meta.probes.is_empty())
        .map(|c| c.name.as_str())
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
        let name = &c.name;
        let cpu_before = CpuTimes::read();
        let mut measurements = Vec::new();
        let mut notes = Vec::new();
        for bench in &c.benches {
            let source = format!("benches/{bench}.rs");
            let home = ws.target_dir.join("xtask-bench").join(name).join(bench);
            if home.exists() {
                std::fs::remove_dir_all(&home)
                    .with_context(|| format!("cannot clear {}", home.display()))?;
            }
            say(out, format!("bench: {name} {source}"));
            let t = Instant::now();
            let mut cmd = build::cargo(ws);
            cmd.args([
                "bench", "--quiet", "--locked", "-p", name, "--bench", bench, "--",
            ])
            .env("CRITERION_HOME", &home);
            if opts.quick {
                cmd.args(criterion::QUICK_ARGS);
            }
            let status = cmd.status().context("cannot run cargo bench")?;
            ensure!(
                status.success(),
                "`cargo bench -p {name} --bench {bench}` failed: {status}"
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
        for probe in &c.meta.probes {
            let key = (
                true,
                name.clone(),
                RunTarget::Example(probe.example.clone()),
            );
            let exe = probes
                .get(&key)
                .with_context(|| format!("{name}: no example `{}` for its probe", probe.example))?;
            say(
                out,
                format!("bench: {name} probe examples/{}.rs", probe.example),
            );
            match twins::run_probe(&ws.root, name, probe, exe) {
                Ok((found, note)) => {
                    measurements.extend(found);
                    notes.push(note);
                }
                Err(why) => bail!("{why}"),
            }
        }
        for twin in &c.meta.python_twins {
            let (found, note) = twins::run_python(&ws.root, name, &c.dir, twin, machine.cores);
            say(out, format!("bench: {name} Python twin: {note}"));
            measurements.extend(found);
            notes.push(note);
        }
        let results = ChapterResults {
            chapter: name.clone(),
            stamp: Stamp {
                cpu: machine.cpu.clone(),
                cores: machine.cores,
                date: machine::utc_now(),
                rustc: machine.rustc.clone(),
                quick: opts.quick,
                published: opts.publish,
                others_cpu: cpu_before.and_then(|b| Some(b.others_share(&CpuTimes::read()?))),
            },
            benches: c.bench_sources(),
            measurements,
            notes,
        };
        write_chapter(&generated, &results, &c.meta)?;
        say(out, format!("bench: wrote book/src/generated/{name}.md"));
        for warning in noise_warnings(&results) {
            say(out, format!("bench: warning: {warning}"));
        }
    }
    let all = load_results(&generated)?;
    write_costs(&generated, &ws.chapters, &all, &pages)?;
    say(
        out,
        format!(
            "bench: {} chapters in {:.0} s; results in book/src/generated/",
            selected.len(),
            started.elapsed().as_secs_f64()
        ),
    );
    let metas = ws
        .chapters
        .iter()
        .map(|c| (c.name.clone(), c.meta.clone()))
        .collect();
    let judge = crate::claims::Judge {
        results: &all,
        metas: &metas,
    };
    let names: Vec<&str> = selected.iter().map(|c| c.name.as_str()).collect();
    let not_held = crate::claims::not_holding(&judge, &names);
    if not_held.is_empty() {
        say(
            out,
            "bench: every claim of these chapters holds on these measurements",
        );
    } else {
        say(
            out,
            format!(
                "bench: {} claims do not hold on these measurements{}:",
                not_held.len(),
                if opts.publish {
                    " (the book's: reword them or measure again before publishing)"
                } else {
                    " (this machine's: the book now shows a note beside each)"
                }
            ),
        );
        for line in not_held {
            say(out, format!("  {line}"));
        }
    }
    Ok(selected.iter().map(|c| c.name.clone()).collect())
}

/// A row whose 95% interval is wider than this share of its median is too noisy to rank.
pub const WIDE_INTERVAL: f64 = 0.10;
/// Other programs taking more than this share of the machine's CPU time disturb a run.
pub const BUSY_SHARE: f64 = 0.05;

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
            WIDE_INTERVAL * 100.0,
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

/// The files a chapter's results render to, `(name under generated/, contents)`: its plots,
/// then its fragment. Plots with no data are left out.
pub fn chapter_files(
    results: &ChapterResults,
    meta: &ChapterMeta,
) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    let mut shown = Vec::new();
    for p in &meta.speedup_plots {
        if let Some(svg) = plot::draw_speedup(p, results)? {
            files.push((p.file.clone(), svg));
            shown.push((p.file.clone(), p.title.clone()));
        }
    }
    for p in &meta.bar_plots {
        if let Some(svg) = plot::draw_bars(p, results)? {
            files.push((p.file.clone(), svg));
            shown.push((p.file.clone(), p.title.clone()));
        }
    }
    files.push((
        format!("{}.md", results.chapter),
        render::render_fragment(results, meta, &shown),
    ));
    Ok(files)
}

/// Writes `<chapter>.json`, its plots and `<chapter>.md`; removes plots it no longer draws.
pub fn write_chapter(generated: &Path, results: &ChapterResults, meta: &ChapterMeta) -> Result<()> {
    let name = &results.chapter;
    std::fs::write(
        generated.join(format!("{name}.json")),
        serde_json::to_string_pretty(results)? + "\n",
    )?;
    let files = chapter_files(results, meta)?;
    let declared = meta
        .speedup_plots
        .iter()
        .map(|p| &p.file)
        .chain(meta.bar_plots.iter().map(|p| &p.file));
    for file in declared {
        if !files.iter().any(|(f, _)| f == file) {
            match std::fs::remove_file(generated.join(file)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
    }
    for (file, text) in files {
        std::fs::write(generated.join(file), text)?;
    }
    Ok(())
}

/// Every `<chapter>.json` under `generated`, by chapter.
pub fn load_results(generated: &Path) -> Result<BTreeMap<String, ChapterResults>> {
    let mut all = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(generated) else {
        return Ok(all);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path)?;
            let r: ChapterResults = serde_json::from_str(&text)
                .with_context(|| format!("cannot read {}", path.display()))?;
            all.insert(r.chapter.clone(), r);
        }
    }
    Ok(all)
}

/// Every chapter's cost rows, `(chapter, row)`, in the workspace's order.
fn all_costs(chapters: &[ChapterCrate]) -> Vec<(String, crate::meta::Cost)> {
    chapters
        .iter()
        .flat_map(|c| {
            c.meta
                .costs
                .iter()
                .map(|cost| (c.name.clone(), cost.clone()))
        })
        .collect()
}

/// `costs.md`: every chapter's cost rows, from whichever chapters have results.
pub fn costs_file(
    chapters: &[ChapterCrate],
    all: &BTreeMap<String, ChapterResults>,
    pages: &Pages,
) -> String {
    render::render_costs(all, &all_costs(chapters), pages)
}

/// `costs-ladder.svg`: the same rows as `costs.md`, drawn on one logarithmic time axis.
pub fn costs_ladder(
    chapters: &[ChapterCrate],
    all: &BTreeMap<String, ChapterResults>,
    pages: &Pages,
) -> Result<String> {
    ladder::draw_ladder(all, &all_costs(chapters), pages)
}

/// Writes `costs.md` and `costs-ladder.svg`.
fn write_costs(
    generated: &Path,
    chapters: &[ChapterCrate],
    all: &BTreeMap<String, ChapterResults>,
    pages: &Pages,
) -> Result<()> {
    std::fs::write(generated.join("costs.md"), costs_file(chapters, all, pages))?;
    std::fs::write(
        generated.join(ladder::FILE),
        costs_ladder(chapters, all, pages)?,
    )?;
    Ok(())
}

/// Each chapter's page and title, from the book, for links to it.
pub fn book_pages(ws: &Workspace) -> Result<Pages> {
    let book = crate::book::load(ws)?;
    let src = ws.root.join("book/src");
    Ok(book
        .iter()
        .filter_map(|ch| {
            let (name, _) = ch.crate_marker.as_ref()?;
            let page = ch.path.strip_prefix(&src).ok()?.display().to_string();
            Some((name.clone(), (page, ch.title.clone())))
        })
        .collect())
}
