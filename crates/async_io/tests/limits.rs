//! A semaphore admits at most its permits; a hand-made future is polled as the page says;
//! a blocked runtime cannot tick; `/proc/self/status` is read right.

use std::time::Duration;

use async_io::admission::cook_with_permits;
use async_io::hand_future::{Delay, block_on};
use async_io::stoves::{Fix, kitchen};
use async_io::system::{memory, memory_failure, parse_status};

#[tokio::test(start_paused = true)]
async fn the_semaphore_never_admits_more_than_its_permits() {
    for permits in [1, 3, 7] {
        // On the paused clock every order sleeps without time passing; all of them wait at
        // the semaphore together, so the peak reaches the permits exactly and no further.
        let peak = cook_with_permits(50, permits, Duration::from_millis(10)).await;
        assert_eq!(peak, permits);
    }
}

#[test]
fn a_delay_is_pending_once_then_woken_once_then_ready() {
    let ((), stats) = block_on(
        Delay::new(Duration::from_millis(5)),
        Duration::from_secs(10),
    )
    .expect("in time");
    assert_eq!((stats.polls, stats.wakes), (2, 1));
}

#[test]
fn block_on_gives_up_on_a_future_nobody_wakes() {
    let never = std::future::pending::<()>();
    let timed_out = block_on(never, Duration::from_millis(20)).expect_err("it never finishes");
    assert_eq!((timed_out.0.polls, timed_out.0.wakes), (1, 0));
}

#[test]
fn a_blocked_runtime_never_ticks_and_each_fix_lets_it_tick() {
    let (work, tick) = (Duration::from_millis(200), Duration::from_millis(10));
    assert_eq!(kitchen(Fix::None, work, tick).ticks_during_work, 0);
    for fix in [Fix::SpawnBlocking, Fix::Rayon, Fix::YieldNow] {
        assert!(kitchen(fix, work, tick).ticks_during_work > 0, "{fix:?}");
    }
}

#[test]
fn status_fields_are_read_in_bytes() {
    let text = "Name:\tx\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads:\t3\n";
    let m = parse_status(text).expect("all three fields");
    assert_eq!((m.rss, m.hwm, m.threads), (1024 * 1024, 2048 * 1024, 3));
    assert!(parse_status("VmRSS:\t1 kB\n").is_none());
    let me = memory().expect("Linux");
    assert!(me.hwm >= me.rss && me.rss > 0 && me.threads >= 1);
}

#[test]
fn every_abort_for_memory_seen_here_is_found_in_stderr() {
    // What thread servers that died under `RLIMIT_AS` wrote to stderr on this machine.
    let rust = "memory allocation of 5120 bytes failed\n";
    assert_eq!(
        memory_failure(rust),
        Some("memory allocation of 5120 bytes failed")
    );
    let glibc = "Fatal glibc error: failed to register TLS destructor: out of memory\n";
    assert_eq!(memory_failure(glibc), Some(glibc.trim()));
    // A panic's message comes on the line after its headline.
    let panic = "thread '<unnamed>' panicked at library/std/src/thread/mod.rs:1:1:\n\
                 failed to allocate an alternative stack: Cannot allocate memory (os error 12)\n";
    assert!(memory_failure(panic).is_some_and(|l| l.starts_with("failed to allocate")));
    // Any other death is not put down to memory.
    assert_eq!(
        memory_failure("thread 'main' panicked at src/main.rs:1:1:\nindex out of bounds\n"),
        None
    );
    assert_eq!(memory_failure(""), None);
}
