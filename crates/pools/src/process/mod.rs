//! A process pool: `ProcessPoolExecutor` for a Rust program.
//!
//! The workers are this same program, started again with the hidden argument
//! [`WORKER_ARG`]: the program's `main` checks [`is_worker`] first and, in a worker, calls
//! [`serve`] with the function to run. (Any other program that speaks the protocol works too:
//! see [`WorkerSpec`].)
//!
//! Pool and worker exchange *frames* (see [`frame`]) over the worker's stdin and stdout,
//! which `serve` keeps for the protocol alone: a task id on every request and every answer,
//! a length before every payload. Each worker holds a few tasks at a time
//! ([`ProcessPool::set_tasks_per_worker`]), so it never waits for its next one.
//!
//! One thread drives every worker with `poll`: it writes and reads only what the pipes take
//! without blocking, and waits for the next event or the nearest deadline. Nothing waits
//! without a limit: a worker has [`Limits::start`] to say it is ready and [`Limits::task`]
//! for the oldest task it holds (or that task's own limit: [`ProcessPool::map_limited`]).
//!
//! Every worker runs in a process group of its own and is killed as a group. A worker that
//! dies (a crash, a panic, `exit`, a kill) is replaced; the task it was working on goes to
//! the fresh worker once more and is reported ([`TaskError::WorkerDied`]) only if that one
//! dies on it too; the tasks queued behind it go to other workers. Results already in are
//! always returned: if the pool breaks (a new worker does not start), the tasks left get
//! [`TaskError::PoolBroken`]. A [`Cancel`] stops a running `map`: queued tasks come back
//! [`TaskError::Cancelled`], workers on a task are killed and replaced.
//!
//! Dropping the pool (or [`ProcessPool::shutdown`]) closes every worker's stdin, gives them a
//! moment to exit, kills the others, and reaps them all: no process stays behind.

mod driver;
pub mod frame;
mod outcome;
mod run;
mod serve;
mod settings;
mod worker;

use std::io;
use std::ops::Range;
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

pub use outcome::{Restart, TaskError};
use run::Run;
pub use serve::{WORKER_ARG, crash, is_worker, prime_task, serve};
pub use settings::{Cancel, Limits, WorkerSpec};
use worker::Worker;
pub use worker::describe;

/// How long workers may take to exit after their stdin closed at shutdown.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// The longest the pool sleeps in `poll` before it looks at the cancel flag and checks that
/// its workers are alive (a worker whose pipes are held by a process it started could die
/// without its pipes closing).
const TICK: Duration = Duration::from_millis(10);

