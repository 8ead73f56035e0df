//! A graceful shutdown: on Ctrl-C the order server stops accepting, lets every request it has
//! already read finish, and only then returns.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result};
use async_io::orders::{ServerStats, is_answer_to, request};
use async_io::task_server::{self, Sleepy};
use clap::Parser;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// Serves orders until Ctrl-C, then finishes the orders in flight.
#[derive(Parser, Debug)]
struct Args {
    /// Clients, each with one order in flight when Ctrl-C comes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    clients: u64,
    /// How long the backend takes per order, in milliseconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    backend_ms: u64,
    /// Press Ctrl-C for you after this many milliseconds (0: wait for a real one, at most a
    /// minute).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    interrupt_after_ms: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let stats = Arc::new(ServerStats::default());

    // ANCHOR: ctrl_c
    let shutdown = CancellationToken::new();
    // Listening for SIGINT starts here, before anyone can press Ctrl-C.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let on_ctrl_c = shutdown.clone();
    tokio::spawn(async move {
        // A real Ctrl-C, or none within a minute: either way the server stops.
        let _ = tokio::time::timeout(Duration::from_secs(60), interrupt.recv()).await;
        println!("Ctrl-C: no new connections; finishing the orders in flight");
        on_ctrl_c.cancel();
    });
    let backend = Sleepy(Duration::from_millis(args.backend_ms));
    let server = tokio::spawn(task_server::serve(
        listener,
        backend,
        shutdown.clone(),
        Arc::clone(&stats),
    ));
    // ANCHOR_END: ctrl_c

    let mut clients = Vec::new();
    for id in 1..=args.clients {
        clients.push(tokio::spawn(one_order(addr, id)));
    }
    if args.interrupt_after_ms > 0 {
        tokio::time::sleep(Duration::from_millis(args.interrupt_after_ms)).await;
        nix::sys::signal::raise(nix::sys::signal::Signal::SIGINT)?;
    }
    let mut answers = Vec::new();
    for client in clients {
        answers.push(client.await?);
    }
    answers.sort();
    for answer in &answers {
        println!("{answer}");
    }
    tokio::time::timeout(Duration::from_secs(70), server)
        .await
        .context("the server did not stop")???;
    let late = TcpStream::connect(addr).await;
    println!(
        "server stopped: {} orders served; a new connection now: {}",
        stats.served.load(Ordering::Relaxed),
        if late.is_ok() { "accepted" } else { "refused" }
    );
    Ok(())
}

/// Sends order `id` and waits for its answer (at most ten seconds).
async fn one_order(addr: std::net::SocketAddr, id: u64) -> String {
    let attempt = async {
        let stream = TcpStream::connect(addr).await?;
        let (reader, mut writer) = stream.into_split();
        writer.write_all(request(id).as_bytes()).await?;
        let line = BufReader::new(reader).lines().next_line().await?;
        anyhow::Ok(line.unwrap_or_default())
    };
    match tokio::time::timeout(Duration::from_secs(10), attempt).await {
        Ok(Ok(line)) if is_answer_to(&line, id) => format!("client {id}: answered: {line}"),
        Ok(Ok(line)) => format!("client {id}: wrong answer {line:?}"),
        Ok(Err(e)) => format!("client {id}: failed: {e}"),
        Err(_) => format!("client {id}: no answer in time"),
    }
}
