//! A process pool: `ProcessPoolExecutor` for a Rust program, built from the standard library.
//!
//! The workers are this same program, started again with the hidden argument
//! [`WORKER_ARG`]: the program's `main` checks [`is_worker`] first and, in a worker, calls
//! [`serve`] with the function to run. (Any other program that speaks the protocol works too:
//! see [`WorkerSpec`].)
//!
//! The protocol is lines of text over the worker's stdin and stdout:
//!
//! ```text
//! worker -> pool   ready            once, when the worker is up
//! pool -> worker   <input>          one task: one line
//! worker -> pool   ok <output>      the function's value, one line
//!             or   err <message>    the function refused this input
//! ```
//!
//! The pool gives each worker one task at a time and never waits without a limit: a worker
//! has [`Limits::start`] to say `ready` and [`Limits::task`] per task. A worker whose stdout
//! closes (it crashed), that runs out of time, or that answers out of protocol is killed if
//! needed, reaped, reported with the input it was on ([`TaskError`], [`Restart`]), and
//! replaced by a fresh worker. No other task is lost, and [`ProcessPool::map`] returns the
//! results in the order of its inputs.
//!
//! Dropping the pool (or [`ProcessPool::shutdown`]) closes every worker's stdin, gives them a
//! moment to exit, kills those that do not, and reaps them all: no zombie stays behind.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::Signal;

/// The hidden argument that starts a program as a pool worker.
pub const WORKER_ARG: &str = "--pools-worker";

/// What a worker says once it is ready for tasks.
const READY: &str = "ready";

/// The longest task line, newline included. A line this short fits in a pipe's buffer in one
/// piece, so writing it never blocks: the pool writes a task only to a worker that has
/// answered its previous one, and the pipe is then empty.
pub const MAX_INPUT: usize = 4096;

/// The longest answer line read from a worker; a longer one is out of protocol.
const MAX_ANSWER: usize = 1 << 16;

/// How long a worker may take to exit after its stdout closed, or after its stdin closed at
/// shutdown, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(1);

// ANCHOR: worker_side
/// Whether this process was started as a pool worker (`program --pools-worker ...`).
///
/// Check it first thing in `main`, before parsing any other argument.
pub fn is_worker() -> bool {
    std::env::args_os()
        .nth(1)
        .is_some_and(|arg| arg == WORKER_ARG)
}

/// The worker's side of the protocol: says `ready`, then answers each line of stdin with
/// `job(line)` until stdin closes (the pool shuts down).
///
/// An `Err` from `job` refuses that input (`err <message>`) and the worker goes on. A panic
/// or a crash ends the worker: the pool reports that input and starts another worker.
pub fn serve<F>(mut job: F) -> io::Result<()>
where
    F: FnMut(&str) -> Result<String, String>,
{
    let mut out = io::stdout().lock();
    writeln!(out, "{READY}")?;
    out.flush()?;
    for line in io::stdin().lock().lines() {
        let line = line?;
        let answer = match job(&line) {
            Ok(value) if !value.contains(['\n', '\r']) => format!("ok {value}"),
            Ok(_) => "err the answer spans several lines".to_owned(),
            Err(message) => format!("err {}", message.replace(['\n', '\r'], " ")),
        };
        writeln!(out, "{answer}")?;
        // Answer now, not when a buffer fills: the pool is waiting for this line.
        out.flush()?;
    }
    Ok(())
}
// ANCHOR_END: worker_side

/// The lesson's work as a worker's job: `"start end"` -> the number of primes in
/// `start..end`.
pub fn prime_task(line: &str) -> Result<String, String> {
    let range = parse_range(line).ok_or_else(|| format!("expected `start end`, got {line:?}"))?;
    Ok(crate::count_primes(range).to_string())
}

fn parse_range(line: &str) -> Option<Range<u64>> {
    let mut words = line.split_whitespace();
    let start = words.next()?.parse().ok()?;
    let end = words.next()?.parse().ok()?;
    words.next().is_none().then_some(start..end)
}

