//! Concurrency without parallelism: tokio tasks taking turns on a single thread.
//!
//! [`run_interleaved`] starts a `current_thread` runtime on the calling thread and spawns a
//! few tasks. Each task does a step, then yields: it hands the thread back to the runtime,
//! which runs the next task. The steps interleave, but only one thread ever runs them.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, ThreadId};

/// The most tasks [`run_interleaved`] accepts: tasks are named by one letter, A to Z.
pub const MAX_TASKS: usize = 26;

/// One step one task did, and the thread it ran on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    /// The task's index, 0 for A, 1 for B, ...
    pub task: usize,
    /// The step's number within its task, from 1.
    pub step: usize,
    /// The thread the step ran on.
    pub thread: ThreadId,
    /// That thread's name, or `<unnamed>`.
    pub thread_name: String,
}

impl StepRecord {
    /// The task's letter: A, B, C, ...
    pub fn task_letter(&self) -> char {
        task_letter(self.task)
    }
}

/// The letter naming task `task`: 0 is A, 1 is B, and so on.
pub fn task_letter(task: usize) -> char {
    // Tasks beyond Z are refused by `run_interleaved`, so the cast cannot wrap.
    char::from(b'A' + (task % MAX_TASKS) as u8)
}

/// Why [`run_interleaved`] failed.
#[derive(Debug)]
pub enum InterleaveError {
    /// More tasks than letters to name them.
    TooManyTasks(usize),
    /// The runtime could not be built.
    Runtime(std::io::Error),
    /// A task panicked.
    Task(tokio::task::JoinError),
}

impl std::fmt::Display for InterleaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManyTasks(n) => write!(f, "{n} tasks is too many (at most {MAX_TASKS})"),
            Self::Runtime(e) => write!(f, "cannot start the tokio runtime: {e}"),
            Self::Task(e) => write!(f, "a task failed: {e}"),
        }
    }
}

impl std::error::Error for InterleaveError {}

// ANCHOR: interleave
/// Runs `tasks` tasks of `steps` steps each on a single-threaded runtime, on the calling
/// thread, calling `on_step` as each step runs. Returns the steps in the order they ran.
pub fn run_interleaved(
    tasks: usize,
    steps: usize,
    on_step: impl Fn(&StepRecord) + Send + Sync + 'static,
) -> Result<Vec<StepRecord>, InterleaveError> {
    if tasks > MAX_TASKS {
        return Err(InterleaveError::TooManyTasks(tasks));
    }
    // One thread only: the runtime runs its tasks inside `block_on`, on this thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(InterleaveError::Runtime)?;
    let log = Arc::new(Mutex::new(Vec::new()));
    let on_step = Arc::new(on_step);

    runtime.block_on(async {
        let mut handles = Vec::new();
        for task in 0..tasks {
            let (log, on_step) = (Arc::clone(&log), Arc::clone(&on_step));
            handles.push(tokio::spawn(async move {
                for step in 1..=steps {
                    let me = thread::current();
                    let record = StepRecord {
                        task,
                        step,
                        thread: me.id(),
                        thread_name: me.name().unwrap_or("<unnamed>").to_owned(),
                    };
                    on_step(&record);
                    log.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(record);
                    // Hand the thread back so the other tasks get their turn.
                    tokio::task::yield_now().await;
                }
            }));
        }
        for handle in handles {
            handle.await.map_err(InterleaveError::Task)?;
        }
        Ok(())
    })?;

    let log = log.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(log.clone())
}
// ANCHOR_END: interleave
