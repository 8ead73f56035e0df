//! Jobs spread over OS threads: every job runs once, on distinct threads, and as many run
//! at once as there are threads (or jobs).

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use multitasking::jobs::{chunks, count_primes, run_jobs, split};

fn nz(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap()
}

const CASES: [(usize, usize); 7] = [(16, 1), (16, 2), (16, 4), (16, 8), (10, 4), (3, 8), (1, 1)];

#[test]
fn split_gives_every_job_to_exactly_one_thread() {
    for jobs in 0..40 {
        for threads in 1..12 {
            let shares = split(jobs, nz(threads));
            assert_eq!(shares.len(), threads.min(jobs));
            let mut all: Vec<usize> = shares.concat();
            all.sort_unstable();
            assert_eq!(
                all,
                (0..jobs).collect::<Vec<_>>(),
                "{jobs} jobs, {threads} threads"
            );
            let sizes: Vec<usize> = shares.iter().map(Vec::len).collect();
            let (min, max) = (sizes.iter().min(), sizes.iter().max());
            if let (Some(min), Some(max)) = (min, max) {
                assert!(max - min <= 1, "uneven shares {sizes:?}");
                assert!(*min > 0);
            }
        }
    }
}

#[test]
fn every_job_runs_once_on_its_own_worker_thread() {
    let me = thread::current().id();
    for (jobs, threads) in CASES {
        let runs: Vec<AtomicUsize> = (0..jobs).map(|_| AtomicUsize::new(0)).collect();
        let results = run_jobs(jobs, nz(threads), |job| {
            runs[job].fetch_add(1, Ordering::SeqCst);
            let current = thread::current();
            (job * 10, current.name().map(str::to_owned))
        })
        .unwrap();

        assert!(runs.iter().all(|r| r.load(Ordering::SeqCst) == 1));
        let in_order: Vec<usize> = results.iter().map(|r| r.job).collect();
        assert_eq!(in_order, (0..jobs).collect::<Vec<_>>());
        let workers: HashSet<_> = results.iter().map(|r| r.thread).collect();
        assert_eq!(
            workers.len(),
            threads.min(jobs),
            "{jobs} jobs, {threads} threads"
        );
        assert!(!workers.contains(&me), "a job ran on the caller's thread");
        for r in &results {
            assert_eq!(r.value.0, r.job * 10);
            assert_eq!(
                r.value.1.as_deref(),
                Some(format!("worker-{}", r.worker).as_str())
            );
        }
    }
}

#[test]
fn parallel_prime_count_matches_one_thread() {
    let limit = 50_000;
    let ranges = chunks(limit, nz(4));
    let results = run_jobs(ranges.len(), nz(4), |job| count_primes(ranges[job].clone())).unwrap();
    let threads: HashSet<_> = results.iter().map(|r| r.thread).collect();
    assert_eq!(threads.len(), 4);
    let total: usize = results.iter().map(|r| r.value).sum();
    assert_eq!(total, count_primes(0..limit));
}

/// Counts jobs in progress and holds each job until `target` of them have been in progress
/// at the same moment, or until a deadline: the test can fail, but never hang.
struct Gate {
    target: usize,
    deadline: Instant,
    state: Mutex<(usize, usize)>, // (running now, peak)
    changed: Condvar,
}

impl Gate {
    fn new(target: usize) -> Self {
        Self {
            target,
            deadline: Instant::now() + Duration::from_secs(5),
            state: Mutex::new((0, 0)),
            changed: Condvar::new(),
        }
    }

    fn job(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        state.1 = state.1.max(state.0);
        self.changed.notify_all();
        while state.1 < self.target {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
        state.0 -= 1;
    }

    fn peak(&self) -> usize {
        self.state.lock().unwrap().1
    }
}

#[test]
fn peak_jobs_at_once_is_min_of_threads_and_jobs() {
    for (jobs, threads) in CASES {
        let expected = threads.min(jobs);
        // If the jobs ran one at a time, the gate would time out with a peak of 1.
        let gate = Gate::new(expected);
        run_jobs(jobs, nz(threads), |_| gate.job()).unwrap();
        assert_eq!(gate.peak(), expected, "{jobs} jobs, {threads} threads");
    }
}