// ANCHOR: crash
/// Crashes this process the way a bug in native code would: `abort` (the signal SIGABRT),
/// with no unwinding and no clean-up. Core files (memory dumps) are turned off first.
pub fn crash() -> ! {
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_CORE) {
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, hard);
    }
    std::process::abort()
}
// ANCHOR_END: crash

/// The program a pool starts as its workers, with its arguments.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    program: PathBuf,
    args: Vec<OsString>,
}

impl WorkerSpec {
    /// This same executable, with [`WORKER_ARG`].
    pub fn this_program() -> io::Result<WorkerSpec> {
        Ok(WorkerSpec {
            program: std::env::current_exe()?,
            args: vec![WORKER_ARG.into()],
        })
    }

    /// Another program that speaks the protocol, started with no arguments.
    pub fn program(program: impl Into<PathBuf>) -> WorkerSpec {
        WorkerSpec {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument for the workers (after [`WORKER_ARG`] for [`this_program`](Self::this_program)).
    pub fn arg(mut self, arg: impl Into<OsString>) -> WorkerSpec {
        self.args.push(arg.into());
        self
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // A worker's complaints (a panic message, say) go where ours go.
            .stderr(Stdio::inherit());
        command
    }
}

/// How long the pool waits for its workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For a new worker to say `ready`.
    pub start: Duration,
    /// For a worker to answer one task; then it is killed and the task fails.
    pub task: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            start: Duration::from_secs(10),
            task: Duration::from_secs(60),
        }
    }
}

/// Why one task has no value. The pool itself goes on in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The worker's function refused the input (`err <message>`).
    Failed(String),
    /// The worker process died while on this input (a crash, a panic, `exit`, a kill).
    WorkerDied {
        /// The worker's process id.
        pid: u32,
        /// How it ended: `killed by signal 6 (SIGABRT)`, `exited with code 101`, ...
        how: String,
    },
    /// The worker took longer than [`Limits::task`]: it was killed.
    TimedOut {
        /// The worker's process id.
        pid: u32,
    },
    /// The worker answered something outside the protocol: it was killed.
    BadAnswer {
        /// The worker's process id.
        pid: u32,
        /// What it said.
        line: String,
    },
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Failed(message) => write!(f, "refused: {message}"),
            TaskError::WorkerDied { pid, how } => write!(f, "worker {pid} died on it ({how})"),
            TaskError::TimedOut { pid } => write!(f, "worker {pid} ran out of time on it"),
            TaskError::BadAnswer { pid, line } => {
                write!(f, "worker {pid} answered out of protocol: {line:?}")
            }
        }
    }
}

impl std::error::Error for TaskError {}

/// A worker the pool replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// The index (in its `map` call) of the input the old worker was on, if it was on one.
    pub input: Option<usize>,
    /// The old worker's process id.
    pub old_pid: u32,
    /// How the old worker ended.
    pub how: String,
    /// The new worker's process id.
    pub new_pid: u32,
}

/// One line from a worker's stdout, or `None` when it closed.
#[derive(Debug)]
struct Event {
    tag: u64,
    line: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Started, has not said `ready` yet.
    Starting {
        deadline: Instant,
    },
    Idle,
    Busy {
        task: usize,
        deadline: Instant,
    },
}

#[derive(Debug)]
struct Slot {
    /// Which worker the events are from: unique per worker started, so that a late line
    /// from a replaced worker is never taken for its successor's.
    tag: u64,
    child: Child,
    stdin: Option<ChildStdin>,
    state: State,
}

impl Slot {
    fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Starting { deadline } | State::Busy { deadline, .. } => Some(deadline),
            State::Idle => None,
        }
    }
}

/// The results of one `map` call as they come in.
struct Run {
    pending: VecDeque<usize>,
    results: Vec<Option<Result<String, TaskError>>>,
    left: usize,
    /// How many more times a worker may die while idle (a worker program that dies at once,
    /// every time, must not make the pool restart it forever).
    spare_restarts: usize,
}

impl Run {
    fn finish(&mut self, task: usize, outcome: Result<String, TaskError>) {
        self.results[task] = Some(outcome);
        self.left -= 1;
    }
}

