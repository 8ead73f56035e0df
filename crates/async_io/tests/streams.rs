//! A connection served as a stream reads one request ahead at most; through a channel of
//! capacity c, the reader gets c + 2 ahead; both answer every order, in order. `LocalSet`
//! tasks share an `Rc` and run on the thread that drives the set.

use std::sync::Arc;
use std::time::Duration;

use async_io::local::serve_locally;
use async_io::orders::{is_answer_to, request};
use async_io::streams::{ReadAhead, serve_as_stream, serve_through_channel};
use async_io::task_server::Sleepy;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

const ORDERS: u64 = 12;
const BACKEND: Sleepy = Sleepy(Duration::from_millis(5));

/// The client's end: every order in one write, then the end of input, then the answers.
/// Returns how many answers came, in order.
async fn client(end: DuplexStream) -> u64 {
    let (reader, mut writer) = tokio::io::split(end);
    let all: String = (1..=ORDERS).map(request).collect();
    writer.write_all(all.as_bytes()).await.expect("written");
    writer.shutdown().await.expect("shut down");
    let mut lines = BufReader::new(reader).lines();
    let mut in_order = 0;
    for id in 1..=ORDERS {
        match lines.next_line().await.expect("read") {
            Some(line) if is_answer_to(&line, id) => in_order += 1,
            _ => break,
        }
    }
    in_order
}

#[tokio::test(start_paused = true)]
async fn a_stream_reads_the_next_request_only_after_answering_the_last() {
    let (near, far) = tokio::io::duplex(4096);
    let seen = ReadAhead::default();
    let (reader, writer) = tokio::io::split(far);
    let (in_order, served) = tokio::join!(
        client(near),
        serve_as_stream(reader, writer, BACKEND, &seen)
    );
    served.expect("served");
    assert_eq!((in_order, seen.answered()), (ORDERS, ORDERS));
    assert_eq!(seen.most_unanswered(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_channel_lets_the_reader_run_ahead_by_its_capacity_and_two() {
    for capacity in [1, 2, 4] {
        let (near, far) = tokio::io::duplex(4096);
        let seen = Arc::new(ReadAhead::default());
        let (reader, writer) = tokio::io::split(far);
        let (in_order, served) = tokio::join!(
            client(near),
            serve_through_channel(reader, writer, BACKEND, capacity, Arc::clone(&seen))
        );
        served.expect("served");
        assert_eq!((in_order, seen.answered()), (ORDERS, ORDERS));
        // In the channel, one being answered, and one read that waits for room.
        assert_eq!(
            seen.most_unanswered(),
            capacity as u64 + 2,
            "capacity {capacity}"
        );
    }
}

#[test]
fn local_tasks_share_an_rc_and_all_run_on_the_thread_that_drives_the_set() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("worker")
        .build()
        .expect("a runtime");
    let name = std::thread::current()
        .name()
        .expect("test threads are named")
        .to_owned();
    let served = runtime
        .block_on(serve_locally(&[("ramen", 3), ("tea", 1), ("soup", 2)]))
        .expect("no order panics");
    assert_eq!(served.finished, ["tea", "soup", "ramen"]);
    assert_eq!(served.threads, [name.clone(), name.clone(), name]);
    assert_eq!(served.handles_left, 1);
}
