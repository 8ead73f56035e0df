//! Start, join, terminate and reap, on ordinary system programs (`sleep`, `sh`, `cat`).
//!
//! No test asserts on the wall clock: deadlines here are only ways out of a wait.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use processes::{
    describe, is_unreaped_child, lines_channel, proc_state, run_with_deadline, stop, terminate,
    wait_deadline, wait_unreaped,
};

const SIGTERM: i32 = 15;
const SIGKILL: i32 = 9;
/// Long enough for any join in these tests; only reached when something is broken.
const WAY_OUT: Duration = Duration::from_secs(30);

fn sleeper() -> io::Result<Child> {
    Command::new("sleep").arg("600").spawn()
}

/// After the wait, the child must be gone: not a zombie, not a child of ours any more.
fn assert_reaped(pid: u32) -> io::Result<()> {
    assert!(!is_unreaped_child(pid)?, "{pid} is still an unreaped child");
    assert_ne!(proc_state(pid)?, Some('Z'), "{pid} is a zombie");
    Ok(())
}

#[test]
fn terminate_really_ends_the_child_and_its_status_says_sigterm() -> io::Result<()> {
    let mut child = sleeper()?;
    assert!(child.try_wait()?.is_none(), "sleep 600 ended by itself");
    terminate(&mut child)?;
    let status = wait_deadline(&mut child, WAY_OUT)?.expect("SIGTERM ends sleep");
    assert_eq!(status.signal(), Some(SIGTERM));
    assert_eq!(status.code(), None);
    assert!(!status.success());
    assert_eq!(describe(status), "killed by signal 15 (SIGTERM)");
    assert_reaped(child.id())
}

#[test]
fn sigterm_can_be_ignored_but_stop_cannot() -> io::Result<()> {
    // The shell ignores SIGTERM, and `exec` hands that on to sleep.
    let mut child = Command::new("sh")
        .args(["-c", "trap '' TERM; echo ready; exec sleep 600"])
        .stdout(Stdio::piped())
        .spawn()?;
    let lines = lines_channel(child.stdout.take().expect("piped stdout"));
    assert_eq!(lines.recv_timeout(WAY_OUT).ok().as_deref(), Some("ready"));
    terminate(&mut child)?;
    // An ignored signal changes nothing: the child is still running after the wait.
    assert!(wait_deadline(&mut child, Duration::from_millis(200))?.is_none());
    let status = stop(&mut child)?;
    assert_eq!(status.signal(), Some(SIGKILL));
    assert_reaped(child.id())
}

#[test]
fn stop_kills_and_reaps() -> io::Result<()> {
    let mut child = sleeper()?;
    let status = stop(&mut child)?;
    assert_eq!(status.signal(), Some(SIGKILL));
    assert_eq!(describe(status), "killed by signal 9 (SIGKILL)");
    assert_reaped(child.id())
}

// The control for `assert_reaped`: a killed child that nobody waits for IS seen as a zombie.
#[test]
fn a_killed_child_is_a_zombie_until_waited_for() -> io::Result<()> {
    let mut child = sleeper()?;
    let pid = child.id();
    child.kill()?;
    wait_unreaped(&child)?;
    assert_eq!(proc_state(pid)?, Some('Z'));
    assert!(is_unreaped_child(pid)?);
    // Peeking did not reap it: the real wait still gets the status.
    assert_eq!(child.wait()?.signal(), Some(SIGKILL));
    assert_reaped(pid)
}

#[test]
fn wait_deadline_gives_up_on_a_running_child_and_reports_an_ended_one() -> io::Result<()> {
    let mut running = sleeper()?;
    assert!(wait_deadline(&mut running, Duration::from_millis(50))?.is_none());
    assert!(is_unreaped_child(running.id())?);
    stop(&mut running)?;

    let mut ending = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
    let status = wait_deadline(&mut ending, WAY_OUT)?.expect("sh exits at once");
    assert_eq!(status.code(), Some(3));
    assert_eq!(describe(status), "exited with code 3");
    assert_reaped(ending.id())
}

#[test]
fn terminate_after_the_end_is_harmless() -> io::Result<()> {
    let mut child = Command::new("true").spawn()?;
    let status = child.wait()?;
    terminate(&mut child)?;
    assert_eq!(child.wait()?, status);
    Ok(())
}

#[test]
fn describe_a_real_abort() -> io::Result<()> {
    let status = Command::new("sh")
        .args(["-c", "ulimit -c 0; kill -ABRT $$"])
        .status()?;
    assert_eq!(describe(status), "killed by signal 6 (SIGABRT)");
    Ok(())
}

#[test]
fn run_with_deadline_kills_a_stuck_child_and_reaps_it() -> io::Result<()> {
    // `exec`: sleep replaces the shell, so no grandchild keeps the output pipes open.
    let done = run_with_deadline(
        Command::new("sh").args(["-c", "exec sleep 600"]),
        b"",
        Duration::from_millis(100),
    )?;
    assert!(done.killed);
    assert_eq!(done.status.signal(), Some(SIGKILL));
    Ok(())
}

#[test]
fn run_with_deadline_moves_more_than_a_pipe_holds_both_ways() -> io::Result<()> {
    // 1 MiB in and out of `cat`: far more than a pipe buffers, so a parent that wrote all
    // the input before reading any output would wait forever (and the deadline would kill).
    let input: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let done = run_with_deadline(&mut Command::new("cat"), &input, WAY_OUT)?;
    assert!(!done.killed);
    assert!(done.status.success());
    assert!(done.stdout == input, "cat changed the bytes");
    assert!(done.stderr.is_empty());
    Ok(())
}
