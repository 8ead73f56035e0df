//! Both servers answer every request of every client, and say so in their counters.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_io::load;
use async_io::orders::{ServerStats, answer, is_answer_to, request};
use async_io::task_server::{self, Sleepy};
use async_io::thread_server;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const CLIENTS: usize = 50;
const REQUESTS: u64 = 20;
const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn the_protocol_answers_orders_and_refuses_the_rest() {
    assert_eq!(answer("ORDER 7"), "READY 7\n");
    assert!(is_answer_to(answer(&request(42)).trim(), 42));
    assert!(!is_answer_to("READY 41", 42));
    assert!(answer("BREAKFAST").starts_with("ERROR"));
    assert!(answer("ORDER seven").starts_with("ERROR"));
}

#[tokio::test]
async fn thread_server_answers_every_request_of_every_client() {
    let mut server = thread_server::start(Duration::from_millis(1)).expect("a server");
    let report = timeout(LIMIT, load::run(server.addr, CLIENTS, REQUESTS, LIMIT))
        .await
        .expect("the run ends in time")
        .expect("the clients connect");
    assert_eq!(report.connected, CLIENTS);
    assert_eq!(report.failed_clients, 0);
    assert_eq!(report.answered, CLIENTS as u64 * REQUESTS);
    server.stop();
    assert_eq!(server.stats.spawn_errors.load(Ordering::Relaxed), 0);
    // No client closes its connection before every client is done: all were open at once.
    assert_eq!(server.stats.peak_live.load(Ordering::Relaxed), CLIENTS);
    // The clients have closed their connections; each thread sees the end and leaves.
    let ended = timeout(LIMIT, async {
        while server.stats.live.load(Ordering::Acquire) > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    ended.await.expect("every connection thread ends");
    // Only now is the count complete: a thread counts a request after writing its answer, so
    // a client can hold its last answer before the thread has counted it (under load, one
    // in a thousand was not counted yet). Seeing `live` at 0 (Acquire) comes after every
    // thread's last count.
    assert_eq!(
        server.stats.served.load(Ordering::Relaxed),
        CLIENTS as u64 * REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_server_answers_every_request_of_every_client() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let stats = Arc::new(ServerStats::default());
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(task_server::serve(
        listener,
        Sleepy(Duration::from_millis(1)),
        shutdown.clone(),
        Arc::clone(&stats),
    ));
    let report = timeout(LIMIT, load::run(addr, CLIENTS, REQUESTS, LIMIT))
        .await
        .expect("the run ends in time")
        .expect("the clients connect");
    assert_eq!(report.connected, CLIENTS);
    assert_eq!(report.failed_clients, 0);
    assert_eq!(report.answered, CLIENTS as u64 * REQUESTS);
    shutdown.cancel();
    timeout(LIMIT, server)
        .await
        .expect("stops in time")
        .expect("no panic")
        .expect("no error");
    assert_eq!(
        stats.served.load(Ordering::Relaxed),
        CLIENTS as u64 * REQUESTS
    );
    assert_eq!(
        stats.live.load(Ordering::Relaxed),
        0,
        "every connection task ended"
    );
    assert_eq!(
        stats.peak_live.load(Ordering::Relaxed),
        CLIENTS,
        "all open at once"
    );
}

#[tokio::test]
async fn a_client_that_gets_a_wrong_answer_counts_as_failed() {
    // A server that answers every order with the wrong id: the client must notice.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let (stream, _) = listener.accept().await.expect("one client");
        let (reader, mut writer) = stream.into_split();
        let mut lines = BufReader::new(reader).lines();
        while let Ok(Some(_)) = lines.next_line().await {
            let _ = writer.write_all(b"READY 999999\n").await;
        }
    });
    let report = timeout(LIMIT, load::run(addr, 1, 3, LIMIT))
        .await
        .expect("in time")
        .expect("connects");
    assert_eq!((report.answered, report.failed_clients), (0, 1));
}
