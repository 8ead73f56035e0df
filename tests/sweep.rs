//! The sweep for leftover children, which runs after each command, never kills a program that
//! another thread of the same process (another command) is starting at that moment. It once
//! did: it read the registry of running programs, let go of it, and then read the process
//! table, so a program started and registered in between looked like a leftover. Here a
//! program is started exactly in between, every time, through the sweep's test pause.

use std::path::Path;
use std::sync::Mutex;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use xtask::runner::{self, Ended, Outcome, SWEEP_PAUSE};

static STARTED: Mutex<Option<JoinHandle<anyhow::Result<Outcome>>>> = Mutex::new(None);

/// Another command starts a program while the sweep is between its two looks.
fn start_a_program_meanwhile() {
    let run = thread::spawn(|| {
        let args = ["2".to_owned()];
        runner::run(
            Path::new("sleep"),
            &args,
            &[],
            Path::new("."),
            Duration::from_secs(60),
        )
    });
    *STARTED.lock().unwrap() = Some(run);
    // Long enough for the program to start and be registered, if nothing holds it back.
    thread::sleep(Duration::from_millis(300));
}

#[test]
fn a_sweep_never_kills_a_program_another_thread_is_starting() {
    *SWEEP_PAUSE.lock().unwrap() = Some(start_a_program_meanwhile);
    let killed = runner::kill_leftover_children();
    *SWEEP_PAUSE.lock().unwrap() = None;
    let run = STARTED.lock().unwrap().take().expect("the pause ran");
    let outcome = run.join().expect("the runner's thread").expect("sleep ran");
    assert_eq!(killed.expect("/proc is readable"), []);
    assert_eq!(
        outcome.ended,
        Ended::Exited(0),
        "the program started during the sweep was killed: {outcome:?}"
    );
}
