//! One `map` call as the pool's loop sees it.

use std::collections::VecDeque;
use std::time::Duration;

use super::TaskError;

/// How a worker was lost, for the task it was working on.
pub(crate) enum Loss {
    /// Its pipe closed or it exited: the task may be retried once.
    Died,
    TimedOut,
    BadAnswer(String),
    /// The `map` was cancelled: every task it held is cancelled.
    Cancelled,
}

/// One `map` call as it runs.
pub(crate) struct Run<'a> {
    pub inputs: &'a [&'a str],
    /// Each task's time limit, counted from when it becomes its worker's oldest.
    pub limits: &'a [Duration],
    pub pending: VecDeque<usize>,
    pub results: Vec<Option<Result<String, TaskError>>>,
    pub left: usize,
    /// Which tasks a worker has already died on once.
    pub died_on: Vec<bool>,
    /// How many more times a worker may die while idle (a worker program that dies at once,
    /// every time, must not make the pool restart it forever).
    pub spare_restarts: usize,
}

impl Run<'_> {
    pub fn finish(&mut self, task: usize, outcome: Result<String, TaskError>) {
        if self.results[task].is_none() {
            self.results[task] = Some(outcome);
            self.left -= 1;
        }
    }
}

impl<'a> Run<'a> {
    pub fn new(inputs: &'a [&'a str], limits: &'a [Duration], spare_restarts: usize) -> Run<'a> {
        assert_eq!(inputs.len(), limits.len(), "one limit per task");
        Run {
            inputs,
            limits,
            pending: (0..inputs.len()).collect(),
            results: vec![None; inputs.len()],
            left: inputs.len(),
            died_on: vec![false; inputs.len()],
            spare_restarts,
        }
    }
}
