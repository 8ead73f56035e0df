//! Scale-out on timely dataflow: the prime count spread over workers that may live in
//! different processes, on different machines.
//!
//! Timely runs the same dataflow on every worker. A worker is a thread; a process hosts one or
//! more of them; processes find each other through a list of addresses (the host file). Each
//! worker knows its `index` and the number of `peers` (all workers, in all processes).
//!
//! - Every number below the limit belongs to exactly one worker ([`owner`]): the data is
//!   partitioned, as it would be if each machine held its own part on its own disk.
//! - Each worker counts the primes it owns, locally: no data moves for that.
//! - To get the *global* answer, the partial counts must meet somewhere: the exchange step
//!   sends every worker's partial count to worker 0, over a channel inside the process or
//!   over TCP to another process, which timely picks. Worker 0 adds them up.
//!
//! [`run`] runs it with deadlines: timely itself waits for a missing peer forever.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::vec::{Filter, ToStream};
use timely::dataflow::operators::{Exchange, Inspect};
use timely::worker::Worker;
use timely::{CommunicationConfig, Config, WorkerConfig};

use crate::is_prime;

/// Numbers are dealt to workers in blocks of this many, round robin.
pub const BLOCK: u64 = 1_000;

/// The worker (out of `peers`) that owns `n`: blocks of [`BLOCK`] numbers go to workers
/// 0, 1, ..., `peers - 1`, 0, 1, ... so that every worker gets small and large numbers
/// (large ones cost more to test).
pub fn owner(n: u64, peers: usize) -> usize {
    ((n / BLOCK) % peers as u64) as usize
}

/// The numbers below `limit` that worker `index` of `peers` owns, in order.
pub fn owned(limit: u64, index: usize, peers: usize) -> impl Iterator<Item = u64> {
    let first = index as u64 * BLOCK;
    let stride = peers as u64 * BLOCK;
    (first..limit)
        .step_by(stride as usize)
        .flat_map(move |start| start..(start + BLOCK).min(limit))
}

/// What one worker counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    pub worker: usize,
    /// How many numbers the worker owned.
    pub numbers: u64,
    /// How many of them are prime.
    pub primes: u64,
}

/// What one worker reports when the dataflow is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerReport {
    /// This worker's own count.
    pub mine: Partial,
    /// The partial counts the exchange delivered to this worker, sorted by worker: all of them
    /// at worker 0, none elsewhere.
    pub received: Vec<Partial>,
}

impl WorkerReport {
    /// The global count, if this worker is the one the partial counts were sent to.
    pub fn total(&self) -> Option<u64> {
        (!self.received.is_empty()).then(|| self.received.iter().map(|p| p.primes).sum())
    }
}

// ANCHOR: dataflow
/// The per-worker program: count the primes this worker owns, then exchange the partial
/// count to worker 0, which receives every worker's.
pub fn count_primes_on_worker(worker: &mut Worker, limit: u64) -> WorkerReport {
    let (index, peers) = (worker.index(), worker.peers());
    let received = Rc::new(RefCell::new(Vec::new()));
    let mine = Rc::new(RefCell::new(None));
    let (into_received, into_mine) = (Rc::clone(&received), Rc::clone(&mine));
    let numbers = owned(limit, index, peers).count() as u64;

    worker.dataflow::<u64, _, _>(move |scope| {
        owned(limit, index, peers)
            .to_stream(scope) // this worker's share of the data, and only that
            .filter(|&n| is_prime(n)) // local work: no data moves
            .unary_frontier::<CapacityContainerBuilder<Vec<_>>, _, _, _>(
                Pipeline,
                "CountHere",
                move |start, _info| {
                    let mut start = Some(start);
                    let mut primes = 0u64;
                    move |(input, frontier), output| {
                        input.for_each(|_time, batch: &mut Vec<u64>| primes += batch.len() as u64);
                        // The input is done when its frontier is empty: send the count, once.
                        if frontier.is_empty()
                            && let Some(time) = start.take()
                        {
                            *into_mine.borrow_mut() = Some(primes);
                            output.session(&time).give((index, numbers, primes));
                        }
                    }
                },
            )
            .exchange(|_partial| 0) // the exchange step: every partial count to worker 0
            .inspect(move |&(worker, numbers, primes)| {
                into_received.borrow_mut().push(Partial {
                    worker,
                    numbers,
                    primes,
                });
            });
    });
    // Run this worker until the dataflow is complete everywhere.
    while worker.step_or_park(None) {}

    let mut received = received.take();
    received.sort_by_key(|p| p.worker);
    let primes = mine.take().unwrap_or_default();
    WorkerReport {
        mine: Partial {
            worker: index,
            numbers,
            primes,
        },
        received,
    }
}
// ANCHOR_END: dataflow

/// Where this process stands among the processes of one computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// One process with this many worker threads.
    Alone { threads: usize },
    /// Process `process` of `addresses.len()`, with `threads` worker threads each; line `i`
    /// of `addresses` is where process `i` listens (`host:port`).
    Cluster {
        threads: usize,
        process: usize,
        addresses: Vec<String>,
    },
}

impl Shape {
    /// The timely configuration for this shape.
    pub fn config(&self) -> Config {
        let communication = match self {
            Shape::Alone { threads: 1 } => CommunicationConfig::Thread,
            &Shape::Alone { threads } => CommunicationConfig::Process(threads),
            Shape::Cluster {
                threads,
                process,
                addresses,
            } => CommunicationConfig::Cluster {
                threads: *threads,
                process: *process,
                addresses: addresses.clone(),
                report: false,
                zerocopy: false,
            },
        };
        Config {
            communication,
            worker: WorkerConfig::default(),
        }
    }

