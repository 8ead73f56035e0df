//! Exercises for the chapter "Scale-up versus scale-out"; each file holds the task, its
//! solution and its tests. Easiest first.

pub mod slowest_stage;

pub mod fit_times;

pub mod rendezvous;