// ANCHOR: pool
/// A fixed number of worker processes, each holding a few tasks at a time.
#[derive(Debug)]
pub struct ProcessPool {
    spec: WorkerSpec,
    limits: Limits,
    per_worker: usize,
    workers: Vec<Worker>,
    next_id: u64,
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
        let mut pool = ProcessPool {
            spec,
            limits,
            per_worker: 4,
            workers: Vec::with_capacity(size),
            next_id: 1,
            restarts: Vec::new(),
            broken: None,
        };
        for _ in 0..size {
            // On error, dropping `pool` ends the workers already started.
            let worker = Worker::start(&pool.spec, Instant::now() + limits.start)?;
            pool.workers.push(worker);
        }
        let mut run = Run::new(&[], &[], 0);
        pool.drive(&mut run, &Cancel::new(), true)
            .map_err(io::Error::other)?;
        Ok(pool)
    }

    /// How many tasks each worker holds at most (4 unless set; at least 1). More hide the
    /// cost of each round trip; fewer keep a slow task from holding others back.
    pub fn set_tasks_per_worker(&mut self, tasks: usize) {
        self.per_worker = tasks.max(1);
    }

    // ANCHOR: map
    /// Runs every input on the workers and returns the outcomes in the order of `inputs`
    /// (Python's `executor.map`).
    ///
    /// A task that fails has a [`TaskError`]; the others are not affected. `Err` only if the
    /// pool was already broken, or an input is 4 GiB or more: then nothing ran.
    pub fn map<S: AsRef<str>>(
        &mut self,
        inputs: &[S],
    ) -> io::Result<Vec<Result<String, TaskError>>> {
        self.map_cancellable(inputs, &Cancel::new())
    }

    /// [`map`](Self::map) that stops when `cancel` is raised: the tasks not answered by then
    /// come back [`TaskError::Cancelled`], the workers working on them are killed (with
    /// anything they started) and replaced.
    pub fn map_cancellable<S: AsRef<str>>(
        &mut self,
        inputs: &[S],
        cancel: &Cancel,
    ) -> io::Result<Vec<Result<String, TaskError>>> {
        let limit = self.limits.task;
        let tasks: Vec<(&str, Duration)> = inputs.iter().map(|i| (i.as_ref(), limit)).collect();
        self.map_limited(&tasks, cancel)
    }

    /// [`map_cancellable`](Self::map_cancellable) with a time limit for each task, in place
    /// of [`Limits::task`] for all: `tasks` pairs each input with its own (as Python's Pebble
    /// does with `pool.schedule(f, timeout=...)`). A task that may hang gets a short limit
    /// without cutting short the slow but sound tasks beside it.
    pub fn map_limited<S: AsRef<str>>(
        &mut self,
        tasks: &[(S, Duration)],
        cancel: &Cancel,
    ) -> io::Result<Vec<Result<String, TaskError>>> {
        if let Some(reason) = &self.broken {
            return Err(io::Error::other(format!("the pool is broken: {reason}")));
        }
        let (inputs, limits): (Vec<&str>, Vec<Duration>) = tasks
            .iter()
            .map(|(input, limit)| (input.as_ref(), *limit))
            .unzip();
        if let Some(input) = inputs
            .iter()
            .find(|input| u32::try_from(input.len()).is_err())
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("an input must be under 4 GiB: {input:.40?}"),
            ));
        }
        let mut run = Run::new(&inputs, &limits, 2 * self.workers.len() + 2);
        if let Err(reason) = self.drive(&mut run, cancel, false) {
            // Like Python's BrokenProcessPool the pool stops here, but what is done is kept.
            let _ = self.close();
            for task in 0..inputs.len() {
                run.finish(task, Err(TaskError::PoolBroken(reason.clone())));
            }
            self.broken = Some(reason);
        }
        Ok(run
            .results
            .into_iter()
            .map(|outcome| outcome.expect("every task has an outcome when none is left"))
            .collect())
    }
    // ANCHOR_END: map

    /// The process ids of the current workers.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(|worker| worker.pid).collect()
    }

    /// How many workers the pool keeps.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// The workers replaced since the last call, oldest first.
    pub fn take_restarts(&mut self) -> Vec<Restart> {
        std::mem::take(&mut self.restarts)
    }

    /// Closes every worker's stdin, waits a moment for them to exit, kills the others (with
    /// anything they started), and reaps them all. Returns each worker's pid and how it ended.
    pub fn shutdown(mut self) -> io::Result<Vec<(u32, ExitStatus)>> {
        self.close()
    }

    // ANCHOR: close
    fn close(&mut self) -> io::Result<Vec<(u32, ExitStatus)>> {
        // Closing a worker's stdin ends its `serve` loop: it exits on its own.
        for worker in &mut self.workers {
            worker.close_requests();
        }
        let deadline = Instant::now() + EXIT_GRACE;
        while Instant::now() < deadline && !self.workers.iter().all(Worker::has_exited) {
            thread::sleep(Duration::from_millis(1));
        }
        // Then the whole group goes, whatever the worker did: busy, stuck, or done but
        // with a process of its own still running.
        let mut ended = Vec::with_capacity(self.workers.len());
        let mut first_error = None;
        for mut worker in self.workers.drain(..) {
            match worker.end() {
                Ok(status) => ended.push((worker.pid, status)),
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

#[cfg(test)]
mod tests {
    use super::*;

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
