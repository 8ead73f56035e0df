//! Exercises for the chapter "Threads"; each file holds the task, its solution and its tests.

pub mod fill;
pub mod prompt_stop;
pub mod slow_call;
pub mod tickets;
