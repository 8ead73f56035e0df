//! Every chapter copies out as a standalone starter that builds alone, offline, with the
//! versions the workspace's lockfile resolved: as skeletons, exactly the exercises' tests fail;
//! with its exercises solved (`--solutions`), every test of its library passes.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use xtask::exercises::Version;
use xtask::i18n::{Tr, Translation};
use xtask::starter::Starter;

use workspace_tests::{book, root};

fn chapters() -> Vec<String> {
    book()
        .chapters()
        .iter()
        .map(|c| c.name().to_owned())
        .collect()
}

/// One test, so that the starters build one after the other in the workspace's own build
/// folder: there, the dependencies whose features the starter resolves as the workspace did
/// are already built. (A package at the root of its own workspace is named the same by cargo
/// wherever it lies, so two builds of one starter at once would run each other's programs.)
///
/// Each starter is built once, as the skeletons: all its targets, its library's own tests
/// passing and every exercise test failing; then the solved exercises are put in its place
/// and only its library's tests build again, all passing.
#[test]
fn every_chapter_exports_starters_to_solve_and_solved() {
    let target = workspace_tests::target_dir();
    let mut exercises = 0;
    for chapter in chapters() {
        let dir = tempfile::tempdir().unwrap();
        let skeleton = export(
            &chapter,
            &dir.path().join(format!("try-{chapter}")),
            Version::Skeleton,
        );
        let solved = export(
            &chapter,
            &dir.path().join(format!("my-{chapter}")),
            Version::Solution,
        );
        exercises += skeleton.exercises.len();
        assert!(
            skeleton.exercises.len() >= 3,
            "{chapter} has {} exercises",
            skeleton.exercises.len()
        );
        let lines = skeleton.exercise_lines();
        assert!(lines[0].contains("exercises to solve"), "{lines:?}");
        let readme = std::fs::read_to_string(skeleton.dest.join("README.md")).unwrap();
        let mut exercise_tests = BTreeSet::new();
        for e in &skeleton.exercises {
            assert!(readme.contains(&e.command(true)), "{readme}");
            assert!(lines.iter().any(|l| l.contains(&e.title)), "{lines:?}");
            for (test, _) in &e.tests {
                exercise_tests.insert(e.test_path(test));
            }
        }

        // The skeletons: every target builds; every exercise test fails, and only those.
        // The integration tests are built, not run: they are the workspace's own, which
        // `cargo xtask check` runs, and running them here again took about 25 seconds.
        let out = cargo_test(&skeleton.dest, &target, &["--no-run"]);
        assert!(
            out.status.success(),
            "the {chapter} starter does not build:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = cargo_test(&skeleton.dest, &target, &["--lib", "--no-fail-fast"]);
        assert!(
            !out.status.success(),
            "{chapter}: the skeletons pass their tests"
        );
        assert_eq!(
            tests_with(&out, false),
            exercise_tests,
            "{chapter}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let passed = tests_with(&out, true);
        assert!(
            passed.iter().all(|t| !t.starts_with("exercises::")),
            "{chapter}"
        );
        assert!(!passed.is_empty(), "{chapter}: none of its own tests ran");

        // Solved: the `--solutions` files in place of the skeletons, and every test passes.
        for e in &solved.exercises {
            let file = format!("{}/{}.rs", xtask::exercises::DIR, e.name);
            std::fs::copy(solved.dest.join(&file), skeleton.dest.join(&file)).unwrap();
        }
        let out = cargo_test(&skeleton.dest, &target, &["--lib"]);
        assert!(
            out.status.success(),
            "the solved {chapter} starter fails its tests:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            exercise_tests.is_subset(&tests_with(&out, true)),
            "{chapter}"
        );
    }
    assert!(exercises >= 18, "{exercises} exercises in the book");
}

/// Exports a starter and checks what needs no build: a manifest with no workspace left in
/// it, its own lockfile pinning the workspace's versions, a README, no solution markers.
fn export(chapter: &str, dest: &Path, version: Version) -> Starter {
    let starter = xtask::starter::export(book(), chapter, dest, version, &Tr::ENGLISH).unwrap();
    assert!(starter.files > 3);
    for e in &starter.exercises {
        let file =
            std::fs::read_to_string(dest.join(format!("src/exercises/{}.rs", e.name))).unwrap();
        assert!(
            !file.contains("// solution:"),
            "{chapter}/{}: markers left",
            e.name
        );
    }
    let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
    for inherited in ["workspace = true", "path =", "metadata.xtask"] {
        assert!(!manifest.contains(inherited), "{chapter}: {manifest}");
    }
    assert!(
        manifest.contains("[workspace]"),
        "{chapter} is a workspace of its own"
    );
    let readme = std::fs::read_to_string(dest.join("README.md")).unwrap();
    assert!(readme.contains(&format!("chapter `{chapter}`")), "{readme}");
    let lock = std::fs::read_to_string(dest.join("Cargo.lock")).unwrap();
    let ws_lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    for entry in lock.split("[[package]]").skip(1) {
        // name, version and source; dependency lists may be written shorter once pruned.
        let id: Vec<&str> = entry.trim().lines().take(3).collect();
        if id.iter().any(|l| l.starts_with("source = \"registry")) {
            assert!(ws_lock.contains(&id.join("\n")), "{chapter}: {id:?}");
        }
    }
    starter
}

/// `cargo test` in a starter; its manifest must give cargo nothing to warn about (such as a
/// profile override for a package the starter does not build).
fn cargo_test(dir: &Path, target: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--locked", "--target-dir"])
        .arg(target)
        .args(args)
        .current_dir(dir)
        // Each starter is built once, in a new folder: incremental builds would only write
        // what nothing reads again.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.lines().any(|l| l.starts_with("warning: profile")),
        "{}: cargo warns about the starter's manifest:\n{stderr}",
        dir.display()
    );
    out
}

/// The names of the tests libtest reported as passed (`true`) or failed (`false`).
fn tests_with(out: &Output, passed: bool) -> BTreeSet<String> {
    xtask::exercises::libtest_verdicts(&String::from_utf8_lossy(&out.stdout))
        .into_iter()
        .filter(|(_, ok)| *ok == passed)
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn a_starter_refuses_a_folder_with_files_and_an_unknown_chapter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let err = xtask::starter::export(
        book(),
        &chapters()[0],
        dir.path(),
        Version::Skeleton,
        &Tr::ENGLISH,
    )
    .unwrap_err();
    assert!(err.to_string().contains("is not an empty folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );

    let err = xtask::starter::export(
        book(),
        "no-such",
        &dir.path().join("x"),
        Version::Skeleton,
        &Tr::ENGLISH,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown chapter `no-such`; known chapters: "),
        "{err}"
    );
}

#[test]
fn a_starter_readme_can_be_asked_for_in_korean() {
    let ko = Translation::load(book(), "ko").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("my-pools");
    xtask::starter::export(
        book(),
        "pools",
        &dest,
        Version::Skeleton,
        &Tr::new(Some(&ko)),
    )
    .unwrap();
    let readme = std::fs::read_to_string(dest.join("README.md")).unwrap();
    let hangul = readme.chars().filter(|c| ('가'..='힣').contains(c)).count();
    assert!(hangul > 50, "{readme}");
    // The commands stay as they are, and each exercise is named as the Korean page names it.
    assert!(readme.contains("cargo test\n"), "{readme}");
    assert!(readme.contains("`cargo test --lib exercises::"), "{readme}");
    let english = std::fs::read_to_string({
        let en = dir.path().join("en");
        xtask::starter::export(book(), "pools", &en, Version::Skeleton, &Tr::ENGLISH).unwrap();
        en.join("README.md")
    })
    .unwrap();
    assert!(
        !english.chars().any(|c| ('가'..='힣').contains(&c)),
        "{english}"
    );
    assert_eq!(
        readme.lines().filter(|l| l.starts_with("- ")).count(),
        english.lines().filter(|l| l.starts_with("- ")).count()
    );
}
