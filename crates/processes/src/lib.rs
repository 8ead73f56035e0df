//! Processes: start a worker process, join it, terminate it, and never leave a zombie.
//!
//! Python's `multiprocessing.Process(target=f)` runs a function of our own program in another
//! process. Rust has no such module; the idiom is to start *the current executable* again with
//! a hidden argument that names the function to run:
//!
//! - [`worker_command`] builds `current_exe --worker <role>`; the program's `main` sees the
//!   role (with clap, or with [`worker_role`]) and runs that function instead of its usual job.
//!
//! The parent then uses the three verbs of the Python lesson:
//!
//! - start: [`Command::spawn`];
//! - join: [`Child::wait`], or [`wait_deadline`] to give up after a while;
//! - terminate: [`terminate`] sends SIGTERM (what Python's `terminate()` sends),
//!   [`stop`] sends SIGKILL and reaps the child.
//!
//! [`describe`] says how a child ended (exit code or signal), [`run_with_deadline`] is
//! [`Command::output`] with a deadline and an input, [`lines_channel`] lets a parent wait for a
//! child's next line with a timeout, and [`proc_state`], [`wait_unreaped`] and
//! [`is_unreaped_child`] make zombies visible (Linux).
//!
//! Unix only: exit signals come from [`std::os::unix::process::ExitStatusExt`].
//!
//! The chapter's exercises, each with its task, solution and tests, are in [`exercises`].

#[cfg(not(unix))]
compile_error!(
    "this chapter's code needs a Unix system (Linux, or macOS where the book says so); on Windows, use WSL"
);

pub mod exercises;

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{self, Signal};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;

// ANCHOR: worker_command
/// The hidden argument that turns a program into one of its own workers: `--worker <role>`.
pub const WORKER_FLAG: &str = "--worker";

/// A command that runs this same program again as the worker `role`.
///
/// Add the worker's own arguments and stdio settings, then `spawn` it.
pub fn worker_command(role: &str) -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.arg(WORKER_FLAG).arg(role);
    Ok(command)
}
// ANCHOR_END: worker_command

/// The role this process was started with (`program --worker <role> ...`), if any.
pub fn worker_role() -> Option<String> {
    worker_role_in(std::env::args())
}

/// Like [`worker_role`], for a given argument list (program name first).
pub fn worker_role_in<I: IntoIterator<Item = String>>(args: I) -> Option<String> {
    let mut args = args.into_iter().skip(1);
    if args.next()? == WORKER_FLAG {
        args.next()
    } else {
        None
    }
}

// ANCHOR: wait_deadline
/// Waits at most `limit` for `child` to end: `Ok(None)` means it is still running.
///
/// The standard library has no wait with a timeout, so this polls [`Child::try_wait`],
/// napping a little longer each time (up to 20 ms).
pub fn wait_deadline(child: &mut Child, limit: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + limit;
    let mut nap = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        thread::sleep(nap.min(deadline - now));
        nap = (nap * 2).min(Duration::from_millis(20));
    }
}
// ANCHOR_END: wait_deadline

// ANCHOR: terminate
/// Asks `child` to end by sending it SIGTERM, as Python's `Process.terminate()` does.
///
/// It does not wait: join the child afterwards. A child may catch or ignore SIGTERM; use
/// [`stop`] when it must end.
pub fn terminate(child: &mut Child) -> io::Result<()> {
    // Once `try_wait` has reaped a child, its pid may already belong to another process:
    // never signal it then. While it is unreaped (even a zombie) the pid stays ours.
    if child.try_wait()?.is_some() {
        return Ok(());
    }
    signal::kill(pid_of(child)?, Signal::SIGTERM)?;
    Ok(())
}

/// Kills `child` with SIGKILL (which it cannot catch) and reaps it, so no zombie remains.
pub fn stop(child: &mut Child) -> io::Result<ExitStatus> {
    // `kill` returns Ok if the child already ended; `wait` then collects its status.
    child.kill()?;
    child.wait()
}
// ANCHOR_END: terminate

// ANCHOR: describe
/// How a process ended, in words: `exited with code 0`, `killed by signal 15 (SIGTERM)`.
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    if let Some(number) = status.signal() {
        let name = Signal::try_from(number).map_or("unknown signal", Signal::as_str);
        let core = if status.core_dumped() {
            ", core dumped"
        } else {
            ""
        };
        return format!("killed by signal {number} ({name}{core})");
    }
    // Stopped or continued: `wait` never reports these, only a waitpid with WUNTRACED.
    status.to_string()
}
// ANCHOR_END: describe

/// What [`run_with_deadline`] collected from a child.
#[derive(Debug)]
pub struct Finished {
    /// How the child ended.
    pub status: ExitStatus,
    /// Everything it wrote to its stdout.
    pub stdout: Vec<u8>,
    /// Everything it wrote to its stderr.
    pub stderr: Vec<u8>,
    /// True when the deadline passed and the child was killed.
    pub killed: bool,
}

