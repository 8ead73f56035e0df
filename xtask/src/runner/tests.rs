use std::process::Stdio;

use nix::sys::signal::kill;
use nix::unistd::Pid;

use super::*;

fn sh(script: &str, timeout: Duration) -> Outcome {
    run(
        Path::new("/bin/sh"),
        &["-c".to_string(), script.to_string()],
        &[],
        Path::new("/"),
        timeout,
    )
    .unwrap()
}

fn matching(needle: &str) -> Vec<i32> {
    processes_matching(needle).expect("this machine has /proc")
}

/// Polls `done` every few milliseconds for at most `limit`; true if it came true.
fn within(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let give_up = Instant::now() + limit;
    while !done() {
        if Instant::now() > give_up {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
    true
}

/// `cargo test` gives this test what `cargo run` gives the xtask: `CARGO_MANIFEST_DIR` and
/// `CARGO_PKG_*` describing its own package. A program the runner starts must not inherit
/// them: a cargo started with them rebuilds ring and everything above it.
#[test]
fn what_cargo_said_about_us_is_not_passed_on() {
    assert!(
        std::env::var_os("CARGO_MANIFEST_DIR").is_some(),
        "run under cargo"
    );
    let out = sh(
        "echo ${CARGO_MANIFEST_DIR:-unset} ${CARGO_PKG_NAME:-unset} ${CARGO_CRATE_NAME:-unset}",
        Duration::from_secs(5),
    );
    assert_eq!(out.output, "unset unset unset\n");
}

#[test]
fn merges_stdout_and_stderr_in_order() {
    let out = sh("echo one; echo two >&2; echo three", Duration::from_secs(5));
    assert_eq!(out.output, "one\ntwo\nthree\n");
    assert_eq!(out.ended, Ended::Exited(0));
    assert_eq!(out.survivors, 0);
}

#[test]
fn reports_exit_code_and_signal() {
    assert_eq!(sh("exit 3", Duration::from_secs(5)).ended, Ended::Exited(3));
    assert_eq!(
        sh("kill -TERM $$", Duration::from_secs(5)).ended,
        Ended::Signalled(15)
    );
}

#[test]
fn stdin_is_closed_so_a_reader_does_not_hang() {
    let out = sh("cat; echo after", Duration::from_secs(5));
    assert_eq!(out.output, "after\n");
}

#[test]
fn a_hanging_program_is_killed_with_its_children() {
    let out = sh("sleep 601 & echo started; wait", Duration::from_millis(300));
    assert_eq!(out.ended, Ended::TimedOut);
    assert_eq!(out.output, "started\n");
    assert!(out.elapsed < Duration::from_secs(5), "{:?}", out.elapsed);
    assert!(!out.pipe_held_open);
    assert_eq!(matching("sleep 601"), Vec::<i32>::new());
}

#[test]
fn a_background_child_left_behind_is_found_and_killed() {
    become_subreaper();
    let out = sh("sleep 602 & echo bye", Duration::from_secs(5));
    assert_eq!(out.ended, Ended::Exited(0));
    assert_eq!(out.survivors, 1, "the sleep outlived its parent");
    assert_eq!(matching("sleep 602"), Vec::<i32>::new());
}

#[test]
fn the_leader_is_still_unreaped_when_its_group_is_killed() {
    // The leader exits at once and leaves a member running, so the group must be killed
    // after the leader's end: by then its pid must still be held (a zombie), or the group id
    // could belong to someone else.
    let out = sh("echo $$; sleep 603 & exit 0", Duration::from_secs(5));
    assert_eq!(out.ended, Ended::Exited(0));
    let leader: i32 = out.output.trim().parse().expect("the leader's pid");
    assert_eq!(
        groups::tests::state_at_kill(leader),
        Some(Some('Z')),
        "state of the leader {leader} when its group was killed (None: already reaped)"
    );
    // And it is reaped afterwards: no zombie of ours is left.
    assert!(
        !children_of_self()
            .unwrap()
            .iter()
            .any(|(p, _)| *p == leader)
    );
    assert_eq!(matching("sleep 603"), Vec::<i32>::new());
}

#[test]
fn output_over_the_cap_keeps_its_end_and_says_it_was_cut() {
    // Three times the cap of one-kilobyte lines, then the line that matters.
    let script = "i=0; line=$(head -c 1023 /dev/zero | tr '\\0' x); \
                  while [ $i -lt 3072 ]; do echo $line; i=$((i+1)); done; echo the error";
    let out = sh(script, Duration::from_secs(30));
    assert_eq!(out.ended, Ended::Exited(0));
    assert!(out.output.ends_with("\nthe error\n"), "the end is kept");
    let (first, rest) = out.output.split_once('\n').unwrap();
    assert!(
        first.starts_with("[... ") && first.ends_with(" bytes cut ...]"),
        "{first}"
    );
    let cut: usize = first[5..first.len() - 15].parse().unwrap();
    assert_eq!(cut + rest.len(), 3072 * 1024 + "the error\n".len());
    assert!(rest.len() <= OUTPUT_LIMIT, "{}", rest.len());
    assert!(rest.starts_with("xxx"), "starts at a whole line");
}

#[test]
fn the_runner_file_stops_a_build_off_unix_with_one_clear_sentence() {
    // Cannot be compiled for Windows here (no such target installed), so check the source:
    // the guard must come before anything that would fail first with a less clear error.
    let source = include_str!("mod.rs");
    let code = source
        .lines()
        .skip_while(|l| l.starts_with("//!") || l.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        code.starts_with("#[cfg(not(unix))]\ncompile_error!(\n    \"the xtask runs on Unix only"),
        "{code}"
    );
}

/// Set in the copy of this test binary that `interrupted_run` starts.
const CHILD_ENV: &str = "XTASK_RUNNER_TEST_INTERRUPT_TOKEN";

/// Starts this test binary again, running only `test` with `token`, which starts a program
/// that starts a grandchild (and one more outside the runner); sends `signal` once all run;
/// returns how the copy exited.
fn interrupted_run(test: &str, token: &str, signal: Signal) -> (Option<i32>, String) {
    let mut copy = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, token)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = Pid::from_raw(i32::try_from(copy.id()).unwrap());
    let started = within(Duration::from_secs(20), || matching(token).len() >= 3);
    let _ = kill(pid, signal);
    let ended = within(Duration::from_secs(10), || {
        copy.try_wait().unwrap().is_some()
    });
    if !ended {
        let _ = kill(pid, Signal::SIGKILL);
    }
    let status = copy.wait().unwrap();
    let mut stderr = String::new();
    copy.stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        started,
        "the program and its grandchild did not start: {stderr}"
    );
    assert!(ended, "the interrupted run did not exit: {stderr}");
    (status.code(), stderr)
}

