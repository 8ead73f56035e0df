//! A thread pool written out in full: how `ThreadPoolExecutor` works inside.
//!
//! - A fixed number of worker threads, started once.
//! - One bounded channel, the queue: [`ThreadPool::submit`] puts a job in it (and waits when
//!   it is full, so a fast producer cannot pile up unlimited work); each idle worker takes the
//!   next job out.
//! - Per job, a one-shot channel back to the caller: the [`JobHandle`], Python's `Future`.
//!   A job runs under `catch_unwind`, so its panic comes back through the handle as
//!   [`JobError::Panicked`] and the worker thread lives on.
//! - Dropping the pool closes the queue: the workers finish the jobs already queued, see the
//!   closed channel, and end; the drop joins them. That is leaving a
//!   `with ThreadPoolExecutor() as executor:` block. [`ThreadPool::shutdown_now`] drops the
//!   queued jobs unrun instead (`shutdown(cancel_futures=True)`): their handles say
//!   [`JobError::Cancelled`].
//!
//! Jobs must be `'static`: a worker may outlive any stack frame of the caller. (rayon's
//! `scope` lifts that limit; see the chapter.)

use std::any::Any;
use std::fmt;
use std::io;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A job as the queue holds it: any closure, boxed, run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a [`JobHandle`] has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The job panicked; this is its panic message.
    Panicked(String),
    /// The job never ran: [`ThreadPool::shutdown_now`] dropped it from the queue (or every
    /// worker was gone).
    Cancelled,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked(message) => write!(f, "the job panicked: {message}"),
            JobError::Cancelled => f.write_str("the job was cancelled: the pool shut down"),
        }
    }
}

impl std::error::Error for JobError {}

/// [`ThreadPool::try_submit`] found the queue full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull;

// ANCHOR: handle
/// The result of one submitted job, to be collected later: Python's `Future`.
#[derive(Debug)]
pub struct JobHandle<T> {
    result: Receiver<thread::Result<T>>,
}

impl<T> JobHandle<T> {
    /// Waits for the job to end: its value, or its panic as an error (`future.result()`).
    ///
    /// The wait ends in any case: the job's worker sends the outcome, or the job is dropped
    /// unrun by [`ThreadPool::shutdown_now`], which closes the channel ([`JobError::Cancelled`]).
    pub fn wait(self) -> Result<T, JobError> {
        match self.result.recv() {
            Ok(outcome) => outcome.map_err(|payload| JobError::Panicked(panic_message(&*payload))),
            Err(_) => Err(JobError::Cancelled),
        }
    }

    /// Like [`wait`](Self::wait), but gives up after `limit` (`future.result(timeout=...)`):
    /// then the job may still finish, and `Err` gives the handle back to wait again.
    ///
    /// The handle is used up once it has given the outcome, so it cannot be asked twice:
    ///
    /// ```compile_fail
    /// # use std::time::Duration;
    /// let pool = pools::handmade::ThreadPool::new(1, 1).unwrap();
    /// let handle = pool.submit(|| 42);
    /// let first = handle.wait_timeout(Duration::from_secs(10));
    /// let second = handle.wait_timeout(Duration::from_secs(10)); // error: `handle` was moved
    /// ```
    pub fn wait_timeout(self, limit: Duration) -> Result<Result<T, JobError>, JobHandle<T>> {
        match self.result.recv_timeout(limit) {
            Ok(outcome) => {
                Ok(outcome.map_err(|payload| JobError::Panicked(panic_message(&*payload))))
            }
            Err(RecvTimeoutError::Timeout) => Err(self),
            Err(RecvTimeoutError::Disconnected) => Ok(Err(JobError::Cancelled)),
        }
    }
}
// ANCHOR_END: handle

/// The text of a panic: `panic!` gives a `&str` or a `String`; anything else has none.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

