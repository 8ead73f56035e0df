//! The process pool against real worker processes: this test binary starts itself again with
//! `--pools-worker <role>` (see `common`).

mod common;

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use common::{AMPLE, SHORT, answers, ensure_no_children, proc_state, spec};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pools::process::{self, Cancel, Limits, ProcessPool, Restart, TaskError};

fn no_task_is_lost_when_workers_crash() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let first_pids = pool.pids();
    let poison = [3, 4, 17];
    let inputs: Vec<String> = (0..30)
        .map(|i| {
            if poison.contains(&i) {
                "crash".to_owned()
            } else {
                format!("sq {i}")
            }
        })
        .collect();
    let results = pool.map(&inputs)?;
    ensure!(results.len() == inputs.len(), "{} results", results.len());
    for (i, outcome) in results.iter().enumerate() {
        if poison.contains(&i) {
            match outcome {
                Err(TaskError::WorkerDied { how, .. }) => ensure!(
                    how == "killed by signal 6 (SIGABRT)",
                    "input {i}: the worker ended {how}"
                ),
                other => bail!("input {i} (poison): {other:?}"),
            }
        } else {
            let expected = (i * i).to_string();
            ensure!(
                outcome.as_ref() == Ok(&expected),
                "input {i}: {outcome:?}, expected {expected}"
            );
        }
    }
    // Two replacements per poison: the first death gives it a second try on the new worker,
    // the second makes it a poison.
    let restarts = pool.take_restarts();
    let mut hits: Vec<(Option<usize>, bool)> =
        restarts.iter().map(|r| (r.input, r.retried)).collect();
    hits.sort();
    let expected: Vec<(Option<usize>, bool)> = poison
        .iter()
        .flat_map(|&i| [(Some(i), false), (Some(i), true)])
        .collect();
    ensure!(hits == expected, "restarts: {restarts:?}");
    ensure!(pool.size() == 2, "the pool shrank to {}", pool.size());
    let pids: BTreeSet<u32> = pool.pids().into_iter().collect();
    ensure!(pids.len() == 2, "{pids:?}");
    for Restart { old_pid, .. } in &restarts {
        ensure!(
            !pids.contains(old_pid),
            "dead worker {old_pid} still listed"
        );
    }
    ensure!(
        first_pids.iter().all(|pid| !pids.contains(pid)),
        "a first worker survived"
    );
    // The pool goes on as before.
    ensure!(answers(&pool.map(&["sq 7", "sq 8"])?) == ["49", "64"]);
    drop(pool);
    ensure_no_children()
}

fn a_worker_that_died_once_succeeds_on_the_retry() -> Result<()> {
    let dir = common::scratch("flaky")?;
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let flaky = format!("flaky {}", dir.join("marker").display());
    let results = pool.map(&["sq 1", flaky.as_str(), "sq 2"])?;
    ensure!(answers(&results) == ["1", "survived", "4"], "{results:?}");
    let restarts = pool.take_restarts();
    ensure!(restarts.len() == 1, "{restarts:?}");
    ensure!(
        restarts[0].input == Some(1) && restarts[0].retried,
        "{restarts:?}"
    );
    ensure!(
        restarts[0].how == "killed by signal 6 (SIGABRT)",
        "{restarts:?}"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn results_come_in_input_order_whatever_order_tasks_end_in() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 3)?;
    pool.set_tasks_per_worker(1);
    // The first tasks take longest, so the later ones end first.
    let inputs: Vec<String> = (0..9)
        .map(|i| format!("sleep {} answer-{i}", (9 - i) * 15))
        .collect();
    let results = pool.map(&inputs)?;
    let expected: Vec<String> = (0..9).map(|i| format!("answer-{i}")).collect();
    ensure!(answers(&results) == expected, "{results:?}");
    ensure!(pool.take_restarts().is_empty());
    Ok(())
}

