//! What a pool is told: which program its workers run, how long it waits for them, and a
//! flag to cancel a running `map`.

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::WORKER_ARG;

/// The program a pool starts as its workers, with its arguments.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    pub(crate) program: PathBuf,
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

    pub(crate) fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        command
    }
}

/// How long the pool waits for its workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For a new worker to say it is ready.
    pub start: Duration,
    /// For a worker to answer the oldest task it holds, counted from the moment that task
    /// became its oldest; then the worker is killed and the task fails. A worker that stops
    /// reading its tasks stops answering too, so this limits every write as well.
    /// [`ProcessPool::map_limited`](super::ProcessPool::map_limited) gives each task its own.
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

// ANCHOR: cancel
/// Stops a running [`ProcessPool::map_cancellable`] from another thread: Python's
/// `future.cancel()` for every task at once. Clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not raised yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Raises the flag: the `map` ends within about 10 ms.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the flag is raised.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: cancel
