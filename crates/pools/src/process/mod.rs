//! A process pool: `ProcessPoolExecutor` for a Rust program.
//!
//! The workers are this same program, started again with the hidden argument
//! [`WORKER_ARG`]: the program's `main` checks [`is_worker`] first and, in a worker, calls
//! [`serve`] with the function to run. (Any other program that speaks the protocol works too:
//! see [`WorkerSpec`].)
//!
//! Pool and worker exchange *frames* (see [`protocol`]) over the worker's stdin and stdout,
//! which `serve` keeps for the protocol alone: a task id on every request and every answer,
//! a length before every payload. Each worker holds a few tasks at a time
//! ([`ProcessPool::set_tasks_per_worker`]), so it never waits for its next one.
//!
//! One thread drives every worker with `poll`: it writes and reads only what the pipes take
//! without blocking, and waits for the next event or the nearest deadline. Nothing waits
//! without a limit: a worker has [`Limits::start`] to say it is ready and [`Limits::task`]
//! for the oldest task it holds.
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

mod outcome;
pub mod protocol;
mod run;
mod settings;
mod worker;

use std::collections::VecDeque;
use std::io;
use std::ops::Range;
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

pub use outcome::{Restart, TaskError};
use protocol::{HELLO, Kind};
pub use protocol::{WORKER_ARG, crash, is_worker, prime_task, serve};
use run::{Loss, Run};
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
        let mut run = Run::new(&[], 0);
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
        if let Some(reason) = &self.broken {
            return Err(io::Error::other(format!("the pool is broken: {reason}")));
        }
        let inputs: Vec<&str> = inputs.iter().map(AsRef::as_ref).collect();
        if let Some(input) = inputs
            .iter()
            .find(|input| u32::try_from(input.len()).is_err())
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("an input must be under 4 GiB: {input:.40?}"),
            ));
        }
        let mut run = Run::new(&inputs, 2 * self.workers.len() + 2);
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

    // ANCHOR: drive
    /// The pool's loop: wait in `poll` for the next event, the nearest deadline or the next
    /// tick; read and act on what arrived, then on deadlines; hand tasks to workers with
    /// room and write what the pipes take. `Err` means the pool is broken.
    fn drive(
        &mut self,
        run: &mut Run<'_>,
        cancel: &Cancel,
        until_ready: bool,
    ) -> Result<(), String> {
        let mut first = true;
        let mut alive_checked = Instant::now();
        loop {
            // The first look does not wait: news (a worker that died while the pool was idle)
            // comes before any task is handed out.
            let readable = self.wait(first)?;
            first = false;
            // Answers first, deadlines after: a worker whose answer has arrived is on time,
            // however long the pool took to look.
            for (index, &readable) in readable.iter().enumerate() {
                if readable {
                    self.take_in(index, run)?;
                }
            }
            // Whether the workers are alive is checked once a tick, not on every event.
            let check_alive = alive_checked.elapsed() >= TICK;
            if check_alive {
                alive_checked = Instant::now();
            }
            self.on_deadlines(check_alive, run)?;
            if cancel.is_cancelled() {
                self.cancel(run)?;
            }
            self.hand_out(run).map_err(|e| e.to_string())?;
            for index in 0..self.workers.len() {
                if self.workers[index].write().is_err() {
                    self.lose(index, Loss::Died, run)?; // it closed its end of the pipe
                }
            }
            let all_ready = self.workers.iter().all(|worker| worker.ready);
            if run.left == 0 && (all_ready || !until_ready) {
                return Ok(());
            }
        }
    }
    // ANCHOR_END: drive

    /// Reads what worker `index` has sent and acts on it; replaces the worker if its pipe
    /// closed. `Ok(false)` if the worker was replaced (by this or by a bad frame).
    fn take_in(&mut self, index: usize, run: &mut Run<'_>) -> Result<bool, String> {
        let pid = self.workers[index].pid;
        let open = self.workers[index].read();
        self.on_frames(index, run)?;
        let worker = &mut self.workers[index];
        if worker.pid != pid {
            return Ok(false);
        }
        if !open && !worker.ready {
            let said = worker.received_text();
            let how = describe(worker.end().map_err(|e| e.to_string())?);
            return Err(self.not_a_worker(format!("{how} before it was ready; it said {said}")));
        }
        if !open {
            self.lose(index, Loss::Died, run)?;
        }
        Ok(open)
    }

    /// Acts on the deadlines that have passed, each only after reading what its worker has
    /// sent (the pool may have been busy elsewhere, reaping a worker say, while an answer
    /// came); once a tick, replaces the workers that died though their pipes are still open.
    fn on_deadlines(&mut self, check_alive: bool, run: &mut Run<'_>) -> Result<(), String> {
        let now = Instant::now();
        for index in 0..self.workers.len() {
            let worker = &self.workers[index];
            let starting_late = !worker.ready && worker.start_deadline <= now;
            let task_late = worker.deadline.is_some_and(|at| at <= now);
            if starting_late || task_late {
                if !self.take_in(index, run)? {
                    continue; // replaced: a fresh worker with fresh deadlines
                }
                let worker = &mut self.workers[index];
                if !worker.ready && worker.start_deadline <= now {
                    let how = describe(worker.end().map_err(|e| e.to_string())?);
                    let limit = self.limits.start;
                    let what = format!("was not ready within {limit:?} ({how})");
                    return Err(self.not_a_worker(what));
                }
                if worker.deadline.is_some_and(|at| at <= now) {
                    self.lose(index, Loss::TimedOut, run)?;
                }
            } else if check_alive && worker.has_exited() && self.take_in(index, run)? {
                // Dead, though its pipe is still open: something it started holds it.
                if !self.workers[index].ready {
                    let how = describe(self.workers[index].end().map_err(|e| e.to_string())?);
                    return Err(self.not_a_worker(format!("{how} before it was ready")));
                }
                self.lose(index, Loss::Died, run)?;
            }
        }
        Ok(())
    }

    /// Waits in `poll` until a worker has something to read or room to write, the nearest
    /// deadline, or one tick; returns which workers have something to read (or closed).
    fn wait(&self, at_once: bool) -> Result<Vec<bool>, String> {
        let now = Instant::now();
        let nearest = self
            .workers
            .iter()
            .flat_map(|w| [w.deadline, (!w.ready).then_some(w.start_deadline)])
            .flatten()
            .min();
        let wait = nearest.map_or(TICK, |at| at.saturating_duration_since(now).min(TICK));
        let wait = if at_once { Duration::ZERO } else { wait };
        let mut fds = Vec::with_capacity(self.workers.len());
        for worker in &self.workers {
            fds.push(PollFd::new(worker.answers_fd(), PollFlags::POLLIN));
            let out = if worker.wants_to_write() {
                PollFlags::POLLOUT
            } else {
                PollFlags::empty()
            };
            fds.push(PollFd::new(worker.requests_fd(), out));
        }
        // Rounded up, so that a deadline less than 1 ms away is not a busy loop.
        let millis = u16::try_from(wait.as_micros().div_ceil(1000)).unwrap_or(u16::MAX);
        match poll(&mut fds, PollTimeout::from(millis)) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(errno) => return Err(format!("poll failed: {errno}")),
        }
        let closed = PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR;
        Ok(fds
            .chunks(2)
            .map(|pair| pair[0].revents().is_some_and(|got| got.intersects(closed)))
            .collect())
    }

    /// Gives each ready worker tasks until it holds `per_worker`, one round at a time so
    /// that the tasks spread evenly; a retry goes first, to the fresh worker it is kept for.
    fn hand_out(&mut self, run: &mut Run<'_>) -> io::Result<()> {
        loop {
            let mut gave = false;
            for worker in self.workers.iter_mut().filter(|w| w.ready) {
                if worker.tasks.len() >= self.per_worker {
                    continue;
                }
                let Some(task) = worker.retry.take().or_else(|| run.pending.pop_front()) else {
                    continue;
                };
                let deadline = Instant::now() + self.limits.task;
                worker.send(self.next_id, task, run.inputs[task], deadline)?;
                self.next_id += 1;
                gave = true;
            }
            if !gave {
                return Ok(());
            }
        }
    }

    /// Acts on every whole frame received from worker `index`.
    fn on_frames(&mut self, index: usize, run: &mut Run<'_>) -> Result<(), String> {
        loop {
            let worker = &mut self.workers[index];
            let frame = match worker.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => return Ok(()),
                Err(_) if !worker.ready => {
                    let said = worker.received_text();
                    return Err(self.not_a_worker(format!("said {said} instead of hello")));
                }
                Err(what) => return self.lose(index, Loss::BadAnswer(what), run),
            };
            if !worker.ready {
                if frame.kind != Kind::Ready || frame.payload != HELLO {
                    let what = format!("began with a {:?} frame, not hello", frame.kind);
                    return Err(self.not_a_worker(what));
                }
                worker.ready = true;
                continue;
            }
            let position = worker.tasks.iter().position(|&(id, _)| id == frame.id);
            let (Some(position), Kind::Ok | Kind::Err) = (position, frame.kind) else {
                let what = format!("a {:?} frame for task id {}", frame.kind, frame.id);
                return self.lose(index, Loss::BadAnswer(what), run);
            };
            let (_, task) = worker.tasks.remove(position).expect("found above");
            if position == 0 {
                // The next task is now its oldest: its time starts.
                worker.deadline =
                    (!worker.tasks.is_empty()).then(|| Instant::now() + self.limits.task);
            }
            let text = String::from_utf8_lossy(&frame.payload).into_owned();
            let outcome = if frame.kind == Kind::Ok {
                Ok(text)
            } else {
                Err(TaskError::Failed(text))
            };
            run.finish(task, outcome);
        }
    }

    // ANCHOR: lose
    /// Ends worker `index` (and anything it started), settles the tasks it held, and puts a
    /// fresh worker in its place. The oldest task is the one it was working on: a death
    /// gives it a second chance on the fresh worker, a second death makes it a poison. The
    /// others never started: they go back to the queue.
    fn lose(&mut self, index: usize, loss: Loss, run: &mut Run<'_>) -> Result<(), String> {
        let worker = &mut self.workers[index];
        let pid = worker.pid;
        let ended = match loss {
            Loss::Died => worker.end_within(EXIT_GRACE),
            _ => worker.end(),
        };
        let how = describe(ended.map_err(|e| format!("could not reap worker {pid}: {e}"))?);
        let mut tasks: VecDeque<usize> = worker.tasks.drain(..).map(|(_, task)| task).collect();
        if let Some(task) = worker.retry.take() {
            tasks.push_front(task);
        }
        let oldest = tasks.pop_front();
        let mut retried = false;
        match (&loss, oldest) {
            (Loss::Cancelled, _) => {
                for task in oldest.into_iter().chain(tasks.drain(..)) {
                    run.finish(task, Err(TaskError::Cancelled));
                }
            }
            (_, None) => {
                run.spare_restarts = run.spare_restarts.checked_sub(1).ok_or_else(|| {
                    format!("the workers keep dying without a task ({how}): giving up")
                })?;
            }
            (Loss::Died, Some(task)) if !run.died_on[task] => {
                run.died_on[task] = true;
                retried = true;
            }
            (Loss::Died, Some(task)) => {
                let how = how.clone();
                run.finish(task, Err(TaskError::WorkerDied { pid, how }));
            }
            (Loss::TimedOut, Some(task)) => run.finish(task, Err(TaskError::TimedOut { pid })),
            (Loss::BadAnswer(what), Some(task)) => {
                let what = what.clone();
                run.finish(task, Err(TaskError::BadAnswer { pid, what }));
            }
        }
        for task in tasks.into_iter().rev() {
            run.pending.push_front(task);
        }
        let mut fresh = Worker::start(&self.spec, Instant::now() + self.limits.start)
            .map_err(|e| format!("could not start a new worker: {e}"))?;
        fresh.retry = oldest.filter(|_| retried);
        let new_pid = fresh.pid;
        self.workers[index] = fresh;
        self.restarts.push(Restart {
            input: oldest,
            retried,
            old_pid: pid,
            how,
            new_pid,
        });
        Ok(())
    }
    // ANCHOR_END: lose

    /// Cancels what is left of `run`: queued tasks at once, workers holding tasks killed.
    fn cancel(&mut self, run: &mut Run<'_>) -> Result<(), String> {
        while let Some(task) = run.pending.pop_front() {
            run.finish(task, Err(TaskError::Cancelled));
        }
        for index in 0..self.workers.len() {
            let worker = &self.workers[index];
            if !worker.tasks.is_empty() || worker.retry.is_some() {
                self.lose(index, Loss::Cancelled, run)?;
            }
        }
        Ok(())
    }

    fn not_a_worker(&self, what: String) -> String {
        format!(
            "worker {} {what}: is it a pool worker?",
            self.spec.program.display()
        )
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
