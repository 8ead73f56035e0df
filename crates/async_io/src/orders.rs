//! The order protocol both servers speak: one line per request, one line per answer.
//!
//! A client sends `ORDER <id>`; the server asks its (simulated, slow) backend, then answers
//! `READY <id>`. Anything else gets `ERROR <what>`. Text lines keep it readable with `nc`.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// What the server says to one request line.
pub fn answer(line: &str) -> String {
    match line.trim().strip_prefix("ORDER ") {
        Some(id) if id.parse::<u64>().is_ok() => format!("READY {id}\n"),
        _ => "ERROR expected ORDER <number>\n".to_owned(),
    }
}

/// The request line for order `id`.
pub fn request(id: u64) -> String {
    format!("ORDER {id}\n")
}

/// Whether `line` answers order `id`.
pub fn is_answer_to(line: &str, id: u64) -> bool {
    line.trim()
        .strip_prefix("READY ")
        .and_then(|n| n.parse::<u64>().ok())
        == Some(id)
}

/// Counters a server keeps while it runs. Shared by the serving threads or tasks.
#[derive(Debug, Default)]
pub struct ServerStats {
    /// Requests answered.
    pub served: AtomicU64,
    /// Connections accepted.
    pub accepted: AtomicU64,
    /// Connections being served right now, and the most at once.
    pub live: AtomicUsize,
    pub peak_live: AtomicUsize,
    /// Connections dropped because no thread could be started for them.
    pub spawn_errors: AtomicU64,
    /// `accept` calls that failed (for example out of file descriptors).
    pub accept_errors: AtomicU64,
}

impl ServerStats {
    /// Counts a connection in; the returned guard counts it out when dropped, whatever way
    /// its handler ends (an answer, an error, a panic, a cancelled task).
    pub fn enter(&self) -> LiveGuard<'_> {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let now = self.live.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak_live.fetch_max(now, Ordering::AcqRel);
        LiveGuard(self)
    }
}

/// Counts one live connection; see [`ServerStats::enter`].
#[derive(Debug)]
pub struct LiveGuard<'a>(&'a ServerStats);

impl Drop for LiveGuard<'_> {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::AcqRel);
    }
}

/// How many finished handshakes the kernel may queue for `accept`. The standard library
/// listens with 128 and tokio with 1024; when thousands of clients connect at once, a full
/// queue drops their SYN and each dropped client retries a whole second later.
pub const BACKLOG: i32 = 4096;

/// Listens again on `listener` with [`BACKLOG`]: on Linux a second `listen` changes the
/// length of the queue of a socket that is already listening.
pub fn deepen_backlog(listener: &impl std::os::fd::AsFd) -> std::io::Result<()> {
    use nix::sys::socket::{Backlog, listen};
    let backlog = Backlog::new(BACKLOG).map_err(std::io::Error::from)?;
    listen(listener, backlog).map_err(std::io::Error::from)
}
