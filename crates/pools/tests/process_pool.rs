//! The process pool against real worker processes: this test binary starts itself again with
//! `--pools-worker <role>`. The standard test harness would reject that argument, so this file
//! has its own small `main` (`harness = false` in Cargo.toml).

use std::collections::BTreeSet;
use std::io;
use std::path::Path;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pools::process::{self, Limits, ProcessPool, Restart, TaskError, WorkerSpec, serve};

/// A worker's job in the tests: a few commands, each doing something a real worker might.
fn job(line: &str) -> Result<String, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["sq", n] => {
            let n: u64 = n.parse().map_err(|_| format!("bad number {n:?}"))?;
            Ok((n * n).to_string())
        }
        // Sleeps, then answers: tasks of different lengths end out of order.
        ["sleep", ms, answer] => {
            let ms: u64 = ms.parse().map_err(|_| format!("bad duration {ms:?}"))?;
            thread::sleep(Duration::from_millis(ms));
            Ok((*answer).to_owned())
        }
        ["crash"] => process::crash(),
        ["panic"] => panic!("a worker panics on purpose"),
        ["exit", code] => std::process::exit(code.parse().unwrap_or(1)),
        ["refuse"] => Err("refused on purpose".to_owned()),
        // Writes a line of its own before the answer: out of protocol.
        ["chatty"] => {
            println!("nonsense");
            Ok("1".to_owned())
        }
        ["hang"] => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        _ => Err(format!("unknown command {line:?}")),
    }
}

/// What the test binary does when started as a worker with `role`.
fn worker(role: &str, extra: Option<&str>) -> Result<()> {
    match role {
        "job" => serve(job)?,
        "primes" => serve(process::prime_task)?,
        // Not a pool worker at all.
        "hello" => println!("hello"),
        "silent" => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        // Serves, but stays alive after its stdin closes: shutdown must kill it.
        "stays" => {
            serve(job)?;
            loop {
                thread::sleep(Duration::from_secs(3600));
            }
        }
        // The first worker serves; every later one fails to start (a marker file tells).
        "first-only" => {
            let marker = Path::new(extra.context("first-only needs a marker path")?);
            if marker.exists() {
                println!("hello");
            } else {
                std::fs::write(marker, b"started")?;
                serve(job)?;
            }
        }
        other => bail!("unknown role {other:?}"),
    }
    Ok(())
}

fn spec(role: &str) -> io::Result<WorkerSpec> {
    Ok(WorkerSpec::this_program()?.arg(role))
}

/// Processes whose parent is this process, zombies included (Linux).
fn children() -> Vec<u32> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (name) state ppid ...": the name may hold spaces, so look after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1));
        if ppid == Some(me.as_str()) {
            found.push(pid);
        }
    }
    found
}

/// The state letter of `pid` (`R`, `S`, `Z` for a zombie, ...), from /proc (Linux).
fn proc_state(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().next().map(str::to_owned)
}

fn ensure_no_children() -> Result<()> {
    let left = children();
    ensure!(left.is_empty(), "processes left behind: {left:?}");
    Ok(())
}

fn answers(results: &[Result<String, TaskError>]) -> Vec<String> {
    results
        .iter()
        .map(|outcome| match outcome {
            Ok(value) => value.clone(),
            Err(error) => format!("<{error}>"),
        })
        .collect()
}

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
    // One replacement per poison, each logged with its input.
    let restarts = pool.take_restarts();
    // Inputs 3 and 4 run at the same time, on the two workers: either may die first.
    let mut inputs_hit: Vec<Option<usize>> = restarts.iter().map(|r| r.input).collect();
    inputs_hit.sort();
    ensure!(
        inputs_hit == [Some(3), Some(4), Some(17)],
        "restarts: {restarts:?}"
    );
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
        first_pids.iter().any(|pid| !pids.contains(pid)),
        "no worker was replaced"
    );
    // The pool goes on as before.
    ensure!(answers(&pool.map(&["sq 7", "sq 8"])?) == ["49", "64"]);
    drop(pool);
    ensure_no_children()
}

fn results_come_in_input_order_whatever_order_tasks_end_in() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 3)?;
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
    ensure!(pool.take_restarts().len() == 2);
    Ok(())
}

fn a_refused_input_fails_alone_and_keeps_its_worker() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let before = pool.pids();
    let results = pool.map(&["sq 2", "refuse", "sq 3", "what?"])?;
    ensure!(
        answers(&results)
            == [
                "4",
                "<refused: refused on purpose>",
                "9",
                "<refused: unknown command \"what?\">"
            ],
        "{results:?}"
    );
    ensure!(pool.pids() == before, "a worker was replaced");
    ensure!(pool.take_restarts().is_empty());
    Ok(())
}

