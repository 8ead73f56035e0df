//! Exercises for the chapter "Processes"; each file holds the task, its solution and its
//! tests.

pub mod child_report;
pub mod line_worker;
pub mod polite_stop;
