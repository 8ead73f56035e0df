//! Every chapter copies out as a standalone starter that builds and passes its tests alone,
//! offline, with the versions the workspace's lockfile resolved: with its exercises solved
//! (`--solutions`), every test passes; as skeletons, exactly the exercises' tests fail.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use xtask::exercises::Version;

use workspace_tests::root;

fn chapters() -> Vec<String> {
    workspace_tests::book()
        .chapters()
        .iter()
        .map(|c| c.name().to_owned())
        .collect()
}

/// One test, so that the two kinds of starter build one after the other: both are a package
/// of the same name at the root of its own workspace, which cargo names the same in a shared
/// build folder, so two builds at once would run each other's programs.
#[test]
fn every_chapter_exports_starters_solved_and_to_solve() {
    // One build folder for all starters: their registry dependencies compile once.
    let target = workspace_tests::target_dir().join("starters");
    solved_starters_pass_their_tests_alone(&target);
    skeleton_starters_fail_exactly_the_exercises_tests_and_list_them(&target);
}

fn solved_starters_pass_their_tests_alone(target: &Path) {
    let chapters = chapters();
    assert!(!chapters.is_empty());
    for chapter in &chapters {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join(format!("my-{chapter}"));
        let starter =
            xtask::starter::export(workspace_tests::book(), chapter, &dest, Version::Solution)
                .unwrap();
        assert!(starter.files > 3);
        assert_no_markers(&dest, &starter);

        let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
        assert!(
            !manifest.contains("workspace = true"),
            "{chapter}: {manifest}"
        );
        assert!(!manifest.contains("path ="), "{chapter}: {manifest}");
        assert!(
            !manifest.contains("metadata.xtask"),
            "{chapter}: {manifest}"
        );
        assert!(
            manifest.contains("[workspace]"),
            "{chapter} is a workspace of its own"
        );
        assert!(dest.join("Cargo.lock").is_file());
        let readme = std::fs::read_to_string(dest.join("README.md")).unwrap();
        assert!(readme.contains(&format!("chapter `{chapter}`")), "{readme}");

        let out = cargo_test(&dest, target, &[]);
        assert!(
            out.status.success(),
            "the {chapter} starter fails its tests:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The starter's lockfile pins the same versions as the workspace's.
        let lock = std::fs::read_to_string(dest.join("Cargo.lock")).unwrap();
        let ws_lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
        for entry in lock.split("[[package]]").skip(1) {
            // name, version and source; dependency lists may be written shorter once pruned.
            let id: Vec<&str> = entry.trim().lines().take(3).collect();
            if id.iter().any(|l| l.starts_with("source = \"registry")) {
                assert!(ws_lock.contains(&id.join("\n")), "{chapter}: {id:?}");
            }
        }
    }
}

/// Neither version keeps the `// solution:` markers: they are the book's, not the reader's.
fn assert_no_markers(dest: &Path, starter: &xtask::starter::Starter) {
    for e in &starter.exercises {
        let file =
            std::fs::read_to_string(dest.join(format!("src/exercises/{}.rs", e.name))).unwrap();
        assert!(
            !file.contains("// solution:"),
            "{}/{}: markers left",
            starter.chapter,
            e.name
        );
    }
}

fn cargo_test(dir: &Path, target: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(["test", "--offline", "--locked", "--target-dir"])
        .arg(target)
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

/// The names of the tests libtest reported as passed (`true`) or failed (`false`).
fn tests_with(out: &Output, passed: bool) -> BTreeSet<String> {
    xtask::exercises::libtest_verdicts(&String::from_utf8_lossy(&out.stdout))
        .into_iter()
        .filter(|(_, ok)| *ok == passed)
        .map(|(name, _)| name)
        .collect()
}

fn skeleton_starters_fail_exactly_the_exercises_tests_and_list_them(target: &Path) {
    let mut exercises = 0;
    for chapter in chapters() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join(format!("try-{chapter}"));
        let starter =
            xtask::starter::export(workspace_tests::book(), &chapter, &dest, Version::Skeleton)
                .unwrap();
        assert!(
            starter.exercises.len() >= 3,
            "{chapter} has {} exercises",
            starter.exercises.len()
        );
        exercises += starter.exercises.len();
        let lines = starter.exercise_lines();
        assert!(lines[0].contains("exercises to solve"), "{lines:?}");
        let readme = std::fs::read_to_string(dest.join("README.md")).unwrap();
        let mut expected_failures = BTreeSet::new();
        assert_no_markers(&dest, &starter);
        for e in &starter.exercises {
            assert!(readme.contains(&e.command(true)), "{readme}");
            assert!(lines.iter().any(|l| l.contains(&e.title)), "{lines:?}");
            for (test, _) in &e.tests {
                expected_failures.insert(e.test_path(test));
            }
        }
        // The library's own tests build and pass; every exercise test fails, and only those.
        let out = cargo_test(&dest, target, &["--lib"]);
        assert!(
            !out.status.success(),
            "{chapter}: the skeletons pass their tests"
        );
        assert_eq!(
            tests_with(&out, false),
            expected_failures,
            "{chapter}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            tests_with(&out, true)
                .iter()
                .all(|t| !t.starts_with("exercises::")),
            "{chapter}"
        );
    }
    assert!(exercises >= 18, "{exercises} exercises in the book");
}

#[test]
fn a_starter_refuses_a_folder_with_files_and_an_unknown_chapter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let err = xtask::starter::export(
        workspace_tests::book(),
        &chapters()[0],
        dir.path(),
        Version::Skeleton,
    )
    .unwrap_err();
    assert!(err.to_string().contains("is not an empty folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );

    let err = xtask::starter::export(
        workspace_tests::book(),
        "no-such",
        &dir.path().join("x"),
        Version::Skeleton,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown chapter `no-such`; known chapters: "),
        "{err}"
    );
}