/// In the copy: install the handler and start a program that never ends by itself, with
/// [`run`] or (for SIGTERM, to cover both) with [`spawn_streaming`].
fn be_the_interrupted_copy(token: &str) {
    install_interrupt_handler().unwrap();
    // Started without the runner (as `cargo metadata` is), with a child of its own.
    let mut other = std::process::Command::new("/bin/sh")
        .args(["-c", "sleep 612; :", &format!("{token}-other")])
        .spawn()
        .unwrap();
    thread::spawn(move || other.wait());
    let script = format!("sh -c 'sleep 604; :' {token}-grandchild & echo started; sleep 605; :");
    let args = ["-c".to_string(), script, token.to_string()];
    if token.ends_with("SIGTERM") {
        let mut program = spawn_streaming(Command::new("/bin/sh").args(args)).unwrap();
        // Held (not read): "started" fits in the pipe.
        let _stdout = program.stdout();
        let ended = program.wait();
        panic!("the wait returned instead of the process exiting: {ended:?}");
    }
    let out = run(
        Path::new("/bin/sh"),
        &args,
        &[],
        Path::new("/"),
        Duration::from_secs(60),
    );
    panic!("the run returned instead of the process exiting: {out:?}");
}

fn an_interrupt_kills_everything_and_exits(test: &str, signal: Signal, code: i32) {
    if let Ok(token) = std::env::var(CHILD_ENV) {
        be_the_interrupted_copy(&token);
    }
    let token = format!("xtask-interrupt-{}-{signal}", std::process::id());
    let (status, stderr) = interrupted_run(test, &token, signal);
    within(Duration::from_secs(5), || matching(&token).is_empty());
    let left = matching(&token);
    // Clean up after a failure: each leftover with its whole group.
    for p in procfs::table().unwrap() {
        if left.contains(&p.pid) {
            let _ = nix::sys::signal::killpg(Pid::from_raw(p.pgrp), Signal::SIGKILL);
        }
    }
    assert_eq!(left, Vec::<i32>::new(), "still running after {signal}");
    assert_eq!(status, Some(code), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "interrupted by {signal}: killed 1 running program(s) with their process groups \
             and 2 other process(es) it started"
        )),
        "{stderr}"
    );
}

#[test]
fn sigint_kills_every_running_program_with_its_group_and_exits_130() {
    an_interrupt_kills_everything_and_exits(
        "runner::tests::sigint_kills_every_running_program_with_its_group_and_exits_130",
        Signal::SIGINT,
        130,
    );
}

#[test]
fn sigterm_kills_every_running_program_with_its_group_and_exits_143() {
    an_interrupt_kills_everything_and_exits(
        "runner::tests::sigterm_kills_every_running_program_with_its_group_and_exits_143",
        Signal::SIGTERM,
        143,
    );
}
