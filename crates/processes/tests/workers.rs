//! Tests with worker processes of our own: this test binary starts itself again with
//! `--worker <role>`, as the examples do. The standard test harness would reject that
//! argument, so this file has its own small `main` (`harness = false` in Cargo.toml).

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};

use processes::{
    describe, is_unreaped_child, lines_channel, proc_state, run_with_deadline, stop, terminate,
    wait_deadline, worker_command, worker_role,
};

/// Only a way out of waits that should never take this long.
const WAY_OUT: Duration = Duration::from_secs(30);

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// What each worker role does in the child.
fn worker(role: &str) -> Result<()> {
    match role {
        "count" => {
            let after = COUNTER.fetch_add(1, Ordering::SeqCst) + 1;
            println!("{after}");
        }
        "ids" => println!(
            "{} {}",
            std::process::id(),
            std::os::unix::process::parent_id()
        ),
        "panic" => panic!("the worker panics on purpose"),
        "deliver-forever" => {
            let mut out = std::io::stdout();
            loop {
                writeln!(out, "delivering...")?; // fails once the parent stops listening
                thread::sleep(Duration::from_millis(10));
            }
        }
        other => bail!("unknown role {other:?}"),
    }
    Ok(())
}

fn isolation_holds_a_child_changes_only_its_own_counter() -> Result<()> {
    COUNTER.store(41, Ordering::SeqCst);
    let done = run_with_deadline(&mut worker_command("count")?, b"", WAY_OUT)?;
    ensure!(done.status.success(), "count {}", describe(done.status));
    // The child started from its own fresh counter (0), and ours did not move.
    ensure!(done.stdout == b"1\n", "child said {:?}", done.stdout);
    ensure!(
        COUNTER.load(Ordering::SeqCst) == 41,
        "the parent's counter changed"
    );
    // The control: a thread shares our memory, so its change shows.
    thread::spawn(|| COUNTER.fetch_add(1, Ordering::SeqCst))
        .join()
        .map_err(|_| anyhow::anyhow!("thread panicked"))?;
    ensure!(
        COUNTER.load(Ordering::SeqCst) == 42,
        "the thread's change is lost"
    );
    Ok(())
}

fn a_worker_is_a_new_process_whose_parent_is_us() -> Result<()> {
    let mut child = worker_command("ids")?.stdout(Stdio::piped()).spawn()?;
    let lines = lines_channel(child.stdout.take().context("no stdout")?);
    let line = lines.recv_timeout(WAY_OUT)?;
    let status = wait_deadline(&mut child, WAY_OUT)?.context("ids worker hangs")?;
    ensure!(status.success(), "ids {}", describe(status));
    let expected = format!("{} {}", child.id(), std::process::id());
    ensure!(
        line == expected,
        "worker said {line:?}, expected {expected:?}"
    );
    Ok(())
}

fn a_panicking_worker_exits_101_and_the_parent_reads_why() -> Result<()> {
    let mut command = worker_command("panic")?;
    command.env_remove("RUST_BACKTRACE");
    let done = run_with_deadline(&mut command, b"", WAY_OUT)?;
    ensure!(done.status.code() == Some(101), "{}", describe(done.status));
    let stderr = String::from_utf8(done.stderr)?;
    ensure!(
        stderr.contains("the worker panics on purpose"),
        "stderr: {stderr}"
    );
    Ok(())
}

fn terminate_ends_a_working_worker_and_leaves_no_zombie() -> Result<()> {
    let mut child = worker_command("deliver-forever")?
        .stdout(Stdio::piped())
        .spawn()?;
    let lines = lines_channel(child.stdout.take().context("no stdout")?);
    ensure!(lines.recv_timeout(WAY_OUT)? == "delivering...");
    terminate(&mut child)?;
    let Some(status) = wait_deadline(&mut child, WAY_OUT)? else {
        stop(&mut child)?;
        bail!("SIGTERM did not end the worker");
    };
    ensure!(status.signal() == Some(15), "{}", describe(status));
    ensure!(!is_unreaped_child(child.id())?, "not reaped");
    ensure!(proc_state(child.id())? != Some('Z'), "a zombie is left");
    Ok(())
}

/// A test's name and body.
type Test = (&'static str, fn() -> Result<()>);

/// `(name, function)` pairs, the names taken from the functions themselves.
macro_rules! tests {
    ($($test:ident),* $(,)?) => {
        [$((stringify!($test), $test as fn() -> Result<()>)),*]
    };
}

fn main() -> ExitCode {
    if let Some(role) = worker_role() {
        return match worker(&role) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("worker {role}: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let tests: [Test; 4] = tests![
        isolation_holds_a_child_changes_only_its_own_counter,
        a_worker_is_a_new_process_whose_parent_is_us,
        a_panicking_worker_exits_101_and_the_parent_reads_why,
        terminate_ends_a_working_worker_and_leaves_no_zombie,
    ];
    // Like libtest: a plain argument filters tests by name; flags are ignored.
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    let mut failed = 0;
    let mut ran = 0;
    for (name, test) in tests {
        if filter
            .as_deref()
            .is_some_and(|filter| !name.contains(filter))
        {
            continue;
        }
        ran += 1;
        match test() {
            Ok(()) => println!("test {name} ... ok"),
            Err(error) => {
                println!("test {name} ... FAILED: {error:#}");
                failed += 1;
            }
        }
    }
    println!("workers: {} passed, {failed} failed", ran - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
