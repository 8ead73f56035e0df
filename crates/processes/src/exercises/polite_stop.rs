//! Exercise: Ask first, then insist (medium)
//!
//! Python's `p.join(timeout)` followed by `p.terminate()` is a polite way to end a worker that
//! takes too long: SIGTERM lets it clean up. But a process may ignore SIGTERM, and then only
//! SIGKILL ends it. Whatever happens, the child must be reaped, so no zombie is left.
//!
//! Write `shut_down`. It waits at most `limit` for `child` to end by itself. If it has not,
//! it sends SIGTERM and waits at most `grace` more. If the child still runs, it kills it with
//! SIGKILL. In every case it returns how the child ended, reaped, as an [`Ending`]: `Exited`
//! (it ended by itself within `limit`, whatever its status), `Terminated` (it ended after the
//! SIGTERM) or `Killed` (it needed the SIGKILL).
//!
//! The crate already has the pieces: `processes::wait_deadline`, `processes::terminate` and
//! `processes::stop`.

use std::io;
use std::process::{Child, ExitStatus};
use std::time::Duration;

// solution: begin, skeleton:
use crate::{stop, terminate, wait_deadline};
// solution: end

/// How a child ended under [`shut_down`], with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It ended by itself before the limit.
    Exited(ExitStatus),
    /// It ended after being asked to, with SIGTERM.
    Terminated(ExitStatus),
    /// It had to be killed with SIGKILL.
    Killed(ExitStatus),
}

/// Waits at most `limit` for `child`, then asks it to end (SIGTERM) and waits at most `grace`,
/// then kills it (SIGKILL). The child is always reaped.
pub fn shut_down(child: &mut Child, limit: Duration, grace: Duration) -> io::Result<Ending> {
    // solution: begin
    if let Some(status) = wait_deadline(child, limit)? {
        return Ok(Ending::Exited(status));
    }
    terminate(child)?;
    if let Some(status) = wait_deadline(child, grace)? {
        return Ok(Ending::Terminated(status));
    }
    Ok(Ending::Killed(stop(child)?))
    // solution: end
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::thread;

    use nix::sys::signal::{self, Signal};
    use nix::unistd::Pid;

    use super::*;
    use crate::{is_unreaped_child, lines_channel, proc_state};

    /// Long enough for any wait here; only reached when something is broken.
    const WAY_OUT: Duration = Duration::from_secs(20);
    const SHORT: Duration = Duration::from_millis(50);

    /// Owns a child and kills and reaps it when dropped, so that no test, passing or failing,
    /// leaves a process behind.
    struct Guard(Child);

    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn spawn(program: &str, args: &[&str]) -> Guard {
        let child = Command::new(program)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the child");
        Guard(child)
    }

    /// Calls `shut_down`, but fails instead of hanging if it does not return in time (a wait
    /// for a child that ignores SIGTERM, say): the child then gets a SIGKILL, so that the
    /// stuck wait returns.
    fn shut_down_in_time(
        child: &mut Child,
        limit: Duration,
        grace: Duration,
    ) -> io::Result<Ending> {
        let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid fits in i32"));
        thread::scope(|scope| {
            let (done, finished) = mpsc::channel();
            let caller = scope.spawn(move || {
                let ending = shut_down(child, limit, grace);
                let _ = done.send(());
                ending
            });
            if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(WAY_OUT) {
                let _ = signal::kill(pid, Signal::SIGKILL);
                let _ = caller.join();
                panic!("shut_down did not return within {WAY_OUT:?}");
            }
            caller
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    fn assert_reaped(pid: u32) -> io::Result<()> {
        assert!(!is_unreaped_child(pid)?, "{pid} was not reaped");
        assert_ne!(proc_state(pid)?, Some('Z'), "{pid} is a zombie");
        Ok(())
    }

    #[test]
    fn a_child_that_ends_in_time_just_exits() -> io::Result<()> {
        let mut guard = spawn("sh", &["-c", "exit 4"]);
        let ending = shut_down_in_time(&mut guard.0, WAY_OUT, WAY_OUT)?;
        let Ending::Exited(status) = ending else {
            panic!("expected Exited, got {ending:?}");
        };
        assert_eq!(status.code(), Some(4));
        assert_reaped(guard.0.id())
    }

    #[test]
    fn a_slow_child_is_asked_to_end() -> io::Result<()> {
        let mut guard = spawn("sleep", &["600"]);
        let ending = shut_down_in_time(&mut guard.0, SHORT, WAY_OUT)?;
        let Ending::Terminated(status) = ending else {
            panic!("expected Terminated, got {ending:?}");
        };
        assert_eq!(status.signal(), Some(15));
        assert_reaped(guard.0.id())
    }

    #[test]
    fn a_child_that_ignores_sigterm_is_killed() -> io::Result<()> {
        // The shell ignores SIGTERM and `exec` hands that on to sleep. It says "ready" once the
        // trap is set, so our SIGTERM cannot arrive before it.
        let mut guard = spawn("sh", &["-c", "trap '' TERM; echo ready; exec sleep 600"]);
        let lines = lines_channel(guard.0.stdout.take().expect("piped stdout"));
        assert_eq!(lines.recv_timeout(WAY_OUT).ok().as_deref(), Some("ready"));
        let ending = shut_down_in_time(&mut guard.0, SHORT, Duration::from_millis(200))?;
        let Ending::Killed(status) = ending else {
            panic!("expected Killed, got {ending:?}");
        };
        assert_eq!(status.signal(), Some(9));
        assert_reaped(guard.0.id())
    }
}
