//! Exercises for the chapter "Sharing state safely"; each file holds the task, its solution and
//! its tests.

pub mod latch;
pub mod seats;
pub mod word_count;
