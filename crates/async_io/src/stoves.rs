//! Blocking the runtime: the cook does CPU work on a `current_thread` runtime while a stove
//! task should tick on time. Left alone, the work takes the only thread and the stove stops;
//! three fixes move the work off that thread or break it into pieces.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// Where the cook's CPU work runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Fix {
    /// Right in the async fn: the runtime's only thread is busy until it ends.
    None,
    /// `tokio::task::spawn_blocking`: on tokio's blocking pool.
    SpawnBlocking,
    /// `rayon::spawn`, the answer back through a oneshot channel.
    Rayon,
    /// In slices, with `tokio::task::yield_now().await` between them.
    YieldNow,
}

impl Fix {
    pub const ALL: [Fix; 4] = [Fix::None, Fix::SpawnBlocking, Fix::Rayon, Fix::YieldNow];

    pub fn name(self) -> &'static str {
        match self {
            Fix::None => "none",
            Fix::SpawnBlocking => "spawn_blocking",
            Fix::Rayon => "rayon",
            Fix::YieldNow => "yield_now",
        }
    }
}

/// CPU work: counts primes in slices of numbers until `length` has passed. The length is
/// fixed in time, not in numbers, so a debug and a release build work equally long.
pub fn knead(length: Duration) -> u64 {
    let start = Instant::now();
    let mut found = 0;
    let mut n = 2u64;
    while start.elapsed() < length {
        found += (n..n + 200).filter(|&k| is_prime(black_box(k))).count() as u64;
        n += 200;
    }
    found
}

// The cook's busy work. Other chapters have their own trial division (pools, scaling,
// multitasking): a chapter crate depends on no other, so that each one can be copied out
// alone as a starter (`cargo xtask starter`).
fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

/// What the stove saw while the cook worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lateness {
    /// Ticks that ran while the cook's work was in progress.
    pub ticks_during_work: u32,
    /// The latest any tick ran after its due time.
    pub worst: Duration,
}

// ANCHOR: cook
async fn cook(fix: Fix, work: Duration, slice: Duration) -> u64 {
    match fix {
        Fix::None => knead(work),
        Fix::SpawnBlocking => tokio::task::spawn_blocking(move || knead(work))
            .await
            .expect("the work does not panic"),
        Fix::Rayon => {
            let (tx, rx) = oneshot::channel();
            rayon::spawn(move || {
                let _ = tx.send(knead(work));
            });
            rx.await.expect("rayon runs the work and sends its result")
        }
        Fix::YieldNow => {
            let (start, mut found) = (Instant::now(), 0);
            while start.elapsed() < work {
                found += knead(slice);
                tokio::task::yield_now().await; // let the stove have its turn
            }
            found
        }
    }
}
// ANCHOR_END: cook

// ANCHOR: kitchen
/// Runs a stove that should tick every `tick` and a cook who works `work` on a fresh
/// `current_thread` runtime, and reports how the stove fared while the cook worked.
pub fn kitchen(fix: Fix, work: Duration, tick: Duration) -> Lateness {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let stove = tokio::spawn(async move {
            let mut due = tokio::time::Instant::now() + tick;
            let mut ticks = Vec::new(); // (when it ran, how late)
            // Twice the work's length plus a margin: the stove always stops by itself.
            let until = due + work * 2 + tick * 10;
            while due < until {
                tokio::time::sleep_until(due).await;
                let now = tokio::time::Instant::now();
                ticks.push((now.into_std(), now - due));
                due += tick;
            }
            ticks
        });
        tokio::task::yield_now().await; // the stove starts ticking first
        let start = Instant::now();
        black_box(cook(fix, work, tick / 4).await);
        let end = Instant::now();
        let ticks = stove.await.expect("the stove does not panic");
        let during = ticks
            .iter()
            .filter(|(at, _)| *at > start && *at < end)
            .count();
        let worst = ticks
            .iter()
            .map(|&(_, late)| late)
            .max()
            .unwrap_or_default();
        Lateness {
            ticks_during_work: during as u32,
            worst,
        }
    })
}
// ANCHOR_END: kitchen