    /// "process 1 of 2" (or "process 0 of 1").
    pub fn describe(&self) -> String {
        match self {
            Shape::Alone { .. } => "process 0 of 1".into(),
            Shape::Cluster {
                process, addresses, ..
            } => format!("process {process} of {}", addresses.len()),
        }
    }

    /// The workers of this process: `first..first + threads`, and all workers everywhere.
    pub fn workers(&self) -> (std::ops::Range<usize>, usize) {
        match self {
            &Shape::Alone { threads } => (0..threads, threads),
            Shape::Cluster {
                threads,
                process,
                addresses,
            } => (
                process * threads..(process + 1) * threads,
                threads * addresses.len(),
            ),
        }
    }
}

/// Reads a host file: one `host:port` per process, in process order. Blank lines and lines
/// starting with `#` are skipped (timely's own `-h` reader takes every line as it is).
pub fn parse_hosts(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

// ANCHOR: run
/// Runs `work` on every worker of this process, under two deadlines, and returns what each
/// worker returned, in worker order.
///
/// - `connect` bounds the wait for the other processes: timely keeps retrying a missing peer
///   forever, so past it this returns an error.
/// - `total` bounds the whole run. A peer that dies cleanly closes its connections, and this
///   process fails at once; a machine that vanishes (power, cable) closes nothing, and only a
///   deadline notices.
///
/// Timely's own threads cannot be cancelled: after an error, end the process (the examples
/// do, by returning the error from `main`).
pub fn run<T, F>(shape: &Shape, connect: Duration, total: Duration, work: F) -> Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(&mut Worker) -> T + Send + Sync + 'static,
{
    enum Event<T> {
        Connected,
        CouldNotStart(String),
        Done(Vec<Result<T, String>>),
    }
    let start = Instant::now();
    let config = shape.config();
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("timely-start".into())
        .spawn(move || {
            // `execute` returns once this process is connected to all the others.
            match timely::execute(config, work) {
                Err(e) => drop(tx.send(Event::CouldNotStart(e))),
                Ok(guards) => {
                    let _ = tx.send(Event::Connected);
                    let _ = tx.send(Event::Done(guards.join()));
                }
            }
        })?;

    let here = shape.describe();
    let connect = connect.min(total);
    match rx.recv_timeout(connect) {
        Ok(Event::Connected) => {}
        Ok(Event::CouldNotStart(e)) => bail!("{here}: timely could not start: {e}"),
        Ok(Event::Done(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => bail!(FAILED),
        Err(mpsc::RecvTimeoutError::Timeout) => bail!(
            "{here}: the other processes did not all connect within {connect:?} \
             (is every process started, with the same host file?)"
        ),
    }
    match rx.recv_timeout(total.saturating_sub(start.elapsed())) {
        Ok(Event::Done(results)) => results
            .into_iter()
            .map(|r| r.map_err(|e| anyhow!("{FAILED}: {e}")))
            .collect(),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            bail!("{here}: the run did not finish within {total:?}")
        }
        // Disconnected: timely's thread panicked, shutting down after a failure.
        _ => bail!(FAILED),
    }
}
// ANCHOR_END: run

const FAILED: &str = "the computation failed: a worker or a connection of this process broke \
                      (timely cannot go on without a peer: the whole run must start again)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_primes;

    #[test]
    fn every_number_has_exactly_one_owner() {
        for peers in 1..=5 {
            let mut all: Vec<u64> = (0..peers).flat_map(|i| owned(12_345, i, peers)).collect();
            all.sort_unstable();
            assert_eq!(all, (0..12_345).collect::<Vec<_>>(), "{peers}");
            for i in 0..peers {
                assert!(owned(12_345, i, peers).all(|n| owner(n, peers) == i));
            }
        }
    }

    #[test]
    fn hosts_skip_blank_lines_and_comments() {
        let text = "# two machines\nhost-a:2101\n\n  host-b:2101  \n";
        assert_eq!(parse_hosts(text), ["host-a:2101", "host-b:2101"]);
    }

    #[test]
    fn the_books_host_file_names_two_processes() {
        let hosts = parse_hosts(include_str!("../hosts.example.txt"));
        assert_eq!(
            hosts,
            ["node-a.example.net:2101", "node-b.example.net:2101"]
        );
    }

    #[test]
    fn shapes_place_workers() {
        assert_eq!(Shape::Alone { threads: 3 }.workers(), (0..3, 3));
        let cluster = Shape::Cluster {
            threads: 2,
            process: 1,
            addresses: vec!["a:1".into(), "b:1".into(), "c:1".into()],
        };
        assert_eq!(cluster.workers(), (2..4, 6));
    }

    #[test]
    fn threads_in_one_process_give_the_sequential_count() {
        let limit = 30_000;
        let sequential = count_primes(0..limit);
        for threads in 1..=3 {
            let minute = Duration::from_secs(60);
            let reports = run(&Shape::Alone { threads }, minute, minute, move |w| {
                count_primes_on_worker(w, limit)
            })
            .unwrap();
            assert_eq!(reports.len(), threads);
            assert_eq!(reports[0].total(), Some(sequential), "{threads} threads");
            // Worker 0 got one partial count per worker, and they are the workers' own.
            let mine: Vec<Partial> = reports.iter().map(|r| r.mine).collect();
            assert_eq!(reports[0].received, mine);
            assert!(reports[1..].iter().all(|r| r.total().is_none()));
            assert_eq!(mine.iter().map(|p| p.numbers).sum::<u64>(), limit);
        }
    }
}
