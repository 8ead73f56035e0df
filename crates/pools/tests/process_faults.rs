//! The process pool under the faults it promises to survive, one test per fault. Each test
//! proves its claim with answers, counts and process ids, never by timing the wall clock, and
//! has a deadline (see `common::run`). A task that must time out has a `SHORT` limit; a task
//! that must succeed has an `AMPLE` one, whatever load the machine is under.

mod common;

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use common::{AMPLE, SHORT, answers, ensure_dies, ensure_no_children, scratch, spec};
use pools::process::{Cancel, Limits, ProcessPool, TaskError, WorkerSpec};

/// A job's own output cannot be taken for its answer.
fn a_job_printing_ok_42_cannot_forge_an_answer() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let results = pool.map(&["print-ok", "sq 3", "print-ok"])?;
    ensure!(answers(&results) == ["7", "9", "7"], "{results:?}");
    ensure!(pool.take_restarts().is_empty(), "a worker was replaced");
    Ok(())
}

/// An answer is as long as the job made it: nothing is cut, nothing spills into the next.
fn an_answer_of_one_mebibyte_arrives_whole() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let results = pool.map(&["big 1048576", "sq 2"])?;
    let big = results[0].as_ref().map_err(Clone::clone)?;
    ensure!(big.len() == 1 << 20, "the answer has {} bytes", big.len());
    ensure!(big.bytes().all(|b| b == b'x'), "the answer is not all x");
    ensure!(results[1] == Ok("4".to_owned()), "{:?}", results[1]);
    Ok(())
}

