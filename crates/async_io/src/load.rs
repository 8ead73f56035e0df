//! The load generator: N clients on loopback, each sending M orders over its own connection.
//!
//! All N connections are opened first (a few at a time, so the listen backlog never
//! overflows), then every client starts at once. Only that second part is timed: M requests
//! on each of N connections that are all open together. Everything is bounded: each connect
//! by a timeout, the whole request phase by a deadline.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::orders::{is_answer_to, request};

/// How many connects may be in progress at once.
pub const CONNECTS_AT_ONCE: usize = 64;
/// How long one connect may take.
pub const CONNECT_LIMIT: Duration = Duration::from_secs(5);

/// What a load run saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadReport {
    /// Connections that opened.
    pub connected: usize,
    /// Requests answered correctly.
    pub answered: u64,
    /// Clients that stopped early: a closed connection, a wrong answer, the deadline.
    pub failed_clients: usize,
    /// Wall time of the request phase (all clients, connections already open).
    pub elapsed: Duration,
}

impl LoadReport {
    /// Requests answered per second of the request phase.
    pub fn requests_per_s(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// Wall time per answered request, in nanoseconds (the inverse of the throughput).
    pub fn ns_per_request(&self) -> f64 {
        self.elapsed.as_nanos() as f64 / self.answered.max(1) as f64
    }
}

/// Opens `connections` connections to `addr`; the ones that fail are left out.
pub async fn connect_all(addr: SocketAddr, connections: usize) -> Vec<TcpStream> {
    let gate = Arc::new(Semaphore::new(CONNECTS_AT_ONCE));
    let mut set = JoinSet::new();
    for _ in 0..connections {
        let gate = Arc::clone(&gate);
        set.spawn(async move {
            let _permit = gate.acquire_owned().await.ok()?;
            let stream = tokio::time::timeout(CONNECT_LIMIT, TcpStream::connect(addr)).await;
            stream.ok()?.ok()
        });
    }
    let mut streams = Vec::with_capacity(connections);
    while let Some(joined) = set.join_next().await {
        if let Ok(Some(stream)) = joined {
            streams.push(stream);
        }
    }
    streams
}

// ANCHOR: client
/// One client: `requests` orders in turn on `stream`, each answer checked. Returns how many
/// were answered, and whether all were.
pub async fn client(stream: &mut TcpStream, first_id: u64, requests: u64) -> (u64, bool) {
    let (reader, mut writer) = stream.split();
    let mut lines = BufReader::new(reader).lines();
    for n in 0..requests {
        let id = first_id + n;
        if writer.write_all(request(id).as_bytes()).await.is_err() {
            return (n, false);
        }
        match lines.next_line().await {
            Ok(Some(line)) if is_answer_to(&line, id) => {}
            _ => return (n, false),
        }
    }
    (requests, true)
}
// ANCHOR_END: client

/// Runs one client per stream, all at once, each sending `requests` orders, and stops every
/// client still running at `limit`. A client that is done keeps its connection open until
/// every client is done, so that all the connections are open together on the server's side
/// too (on a busy machine its first threads could otherwise end before its last ones start).
pub async fn run_clients(streams: Vec<TcpStream>, requests: u64, limit: Duration) -> LoadReport {
    let connected = streams.len();
    let start = Instant::now();
    let mut set = JoinSet::new();
    for (i, mut stream) in streams.into_iter().enumerate() {
        set.spawn(async move {
            let result = client(&mut stream, i as u64 * requests, requests).await;
            (result, stream)
        });
    }
    let mut report = LoadReport {
        connected,
        ..LoadReport::default()
    };
    let mut still_open = Vec::with_capacity(connected);
    let finished = tokio::time::timeout(limit, async {
        while let Some(joined) = set.join_next().await {
            let (answered, all) = match joined {
                Ok((result, stream)) => {
                    still_open.push(stream);
                    result
                }
                Err(_) => (0, false),
            };
            report.answered += answered;
            report.failed_clients += usize::from(!all);
        }
    })
    .await;
    report.elapsed = start.elapsed();
    if finished.is_err() {
        // The deadline: whatever is still running counts as failed, and is cancelled.
        report.failed_clients += set.len();
        set.shutdown().await;
    }
    drop(still_open); // every client has ended: now their connections close
    report
}

/// Connects `connections` clients to `addr`, then runs them (see [`run_clients`]).
pub async fn run(
    addr: SocketAddr,
    connections: usize,
    requests: u64,
    limit: Duration,
) -> io::Result<LoadReport> {
    let streams = tokio::time::timeout(limit, connect_all(addr, connections))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connecting took too long"))?;
    Ok(run_clients(streams, requests, limit).await)
}
