//! Exercises for the chapter "Profiling"; each file holds the task, its solution and its
//! tests.

pub mod flame_graph;
pub mod median_of_runs;
pub mod returning_visitors;
pub mod string_builder;
