//! The pool's event loop: wait for what the workers send, hand out tasks, enforce the
//! deadlines, and replace a worker that is lost. `mod.rs` holds the pool's public face.

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::frame::{HELLO, Kind};
use super::run::{Loss, Run};
use super::worker::{Worker, describe};
use super::{Cancel, EXIT_GRACE, ProcessPool, Restart, TICK, TaskError};

impl ProcessPool {
    // ANCHOR: drive
    /// The pool's loop: wait in `poll` for the next event, the nearest deadline or the next
    /// tick; read and act on what arrived, then on deadlines; hand tasks to workers with
    /// room and write what the pipes take. `Err` means the pool is broken.
    pub(super) fn drive(
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
                // It closed its end of the pipe. What it sent before counts: read that first,
                // so that an answered task is not blamed for the loss.
                if self.workers[index].write().is_err() && self.take_in(index, run)? {
                    self.lose(index, Loss::Died, run)?;
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
                let deadline = Instant::now() + run.limits[task];
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
                let now = Instant::now();
                worker.deadline = worker
                    .tasks
                    .front()
                    .map(|&(_, next)| now + run.limits[next]);
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
}
