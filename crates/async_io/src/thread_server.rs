//! The order server with one OS thread per connection, on `std::net`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::orders::{ServerStats, answer, deepen_backlog};

/// How long a connection may stay silent before its thread gives up on it.
pub const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// How long the accept loop pauses after a failed `accept`.
pub const ACCEPT_PAUSE: Duration = Duration::from_millis(10);

/// A running thread-per-connection server; [`ThreadServer::stop`] ends its accept loop.
#[derive(Debug)]
pub struct ThreadServer {
    pub addr: SocketAddr,
    pub stats: Arc<ServerStats>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

// ANCHOR: thread_server
/// Binds 127.0.0.1 on a port the system picks and serves each connection on a thread of its
/// own. `backend` is the simulated slow backend's delay per request.
pub fn start(backend: Duration) -> io::Result<ThreadServer> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    deepen_backlog(&listener)?;
    let addr = listener.local_addr()?;
    let stats = Arc::new(ServerStats::default());
    let stop = Arc::new(AtomicBool::new(false));
    let acceptor = {
        let (stats, stop) = (Arc::clone(&stats), Arc::clone(&stop));
        thread::Builder::new()
            .name("acceptor".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::Acquire) {
                        break;
                    }
                    let Ok(stream) = stream else {
                        // Out of file descriptors, most likely: wait a little rather than spin.
                        stats.accept_errors.fetch_add(1, Ordering::Relaxed);
                        thread::sleep(ACCEPT_PAUSE);
                        continue;
                    };
                    let stats_for_thread = Arc::clone(&stats);
                    let spawned = thread::Builder::new()
                        .spawn(move || serve(stream, backend, &stats_for_thread));
                    // Out of threads or memory: this connection is closed, the others go on.
                    if spawned.is_err() {
                        stats.spawn_errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })?
    };
    Ok(ThreadServer {
        addr,
        stats,
        stop,
        acceptor: Some(acceptor),
    })
}

fn serve(stream: TcpStream, backend: Duration, stats: &ServerStats) {
    let _live = stats.enter();
    // A silent client cannot keep this thread forever.
    if stream.set_read_timeout(Some(IDLE_LIMIT)).is_err() {
        return;
    }
    // `&TcpStream` reads and writes too: one descriptor serves both directions.
    for line in BufReader::new(&stream).lines() {
        let Ok(line) = line else { return };
        thread::sleep(backend); // the slow backend: this thread waits, doing nothing
        if (&stream).write_all(answer(&line).as_bytes()).is_err() {
            return;
        }
        stats.served.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: thread_server

impl ThreadServer {
    /// Stops accepting: sets the flag, then connects once so that `accept` returns and the
    /// loop sees it. Connections already open are served until their clients close them.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for ThreadServer {
    fn drop(&mut self) {
        self.stop();
    }
}
