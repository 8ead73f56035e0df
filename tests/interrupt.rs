//! Ctrl-C during a long command kills everything it started and exits 130: the command runs
//! in a copy of this test program (as `cargo xtask` would run it, through the command's own
//! `run`), which the test interrupts once the programs it waits for are running. And the load
//! mode leaves no hog behind, whether it ends or is interrupted.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use workspace_tests::Fixture;
use xtask::runner::processes_matching;

/// Set in the copy: the command to run and the fixture to run it in.
const COMMAND: &str = "XTASK_TEST_INTERRUPTED_COMMAND";
const FIXTURE: &str = "XTASK_TEST_INTERRUPTED_FIXTURE";

/// In the copy: runs the command, which must not return (the interrupt ends the process).
fn run_the_command_if_this_is_the_copy() {
    let (Ok(command), Ok(root)) = (std::env::var(COMMAND), std::env::var(FIXTURE)) else {
        return;
    };
    let root = std::path::Path::new(&root);
    let out = &mut std::io::stdout();
    let result = match command.as_str() {
        "check" => xtask::cmd::check::run(
            root,
            xtask::cmd::check::Args {
                examples_only: true,
                ..Default::default()
            },
            out,
        ),
        "bench" => xtask::cmd::bench::run(
            root,
            xtask::cmd::bench::Args {
                quick: true,
                ..Default::default()
            },
            out,
        ),
        "under-load" => xtask::cmd::under_load::run(
            root,
            load_args(10, &std::env::var("DEMO_BENCH_HANG").unwrap()),
            out,
        ),
        other => panic!("no command {other}"),
    };
    panic!("`{command}` returned instead of the process exiting: {result:?}");
}

/// Starts `command` on `fx` in a copy of this test program, waits until `expected` processes
/// carry `token`, interrupts it; returns its exit code, its stderr, how many ran and which
/// were left.
fn interrupt(
    test: &str,
    command: &str,
    fx: &Fixture,
    token: &str,
    expected: usize,
) -> (Option<i32>, String, usize, Vec<i32>) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture"])
        .env(COMMAND, command)
        .env(FIXTURE, fx.path())
        // The fixture builds in a folder of its own (see `Fixture::options`).
        .env("CARGO_TARGET_DIR", fx.path().join("target"))
        .env("DEMO_BENCH_HANG", token)
        .stderr(Stdio::piped());
    // Started through the runner, so that a command finishing in this process (the load
    // mode's test) knows it is not one of its leftovers.
    let mut copy = xtask::runner::spawn_streaming(&mut cmd).unwrap();
    // What it prints is not looked at, but must be read, or a full pipe would stop it.
    let mut progress = copy.stdout().unwrap();
    std::thread::spawn(move || std::io::copy(&mut progress, &mut std::io::sink()));
    let matching = || processes_matching(token).unwrap();
    // The build comes first.
    let give_up = Instant::now() + Duration::from_secs(300);
    while matching().len() < expected && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(50));
    }
    let running = matching().len();
    let pid = Pid::from_raw(i32::try_from(copy.id()).unwrap());
    kill(pid, Signal::SIGINT).unwrap();
    let give_up = Instant::now() + Duration::from_secs(20);
    while copy.try_wait().unwrap().is_none() && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stderr = String::new();
    let mut errors = copy.stderr().unwrap();
    if copy.try_wait().unwrap().is_none() {
        let _ = kill(pid, Signal::SIGKILL);
    }
    let status = copy.wait().unwrap();
    errors.read_to_string(&mut stderr).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let left = matching();
    // After a failure, leave nothing behind: kill what is left with its group.
    for pid in &left {
        let _ = killpg(Pid::from_raw(*pid), Signal::SIGKILL);
        let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
    }
    let code = match status {
        xtask::runner::Ended::Exited(code) => Some(code),
        _ => None,
    };
    (code, stderr, running, left)
}