/// Runs `command` with `input` on its stdin, collects its stdout and stderr, and kills it if it
/// has not ended within `limit`. The child is always reaped.
///
/// Like [`Command::output`], the child must not hand its stdout or stderr to a longer-lived
/// process of its own (a shell running `sleep` in the background, say): the collection ends
/// when every writer of those pipes is gone.
pub fn run_with_deadline(
    command: &mut Command,
    input: &[u8],
    limit: Duration,
) -> io::Result<Finished> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    // ANCHOR: pipes
    // A pipe holds only about 64 KiB. Feed and drain it from threads, or a child blocked on
    // a full stdout and a parent blocked on a full stdin would wait for each other forever.
    let stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A child may end without reading all its input: that broken pipe is fine.
            // Dropping `stdin` closes the pipe, so the child sees the end of its input.
            let _ = stdin.write_all(&input);
        }
    });
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    // ANCHOR_END: pipes
    let (status, killed) = match wait_deadline(&mut child, limit) {
        Ok(Some(status)) => (status, false),
        Ok(None) => (stop(&mut child)?, true),
        Err(error) => {
            let _ = stop(&mut child);
            return Err(error);
        }
    };
    writer
        .join()
        .map_err(|_| io::Error::other("stdin writer panicked"))?;
    Ok(Finished {
        status,
        stdout: collect(stdout)?,
        stderr: collect(stderr)?,
        killed,
    })
}

fn drain<R: Read + Send + 'static>(from: Option<R>) -> JoinHandle<io::Result<Vec<u8>>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut from) = from {
            from.read_to_end(&mut bytes)?;
        }
        Ok(bytes)
    })
}

fn collect(reader: JoinHandle<io::Result<Vec<u8>>>) -> io::Result<Vec<u8>> {
    reader
        .join()
        .map_err(|_| io::Error::other("pipe reader panicked"))?
}

/// Sends each line read from `from` (a child's stdout, say) into a channel, from a thread.
///
/// The receiver can then wait for the next line with `recv_timeout`. The channel closes at
/// the end of the input or on a read error.
pub fn lines_channel<R: Read + Send + 'static>(from: R) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break; // nobody listens any more
            }
        }
    });
    receiver
}

/// The state letter of process `pid` from `/proc/<pid>/stat` (Linux): `R` running,
/// `S` sleeping, `Z` zombie, ...; `None` if there is no such process.
pub fn proc_state(pid: u32) -> io::Result<Option<char>> {
    let stat = match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    // "1234 (name) S ...": the name may hold spaces and ')', so look after the last ')'.
    let state = stat
        .rfind(')')
        .and_then(|end| stat[end + 1..].trim_start().chars().next());
    state
        .map(Some)
        .ok_or_else(|| io::Error::other(format!("unexpected /proc/{pid}/stat: {stat}")))
}

/// Blocks until `child` has ended, *without* reaping it: until someone calls
/// [`Child::wait`], the child stays a zombie. Only call it when the child is sure to end (after
/// a SIGKILL, say). Linux, BSDs and other systems with `waitid`.
pub fn wait_unreaped(child: &Child) -> io::Result<()> {
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
    waitid(Id::Pid(pid_of(child)?), flags)?;
    Ok(())
}

/// True while `pid` is a child of this process that has not been reaped yet (running, or a
/// zombie). It only peeks: it never reaps the child.
pub fn is_unreaped_child(pid: u32) -> io::Result<bool> {
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    match waitid(Id::Pid(raw_pid(pid)?), flags) {
        // Still running, or ended with its status waiting to be collected.
        Ok(_) => Ok(true),
        // No such child of ours: reaped already (or never ours).
        Err(Errno::ECHILD) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

fn pid_of(child: &Child) -> io::Result<Pid> {
    raw_pid(child.id())
}

fn raw_pid(pid: u32) -> io::Result<Pid> {
    i32::try_from(pid)
        .map(Pid::from_raw)
        .map_err(|_| io::Error::other(format!("pid {pid} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn worker_role_is_read_from_the_hidden_argument() {
        let role = worker_role_in(args(&["prog", "--worker", "deliver", "--n", "3"]));
        assert_eq!(role.as_deref(), Some("deliver"));
        assert_eq!(worker_role_in(args(&["prog", "--n", "3"])), None);
        assert_eq!(worker_role_in(args(&["prog", "--worker"])), None);
        assert_eq!(worker_role_in(args(&["prog"])), None);
    }

    #[test]
    fn worker_command_reruns_this_executable() -> io::Result<()> {
        let command = worker_command("deliver")?;
        assert_eq!(command.get_program(), std::env::current_exe()?.as_os_str());
        let given: Vec<_> = command.get_args().collect();
        assert_eq!(given, ["--worker", "deliver"]);
        Ok(())
    }

    // Raw wait statuses as the kernel encodes them: exit code in the second byte, or the
    // signal number in the low 7 bits with 0x80 for "core dumped".
    #[test]
    fn describe_exit_codes_and_signals() {
        assert_eq!(describe(ExitStatus::from_raw(0)), "exited with code 0");
        assert_eq!(
            describe(ExitStatus::from_raw(101 << 8)),
            "exited with code 101"
        );
        assert_eq!(
            describe(ExitStatus::from_raw(15)),
            "killed by signal 15 (SIGTERM)"
        );
        assert_eq!(
            describe(ExitStatus::from_raw(9)),
            "killed by signal 9 (SIGKILL)"
        );
        assert_eq!(
            describe(ExitStatus::from_raw(6 | 0x80)),
            "killed by signal 6 (SIGABRT, core dumped)"
        );
    }

    #[test]
    fn proc_state_of_this_process_and_of_nobody() -> io::Result<()> {
        // The state of our main thread: running, or sleeping while a test thread runs this.
        let ours = proc_state(std::process::id())?;
        assert!(matches!(ours, Some('R' | 'S')), "{ours:?}");
        // Above the kernel's largest possible pid (2^22).
        assert_eq!(proc_state(5_000_000)?, None);
        Ok(())
    }
}
