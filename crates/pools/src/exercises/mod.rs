//! Exercises for the chapter "Pools"; each file holds the task, its solution and its tests.
//! Easiest first.

pub mod chunked_count;

pub mod ordered_window;

pub mod map_deadline;
