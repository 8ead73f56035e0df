//! The order server's connection written as a stream, and the same with a channel between the
//! reading and the answering, counting how far the reading gets ahead of the answers.
//!
//! A stream is pulled: the next request is read only when the answering asks for it. A channel
//! is pushed into: a reader task reads on its own, up to the channel's capacity and one more.

use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{LinesStream, ReceiverStream};

use crate::task_server::{Backend, IDLE_LIMIT};

/// Requests read and answered on one connection, and the most read but not yet answered.
#[derive(Debug, Default)]
pub struct ReadAhead {
    read: AtomicU64,
    answered: AtomicU64,
    most_unanswered: AtomicU64,
}

impl ReadAhead {
    fn read_one(&self) {
        let read = self.read.fetch_add(1, Ordering::AcqRel) + 1;
        let answered = self.answered.load(Ordering::Acquire);
        self.most_unanswered
            .fetch_max(read - answered, Ordering::AcqRel);
    }
    fn answered_one(&self) {
        self.answered.fetch_add(1, Ordering::AcqRel);
    }
    /// Requests answered so far.
    pub fn answered(&self) -> u64 {
        self.answered.load(Ordering::Acquire)
    }
    /// The most requests that were ever read but not yet answered at the same time.
    pub fn most_unanswered(&self) -> u64 {
        self.most_unanswered.load(Ordering::Acquire)
    }
}

// ANCHOR: as_stream
/// Serves one connection as a stream: lines in, one answer per line out, one at a time.
pub async fn serve_as_stream(
    reader: impl AsyncRead + Unpin,
    mut writer: impl AsyncWrite + Unpin,
    backend: impl Backend,
    seen: &ReadAhead,
) -> io::Result<()> {
    let answers = LinesStream::new(BufReader::new(reader).lines())
        .timeout(IDLE_LIMIT) // each item: the line, or `Elapsed` if the client went quiet
        .map_while(|line| line.ok()?.ok()) // the stream ends at silence or a read error
        .map(|line| {
            seen.read_one();
            line
        })
        .then(|line| backend.ask(line)); // the next line is pulled once this answer is ready
    // `then` keeps the backend's future inside the stream, so the stream is not `Unpin`:
    // `next` needs it pinned.
    let mut answers = pin!(answers);
    while let Some(reply) = answers.next().await {
        writer.write_all(reply.as_bytes()).await?;
        seen.answered_one();
    }
    Ok(())
}
// ANCHOR_END: as_stream

// ANCHOR: through_channel
/// Serves one connection with a reader task that pushes lines into a channel of `capacity`,
/// and answers them from the channel, turned into a stream, one at a time.
pub async fn serve_through_channel(
    reader: impl AsyncRead + Unpin + Send + 'static,
    mut writer: impl AsyncWrite + Unpin,
    backend: impl Backend,
    capacity: usize,
    seen: Arc<ReadAhead>,
) -> io::Result<()> {
    let (tx, rx) = mpsc::channel(capacity);
    let reading = {
        let seen = Arc::clone(&seen);
        tokio::spawn(async move {
            let mut lines = BufReader::new(reader).lines();
            // Reads on, whatever the answering does, until the channel is full.
            while let Ok(Ok(Some(line))) = tokio::time::timeout(IDLE_LIMIT, lines.next_line()).await
            {
                seen.read_one();
                if tx.send(line).await.is_err() {
                    return; // the answering side has gone
                }
            }
        })
    };
    let mut answers = pin!(ReceiverStream::new(rx).then(|line| backend.ask(line)));
    let mut written = Ok(());
    while let Some(reply) = answers.next().await {
        written = writer.write_all(reply.as_bytes()).await;
        if written.is_err() {
            break;
        }
        seen.answered_one();
    }
    // If the answering stopped early, the reading stops too; either way it has ended here.
    reading.abort();
    let _ = reading.await;
    written
}
// ANCHOR_END: through_channel
