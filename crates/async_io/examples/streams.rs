//! The order server as a stream: a client sends all its orders at once, and the server answers
//! them from a stream of lines, then from a channel fed by a reader task. The stream reads one
//! request at a time; the channel's reader runs ahead as far as the channel lets it.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use async_io::orders::{is_answer_to, request};
use async_io::streams::{ReadAhead, serve_as_stream, serve_through_channel};
use async_io::task_server::Sleepy;
use clap::Parser;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::TcpListenerStream;

/// Serves a client that sends all its orders at once, as a stream and through a channel.
#[derive(Parser, Debug)]
struct Args {
    /// Orders the client sends in one write, before it reads any answer.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1000))]
    orders: u64,
    /// Room in the channel between the reader task and the answering.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=1000))]
    capacity: u64,
    /// How long the backend takes per order, in milliseconds.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=1000))]
    backend_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Stream,
    Channel,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let backend = Duration::from_millis(args.backend_ms);
    println!(
        "a client sends {} orders at once, then reads the answers; the backend takes {backend:?} per order",
        args.orders
    );
    // The orders take `orders × backend` one after the other; anything beyond is a fault.
    let limit = backend * args.orders as u32 + Duration::from_secs(10);
    for way in [Way::Stream, Way::Channel] {
        let (in_order, seen) = tokio::time::timeout(limit, run(way, &args))
            .await
            .context("the run took too long")??;
        let how = match way {
            Way::Stream => "a stream (lines, then the backend)".to_owned(),
            Way::Channel => format!(
                "a channel of {} (a reader task, then the backend)",
                args.capacity
            ),
        };
        println!(
            "  {how}: {in_order} of {} answered in order; at most {} read but not yet answered",
            args.orders,
            seen.most_unanswered()
        );
    }
    Ok(())
}

// ANCHOR: run
/// One server that takes one connection, and one client.
async fn run(way: Way, args: &Args) -> Result<(u64, Arc<ReadAhead>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let seen = Arc::new(ReadAhead::default());
    let (backend, capacity) = (
        Sleepy(Duration::from_millis(args.backend_ms)),
        args.capacity as usize,
    );
    let server = tokio::spawn({
        let seen = Arc::clone(&seen);
        async move {
            // A listener is a stream of connections; `take(1)` ends it after the first.
            let mut incoming = TcpListenerStream::new(listener).take(1);
            while let Some(stream) = incoming.next().await {
                let (reader, writer) = stream?.into_split();
                match way {
                    Way::Stream => serve_as_stream(reader, writer, backend, &seen).await?,
                    Way::Channel => {
                        serve_through_channel(reader, writer, backend, capacity, seen.clone())
                            .await?
                    }
                }
            }
            io::Result::Ok(())
        }
    });
    let in_order = client(addr, args.orders).await?;
    server.await??;
    Ok((in_order, seen))
}

/// Sends all the orders in one write, says it has no more, then reads the answers.
async fn client(addr: std::net::SocketAddr, orders: u64) -> Result<u64> {
    let (reader, mut writer) = TcpStream::connect(addr).await?.into_split();
    let all: String = (1..=orders).map(request).collect();
    writer.write_all(all.as_bytes()).await?;
    writer.shutdown().await?; // the server's stream of lines ends after the last order
    let mut lines = BufReader::new(reader).lines();
    let mut in_order = 0;
    for id in 1..=orders {
        match lines.next_line().await? {
            Some(line) if is_answer_to(&line, id) => in_order += 1,
            _ => break,
        }
    }
    Ok(in_order)
}
// ANCHOR_END: run
