//! A shutdown while requests are in flight loses none of them.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_io::orders::{ServerStats, answer, is_answer_to, request};
use async_io::task_server::{self, Backend};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

/// A backend that reports each request it starts and answers only when the test lets it.
#[derive(Clone)]
struct Held {
    started: mpsc::UnboundedSender<()>,
    release: Arc<Semaphore>,
}

impl Backend for Held {
    async fn ask(&self, line: String) -> String {
        let _ = self.started.send(());
        let _permit = self.release.acquire().await.expect("never closed");
        answer(&line)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_answers_every_request_already_in_flight() {
    const CLIENTS: u64 = 8;
    timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        let (started_tx, mut started) = mpsc::unbounded_channel();
        let release = Arc::new(Semaphore::new(0));
        let backend = Held {
            started: started_tx,
            release: Arc::clone(&release),
        };
        let (shutdown, stats) = (CancellationToken::new(), Arc::new(ServerStats::default()));
        let server = tokio::spawn(task_server::serve(
            listener,
            backend,
            shutdown.clone(),
            Arc::clone(&stats),
        ));

        let mut clients = Vec::new();
        for id in 0..CLIENTS {
            clients.push(tokio::spawn(async move {
                let stream = TcpStream::connect(addr).await.expect("connects");
                let (reader, mut writer) = stream.into_split();
                writer
                    .write_all(request(id).as_bytes())
                    .await
                    .expect("sends");
                let line = BufReader::new(reader)
                    .lines()
                    .next_line()
                    .await
                    .expect("reads");
                line.is_some_and(|l| is_answer_to(&l, id))
            }));
        }
        // Every request has reached the backend, which holds them all: now shut down.
        for _ in 0..CLIENTS {
            started.recv().await.expect("a request started");
        }
        shutdown.cancel();
        tokio::task::yield_now().await;
        assert!(
            !server.is_finished(),
            "the server waits for the requests in flight"
        );
        release.add_permits(CLIENTS as usize);
        for client in clients {
            assert!(
                client.await.expect("no panic"),
                "every client got its answer"
            );
        }
        server.await.expect("no panic").expect("no error");
        assert_eq!(stats.served.load(Ordering::Relaxed), CLIENTS);
        assert_eq!(stats.live.load(Ordering::Relaxed), 0);
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "no longer listening"
        );
    })
    .await
    .expect("in time");
}

#[tokio::test]
async fn shutdown_closes_idle_connections() {
    timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        let (shutdown, stats) = (CancellationToken::new(), Arc::new(ServerStats::default()));
        let backend = task_server::Sleepy(Duration::ZERO);
        let server = tokio::spawn(task_server::serve(
            listener,
            backend,
            shutdown.clone(),
            Arc::clone(&stats),
        ));
        let idle = TcpStream::connect(addr).await.expect("connects");
        while stats.live.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        shutdown.cancel();
        server.await.expect("no panic").expect("no error");
        let mut line = String::new();
        let read = BufReader::new(idle)
            .read_line(&mut line)
            .await
            .expect("reads");
        assert_eq!(read, 0, "the idle connection was closed");
    })
    .await
    .expect("in time");
}
