//! Tasks on a current_thread runtime take turns, and one thread runs them all.

use std::sync::{Arc, Mutex};
use std::thread;

use multitasking::interleave::{InterleaveError, MAX_TASKS, run_interleaved};

#[test]
fn tasks_take_turns_step_by_step() {
    let (tasks, steps) = (3, 4);
    let records = run_interleaved(tasks, steps, |_| {}).unwrap();
    assert_eq!(records.len(), tasks * steps);
    // The steps come in rounds: every task does its step 1 before any task does step 2, and
    // so on. Within a round the runtime picks the order, so compare the rounds as sets.
    for (round, chunk) in records.chunks(tasks).enumerate() {
        let mut seen: Vec<(usize, usize)> = chunk.iter().map(|r| (r.task, r.step)).collect();
        seen.sort_unstable();
        let expected: Vec<(usize, usize)> = (0..tasks).map(|t| (t, round + 1)).collect();
        assert_eq!(seen, expected, "round {}: {records:#?}", round + 1);
    }
}

#[test]
fn the_first_round_runs_in_spawn_order() {
    let records = run_interleaved(3, 1, |_| {}).unwrap();
    let letters: String = records.iter().map(|r| r.task_letter()).collect();
    assert_eq!(letters, "ABC");
}

#[test]
fn one_thread_runs_every_task() {
    let me = thread::current();
    let records = run_interleaved(4, 3, |_| {}).unwrap();
    assert_eq!(records.len(), 12);
    // The runtime ran the tasks inside `block_on`, on the caller's own thread.
    for record in &records {
        assert_eq!(record.thread, me.id());
        assert_eq!(Some(record.thread_name.as_str()), me.name());
    }
}

#[test]
fn callback_sees_steps_as_they_run() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let records = run_interleaved(2, 2, move |r| sink.lock().unwrap().push(r.clone())).unwrap();
    assert_eq!(*seen.lock().unwrap(), records);
}

#[test]
fn too_many_tasks_is_an_error() {
    let err = run_interleaved(MAX_TASKS + 1, 1, |_| {}).unwrap_err();
    assert!(matches!(err, InterleaveError::TooManyTasks(27)), "{err:?}");
}
