//! Questions about other processes, answered from `/proc`: which processes this one still
//! has as children, which are in a process group, which run a given command line.
//!
//! Where `/proc` is absent (macOS, the BSDs) these questions cannot be answered; every
//! function then returns [`NotSupported`] rather than an empty list, so that a caller says so
//! instead of reporting "nothing left" without having looked.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::Pid;

/// Where the kernel publishes its process table.
const PROC: &str = "/proc";

/// The leftover-process check cannot run here, because `/proc` is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSupported;

impl fmt::Display for NotSupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not supported here: finding leftover processes needs /proc (Linux)")
    }
}

impl std::error::Error for NotSupported {}

/// One line of the process table: the fields of `/proc/PID/stat` that the runner uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proc {
    pub pid: i32,
    /// The command name (at most 15 characters, as the kernel keeps it).
    pub name: String,
    /// `R` running, `S` sleeping, `Z` zombie (dead, waiting to be reaped), ...
    pub state: char,
    pub ppid: i32,
    pub pgrp: i32,
}

impl Proc {
    /// Dead and only waiting for its parent to collect its exit status.
    pub fn is_zombie(&self) -> bool {
        matches!(self.state, 'Z' | 'X')
    }
}

/// Every process in the table under `root` (normally `/proc`).
pub(crate) fn table_at(root: &Path) -> Result<Vec<Proc>, NotSupported> {
    // A folder named /proc that is not the kernel's (or no folder) cannot answer.
    if std::fs::read_to_string(root.join("self/stat")).is_err() {
        return Err(NotSupported);
    }
    let entries = std::fs::read_dir(root).map_err(|_| NotSupported)?;
    Ok(entries
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
            // A process may end between listing and reading: skip it.
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            parse_stat(pid, &stat)
        })
        .collect())
}

