//! The order server with one tokio task per connection, with a graceful shutdown.

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::orders::{ServerStats, answer};

/// How long a connection may stay silent before its task gives up on it.
pub const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// The slow backend, as the server sees it: given a request line, wait, then answer.
/// The load test uses a plain sleep; the shutdown test uses one it can hold back.
pub trait Backend: Clone + Send + Sync + 'static {
    fn ask(&self, line: String) -> impl Future<Output = String> + Send;
}

/// A backend that takes `Duration` to answer every request.
#[derive(Debug, Clone, Copy)]
pub struct Sleepy(pub Duration);

impl Backend for Sleepy {
    async fn ask(&self, line: String) -> String {
        tokio::time::sleep(self.0).await;
        answer(&line)
    }
}

// ANCHOR: task_server
/// Serves `listener` with one task per connection until `shutdown` is cancelled; then stops
/// accepting, lets every request already read finish and be answered, and returns once all
/// connection tasks have ended.
pub async fn serve(
    listener: TcpListener,
    backend: impl Backend,
    shutdown: CancellationToken,
    stats: Arc<ServerStats>,
) -> io::Result<()> {
    let tracker = TaskTracker::new();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors, most likely: wait a little rather than spin.
                    stats.accept_errors.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(crate::thread_server::ACCEPT_PAUSE).await;
                    continue;
                };
                let (backend, shutdown, stats) = (backend.clone(), shutdown.clone(), Arc::clone(&stats));
                tracker.spawn(async move { connection(stream, backend, shutdown, &stats).await });
            }
        }
    }
    tracker.close();
    tracker.wait().await;
    Ok(())
}

async fn connection(
    stream: TcpStream,
    backend: impl Backend,
    shutdown: CancellationToken,
    stats: &ServerStats,
) {
    let _live = stats.enter();
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    loop {
        // Between requests, a shutdown ends the connection. `next_line` is cancel safe: if
        // the shutdown wins, no half-read request is lost, none had started.
        let line = tokio::select! {
            _ = shutdown.cancelled() => return,
            line = tokio::time::timeout(IDLE_LIMIT, lines.next_line()) => line,
        };
        let Ok(Ok(Some(line))) = line else { return };
        // A request that was read is always answered: nothing below races with the shutdown.
        let reply = backend.ask(line).await;
        if writer.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
        stats.served.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: task_server