/// The load mode, small: a few examples-only checks of the fixture beside two CPU hogs.
fn load_args(runs: usize, tag: &str) -> xtask::cmd::under_load::Args {
    xtask::cmd::under_load::Args {
        chapters: Vec::new(),
        runs,
        tests: false,
        examples_only: true,
        cpu_hogs: Some(2),
        tag: tag.to_owned(),
    }
}

#[test]
fn the_load_mode_counts_green_runs_and_leaves_no_hog_behind() {
    run_the_command_if_this_is_the_copy();
    let fx = Fixture::new("demo");
    let tag = format!("load-tag-{}", std::process::id());
    let mut out = Vec::new();
    let code = xtask::cmd::under_load::run(fx.path(), load_args(1, &tag), &mut out).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("under-load: 2 CPU hogs and a disk writer running beside 1 runs"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("under-load: 1/1 green"), "{out}");
    // Each run's whole report is kept, for the diff behind a red run's headline.
    let log = fx.path().join("target/xtask/under-load/run-1.log");
    let log = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert!(log.contains("check: "), "{log}");
    assert_eq!(
        processes_matching(&tag).unwrap(),
        Vec::<i32>::new(),
        "hogs left behind"
    );
}

#[test]
fn ctrl_c_during_the_load_mode_leaves_no_hog_behind() {
    run_the_command_if_this_is_the_copy();
    let fx = Fixture::new("demo");
    let tag = format!("load-interrupted-{}", std::process::id());
    let test = "ctrl_c_during_the_load_mode_leaves_no_hog_behind";
    // Two busy loops and the disk writer carry the tag.
    let (code, stderr, running, left) = interrupt(test, "under-load", &fx, &tag, 3);
    assert_eq!(running, 3, "the hogs ran: {stderr}");
    assert_eq!(left, Vec::<i32>::new(), "no hog may survive");
    assert_eq!(code, Some(130), "{stderr}");
}

#[test]
fn ctrl_c_during_a_check_kills_the_running_example_and_all_it_started() {
    run_the_command_if_this_is_the_copy();
    let fx = Fixture::new("demo");
    let token = format!("interrupt-token-{}", std::process::id());
    let page = "book/src/demo.md";
    let text = fx.read(page);
    fx.write(
        page,
        &format!(
            "{text}\n```console,timeout=600\n$ cargo run -p demo --example hang -- {token}\nstarted\n```\n"
        ),
    );
    let test = "ctrl_c_during_a_check_kills_the_running_example_and_all_it_started";
    let (code, stderr, running, left) = interrupt(test, "check", &fx, &token, 2);
    assert_eq!(running, 2, "the example and its grandchild ran: {stderr}");
    assert_eq!(
        left,
        Vec::<i32>::new(),
        "no process of the example may survive"
    );
    assert_eq!(code, Some(130), "{stderr}");
    // The example's group, and whatever else of the check ran beside it.
    assert!(
        stderr.contains("interrupted by SIGINT: killed ") && stderr.contains(" running program(s)"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_during_a_bench_kills_the_benchmark_and_all_it_started_and_writes_no_results() {
    run_the_command_if_this_is_the_copy();
    let fx = Fixture::new("demo");
    let token = format!("bench-token-{}", std::process::id());
    let results = "book/src/generated/demo.json";
    let before = fx.read(results);
    let test = "ctrl_c_during_a_bench_kills_the_benchmark_and_all_it_started_and_writes_no_results";
    let (code, stderr, running, left) = interrupt(test, "bench", &fx, &token, 2);
    assert_eq!(
        running, 2,
        "the benchmark's child and grandchild ran: {stderr}"
    );
    assert_eq!(
        left,
        Vec::<i32>::new(),
        "no process of the benchmark may survive"
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted by SIGINT: killed 1 running program(s)"),
        "{stderr}"
    );
    assert_eq!(
        fx.read(results),
        before,
        "the interrupted run wrote results"
    );
}
