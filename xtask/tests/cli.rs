//! The command line: errors are one line and the exit code says failure.

use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

#[test]
fn an_unknown_chapter_gets_one_line_listing_the_known_ones() {
    let out = xtask(&["check", "no-such-chapter"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .starts_with("error: unknown chapter `no-such-chapter`; known chapters: multitasking"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is checked");
}

#[test]
fn an_unknown_command_is_refused() {
    let out = xtask(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}
