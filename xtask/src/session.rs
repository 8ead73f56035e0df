//! What every long command (check, bench, starter) needs around it, in one guard: orphans that
//! escape a program's process group come back to us (Linux's subreaper), Ctrl-C or SIGTERM
//! kills every program running with its group and exits, and at the end any process still
//! running that the command left behind is killed and reported.

use anyhow::Result;

use crate::problem::Problem;
use crate::runner;

/// A long command in progress; [`Session::finish`] ends it.
#[derive(Debug)]
#[must_use = "finish the session to find the processes it left behind"]
pub struct Session {
    _private: (),
}

impl Session {
    /// Installs the interrupt handler (once per process) and makes this process the reaper of
    /// the orphans its programs leave.
    pub fn start() -> Result<Session> {
        runner::become_subreaper();
        runner::install_interrupt_handler()?;
        Ok(Session { _private: () })
    }

    /// Kills what the command left running, one problem per process; `Err` where processes
    /// cannot be listed (no `/proc`).
    pub fn finish(self) -> Result<Vec<Problem>, runner::NotSupported> {
        Ok(runner::kill_leftover_children()?
            .into_iter()
            .map(|(pid, name)| {
                Problem::new(format!(
                    "process {pid} ({name}) outlived the command: killed it"
                ))
            })
            .collect())
    }
}