fn a_panic_or_an_exit_is_reported_like_a_crash() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let results = pool.map(&["sq 2", "panic", "sq 3", "exit 3", "sq 4"])?;
    let hows: Vec<String> = results
        .iter()
        .filter_map(|outcome| match outcome {
            Err(TaskError::WorkerDied { how, .. }) => Some(how.clone()),
            _ => None,
        })
        .collect();
    ensure!(
        hows == ["exited with code 101", "exited with code 3"],
        "{results:?}"
    );
    ensure!(answers(&results)[0] == "4" && answers(&results)[2] == "9");
    ensure!(answers(&results)[4] == "16");
    ensure!(pool.take_restarts().len() == 4);
    Ok(())
}

fn a_refused_input_fails_alone_and_keeps_its_worker() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let before = pool.pids();
    let results = pool.map(&["sq 2", "refuse", "sq 3", "what?", "chatty"])?;
    ensure!(
        answers(&results)
            == [
                "4",
                "<refused: refused on purpose>",
                "9",
                "<refused: unknown command \"what?\">",
                "1",
            ],
        "{results:?}"
    );
    ensure!(pool.pids() == before, "a worker was replaced");
    ensure!(pool.take_restarts().is_empty());
    Ok(())
}

/// Only the task that hangs has a short limit: the others must be answered, however busy
/// the machine is.
fn a_task_past_its_deadline_is_killed_and_the_rest_goes_on() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let tasks = [
        ("sq 5", AMPLE),
        ("hang", SHORT),
        ("sq 6", AMPLE),
        ("sq 7", AMPLE),
    ];
    let results = pool.map_limited(&tasks, &Cancel::new())?;
    ensure!(
        matches!(results[1], Err(TaskError::TimedOut { .. })),
        "{results:?}"
    );
    ensure!(answers(&results)[0] == "25" && answers(&results)[2] == "36");
    ensure!(answers(&results)[3] == "49");
    let restarts = pool.take_restarts();
    ensure!(restarts.len() == 1 && restarts[0].input == Some(1));
    ensure!(
        restarts[0].how == "killed by signal 9 (SIGKILL)",
        "{restarts:?}"
    );
    Ok(())
}

fn an_answer_out_of_protocol_replaces_the_worker() -> Result<()> {
    let mut pool = ProcessPool::new(spec("garbage")?, 1)?;
    let results = pool.map(&["sq 9"])?;
    match &results[0] {
        Err(TaskError::BadAnswer { what, .. }) => {
            ensure!(what.contains("unknown kind 'o'"), "{what:?}");
        }
        other => bail!("garbage: {other:?}"),
    }
    ensure!(pool.take_restarts().len() == 1);
    drop(pool);
    ensure_no_children()
}

fn a_worker_killed_between_tasks_is_replaced_and_no_task_is_lost() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let victim = pool.pids()[0];
    kill(Pid::from_raw(i32::try_from(victim)?), Signal::SIGKILL)?;
    // SIGKILL takes effect soon, not at once: wait until the victim is a zombie.
    let mut waited = 0;
    while proc_state(victim).as_deref() != Some("Z") {
        ensure!(waited < 5_000, "worker {victim} does not die");
        thread::sleep(Duration::from_millis(1));
        waited += 1;
    }
    let inputs: Vec<String> = (0..10).map(|i| format!("sq {i}")).collect();
    let results = pool.map(&inputs)?;
    let expected: Vec<String> = (0..10).map(|i| (i * i).to_string()).collect();
    ensure!(answers(&results) == expected, "{results:?}");
    let restarts = pool.take_restarts();
    ensure!(restarts.len() == 1, "{restarts:?}");
    ensure!(restarts[0].old_pid == victim && restarts[0].input.is_none());
    ensure!(
        restarts[0].how == "killed by signal 9 (SIGKILL)",
        "{restarts:?}"
    );
    drop(pool);
    ensure_no_children()
}

fn a_program_that_is_not_a_worker_is_refused_and_reaped() -> Result<()> {
    let error = ProcessPool::new(spec("hello")?, 2)
        .err()
        .context("hello was taken")?;
    let text = error.to_string();
    ensure!(
        text.contains("said \"hello\\n\" instead of hello"),
        "{text}"
    );
    ensure_no_children()?;
    // A worker that never says hello must run out of its start limit: a short one.
    let limits = Limits {
        start: SHORT,
        ..Limits::default()
    };
    let error = ProcessPool::with_limits(spec("silent")?, 2, limits)
        .err()
        .context("silent was taken")?;
    ensure!(
        error.to_string().contains("was not ready within"),
        "{error}"
    );
    ensure_no_children()
}

