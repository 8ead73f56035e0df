//! The example programs, run as a reader runs them: bad arguments fail cleanly, and the
//! deadline example leaves no zombie.
//!
//! `cargo test -p processes` builds the examples next to the test binaries
//! (`target/<profile>/examples/`); these tests run those binaries.

use std::path::PathBuf;
use std::process::{Command, Output};

fn example(name: &str) -> PathBuf {
    // This test runs as target/<profile>/deps/examples-<hash>.
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo test -p processes`, which builds the examples",
        path.display()
    );
    path
}

fn run(name: &str, args: &[&str]) -> Output {
    Command::new(example(name))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run the example")
}

/// A clean rejection: the given exit code, nothing on stdout, and one error line first on
/// stderr (clap adds a usage hint after it), never a panic.
fn assert_rejected(name: &str, args: &[&str], code: i32, error: &str) {
    let out = run(name, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{name} {args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{name} {args:?} printed to stdout");
    assert_eq!(stderr.lines().next(), Some(error), "{name} {args:?}");
    assert!(!stderr.contains("panicked"), "{name} {args:?}: {stderr}");
}

#[test]
fn bad_numbers_are_rejected_by_clap() {
    assert_rejected(
        "lifecycle",
        &["--deliveries", "0"],
        2,
        "error: invalid value '0' for '--deliveries <DELIVERIES>': 0 is not in 1..=100",
    );
    assert_rejected(
        "lifecycle",
        &["--interval-ms", "soon"],
        2,
        "error: invalid value 'soon' for '--interval-ms <INTERVAL_MS>': invalid digit found in string",
    );
    assert_rejected(
        "isolation",
        &["--add", "0"],
        2,
        "error: invalid value '0' for '--add <ADD>': 0 is not in 1..=1000000",
    );
    assert_rejected(
        "isolation",
        &["--send", "5000"],
        2,
        "error: invalid value '5000' for '--send <SEND>': 5000 is not in 1..=1000",
    );
    assert_rejected(
        "deadline",
        &["--deadline-ms", "0"],
        2,
        "error: invalid value '0' for '--deadline-ms <DEADLINE_MS>': 0 is not in 1..=10000",
    );
}

#[test]
fn unknown_choices_are_rejected_by_clap() {
    assert_rejected(
        "lifecycle",
        &["--signal", "hup"],
        2,
        "error: invalid value 'hup' for '--signal <SIGNAL>'",
    );
    assert_rejected(
        "crash",
        &["--children", "ok,boom"],
        2,
        "error: invalid value 'boom' for '--children <CHILDREN>'",
    );
}

#[test]
fn a_missing_directory_is_one_error_line() {
    let missing = "/no/such/directory";
    assert_rejected(
        "whoami",
        &["--cd", missing],
        1,
        "Error: cannot change into /no/such/directory: No such file or directory (os error 2)",
    );
}

#[test]
fn the_deadline_example_kills_the_job_and_leaves_no_zombie() {
    let out = run("deadline", &["--deadline-ms", "50"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("state Z (Z is a zombie)"), "{stdout}");
    assert!(stdout.contains("killed by signal 9 (SIGKILL)"), "{stdout}");
    assert!(stdout.contains("no zombie"), "{stdout}");
}
