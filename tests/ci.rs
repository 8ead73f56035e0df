//! What CI runs guards what it claims: every cargo call is `--locked` (the lockfile the book
//! was checked with is the one used), the deploy waits for `.ci/run`, the closing count
//! prints even when tests fail, and no workspace test assumes the build folder is `target/`.

use workspace_tests::root;

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// The lines of a script that call cargo to build, test or run something.
fn cargo_calls(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches("run: ").trim().to_owned())
        .filter(|l| {
            l.starts_with("cargo ")
                && !l.starts_with("cargo fmt")
                && !l.starts_with("cargo --version")
        })
        .collect()
}

#[test]
fn every_cargo_call_of_ci_and_the_deploy_is_locked() {
    for file in [".ci/run", ".github/workflows/book.yml"] {
        let calls = cargo_calls(&read(file));
        assert!(
            !calls.is_empty() || file.ends_with(".yml"),
            "{file} calls no cargo"
        );
        for call in calls {
            assert!(
                call.contains("--locked"),
                "{file}: `{call}` is not --locked"
            );
        }
    }
}

#[test]
fn the_deploy_runs_everything_ci_runs_first() {
    let workflow = read(".github/workflows/book.yml");
    let ci = workflow
        .find("bash .ci/run")
        .expect("the workflow runs .ci/run");
    let upload = workflow
        .find("upload-pages-artifact")
        .expect("the workflow uploads the book");
    assert!(
        ci < upload,
        "the book is uploaded before .ci/run has passed"
    );
}

#[test]
fn the_closing_count_prints_even_when_tests_fail() {
    let ci = read(".ci/run");
    let test_line = ci
        .lines()
        .find(|l| l.starts_with("cargo test --workspace"))
        .expect("CI runs the workspace's tests");
    // Under `set -e -o pipefail`, a failing pipeline ends the script before the count unless
    // its status is kept for the end.
    assert!(test_line.ends_with("|| rc=$?"), "{test_line}");
    assert!(
        ci.trim_end().ends_with("exit \"$rc\""),
        "CI must still fail when tests fail"
    );
}

#[test]
fn no_workspace_test_assumes_the_build_folder() {
    for entry in std::fs::read_dir(root().join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("ci.rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                assert!(
                    !code.contains("root().join(\"target") && !code.contains("root.join(\"target"),
                    "{}:{}: use workspace_tests::target_dir(), which honours CARGO_TARGET_DIR",
                    path.display(),
                    i + 1
                );
            }
        }
    }
}

/// The xtask stays small enough to find one's way in: no source file over 500 lines.
#[test]
fn no_xtask_source_file_is_over_500_lines() {
    fn walk(dir: &std::path::Path, found: &mut Vec<(String, usize)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&path).unwrap().lines().count();
                found.push((path.display().to_string(), lines));
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join("xtask/src"), &mut found);
    assert!(found.len() > 10, "{found:?}");
    let big: Vec<_> = found.iter().filter(|(_, n)| *n > 500).collect();
    assert!(big.is_empty(), "split these by concern: {big:?}");
}