fn a_task_past_its_deadline_is_killed_and_the_rest_goes_on() -> Result<()> {
    let limits = Limits {
        task: Duration::from_millis(300),
        ..Limits::default()
    };
    let mut pool = ProcessPool::with_limits(spec("job")?, 2, limits)?;
    let results = pool.map(&["sq 5", "hang", "sq 6", "sq 7"])?;
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
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let results = pool.map(&["chatty", "sq 9"])?;
    match &results[0] {
        Err(TaskError::BadAnswer { line, .. }) => ensure!(line == "nonsense", "{line:?}"),
        other => bail!("chatty: {other:?}"),
    }
    ensure!(answers(&results)[1] == "81", "{results:?}");
    ensure!(pool.take_restarts().len() == 1);
    Ok(())
}

fn a_worker_killed_between_tasks_is_replaced_and_no_task_is_lost() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 2)?;
    let victim = pool.pids()[0];
    kill(Pid::from_raw(i32::try_from(victim)?), Signal::SIGKILL)?;
    // SIGKILL takes effect soon, not at once: wait until the victim is a zombie. (A worker
    // that dies at the very moment it is handed a task cannot be told from one that died
    // of that task; the pool then reports the task as failed, which is not what this tests.)
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
    ensure!(
        error
            .to_string()
            .contains("said \"hello\" instead of \"ready\""),
        "{error}"
    );
    ensure_no_children()?;
    let limits = Limits {
        start: Duration::from_millis(300),
        ..Limits::default()
    };
    let error = ProcessPool::with_limits(spec("silent")?, 2, limits)
        .err()
        .context("silent was taken")?;
    ensure!(
        error.to_string().contains("did not say \"ready\""),
        "{error}"
    );
    ensure_no_children()
}

fn a_pool_whose_new_worker_cannot_start_is_broken_for_good() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("pools-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let marker = dir.join("first-only");
    let _ = std::fs::remove_file(&marker);
    let spec = WorkerSpec::this_program()?.arg("first-only").arg(&marker);
    let mut pool = ProcessPool::new(spec, 1)?;
    ensure!(answers(&pool.map(&["sq 3"])?) == ["9"]);
    let error = pool.map(&["crash", "sq 4"]).err().context("no error")?;
    ensure!(
        error.to_string().contains("instead of \"ready\""),
        "{error}"
    );
    let again = pool
        .map(&["sq 5"])
        .err()
        .context("a broken pool ran a task")?;
    ensure!(again.to_string().contains("the pool is broken"), "{again}");
    ensure!(pool.size() == 0);
    ensure_no_children()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn an_input_of_several_lines_is_refused_before_anything_runs() -> Result<()> {
    let mut pool = ProcessPool::new(spec("job")?, 1)?;
    let error = pool.map(&["sq 2", "sq 3\nsq 4"]).err().context("taken")?;
    ensure!(error.kind() == io::ErrorKind::InvalidInput, "{error}");
    let long = "x".repeat(process::MAX_INPUT);
    ensure!(pool.map(&[long]).is_err());
    // Nothing was sent, so the pool is fine.
    ensure!(answers(&pool.map(&["sq 2"])?) == ["4"]);
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
    let counted = process::count_primes(&mut pool, range.clone(), 3_000)?;
    ensure!(counted == pools::count_primes(range), "{counted}");
    ensure!(counted == 1_472);
    Ok(())
}

type Test = (&'static str, fn() -> Result<()>);

const TESTS: &[Test] = &[
    (
        "no_task_is_lost_when_workers_crash",
        no_task_is_lost_when_workers_crash,
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
        "a_pool_whose_new_worker_cannot_start_is_broken_for_good",
        a_pool_whose_new_worker_cannot_start_is_broken_for_good,
    ),
    (
        "an_input_of_several_lines_is_refused_before_anything_runs",
        an_input_of_several_lines_is_refused_before_anything_runs,
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
    if process::is_worker() {
        let args: Vec<String> = std::env::args().skip(2).collect();
        let role = args.first().map_or("", String::as_str);
        return match worker(role, args.get(1).map(String::as_str)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("worker {role}: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    // `cargo test -- NAME` runs the tests whose name contains NAME; cargo's own flags
    // (`--quiet`, ...) are ignored.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    println!("\nrunning {} tests", TESTS.len());
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in TESTS {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        match test() {
            Ok(()) => println!("test {name} ... ok"),
            Err(error) => {
                println!("test {name} ... FAILED\n  {error:#}");
                failed.push(*name);
            }
        }
    }
    let outcome = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {outcome}. {} passed; {} failed; {} filtered out\n",
        ran - failed.len(),
        failed.len(),
        TESTS.len() - ran
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
