//! Exercises for the chapter "Pools"; each file holds the task, its solution and its tests.

pub mod chunked_count;
pub mod map_deadline;
pub mod ordered_window;
