//! The exercises: each solution passes its tests and each skeleton fails every one of them.
//!
//! The solutions are the chapter crates as they are, built by the workspace build. The
//! skeletons are built in a copy of the workspace (`target/xtask/skeletons/`) whose exercise
//! files are replaced by their skeletons. It builds in the workspace's own target folder with
//! the same members, so features resolve as they do for the workspace and no dependency is
//! compiled again: only the chapters' library test programs are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Ctx;
use super::cache::Fingerprint;
use crate::book::{Chapter, Workspace};
use crate::build::Built;
use crate::exercises::{self, Exercise, Version};
use crate::files::write_if_changed;
use crate::problem::Problem;
use crate::runner::{self, Ended};

/// How long one chapter's exercise tests may run, skeleton or solution.
const TIMEOUT: Duration = Duration::from_secs(120);

use crate::exercises::Verdicts as Results;

pub(crate) fn run(ctx: &mut Ctx<'_>, selected: &[Chapter<'_>], built: &Built) {
    let mut todo: Vec<(String, Vec<Exercise>, u64)> = Vec::new();
    let mut unchanged = 0;
    for chapter in selected {
        let (name, krate) = (chapter.name(), chapter.krate);
        let list = match exercises::of_chapter(krate, &ctx.ws().root) {
            Ok(list) => list,
            Err(e) => {
                ctx.fail(Problem::from(e));
                continue;
            }
        };
        if list.is_empty() {
            continue;
        }
        let fingerprint = Fingerprint::new()
            .tree(&krate.dir)
            .file(&ctx.ws().root.join("Cargo.lock"))
            .file(&ctx.ws().root.join("Cargo.toml"))
            .finish();
        if ctx.cache.passed(&key(name), fingerprint) {
            unchanged += list.len();
            ctx.report.exercises += list.len();
        } else {
            todo.push((name.to_string(), list, fingerprint));
        }
    }
    if todo.is_empty() {
        if unchanged > 0 {
            ctx.say(format!(
                "exercises  {unchanged} unchanged since their solutions passed and skeletons failed"
            ));
        }
        return;
    }
    let count: usize = todo.iter().map(|(_, l, _)| l.len()).sum();
    ctx.say(format!(
        "exercises  {count} to verify: solutions must pass, skeletons must fail ..."
    ));
    let started = Instant::now();
    let skeletons = match build_skeletons(ctx, &todo) {
        Ok(built) => built,
        Err(e) => {
            ctx.fail(Problem::new(format!("the skeletons did not build: {e:#}")));
            return;
        }
    };
    for (chapter, list, fingerprint) in todo {
        let ws = ctx.ws();
        let lib = lib_name(ws, &chapter);
        let solution = run_tests(ws, built, &chapter, &lib);
        let skeleton = run_tests(ws, &skeletons, &chapter, &lib);
        let mut problems = Vec::new();
        match (&solution, &skeleton) {
            (Ok(solution), Ok(skeleton)) => {
                for e in &list {
                    problems.extend(judge(ws, e, solution, skeleton));
                }
            }
            (Err(e), _) => problems.push(Problem::new(format!(
                "{chapter}: the solutions' tests: {e}"
            ))),
            (_, Err(e)) => problems.push(Problem::new(format!(
                "{chapter}: the skeletons' tests: {e}"
            ))),
        }
        if problems.is_empty() {
            ctx.say(format!(
                "exercises  {chapter} ... ok ({} exercises: {})",
                list.len(),
                list.iter()
                    .map(|e| format!("{} ({})", e.name, e.difficulty))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            ctx.report.exercises += list.len();
            ctx.cache.record(&key(&chapter), fingerprint);
        } else {
            ctx.say(format!("exercises  {chapter} ... FAILED"));
            ctx.cache.forget(&key(&chapter));
            ctx.fail_all(problems);
        }
    }
    ctx.say(format!(
        "exercises  ... done ({:.1} s)",
        started.elapsed().as_secs_f64()
    ));
}

fn key(chapter: &str) -> String {
    format!("exercises {chapter}")
}

/// What is wrong with one exercise, given every test's result on both versions.
fn judge(ws: &Workspace, e: &Exercise, solution: &Results, skeleton: &Results) -> Vec<Problem> {
    let file = ws.display(&e.path);
    let mut problems = Vec::new();
    for (test, line) in &e.tests {
        let path = e.test_path(test);
        let at = |what: &str| Problem::at(&file, *line, format!("test `{test}` {what}"));
        match solution.get(&path) {
            Some(true) => {}
            Some(false) => problems.push(at("fails on the solution")),
            None => problems.push(at("did not run (is it in `mod tests` and marked #[test]?)")),
        }
        match skeleton.get(&path) {
            Some(false) => {}
            Some(true) => problems
                .push(at("passes on the skeleton (todo!())").fix("it does not test the exercise")),
            None => problems.push(at("did not run on the skeleton")),
        }
    }
    problems
}

/// Runs the exercise tests of a chapter's library test program; every result by name.
fn run_tests(ws: &Workspace, built: &Built, chapter: &str, lib: &str) -> Result<Results, String> {
    let exe = built
        .tests
        .get(chapter)
        .into_iter()
        .flatten()
        .find(|(target, _)| target == lib)
        .map(|(_, exe)| exe.clone())
        .ok_or("its library test program was not built")?;
    let dir = ws
        .krate(chapter)
        .map_or_else(|| ws.root.clone(), |c| c.dir.clone());
    let args = ["exercises::".to_owned()];
    let env = [("CARGO_MANIFEST_DIR".to_owned(), dir.display().to_string())];
    let out = runner::run(&exe, &args, &env, &dir, TIMEOUT).map_err(|e| format!("{e:#}"))?;
    if out.ended == Ended::TimedOut {
        return Err(format!(
            "still running after {} s: a test waits forever (on a todo!() in another thread?)",
            TIMEOUT.as_secs()
        ));
    }
    let results = exercises::libtest_verdicts(&out.output);
    if results.is_empty() {
        return Err(format!("no test ran ({})", out.ended));
    }
    Ok(results)
}

/// The name of a chapter's library target (what cargo calls its test program).
fn lib_name(ws: &Workspace, chapter: &str) -> String {
    ws.metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == chapter)
        .and_then(|p| {
            p.targets
                .iter()
                .find(|t| t.is_lib())
                .map(|t| t.name.clone())
        })
        .unwrap_or_else(|| chapter.replace('-', "_"))
}

/// The copy of the workspace with skeletons, built in the workspace's target folder.
///
/// Cargo names a path package's build by its path relative to the workspace root, so a copy
/// laid out the same way would overwrite the solutions' test programs. The copy keeps its
/// members one folder down, `w/`, under a root manifest that lists them there.
fn build_skeletons(
    ctx: &mut Ctx<'_>,
    todo: &[(String, Vec<Exercise>, u64)],
) -> anyhow::Result<Built> {
    let ws = ctx.ws();
    let mirror = ws.target_dir.join("xtask/skeletons");
    let skeletons: BTreeMap<PathBuf, String> = todo
        .iter()
        .flat_map(|(_, list, _)| list)
        .map(|e| (e.path.clone(), e.file(Version::Skeleton)))
        .collect();
    sync_tree(
        &ws.root,
        &mirror.join("w"),
        &ws.target_dir,
        &skeletons,
        true,
    )?;
    let manifest = moved_manifest(&std::fs::read_to_string(ws.root.join("Cargo.toml"))?)?;
    write_if_changed(&mirror.join("Cargo.toml"), manifest.as_bytes())?;
    write_if_changed(
        &mirror.join("Cargo.lock"),
        &std::fs::read(ws.root.join("Cargo.lock"))?,
    )?;
    let target_dir = ws.target_dir.clone();
    let mut ws = Workspace::load(&mirror)?;
    ws.target_dir = target_dir;
    ctx.say("build      the skeletons: cargo test --no-run --workspace --lib (in target/xtask/skeletons)");
    let built = crate::build::build(&ws, false, &["test", "--no-run", "--workspace", "--lib"])?;
    anyhow::ensure!(built.ok, "cargo failed: see the compiler's messages above");
    Ok(built)
}

/// The root manifest with its members (and excluded folders) moved under `w/`.
fn moved_manifest(text: &str) -> anyhow::Result<String> {
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    for key in ["members", "exclude"] {
        if let Some(list) = doc["workspace"]
            .get_mut(key)
            .and_then(toml_edit::Item::as_array_mut)
        {
            for value in list.iter_mut() {
                if let Some(path) = value.as_str() {
                    *value = format!("w/{path}").into();
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// Copies the workspace's sources (not its build output, history or book) to `to`, with the
/// files of `instead` replaced by their text, writing only files whose content changed, so
/// that cargo rebuilds only what differs; what the sources no longer have is removed from the
/// copy (a renamed module would otherwise be compiled twice).
fn sync_tree(
    from: &Path,
    to: &Path,
    target: &Path,
    instead: &BTreeMap<PathBuf, String>,
    top: bool,
) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let mut kept = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        kept.insert(name.clone());
        let name = name.to_string_lossy();
        // The root manifest and lockfile are written moved (`moved_manifest`).
        let skipped = matches!(name.as_ref(), "target" | ".git" | "__pycache__")
            || (top && matches!(name.as_ref(), "Cargo.toml" | "Cargo.lock" | "book"))
            || (name == "fixtures" && from.ends_with("tests"));
        if path == target || skipped {
            continue;
        }
        let dest: PathBuf = to.join(name.as_ref());
        if entry.file_type()?.is_dir() {
            sync_tree(&path, &dest, target, instead, false)?;
        } else if entry.file_type()?.is_file() {
            let bytes = match instead.get(&path) {
                Some(text) => text.as_bytes().to_vec(),
                None => std::fs::read(&path)?,
            };
            write_if_changed(&dest, &bytes)?;
        }
    }
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        let written_moved = top
            && matches!(
                entry.file_name().to_str(),
                Some("Cargo.toml" | "Cargo.lock")
            );
        if !kept.contains(&entry.file_name()) && !written_moved {
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(entry.path())?;
            } else {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_follows_the_sources_and_drops_what_they_no_longer_have() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        std::fs::create_dir_all(from.join("src/old")).unwrap();
        std::fs::write(from.join("src/a.rs"), "a").unwrap();
        std::fs::write(from.join("src/old/b.rs"), "b").unwrap();
        let none = BTreeMap::new();
        sync_tree(&from, &to, &dir.path().join("target"), &none, false).unwrap();
        assert_eq!(
            std::fs::read_to_string(to.join("src/old/b.rs")).unwrap(),
            "b"
        );
        std::fs::remove_dir_all(from.join("src/old")).unwrap();
        std::fs::write(from.join("src/c.rs"), "c").unwrap();
        sync_tree(&from, &to, &dir.path().join("target"), &none, false).unwrap();
        assert!(!to.join("src/old").exists());
        assert_eq!(std::fs::read_to_string(to.join("src/c.rs")).unwrap(), "c");
    }

    #[test]
    fn the_copy_lists_its_members_one_folder_down() {
        let text = "[workspace]\nresolver = \"3\"\nmembers = [\"xtask\", \"crates/*\"]\nexclude = [\"tests/fixtures\"]\n";
        assert_eq!(
            moved_manifest(text).unwrap(),
            "[workspace]\nresolver = \"3\"\nmembers = [\"w/xtask\", \"w/crates/*\"]\nexclude = [\"w/tests/fixtures\"]\n"
        );
    }
}
