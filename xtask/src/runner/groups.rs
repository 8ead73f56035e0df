//! The process groups of the programs running now, and what an interrupt does with them.
//!
//! Every program the runner starts leads a process group of its own. Its group id is the
//! leader's pid, and a pid is free for reuse once its process has been reaped. So the runner
//! keeps the leader unreaped (a zombie, once it has exited) until it has killed the group:
//! a `killpg` is then always aimed at our group, never at a stranger that got the same number.
//! The registry below holds the groups whose leader is not reaped yet, which are exactly the
//! groups that are safe to kill from the interrupt handler.

use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::procfs;

/// How long to wait for the killed members of a group to be gone.
const KILL_GRACE: Duration = Duration::from_secs(2);

struct Live {
    /// Leaders (= group ids) of the groups started and not yet reaped.
    groups: Vec<Pid>,
    /// Set by the interrupt handler: no program may start any more.
    interrupted: bool,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    groups: Vec::new(),
    interrupted: false,
});

fn live() -> MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running (or exited but unreaped) program leading its own process group. Dropping it
/// kills the group and reaps the leader, so an early return cannot leave the program running.
#[derive(Debug)]
pub(super) struct Group {
    leader: Pid,
    /// Already reaped by [`Group::exited`] (only where `waitid` is missing, see there).
    reaped: bool,
    /// Killed, reaped and off the registry.
    finished: bool,
}

/// Starts `cmd` (which must ask for a new process group) and registers its group.
///
/// The registry's lock is held from before the spawn until the group is listed, so an
/// interrupt either comes before (and nothing starts) or after (and it kills this group too).
pub(super) fn spawn(cmd: &mut Command) -> Result<(Child, Group)> {
    let mut live = live();
    if live.interrupted {
        bail!("the check was interrupted");
    }
    let child = cmd.spawn()?;
    let leader = Pid::from_raw(i32::try_from(child.id()).context("pid out of range")?);
    live.groups.push(leader);
    Ok((
        child,
        Group {
            leader,
            reaped: false,
            finished: false,
        },
    ))
}

impl Group {
    pub fn id(&self) -> Pid {
        self.leader
    }

    /// The leader's exit status once it has ended, without reaping it (`WNOWAIT`): its pid,
    /// and so the group id, stays ours.
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    pub fn exited(&mut self, block: bool) -> Result<Option<WaitStatus>> {
        use nix::sys::wait::{Id, waitid};
        let mut flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
        if !block {
            flags |= WaitPidFlag::WNOHANG;
        }
        loop {
            match waitid(Id::Pid(self.leader), flags) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e).context("waitid on the program"),
                Ok(WaitStatus::StillAlive) => return Ok(None),
                Ok(status) => return Ok(Some(status)),
            }
        }
    }

    /// Without `waitid` (macOS), the status can only be read by reaping; the group is then
    /// killed just after, which leaves a short window in which its id could be reused.
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    pub fn exited(&mut self, block: bool) -> Result<Option<WaitStatus>> {
        let flags = (!block).then_some(WaitPidFlag::WNOHANG);
        loop {
            match waitpid(self.leader, flags) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e).context("waitpid on the program"),
                Ok(status @ (WaitStatus::Exited(..) | WaitStatus::Signaled(..))) => {
                    self.reaped = true;
                    return Ok(Some(status));
                }
                Ok(WaitStatus::StillAlive) if !block => return Ok(None),
                Ok(_) => {}
            }
        }
    }

    /// SIGKILL to every process in the group.
    pub fn kill(&self) {
        #[cfg(test)]
        tests::record_kill(self.leader);
        let _ = killpg(self.leader, Signal::SIGKILL);
    }

    /// Kills what is left of the group, waits (briefly) until its members are gone, reaping
    /// those re-parented to us, then takes the group off the registry and reaps the leader.
    pub fn finish(mut self) {
        self.end();
    }

    fn end(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        // The leader is not reaped yet, so the group id is still this group's.
        self.kill();
        if !self.reaped {
            // Returns at once if it had ended; SIGKILL ends it otherwise.
            let _ = self.exited(true);
        }
        let give_up = Instant::now() + KILL_GRACE;
        while let Ok(running) = procfs::reap_group_orphans(self.leader, self.leader) {
            if running.is_empty() || Instant::now() > give_up {
                break;
            }
            thread::sleep(Duration::from_millis(5));
        }
        let mut live = live();
        live.groups.retain(|g| *g != self.leader);
        if !self.reaped {
            let _ = waitpid(self.leader, None);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.end();
    }
}

/// Runs `f` with the process groups of the programs running now (started and not yet
/// reaped), holding the registry's lock throughout: no program starts meanwhile. A sweep for
/// leftovers must hold it, or a program that another thread (another command in the same
/// process) starts between the sweep's look at the registry and its kill would be taken for
/// a leftover and killed before it is listed.
pub(crate) fn with_live_groups<T>(f: impl FnOnce(&[Pid]) -> T) -> T {
    let live = live();
    f(&live.groups)
}

/// Installs the handler for SIGINT (Ctrl-C) and SIGTERM: it kills every running program with
/// its process group, and every other process this one started (with their children), then
/// exits with 130 or 143 (128 + the signal's number, as a shell reports it). Call once at the
/// start of a command that runs programs; calling again does nothing.
pub fn install_interrupt_handler() -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if *installed {
        return Ok(());
    }
    let mut signals =
        Signals::new([SIGINT, SIGTERM]).context("cannot install the interrupt handler")?;
    thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                stop_everything_and_exit(signal);
            }
        })
        .context("cannot start the interrupt handler's thread")?;
    *installed = true;
    Ok(())
}

fn stop_everything_and_exit(signal: i32) -> ! {
    // The lock is never released: a runner thread that sees its program die blocks on it
    // before printing anything, and the process exits below.
    let mut live = live();
    live.interrupted = true;
    for group in &live.groups {
        let _ = killpg(*group, Signal::SIGKILL);
    }
    // Processes started some other way (`cargo metadata`) and their children, and orphans
    // that left their group and were re-parented to us (see `become_subreaper`).
    let orphans = procfs::signal_other_descendants(&live.groups).unwrap_or(0);
    let name = Signal::try_from(signal).map_or_else(|_| signal.to_string(), |s| s.to_string());
    eprintln!(
        "\ninterrupted by {name}: killed {} running program(s) with their process groups{}",
        live.groups.len(),
        if orphans > 0 {
            format!(" and {orphans} other process(es) it started")
        } else {
            String::new()
        }
    );
    std::process::exit(128 + signal);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// For each `killpg` the runner sent, the leader and its state in `/proc` at that moment.
    static KILLS: Mutex<Vec<(i32, Option<char>)>> = Mutex::new(Vec::new());

    pub(in crate::runner) fn record_kill(leader: Pid) {
        let state = procfs::table()
            .ok()
            .and_then(|t| t.into_iter().find(|p| p.pid == leader.as_raw()))
            .map(|p| p.state);
        KILLS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((leader.as_raw(), state));
    }

    /// The state of `leader` when its group was killed: `Some('Z')` for an unreaped zombie,
    /// `None` if it was already gone.
    pub(in crate::runner) fn state_at_kill(leader: i32) -> Option<Option<char>> {
        let kills = KILLS.lock().unwrap_or_else(PoisonError::into_inner);
        kills
            .iter()
            .find(|(pid, _)| *pid == leader)
            .map(|(_, s)| *s)
    }
}