/// A worker that crashes after starting a process of its own: the crash is seen at once, the
/// grandchild is killed with its worker, and the other task is answered.
fn a_worker_whose_grandchild_holds_its_pipes_is_still_replaced() -> Result<()> {
    let dir = scratch("grandchild")?;
    let pids_file = dir.join("pids");
    let limits = Limits {
        // Longer than the test's own deadline: only a crash seen at once passes.
        task: AMPLE,
        ..Limits::default()
    };
    let mut pool = ProcessPool::with_limits(spec("job")?, 1, limits)?;
    let poison = format!("grandchild {}", pids_file.display());
    let results = pool.map(&[poison.as_str(), "sq 5"])?;
    ensure!(
        matches!(results[0], Err(TaskError::WorkerDied { .. })),
        "{results:?}"
    );
    ensure!(results[1] == Ok("25".to_owned()), "{results:?}");
    let pids = std::fs::read_to_string(&pids_file)?;
    ensure!(!pids.trim().is_empty(), "no grandchild was started");
    // Orphaned when its worker crashed, each came to this process (a subreaper): it was
    // killed with its worker's group.
    for pid in pids.lines() {
        let how = common::reap_orphan(pid.parse()?)?;
        ensure!(
            how == "killed by signal 9 (SIGKILL)",
            "grandchild {pid}: {how}"
        );
    }
    drop(pool);
    ensure_no_children()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// A replacement worker that cannot start: the answers already in are returned, the rest
/// fail, and the pool is broken for later calls.
fn results_in_before_the_pool_breaks_are_returned() -> Result<()> {
    let dir = scratch("first-only")?;
    let spec = WorkerSpec::this_program()?
        .arg("first-only")
        .arg(dir.join("marker"));
    let mut pool = ProcessPool::new(spec, 1)?;
    let mut inputs: Vec<String> = (0..5).map(|i| format!("sq {i}")).collect();
    inputs.push("crash".to_owned());
    inputs.extend((6..10).map(|i| format!("sq {i}")));
    let results = pool
        .map(&inputs)
        .context("map gave up and returned no result")?;
    ensure!(
        answers(&results[..5]) == ["0", "1", "4", "9", "16"],
        "{results:?}"
    );
    for outcome in &results[5..] {
        match outcome {
            Err(TaskError::PoolBroken(reason)) => {
                ensure!(reason.contains("pool worker"), "{reason}");
            }
            other => bail!("after the break: {other:?}"),
        }
    }
    let again = pool
        .map(&["sq 5"])
        .err()
        .context("a broken pool ran a task")?;
    ensure!(again.to_string().contains("the pool is broken"), "{again}");
    ensure_no_children()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Worker 0 closes its answers pipe and takes its time to exit while worker 1 answers a burst
/// of tasks: no answer that has arrived is declared late, whatever the pool was busy with.
///
/// The pool spends a whole `EXIT_GRACE` (1 s) waiting for worker 0 to exit, during which
/// worker 1's first answer arrives and its [`SHORT`] limit passes: only a pool that reads
/// before it judges keeps that answer. Every other task has an [`AMPLE`] limit.
fn a_burst_of_answers_during_a_slow_reap_is_not_timed_out() -> Result<()> {
    let mut pool = ProcessPool::new(spec("lingers")?, 2)?;
    // Handed out in turns: `linger` to worker 0, `sleep 100 b` to worker 1, and so on.
    let tasks = [
        ("linger", AMPLE),
        ("sleep 100 b", SHORT),
        ("sq 1", AMPLE),
        ("sq 2", AMPLE),
        ("sq 3", AMPLE),
    ];
    let results = pool.map_limited(&tasks, &Cancel::new())?;
    // Its worker closed the pipe on it twice (the first time, and on the retry).
    ensure!(
        matches!(results[0], Err(TaskError::WorkerDied { .. })),
        "{results:?}"
    );
    ensure!(
        answers(&results[1..]) == ["b", "1", "4", "9"],
        "{results:?}"
    );
    Ok(())
}

/// Worker 1 answers a task, then stops reading, while the pool spends a second reaping worker
/// 0: the pool finds out when its next write to worker 1 fails. The answer already in worker
/// 1's pipe counts, and the task blamed is the one it hung up on, not the one it answered.
///
/// Before the pool read first on a failed write, it blamed the answered task and ran it
/// again; `cargo xtask check` once caught `process_pool` reporting so.
fn an_answer_sent_before_a_failed_write_is_kept() -> Result<()> {
    let mut pool = ProcessPool::new(spec("lingers")?, 2)?;
    // Handed out in turns: `linger` to worker 0, `sleep 200 x` to worker 1, `sq 1` to 0,
    // `hang-up` to 1, `sq 2` to 0. Worker 0's unstarted tasks go back to the queue when it is
    // lost, and worker 1, with room for them, is written to next.
    let tasks = [
        ("linger", AMPLE),
        ("sleep 200 x", AMPLE),
        ("sq 1", AMPLE),
        ("hang-up", AMPLE),
        ("sq 2", AMPLE),
    ];
    let results = pool.map_limited(&tasks, &Cancel::new())?;
    ensure!(
        answers(&results[1..3]) == ["x", "1"] && results[4] == Ok("4".to_owned()),
        "{results:?}"
    );
    let restarts = pool.take_restarts();
    let blamed: Vec<Option<usize>> = restarts.iter().map(|r| r.input).collect();
    ensure!(
        !blamed.contains(&Some(1)),
        "the answered task `sleep 200 x` was blamed for a worker's loss: {restarts:#?}"
    );
    ensure!(blamed.contains(&Some(3)), "{restarts:#?}");
    drop(pool);
    ensure_no_children()
}

/// A worker stuck in a job stops reading: a task of 1 MiB queued behind it cannot be written,
/// and the pool neither hangs on the write nor loses that task.
///
/// Only the stuck task has a [`SHORT`] limit. The big one is answered by a fresh worker,
/// which must start and read a mebibyte: on a busy machine that can take longer than any
/// short limit, so it has an [`AMPLE`] one.
fn a_worker_that_stops_reading_does_not_hang_the_pool() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let huge = format!("len {}", "y".repeat(1 << 20));
    let tasks = [("hang", SHORT), (huge.as_str(), AMPLE)];
    let results = pool.map_limited(&tasks, &Cancel::new())?;
    ensure!(
        matches!(results[0], Err(TaskError::TimedOut { .. })),
        "{:?}",
        results[0]
    );
    ensure!(
        results[1] == Ok(huge.len().to_string()),
        "{:.80?}",
        results[1]
    );
    drop(pool);
    ensure_no_children()
}

/// Cancelling in the middle of a `map`: the answers already in are kept, the task running is
/// ended with its worker, the queued ones never run, and no process is left behind.
fn cancelling_mid_map_ends_what_runs_and_drops_what_waits() -> Result<()> {
    let dir = scratch("cancel")?;
    let marker = dir.join("started");
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let old_pid = pool.pids()[0];
    let mut inputs: Vec<String> = vec!["sq 1".into(), "sq 2".into()];
    inputs.push(format!("mark-and-hang {}", marker.display()));
    inputs.extend((3..20).map(|i| format!("sq {i}")));
    let cancel = Cancel::new();
    // Cancels once the hanging task has started (it says so in the marker file).
    let canceller = {
        let cancel = cancel.clone();
        let marker = marker.clone();
        thread::spawn(move || {
            for _ in 0..10_000 {
                if marker.exists() {
                    break;
                }
                thread::sleep(Duration::from_millis(1));
            }
            cancel.cancel();
        })
    };
    let results = pool.map_cancellable(&inputs, &cancel)?;
    canceller
        .join()
        .map_err(|_| anyhow::anyhow!("the canceller panicked"))?;
    ensure!(marker.exists(), "the hanging task never started");
    ensure!(answers(&results[..2]) == ["1", "4"], "{results:?}");
    ensure!(
        results[2..].iter().all(|r| *r == Err(TaskError::Cancelled)),
        "{results:?}"
    );
    // The worker that ran the hanging task is gone; its replacement is the only child.
    ensure_dies(old_pid)?;
    let restarts = pool.take_restarts();
    ensure!(
        restarts.len() == 1 && restarts[0].input == Some(2) && !restarts[0].retried,
        "{restarts:?}"
    );
    ensure!(
        common::children() == pool.pids(),
        "{:?}",
        common::children()
    );
    // The pool goes on.
    ensure!(answers(&pool.map(&["sq 4"])?) == ["16"]);
    drop(pool);
    ensure_no_children()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// A worker that keeps sending, a byte at a time, but never a whole answer: its task still
/// has a deadline.
fn a_worker_sending_a_byte_at_a_time_still_meets_its_deadline() -> Result<()> {
    let limits = Limits {
        task: SHORT,
        ..Limits::default()
    };
    let mut pool = ProcessPool::with_limits(spec("trickle")?, 1, limits)?;
    let results = pool.map(&["sq 3"])?;
    ensure!(
        matches!(results[0], Err(TaskError::TimedOut { .. })),
        "{results:.80?}"
    );
    drop(pool);
    ensure_no_children()
}

const TESTS: &[common::Test] = &[
    (
        "a_worker_sending_a_byte_at_a_time_still_meets_its_deadline",
        a_worker_sending_a_byte_at_a_time_still_meets_its_deadline,
    ),
    (
        "cancelling_mid_map_ends_what_runs_and_drops_what_waits",
        cancelling_mid_map_ends_what_runs_and_drops_what_waits,
    ),
    (
        "a_job_printing_ok_42_cannot_forge_an_answer",
        a_job_printing_ok_42_cannot_forge_an_answer,
    ),
    (
        "an_answer_of_one_mebibyte_arrives_whole",
        an_answer_of_one_mebibyte_arrives_whole,
    ),
    (
        "a_worker_whose_grandchild_holds_its_pipes_is_still_replaced",
        a_worker_whose_grandchild_holds_its_pipes_is_still_replaced,
    ),
    (
        "results_in_before_the_pool_breaks_are_returned",
        results_in_before_the_pool_breaks_are_returned,
    ),
    (
        "a_burst_of_answers_during_a_slow_reap_is_not_timed_out",
        a_burst_of_answers_during_a_slow_reap_is_not_timed_out,
    ),
    (
        "a_worker_that_stops_reading_does_not_hang_the_pool",
        a_worker_that_stops_reading_does_not_hang_the_pool,
    ),
    (
        "an_answer_sent_before_a_failed_write_is_kept",
        an_answer_sent_before_a_failed_write_is_kept,
    ),
];

fn main() -> ExitCode {
    common::run(TESTS)
}