// ANCHOR: pool
/// A fixed set of worker threads fed by a bounded queue.
#[derive(Debug)]
pub struct ThreadPool {
    /// The queue's sending end; `None` once the pool is shutting down.
    queue: Option<SyncSender<Job>>,
    /// The queue's receiving end, shared by the workers.
    jobs: Arc<Mutex<Receiver<Job>>>,
    /// Set by `shutdown_now`: a job taken from the queue after this is dropped unrun.
    cancelled: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `threads` workers sharing a queue that holds at most `capacity` waiting jobs.
    ///
    /// Both must be at least 1.
    pub fn new(threads: usize, capacity: usize) -> io::Result<ThreadPool> {
        if threads == 0 || capacity == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a pool needs at least one thread and room for at least one job",
            ));
        }
        let (queue, jobs) = mpsc::sync_channel::<Job>(capacity);
        // One receiver, shared: whichever worker holds the lock takes the next job.
        let jobs = Arc::new(Mutex::new(jobs));
        let cancelled = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::with_capacity(threads);
        for id in 0..threads {
            let jobs = Arc::clone(&jobs);
            let cancelled = Arc::clone(&cancelled);
            let worker = thread::Builder::new()
                .name(format!("pool-worker-{id}"))
                .spawn(move || work(&jobs, &cancelled))?;
            workers.push(worker);
        }
        Ok(ThreadPool {
            queue: Some(queue),
            jobs,
            cancelled,
            workers,
        })
    }

    /// Queues `job` and returns its handle (`executor.submit(fn)`).
    ///
    /// Waits while the queue is full: that back-pressure is what the bound is for. The
    /// wait ends when a worker takes a job; use [`try_submit`](Self::try_submit) never to wait.
    ///
    /// A job that submits to its own pool waits like any caller, on a worker thread: if the
    /// queue is full and every worker does so, no worker is left to empty the queue, and the
    /// pool deadlocks. Inside a job, use `try_submit` (and on [`QueueFull`] do the work
    /// yourself), or split work with rayon's `join`/`scope`, which never blocks a worker.
    pub fn submit<F, T>(&self, job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, handle) = wrap(job);
        if let Some(queue) = &self.queue {
            // It fails only if every worker is gone; the handle then says Cancelled.
            let _ = queue.send(job);
        }
        handle
    }
    // ANCHOR_END: pool

    /// Queues `job` only if the queue has room; otherwise returns [`QueueFull`] at once
    /// (the job is dropped unrun).
    pub fn try_submit<F, T>(&self, job: F) -> Result<JobHandle<T>, QueueFull>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let queue = self.queue.as_ref().ok_or(QueueFull)?;
        let (job, handle) = wrap(job);
        queue.try_send(job).map_err(|_| QueueFull)?;
        Ok(handle)
    }

    /// Runs `f` on every item, spread over the workers, and returns the results in the
    /// order of `items` (Python's `executor.map`), whatever order the jobs end in.
    pub fn map<I, F, T>(&self, items: I, f: F) -> Vec<Result<T, JobError>>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let f = Arc::new(f);
        // Submit everything first, then wait in submission order: handle i holds result i.
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit(move || f(item))
            })
            .collect();
        handles.into_iter().map(JobHandle::wait).collect()
    }

    /// How many worker threads the pool has.
    pub fn threads(&self) -> usize {
        self.workers.len()
    }

    /// Closes the queue and waits at most `limit` for the workers to finish the queued jobs.
    ///
    /// `Err(n)`: `n` workers were still busy at the deadline (a job that never ends). A
    /// thread cannot be killed, so they are left to finish on their own.
    pub fn shutdown_within(mut self, limit: Duration) -> Result<(), usize> {
        self.queue = None;
        self.join_within(limit)
    }

    // ANCHOR: shutdown_now
    /// Drops every queued job unrun (its handle says [`JobError::Cancelled`]), then waits at
    /// most `limit` for the jobs already running, like `shutdown(cancel_futures=True)`.
    /// `Err(n)` as for [`shutdown_within`](Self::shutdown_within).
    pub fn shutdown_now(mut self, limit: Duration) -> Result<(), usize> {
        self.cancelled.store(true, Ordering::SeqCst);
        self.queue = None;
        // Empty the queue now if no idle worker holds it; an idle worker that does drops
        // each job it takes (the flag is set), so the queue empties either way.
        if let Ok(jobs) = self.jobs.try_lock() {
            while jobs.try_recv().is_ok() {}
        }
        self.join_within(limit)
    }
    // ANCHOR_END: shutdown_now

    fn join_within(&mut self, limit: Duration) -> Result<(), usize> {
        let deadline = Instant::now() + limit;
        let mut nap = Duration::from_millis(1);
        while Instant::now() < deadline && !self.workers.iter().all(JoinHandle::is_finished) {
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        }
        let (done, busy): (Vec<_>, Vec<_>) =
            self.workers.drain(..).partition(JoinHandle::is_finished);
        for worker in done {
            // Jobs never panic out of a worker (catch_unwind), so this join cannot fail.
            let _ = worker.join();
        }
        if busy.is_empty() {
            Ok(())
        } else {
            Err(busy.len())
        }
    }
}

// ANCHOR: drop
impl Drop for ThreadPool {
    /// Closes the queue, lets the workers finish what is queued, and joins them.
    fn drop(&mut self) {
        // Dropping the only sender closes the channel: `recv` fails once it is empty.
        self.queue = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// A worker's life: take the next job, run it, until the queue is closed and empty. After
/// `shutdown_now`, a job taken is dropped unrun: its handle sees the closed channel.
fn work(jobs: &Mutex<Receiver<Job>>, cancelled: &AtomicBool) {
    loop {
        // The lock is released at the end of this statement, before the job runs.
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(job) if cancelled.load(Ordering::SeqCst) => drop(job),
            Ok(job) => job(),
            Err(_) => return, // closed and empty: the pool is shutting down
        }
    }
}

/// Boxes `job` so that it sends its outcome, value or panic, to the handle.
fn wrap<F, T>(job: F) -> (Job, JobHandle<T>)
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (sender, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let outcome = panic::catch_unwind(AssertUnwindSafe(job));
        // The caller may have dropped its handle: nobody wants the result, that is fine.
        let _ = sender.send(outcome);
    });
    (job, JobHandle { result })
}
// ANCHOR_END: drop

// ANCHOR: count
/// Counts the primes in `range` on `pool`, one job per `chunk` numbers.
pub fn count_primes(pool: &ThreadPool, range: Range<u64>, chunk: u64) -> Result<u64, JobError> {
    let handles: Vec<_> = crate::chunks(range, chunk)
        .into_iter()
        .map(|piece| pool.submit(move || crate::count_primes(piece)))
        .collect();
    handles.into_iter().map(JobHandle::wait).sum()
}
// ANCHOR_END: count