fn an_input_of_any_size_and_any_bytes_goes_through_whole() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let long = format!("len {}", "z".repeat(100_000));
    let results = pool.map(&["len a\nok 1\nb", long.as_str(), "sq 2"])?;
    ensure!(answers(&results) == ["12", "100004", "4"], "{results:.80?}");
    Ok(())
}

fn shutdown_lets_idle_workers_exit_cleanly() -> Result<()> {
    let pool = ProcessPool::new(spec("job")?, 2)?;
    let pids = pool.pids();
    let ended = pool.shutdown()?;
    let ended_pids: Vec<u32> = ended.iter().map(|(pid, _)| *pid).collect();
    ensure!(ended_pids == pids, "{ended_pids:?} vs {pids:?}");
    for (pid, status) in &ended {
        ensure!(
            status.success(),
            "worker {pid}: {}",
            process::describe(*status)
        );
    }
    ensure_no_children()
}

fn shutdown_kills_workers_that_do_not_exit() -> Result<()> {
    let pool = ProcessPool::new(spec("stays")?, 2)?;
    let ended = pool.shutdown()?;
    ensure!(ended.len() == 2);
    for (pid, status) in &ended {
        let how = process::describe(*status);
        ensure!(how == "killed by signal 9 (SIGKILL)", "worker {pid}: {how}");
    }
    ensure_no_children()?;
    // Dropping does the same.
    drop(ProcessPool::new(spec("stays")?, 2)?);
    ensure_no_children()
}

fn the_pool_counts_primes_like_the_sequential_loop() -> Result<()> {
    let mut pool = ProcessPool::new(spec("primes")?, 2)?;
    let range = 1_000_000..1_020_000;
    for chunk in [100, 3_000] {
        let counted = process::count_primes(&mut pool, range.clone(), chunk)?;
        ensure!(counted == pools::count_primes(range.clone()), "{counted}");
        ensure!(counted == 1_472);
    }
    Ok(())
}

const TESTS: &[common::Test] = &[
    (
        "no_task_is_lost_when_workers_crash",
        no_task_is_lost_when_workers_crash,
    ),
    (
        "a_worker_that_died_once_succeeds_on_the_retry",
        a_worker_that_died_once_succeeds_on_the_retry,
    ),
    (
        "results_come_in_input_order_whatever_order_tasks_end_in",
        results_come_in_input_order_whatever_order_tasks_end_in,
    ),
    (
        "a_panic_or_an_exit_is_reported_like_a_crash",
        a_panic_or_an_exit_is_reported_like_a_crash,
    ),
    (
        "a_refused_input_fails_alone_and_keeps_its_worker",
        a_refused_input_fails_alone_and_keeps_its_worker,
    ),
    (
        "a_task_past_its_deadline_is_killed_and_the_rest_goes_on",
        a_task_past_its_deadline_is_killed_and_the_rest_goes_on,
    ),
    (
        "an_answer_out_of_protocol_replaces_the_worker",
        an_answer_out_of_protocol_replaces_the_worker,
    ),
    (
        "a_worker_killed_between_tasks_is_replaced_and_no_task_is_lost",
        a_worker_killed_between_tasks_is_replaced_and_no_task_is_lost,
    ),
    (
        "a_program_that_is_not_a_worker_is_refused_and_reaped",
        a_program_that_is_not_a_worker_is_refused_and_reaped,
    ),
    (
        "an_input_of_any_size_and_any_bytes_goes_through_whole",
        an_input_of_any_size_and_any_bytes_goes_through_whole,
    ),
    (
        "shutdown_lets_idle_workers_exit_cleanly",
        shutdown_lets_idle_workers_exit_cleanly,
    ),
    (
        "shutdown_kills_workers_that_do_not_exit",
        shutdown_kills_workers_that_do_not_exit,
    ),
    (
        "the_pool_counts_primes_like_the_sequential_loop",
        the_pool_counts_primes_like_the_sequential_loop,
    ),
];

fn main() -> ExitCode {
    common::run(TESTS)
}