// ANCHOR: pool
/// A fixed number of worker processes, each given one task at a time over a pipe.
#[derive(Debug)]
pub struct ProcessPool {
    spec: WorkerSpec,
    limits: Limits,
    slots: Vec<Slot>,
    events: Receiver<Event>,
    /// Cloned into each worker's reader thread; keeping one here means `events` never
    /// reports "disconnected", so waits end only by an event or a deadline.
    event_sender: Sender<Event>,
    next_tag: u64,
    restarts: Vec<Restart>,
    /// Set when the pool could not go on (a new worker never became ready): every worker
    /// is gone and every later `map` fails with this reason.
    broken: Option<String>,
}
// ANCHOR_END: pool

impl ProcessPool {
    /// Starts `size` workers with the default [`Limits`] and waits until all are ready.
    pub fn new(spec: WorkerSpec, size: usize) -> io::Result<ProcessPool> {
        ProcessPool::with_limits(spec, size, Limits::default())
    }

    /// Starts `size` workers and waits until all are ready.
    pub fn with_limits(spec: WorkerSpec, size: usize, limits: Limits) -> io::Result<ProcessPool> {
        if size == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a process pool needs at least one worker",
            ));
        }
        let (event_sender, events) = mpsc::channel();
        let mut pool = ProcessPool {
            spec,
            limits,
            slots: Vec::with_capacity(size),
            events,
            event_sender,
            next_tag: 0,
            restarts: Vec::new(),
            broken: None,
        };
        for _ in 0..size {
            let slot = pool.start_worker()?; // on error, dropping `pool` reaps those started
            pool.slots.push(slot);
        }
        pool.run(&[])?;
        Ok(pool)
    }

    // ANCHOR: map
    /// Runs every input on the workers and returns the outcomes in the order of `inputs`
    /// (Python's `executor.map`), one line per input and per answer.
    ///
    /// A task that fails (its worker crashed, ran out of time or broke the protocol) has a
    /// [`TaskError`]; the others are not affected. `Err` means the pool itself is broken:
    /// an input that is not one short line, or a replacement worker that never started.
    pub fn map<S: AsRef<str>>(
        &mut self,
        inputs: &[S],
    ) -> io::Result<Vec<Result<String, TaskError>>> {
        let inputs: Vec<&str> = inputs.iter().map(AsRef::as_ref).collect();
        for input in &inputs {
            if input.contains(['\n', '\r']) || input.len() >= MAX_INPUT {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("a task must be one line shorter than {MAX_INPUT} bytes: {input:.40?}"),
                ));
            }
        }
        self.run(&inputs)
    }
    // ANCHOR_END: map

    /// The process ids of the current workers.
    pub fn pids(&self) -> Vec<u32> {
        self.slots.iter().map(|slot| slot.child.id()).collect()
    }

    /// How many workers the pool keeps.
    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// The workers replaced since the last call, oldest first.
    pub fn take_restarts(&mut self) -> Vec<Restart> {
        std::mem::take(&mut self.restarts)
    }

    /// Closes every worker's stdin, waits a moment for them to exit, kills the others, and
    /// reaps them all. Returns each worker's pid and how it ended.
    pub fn shutdown(mut self) -> io::Result<Vec<(u32, ExitStatus)>> {
        self.close()
    }

    fn run(&mut self, inputs: &[&str]) -> io::Result<Vec<Result<String, TaskError>>> {
        if let Some(reason) = &self.broken {
            return Err(io::Error::other(format!("the pool is broken: {reason}")));
        }
        let mut run = Run {
            pending: (0..inputs.len()).collect(),
            results: vec![None; inputs.len()],
            left: inputs.len(),
            spare_restarts: 2 * self.slots.len() + 2,
        };
        if let Err(error) = self.drive(inputs, &mut run) {
            // Some workers may still hold tasks of this call: none of them can be trusted
            // with the next one. Like Python's BrokenProcessPool, the pool stops here.
            let _ = self.close();
            self.broken = Some(error.to_string());
            return Err(error);
        }
        Ok(run
            .results
            .into_iter()
            .map(|outcome| outcome.expect("every task has an outcome when none is left"))
            .collect())
    }

    // ANCHOR: drive
    /// The pool's loop: hand tasks to idle workers, then wait for the next line from any
    /// worker or the nearest deadline, and act on it.
    fn drive(&mut self, inputs: &[&str], run: &mut Run) -> io::Result<()> {
        loop {
            // News first: a worker known to be dead must not be handed a task.
            while let Ok(event) = self.events.try_recv() {
                self.on_event(event, run)?;
            }
            self.hand_out(inputs, run)?;
            let starting = self
                .slots
                .iter()
                .any(|slot| matches!(slot.state, State::Starting { .. }));
            if run.left == 0 && !starting {
                return Ok(());
            }
            let now = Instant::now();
            let nearest = self.slots.iter().filter_map(Slot::deadline).min();
            let wait = nearest.map_or(Duration::from_secs(1), |at| {
                at.saturating_duration_since(now)
            });
            // No line in time means somebody's deadline passed: checked just below.
            if let Ok(event) = self.events.recv_timeout(wait) {
                self.on_event(event, run)?;
            }
            self.on_deadlines(run)?;
        }
    }
    // ANCHOR_END: drive

    fn hand_out(&mut self, inputs: &[&str], run: &mut Run) -> io::Result<()> {
        for index in 0..self.slots.len() {
            if !matches!(self.slots[index].state, State::Idle) {
                continue;
            }
            let Some(task) = run.pending.pop_front() else {
                return Ok(());
            };
            let line = format!("{}\n", inputs[task]);
            let slot = &mut self.slots[index];
            let sent = match &mut slot.stdin {
                Some(stdin) => stdin.write_all(line.as_bytes()),
                None => Err(io::ErrorKind::BrokenPipe.into()),
            };
            match sent {
                Ok(()) => {
                    let deadline = Instant::now() + self.limits.task;
                    slot.state = State::Busy { task, deadline };
                }
                Err(_) => {
                    // The worker is gone before it saw the task: not the task's fault.
                    run.pending.push_front(task);
                    self.spend_spare_restart(run)?;
                    let how = reap(&mut self.slots[index].child)?;
                    self.replace(index, None, how)?;
                }
            }
        }
        Ok(())
    }

    fn on_event(&mut self, event: Event, run: &mut Run) -> io::Result<()> {
        // A line from a worker already replaced: nobody is waiting for it.
        let Some(index) = self.slots.iter().position(|slot| slot.tag == event.tag) else {
            return Ok(());
        };
        let pid = self.slots[index].child.id();
        match (self.slots[index].state, event.line) {
            (State::Starting { .. }, Some(line)) if line == READY => {
                self.slots[index].state = State::Idle;
            }
            (State::Starting { .. }, Some(line)) => {
                return Err(not_a_worker(
                    &self.spec,
                    format!("said {line:?} instead of {READY:?}"),
                ));
            }
            (State::Starting { .. }, None) => {
                let how = reap(&mut self.slots[index].child)?;
                return Err(not_a_worker(
                    &self.spec,
                    format!("{how} before it was ready"),
                ));
            }
            (State::Busy { task, .. }, Some(line)) => match parse_answer(&line) {
                Some(outcome) => {
                    self.slots[index].state = State::Idle;
                    run.finish(task, outcome);
                }
                None => {
                    let how = kill(&mut self.slots[index].child)?;
                    run.finish(task, Err(TaskError::BadAnswer { pid, line }));
                    self.replace(index, Some(task), how)?;
                }
            },
            (State::Busy { task, .. }, None) => {
                // Its stdout closed in the middle of a task: it crashed (or quit).
                let how = reap(&mut self.slots[index].child)?;
                run.finish(
                    task,
                    Err(TaskError::WorkerDied {
                        pid,
                        how: how.clone(),
                    }),
                );
                self.replace(index, Some(task), how)?;
            }
            (State::Idle, line) => {
                // A line nobody asked for, or a death between tasks: replace the worker.
                self.spend_spare_restart(run)?;
                let how = match line {
                    Some(line) => format!(
                        "{} after it said {line:?} unasked",
                        kill(&mut self.slots[index].child)?
                    ),
                    None => reap(&mut self.slots[index].child)?,
                };
                self.replace(index, None, how)?;
            }
        }
        Ok(())
    }

    fn on_deadlines(&mut self, run: &mut Run) -> io::Result<()> {
        let now = Instant::now();
        for index in 0..self.slots.len() {
            match self.slots[index].state {
                State::Starting { deadline } if deadline <= now => {
                    let how = kill(&mut self.slots[index].child)?;
                    let limit = self.limits.start;
                    return Err(not_a_worker(
                        &self.spec,
                        format!("did not say {READY:?} within {limit:?} ({how})"),
                    ));
                }
                State::Busy { task, deadline } if deadline <= now => {
                    let pid = self.slots[index].child.id();
                    let how = kill(&mut self.slots[index].child)?;
                    run.finish(task, Err(TaskError::TimedOut { pid }));
                    self.replace(index, Some(task), how)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn spend_spare_restart(&self, run: &mut Run) -> io::Result<()> {
        run.spare_restarts = run
            .spare_restarts
            .checked_sub(1)
            .ok_or_else(|| io::Error::other("the workers keep dying without a task: giving up"))?;
        Ok(())
    }

    /// Puts a new worker in slot `index` (whose old worker is already reaped) and logs it.
    fn replace(&mut self, index: usize, input: Option<usize>, how: String) -> io::Result<()> {
        let old_pid = self.slots[index].child.id();
        let slot = self.start_worker()?;
        let new_pid = slot.child.id();
        self.slots[index] = slot;
        self.restarts.push(Restart {
            input,
            old_pid,
            how,
            new_pid,
        });
        Ok(())
    }

    // ANCHOR: start_worker
    /// Starts one worker and a thread that forwards its stdout, line by line, as events.
    fn start_worker(&mut self) -> io::Result<Slot> {
        let mut child = self.spec.command().spawn()?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            kill(&mut child)?;
            return Err(io::Error::other("the worker has no stdout pipe"));
        };
        let tag = self.next_tag;
        self.next_tag += 1;
        let events = self.event_sender.clone();
        let reader = thread::Builder::new()
            .name(format!("pool-reader-{}", child.id()))
            .spawn(move || forward_lines(tag, stdout, &events));
        if let Err(error) = reader {
            kill(&mut child)?;
            return Err(error);
        }
        let deadline = Instant::now() + self.limits.start;
        Ok(Slot {
            tag,
            child,
            stdin,
            state: State::Starting { deadline },
        })
    }
    // ANCHOR_END: start_worker

    // ANCHOR: close
    fn close(&mut self) -> io::Result<Vec<(u32, ExitStatus)>> {
        // Closing a worker's stdin ends its `serve` loop: it exits on its own.
        for slot in &mut self.slots {
            slot.stdin = None;
        }
        let deadline = Instant::now() + EXIT_GRACE;
        let mut ended = Vec::with_capacity(self.slots.len());
        let mut first_error = None;
        for mut slot in self.slots.drain(..) {
            let pid = slot.child.id();
            let left = deadline.saturating_duration_since(Instant::now());
            let status = match wait_deadline(&mut slot.child, left) {
                Ok(Some(status)) => Ok(status),
                // Busy or stuck: it cannot be waited for any longer.
                Ok(None) | Err(_) => slot.child.kill().and_then(|()| slot.child.wait()),
            };
            match status {
                Ok(status) => ended.push((pid, status)),
                Err(error) => first_error = first_error.or(Some(error)),
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(ended),
        }
    }
    // ANCHOR_END: close
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// Counts the primes in `range` on the worker processes of `pool`, one task per `chunk`
/// numbers. The workers must serve [`prime_task`].
pub fn count_primes(pool: &mut ProcessPool, range: Range<u64>, chunk: u64) -> io::Result<u64> {
    let pieces = crate::chunks(range, chunk);
    let inputs: Vec<String> = pieces
        .iter()
        .map(|piece| format!("{} {}", piece.start, piece.end))
        .collect();
    let mut total = 0;
    for (piece, outcome) in pieces.iter().zip(pool.map(&inputs)?) {
        let answer = outcome.map_err(|error| io::Error::other(format!("{piece:?}: {error}")))?;
        total += answer
            .parse::<u64>()
            .map_err(|_| io::Error::other(format!("{piece:?}: not a count: {answer:?}")))?;
    }
    Ok(total)
}

/// `ok <value>` or `err <message>`; `None` for anything else.
fn parse_answer(line: &str) -> Option<Result<String, TaskError>> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    match word {
        "ok" => Some(Ok(rest.to_owned())),
        "err" => Some(Err(TaskError::Failed(rest.to_owned()))),
        _ => None,
    }
}

fn not_a_worker(spec: &WorkerSpec, what: String) -> io::Error {
    io::Error::other(format!(
        "worker {} {what}: is it a pool worker?",
        spec.program.display()
    ))
}

/// Sends each line of `stdout` as an event, then `None` when it closes (or breaks).
fn forward_lines(tag: u64, stdout: impl Read, events: &Sender<Event>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut bytes = Vec::new();
        // A cap on the line: a worker gone wild cannot fill our memory.
        let read = (&mut reader)
            .take(MAX_ANSWER as u64)
            .read_until(b'\n', &mut bytes);
        let line = match read {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                }
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
        };
        let closed = line.is_none();
        // The pool is gone: nobody listens any more.
        if events.send(Event { tag, line }).is_err() || closed {
            return;
        }
    }
}

/// Reaps a worker whose stdout closed: it is exiting, or it closed stdout and lives on, in
/// which case it gets a moment and then is killed. Returns how it ended.
fn reap(child: &mut Child) -> io::Result<String> {
    match wait_deadline(child, EXIT_GRACE)? {
        Some(status) => Ok(describe(status)),
        None => kill(child),
    }
}

/// Kills a worker (SIGKILL) and reaps it; returns how it ended.
fn kill(child: &mut Child) -> io::Result<String> {
    // `kill` is fine on an ended but unreaped child; `wait` then collects it.
    child.kill()?;
    Ok(describe(child.wait()?))
}

/// Waits at most `limit` for `child` to end: `None` if it is still running.
fn wait_deadline(child: &mut Child, limit: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + limit;
    let mut nap = Duration::from_micros(200);
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

/// How a process ended, in words: `exited with code 0`, `killed by signal 6 (SIGABRT)`.
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    if let Some(number) = status.signal() {
        let name = Signal::try_from(number).map_or("unknown signal", Signal::as_str);
        return format!("killed by signal {number} ({name})");
    }
    status.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_parsed_by_their_first_word() {
        assert_eq!(parse_answer("ok 42"), Some(Ok("42".to_owned())));
        assert_eq!(parse_answer("ok"), Some(Ok(String::new())));
        assert_eq!(
            parse_answer("ok two words"),
            Some(Ok("two words".to_owned()))
        );
        assert_eq!(
            parse_answer("err no good"),
            Some(Err(TaskError::Failed("no good".to_owned())))
        );
        assert_eq!(parse_answer("okay 1"), None);
        assert_eq!(parse_answer(""), None);
        assert_eq!(parse_answer("ready"), None);
    }

    #[test]
    fn prime_task_counts_a_range_and_refuses_anything_else() {
        assert_eq!(prime_task("0 20"), Ok("8".to_owned()));
        assert_eq!(prime_task(" 10   20 "), Ok("4".to_owned()));
        assert!(prime_task("10").is_err());
        assert!(prime_task("10 20 30").is_err());
        assert!(prime_task("ten 20").is_err());
    }

    #[test]
    fn a_worker_spec_for_this_program_carries_the_hidden_argument() -> io::Result<()> {
        let spec = WorkerSpec::this_program()?.arg("--poison").arg("7");
        let command = spec.command();
        assert_eq!(command.get_program(), std::env::current_exe()?.as_os_str());
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, [WORKER_ARG, "--poison", "7"]);
        Ok(())
    }

    #[test]
    fn a_pool_needs_a_worker() {
        let error = ProcessPool::new(WorkerSpec::program("/bin/true"), 0).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
