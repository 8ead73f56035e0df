//! What the operating system allows and what a process uses: open-file limits, thread
//! limits, resident memory. Linux only (`/proc`).

use std::fs;

use anyhow::{Context, Result};
use nix::sys::resource::{Resource, getrlimit, setrlimit};

/// Raises this process's soft limit on open files to `wanted`, or to the hard limit if that is
/// lower. Returns the new soft limit.
pub fn raise_open_files(wanted: u64) -> Result<u64> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).context("reading RLIMIT_NOFILE")?;
    let target = wanted.min(hard).max(soft);
    if target != soft {
        setrlimit(Resource::RLIMIT_NOFILE, target, hard).context("raising RLIMIT_NOFILE")?;
    }
    Ok(target)
}

/// Limits this process's address space (`RLIMIT_AS`) to `bytes`: reserving more memory (a
/// thread's stack, a big allocation) fails from then on.
pub fn limit_address_space(bytes: u64) -> Result<()> {
    let (_, hard) = getrlimit(Resource::RLIMIT_AS).context("reading RLIMIT_AS")?;
    setrlimit(Resource::RLIMIT_AS, bytes.min(hard), hard).context("setting RLIMIT_AS")?;
    Ok(())
}

/// The line of a process's stderr that says an allocation failed, if one does. Whichever
/// allocation fails first aborts the process (`SIGABRT`), and each allocator words it its own
/// way: Rust's "memory allocation of N bytes failed", glibc's "Fatal glibc error: ...: out
/// of memory" (a new thread's thread-local storage, for one), and an OS error `ENOMEM`,
/// "Cannot allocate memory (os error 12)", inside a panic message.
pub fn memory_failure(stderr: &str) -> Option<&str> {
    stderr.lines().map(str::trim).find(|line| {
        line.starts_with("memory allocation of")
            || line.ends_with("out of memory")
            || line.contains("Cannot allocate memory")
    })
}

/// The soft limit on processes and threads of this user (`RLIMIT_NPROC`).
pub fn thread_limit() -> Option<u64> {
    getrlimit(Resource::RLIMIT_NPROC).ok().map(|(soft, _)| soft)
}

/// The system-wide limit on threads, `/proc/sys/kernel/threads-max`.
pub fn system_threads_max() -> Option<u64> {
    fs::read_to_string("/proc/sys/kernel/threads-max")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Resident memory of this process, from `/proc/self/status`, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub rss: u64,
    /// `VmHWM`: the most that was ever resident (the high-water mark).
    pub hwm: u64,
    /// `Threads`: threads of this process now.
    pub threads: u64,
}

/// Reads [`Memory`] from `/proc/self/status`.
pub fn memory() -> Result<Memory> {
    let status = fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    parse_status(&status).context("no VmRSS/VmHWM/Threads in /proc/self/status")
}

/// Parses the `VmRSS`, `VmHWM` (in kB) and `Threads` lines of a `/proc/<pid>/status` text.
pub fn parse_status(status: &str) -> Option<Memory> {
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .split_whitespace()
            .next()?
            .parse::<u64>()
            .ok()
    };
    Some(Memory {
        rss: field("VmRSS:")? * 1024,
        hwm: field("VmHWM:")? * 1024,
        threads: field("Threads:")?,
    })
}
