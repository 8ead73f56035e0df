//! Scale-out for real: processes of the `dataflow` example on loopback.
//!
//! `cargo test -p scaling` builds the examples next to the test binaries
//! (`target/<profile>/examples/`); these tests start that binary as the cluster's processes.
//!
//! No assertion on the wall clock: "within a bounded time" is proven by the launcher's
//! deadline. A process still running at it is killed and reported as `End::Killed`, which
//! these tests treat as a failure wherever the process should have ended by itself.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use scaling::cluster::{End, Plan, Process, launch, launch_with};
use scaling::count_primes;

/// Only a way out: nothing here should come near it.
const WAY_OUT: Duration = Duration::from_secs(60);

/// The processes' own limits where the run must succeed: far more than connecting and
/// counting take on a busy machine (the example's defaults, 5 s and 10 s, are for a reader
/// watching), and still inside [`WAY_OUT`]. A test where a limit must run out sets its own,
/// short one.
const ROOMY: [&str; 4] = ["--connect-timeout-ms", "30000", "--deadline-ms", "50000"];

fn example(name: &str) -> PathBuf {
    // This test runs as target/<profile>/deps/cluster-<hash>.
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo test -p scaling`, which builds the examples",
        path.display()
    );
    path
}

/// A plan for `processes` processes of the dataflow example, each with `extra` arguments and
/// the [`ROOMY`] limits that `extra` does not set itself.
fn plan(processes: usize, extra: &[&str]) -> Plan {
    let mut args: Vec<String> = vec!["--launched".into()];
    for limit in ROOMY.chunks(2).filter(|limit| !extra.contains(&limit[0])) {
        args.extend(limit.iter().map(|s| s.to_string()));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    Plan {
        program: example("dataflow"),
        args,
        processes,
        skip: None,
        deadline: WAY_OUT,
    }
}

/// Every process that was started is gone: not running, not a zombie.
fn assert_none_left(processes: &[Process]) {
    for p in processes {
        if let Some(pid) = p.pid {
            let entry = format!("/proc/{pid}");
            assert!(
                !Path::new(&entry).exists(),
                "process {} ({pid}) is left",
                p.index
            );
        }
    }
}

/// The number in process 0's `total: N primes below L` line.
fn total(output: &str) -> Option<u64> {
    output
        .lines()
        .find_map(|l| l.strip_prefix("total: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

fn code(p: &Process) -> Option<i32> {
    match &p.end {
        End::Exited(status) => status.code(),
        _ => None,
    }
}

#[test]
fn two_processes_on_loopback_give_the_sequential_count() {
    let limit = 60_000;
    let sequential = count_primes(0..limit);
    for threads in ["1", "2"] {
        let (hosts, ran) = launch(&plan(2, &["--limit", "60000", "-w", threads])).unwrap();
        assert_eq!(hosts.lines().count(), 2);
        assert!(
            hosts.lines().all(|l| l.starts_with("127.0.0.1:")),
            "{hosts}"
        );
        for p in &ran {
            assert!(
                p.succeeded(),
                "process {}: {:?}\n{}",
                p.index,
                p.end,
                p.output
            );
        }
        // Worker 0 lives in process 0: the global answer is printed there, and only there.
        assert_eq!(total(&ran[0].output), Some(sequential), "{}", ran[0].output);
        assert_eq!(total(&ran[1].output), None, "{}", ran[1].output);
        let workers = if threads == "1" { "0, 1" } else { "0, 1, 2, 3" };
        let exchange = format!("exchange: worker 0 received the counts of workers {workers}");
        assert!(ran[0].output.contains(&exchange), "{}", ran[0].output);
        assert_none_left(&ran);
    }
}

#[test]
fn three_processes_agree_too() {
    let (_, ran) = launch(&plan(3, &["--limit", "30000"])).unwrap();
    assert!(ran.iter().all(Process::succeeded), "{ran:?}");
    assert_eq!(total(&ran[0].output), Some(count_primes(0..30_000)));
    assert_none_left(&ran);
}

#[test]
fn a_missing_peer_ends_in_a_clear_error_within_the_deadline() {
    let mut plan = plan(2, &["--connect-timeout-ms", "500"]);
    plan.skip = Some(1);
    let (_, ran) = launch(&plan).unwrap();
    assert!(matches!(ran[1].end, End::NotStarted));
    // Process 0 gave up by itself (exit code 1), long before the launcher's deadline.
    assert_eq!(
        code(&ran[0]),
        Some(1),
        "{:?}\n{}",
        ran[0].end,
        ran[0].output
    );
    let error = "Error: process 0 of 2: the other processes did not all connect within 500ms";
    assert!(ran[0].output.contains(error), "{}", ran[0].output);
    assert_none_left(&ran);
}

#[test]
fn the_last_process_alone_gives_up_as_well() {
    // Process 1 is the one that connects (to process 0) and retries: the other side of the
    // same wait.
    let mut plan = plan(2, &["--connect-timeout-ms", "500"]);
    plan.skip = Some(0);
    let (_, ran) = launch(&plan).unwrap();
    assert_eq!(
        code(&ran[1]),
        Some(1),
        "{:?}\n{}",
        ran[1].end,
        ran[1].output
    );
    assert!(
        ran[1]
            .output
            .contains("Error: process 1 of 2: the other processes"),
        "{}",
        ran[1].output
    );
    assert_none_left(&ran);
}

#[test]
fn a_process_that_would_wait_forever_is_killed_at_the_launchers_deadline() {
    // The process itself would wait an hour for its peer: only the launcher ends it.
    let mut plan = plan(
        2,
        &[
            "--connect-timeout-ms",
            "3600000",
            "--deadline-ms",
            "3600000",
        ],
    );
    plan.skip = Some(1);
    plan.deadline = Duration::from_millis(500);
    let (_, ran) = launch(&plan).unwrap();
    assert!(matches!(ran[0].end, End::Killed), "{:?}", ran[0].end);
    assert_none_left(&ran);
}

#[test]
fn a_node_failure_fails_the_whole_run() {
    let (_, ran) = launch_with(&plan(2, &[]), |index, command| {
        if index == 1 {
            command.arg("--die-after-connect");
        }
    })
    .unwrap();
    assert_eq!(code(&ran[1]), Some(3), "{}", ran[1].output);
    // The survivor does not hang and does not answer: it fails, with a clear error.
    assert_eq!(
        code(&ran[0]),
        Some(1),
        "{:?}\n{}",
        ran[0].end,
        ran[0].output
    );
    assert!(
        ran[0].output.contains("Error: the computation failed"),
        "{}",
        ran[0].output
    );
    assert_eq!(total(&ran[0].output), None);
    assert_none_left(&ran);
}

fn run(args: &[&str]) -> Output {
    Command::new(example("dataflow"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("run the example")
}

#[test]
fn the_example_launcher_checks_the_count_and_reports_a_missing_peer() {
    let out = run(&[&["--launch", "2", "--limit", "20000"][..], &ROOMY].concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.ends_with("launcher: 2 processes counted 2262, one thread counts 2262\n"));

    let out = run(&[
        "--launch",
        "2",
        "--skip",
        "1",
        "--connect-timeout-ms",
        "300",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr,
        "Error: process 0 failed (exit status: 1), process 1 was left out: \
         the run has no answer\n"
    );
}

#[test]
fn bad_arguments_are_rejected_without_starting_anything() {
    for (args, code, error) in [
        (
            &["--limit", "0"][..],
            2,
            "error: invalid value '0' for '--limit <LIMIT>'",
        ),
        (
            &["-n", "2"],
            1,
            "Error: -n 2 or more needs -p: which process is this?",
        ),
        (&["-n", "2", "-p", "2"], 1, "Error: -p 2 is not below -n 2"),
        (
            &["--launch", "2", "--skip", "2"],
            1,
            "Error: --skip 2 is not below --launch 2",
        ),
        (
            &["--skip", "1"],
            2,
            "error: the following required arguments",
        ),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(out.status.signal().is_none());
        assert!(stderr.starts_with(error), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