/// Parses `/proc/PID/stat`: `pid (name) state ppid pgrp ...`. The name may hold spaces and
/// parentheses, so the fields are those after the last `)`.
fn parse_stat(pid: i32, stat: &str) -> Option<Proc> {
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(').map_or("", |(_, n)| n).to_string();
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some(Proc {
        pid,
        name,
        state,
        ppid,
        pgrp,
    })
}

/// Every process in the kernel's table.
pub(crate) fn table() -> Result<Vec<Proc>, NotSupported> {
    table_at(Path::new(PROC))
}

/// Processes whose parent is this process: after a check, none should be left.
pub fn children_of_self() -> Result<Vec<(i32, String)>, NotSupported> {
    children_of_self_at(Path::new(PROC))
}

pub(crate) fn children_of_self_at(root: &Path) -> Result<Vec<(i32, String)>, NotSupported> {
    let me = i32::try_from(std::process::id()).map_err(|_| NotSupported)?;
    Ok(table_at(root)?
        .into_iter()
        .filter(|p| p.ppid == me)
        .map(|p| (p.pid, p.name))
        .collect())
}

/// Pids of processes whose command line contains `needle` (a test's way to prove that
/// nothing it started is still running). Zombies have an empty command line: only processes
/// that still run are found.
pub fn processes_matching(needle: &str) -> Result<Vec<i32>, NotSupported> {
    processes_matching_at(Path::new(PROC), needle)
}

pub(crate) fn processes_matching_at(root: &Path, needle: &str) -> Result<Vec<i32>, NotSupported> {
    Ok(table_at(root)?
        .into_iter()
        .filter(|p| {
            std::fs::read(root.join(p.pid.to_string()).join("cmdline")).is_ok_and(|cmdline| {
                String::from_utf8_lossy(&cmdline)
                    .replace('\0', " ")
                    .contains(needle)
            })
        })
        .map(|p| p.pid)
        .collect())
}

/// For the test of the sweep below only (`tests/sweep.rs`): something to run between the
/// sweep's look at the registry of running programs and its look at the process table, where
/// another thread starting a program must wait.
#[doc(hidden)]
pub static SWEEP_PAUSE: Mutex<Option<fn()>> = Mutex::new(None);

/// Kills and reaps every child left (see [`children_of_self`]) but the members of the
/// process groups of programs still running (another command's, in the same process); returns
/// the ones that were still running. Orphans that had already ended (zombies handed to us as
/// the subreaper, say a pool worker's child that died with it) are reaped quietly: nothing of
/// them outlived.
pub fn kill_leftover_children() -> Result<Vec<(i32, String)>, NotSupported> {
    let me = i32::try_from(std::process::id()).map_err(|_| NotSupported)?;
    super::groups::with_live_groups(|running_groups| {
        let pause = *SWEEP_PAUSE.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(pause) = pause {
            pause();
        }
        let mut running = Vec::new();
        let leftovers = table()?
            .into_iter()
            .filter(|p| p.ppid == me && !running_groups.iter().any(|g| g.as_raw() == p.pgrp));
        for p in leftovers {
            let pid = Pid::from_raw(p.pid);
            if !p.is_zombie() {
                let _ = kill(pid, Signal::SIGKILL);
                running.push((p.pid, p.name));
            }
            // SIGKILL cannot be caught: the wait ends as soon as the kernel has removed it.
            let _ = waitpid(pid, None);
        }
        Ok(running)
    })
}

/// Sends SIGKILL to every descendant of this process (children, their children, ...) that
/// is outside the process groups `known`, without waiting: for a process about to exit (the
/// interrupt handler), where reaping does not matter. Returns how many it signalled.
pub(crate) fn signal_other_descendants(known: &[Pid]) -> Result<usize, NotSupported> {
    let me = i32::try_from(std::process::id()).map_err(|_| NotSupported)?;
    let table = table()?;
    let mut family = vec![me];
    // Parents come and go in any order in the table: grow the family until it stops growing.
    loop {
        let before = family.len();
        for p in &table {
            if family.contains(&p.ppid) && !family.contains(&p.pid) {
                family.push(p.pid);
            }
        }
        if family.len() == before {
            break;
        }
    }
    let mut signalled = 0;
    for p in table
        .iter()
        .filter(|p| p.pid != me && family.contains(&p.pid))
    {
        if !p.is_zombie() && !known.contains(&Pid::from_raw(p.pgrp)) {
            let _ = kill(Pid::from_raw(p.pid), Signal::SIGKILL);
            signalled += 1;
        }
    }
    Ok(signalled)
}

/// Reaps the zombies of `group` whose parent is now this process (orphans re-parented to
/// us as their subreaper), leaving `leader` alone. Returns the members still running.
pub(crate) fn reap_group_orphans(group: Pid, leader: Pid) -> Result<Vec<Proc>, NotSupported> {
    let me = i32::try_from(std::process::id()).map_err(|_| NotSupported)?;
    let members: Vec<Proc> = table()?
        .into_iter()
        .filter(|p| p.pgrp == group.as_raw() && p.pid != leader.as_raw())
        .collect();
    let mut running = Vec::new();
    for p in members {
        if p.is_zombie() {
            if p.ppid == me {
                let _ = waitpid(Pid::from_raw(p.pid), Some(WaitPidFlag::WNOHANG));
            }
        } else {
            running.push(p);
        }
    }
    Ok(running)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_proc_is_not_supported_rather_than_empty() {
        let nowhere = tempfile::tempdir().unwrap();
        let absent = nowhere.path().join("proc");
        assert_eq!(children_of_self_at(&absent), Err(NotSupported));
        assert_eq!(processes_matching_at(&absent, "x"), Err(NotSupported));
        // A plain folder named proc (no kernel table in it) cannot answer either.
        std::fs::create_dir(&absent).unwrap();
        std::fs::create_dir(absent.join("1")).unwrap();
        assert_eq!(children_of_self_at(&absent), Err(NotSupported));
        assert_eq!(
            NotSupported.to_string(),
            "not supported here: finding leftover processes needs /proc (Linux)"
        );
    }

    #[test]
    fn the_real_table_answers_on_linux() {
        let me = i32::try_from(std::process::id()).unwrap();
        let table = table().expect("this machine has /proc");
        let mine = table.iter().find(|p| p.pid == me).expect("listed");
        assert_eq!(mine.pgrp, nix::unistd::getpgrp().as_raw());
        assert!(!mine.is_zombie());
        assert!(processes_matching("no process has this in its command line Qx9").is_ok());
    }

    #[test]
    fn a_name_with_spaces_and_parentheses_is_parsed() {
        let p = parse_stat(42, "42 (a (b) c) S 7 42 42 0 -1").unwrap();
        assert_eq!(
            p,
            Proc {
                pid: 42,
                name: "a (b) c".into(),
                state: 'S',
                ppid: 7,
                pgrp: 42
            }
        );
    }
}
