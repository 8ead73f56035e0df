//! What a pool reports: why a task has no value, and which workers it replaced.

use std::fmt;

/// Why one task has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The worker's function refused the input.
    Failed(String),
    /// A worker died while on this input, and so did the fresh worker that tried it again.
    WorkerDied {
        /// The second worker's process id.
        pid: u32,
        /// How it ended: `killed by signal 6 (SIGABRT)`, `exited with code 101`, ...
        how: String,
    },
    /// The worker took longer than the task's limit ([`Limits::task`](super::Limits::task),
    /// or its own in [`map_limited`](super::ProcessPool::map_limited)): it was killed.
    TimedOut {
        /// The worker's process id.
        pid: u32,
    },
    /// The worker sent something that is not an answer: it was killed.
    BadAnswer {
        /// The worker's process id.
        pid: u32,
        /// What was wrong.
        what: String,
    },
    /// The `map` was cancelled before this task had an answer.
    Cancelled,
    /// The pool broke (a new worker did not start) before this task had an answer.
    PoolBroken(String),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Failed(message) => write!(f, "refused: {message}"),
            TaskError::WorkerDied { pid, how } => {
                write!(f, "worker {pid} died on it too ({how}): a poison input")
            }
            TaskError::TimedOut { pid } => write!(f, "worker {pid} ran out of time on it"),
            TaskError::BadAnswer { pid, what } => {
                write!(f, "worker {pid} broke the protocol: {what}")
            }
            TaskError::Cancelled => f.write_str("cancelled"),
            TaskError::PoolBroken(reason) => write!(f, "the pool broke: {reason}"),
        }
    }
}

impl std::error::Error for TaskError {}

/// A worker the pool replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// The index (in its `map` call) of the input the old worker was working on, if any.
    pub input: Option<usize>,
    /// Whether that input went to the new worker to be tried again.
    pub retried: bool,
    /// The old worker's process id.
    pub old_pid: u32,
    /// How the old worker ended.
    pub how: String,
    /// The new worker's process id.
    pub new_pid: u32,
}
