//! Exercises for the chapter "Waiting for real I/O"; each file holds the task, its solution and
//! its tests.

pub mod as_they_finish;
pub mod bounded;
pub mod counted;
pub mod deadline;
