//! The hand-made thread pool: handles, panics, order, the bounded queue and shutdown. Jobs
//! are held back with channels (gates), never with sleeps, so no outcome depends on how fast
//! the machine is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pools::handmade::{self, JobError, QueueFull, ThreadPool};

/// Only a way out of waits that should never take this long.
const WAY_OUT: Duration = Duration::from_secs(30);

#[test]
fn a_handle_gives_the_jobs_value() {
    let pool = ThreadPool::new(2, 4).unwrap();
    let handle = pool.submit(|| 6 * 7);
    assert_eq!(handle.wait(), Ok(42));
}

#[test]
fn a_panicking_job_comes_back_as_an_error_and_the_pool_goes_on() {
    let pool = ThreadPool::new(1, 4).unwrap();
    let bad = pool.submit(|| -> u32 { panic!("no address for order {}", 4) });
    let good = pool.submit(|| 5);
    assert_eq!(
        bad.wait(),
        Err(JobError::Panicked("no address for order 4".to_owned()))
    );
    // The only worker survived the panic and ran the next job.
    assert_eq!(good.wait(), Ok(5));
}

#[test]
fn map_returns_results_in_input_order_though_jobs_end_in_another() {
    let pool = ThreadPool::new(2, 8).unwrap();
    // Item 0 cannot end before item 1 has: it waits for item 1's signal.
    let (done_1, wait_for_1) = mpsc::channel::<()>();
    let wait_for_1 = Arc::new(Mutex::new(Some(wait_for_1)));
    let done_1 = Arc::new(Mutex::new(Some(done_1)));
    let ended = Arc::new(Mutex::new(Vec::new()));
    let results = {
        let ended = Arc::clone(&ended);
        pool.map(0..2, move |item: u32| {
            if item == 0 {
                let gate = wait_for_1.lock().unwrap().take().unwrap();
                gate.recv_timeout(WAY_OUT).unwrap();
                ended.lock().unwrap().push(item);
            } else {
                ended.lock().unwrap().push(item);
                done_1.lock().unwrap().take().unwrap().send(()).unwrap();
            }
            item * 10
        })
    };
    assert_eq!(
        *ended.lock().unwrap(),
        [1, 0],
        "the jobs ended in this order"
    );
    assert_eq!(results, [Ok(0), Ok(10)], "the results come in input order");
}

#[test]
fn wait_timeout_gives_up_and_gives_the_handle_back_to_wait_again() {
    let pool = ThreadPool::new(1, 1).unwrap();
    let (open, gate) = mpsc::channel::<()>();
    let handle = pool.submit(move || {
        gate.recv_timeout(WAY_OUT).unwrap();
        "done"
    });
    // The job cannot end before the gate opens, so this must time out.
    let handle = handle
        .wait_timeout(Duration::from_millis(20))
        .expect_err("the job cannot have ended");
    open.send(()).unwrap();
    assert_eq!(handle.wait_timeout(WAY_OUT).ok(), Some(Ok("done")));
}

#[test]
fn shutdown_now_drops_queued_jobs_unrun_and_lets_the_running_one_end() {
    let pool = ThreadPool::new(1, 10).unwrap();
    let (started, has_started) = mpsc::channel::<()>();
    let (open, gate) = mpsc::channel::<()>();
    let running = pool.submit(move || {
        started.send(()).unwrap();
        gate.recv_timeout(WAY_OUT).unwrap();
        "finished"
    });
    has_started.recv_timeout(WAY_OUT).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..5)
        .map(|_| {
            let ran = Arc::clone(&ran);
            pool.submit(move || ran.fetch_add(1, Ordering::SeqCst))
        })
        .collect();
    let shutdown = std::thread::spawn(move || pool.shutdown_now(WAY_OUT));
    // The queued jobs are cancelled while the running one still waits at its gate.
    for handle in queued {
        assert_eq!(handle.wait(), Err(JobError::Cancelled));
    }
    open.send(()).unwrap();
    assert_eq!(shutdown.join().unwrap(), Ok(()));
    assert_eq!(running.wait(), Ok("finished"));
    assert_eq!(ran.load(Ordering::SeqCst), 0, "a cancelled job ran");
}

#[test]
fn the_queue_is_bounded() {
    let pool = ThreadPool::new(1, 1).unwrap();
    let (started, has_started) = mpsc::channel::<()>();
    let (open, gate) = mpsc::channel::<()>();
    // Job 1 occupies the only worker...
    let first = pool.submit(move || {
        started.send(()).unwrap();
        gate.recv_timeout(WAY_OUT).unwrap();
        1
    });
    has_started.recv_timeout(WAY_OUT).unwrap();
    // ...job 2 fills the only place in the queue...
    let second = pool.try_submit(|| 2).expect("the queue has room for one");
    // ...so job 3 does not fit.
    assert_eq!(pool.try_submit(|| 3).err(), Some(QueueFull));
    open.send(()).unwrap();
    assert_eq!(first.wait(), Ok(1));
    assert_eq!(second.wait(), Ok(2));
}

#[test]
fn dropping_the_pool_runs_every_queued_job_first() {
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = {
        let pool = ThreadPool::new(2, 100).unwrap();
        (0..50)
            .map(|_| {
                let ran = Arc::clone(&ran);
                pool.submit(move || ran.fetch_add(1, Ordering::SeqCst))
            })
            .collect()
        // The pool is dropped here, with jobs still queued.
    };
    assert_eq!(ran.load(Ordering::SeqCst), 50);
    assert!(handles.into_iter().all(|handle| handle.wait().is_ok()));
}

#[test]
fn shutdown_within_reports_a_worker_stuck_in_a_job() {
    let pool = ThreadPool::new(2, 4).unwrap();
    let (started, has_started) = mpsc::channel::<()>();
    let (open, gate) = mpsc::channel::<()>();
    let stuck = pool.submit(move || {
        started.send(()).unwrap();
        // Ends when the gate opens or its sender is dropped.
        let _ = gate.recv_timeout(WAY_OUT);
    });
    has_started.recv_timeout(WAY_OUT).unwrap();
    // The stuck worker cannot end before its gate opens, whatever the limit; the idle one must
    // see the queue close and exit within it, and a second is plenty on a busy machine.
    assert_eq!(pool.shutdown_within(Duration::from_secs(1)), Err(1));
    drop(open); // let the stuck job end, so the thread does not outlive the test
    assert_eq!(stuck.wait(), Ok(()));
}

#[test]
fn shutdown_within_is_ok_when_the_jobs_end() {
    let pool = ThreadPool::new(3, 4).unwrap();
    let handles: Vec<_> = (0..6).map(|n| pool.submit(move || n)).collect();
    assert_eq!(pool.shutdown_within(WAY_OUT), Ok(()));
    let values: Vec<_> = handles.into_iter().map(|h| h.wait().unwrap()).collect();
    assert_eq!(values, [0, 1, 2, 3, 4, 5]);
}

#[test]
fn a_pool_needs_a_thread_and_a_queue() {
    assert!(ThreadPool::new(0, 4).is_err());
    assert!(ThreadPool::new(2, 0).is_err());
}

#[test]
fn the_pool_counts_primes_like_the_sequential_loop() {
    let pool = ThreadPool::new(2, 4).unwrap();
    let range = 1_000_000..1_020_000;
    let expected = pools::count_primes(range.clone());
    for chunk in [1_000, 3_333, 20_000, 50_000] {
        assert_eq!(
            handmade::count_primes(&pool, range.clone(), chunk),
            Ok(expected)
        );
    }
}
