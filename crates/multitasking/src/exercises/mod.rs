//! Exercises for the chapter "Multitasking basics"; each file holds the task, its solution
//! and its tests.

pub mod any_recipe;
pub mod bound_verdict;
pub mod waits_at_once;
