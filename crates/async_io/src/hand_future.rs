//! A future written by hand, and an executor small enough to read in one sitting.
//!
//! [`Delay`] is ready once a helper thread has slept for a while; [`block_on`] polls any
//! future on the calling thread and parks that thread between polls. Its [`Waker`] unparks it.
//! Together they show what tokio does for you: a future does nothing until it is polled, says
//! `Pending` when it cannot finish yet, and arranges to be woken when it can.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

// ANCHOR: delay
/// Ready once `after` has passed, measured by a helper thread that the first poll starts.
#[derive(Debug)]
pub struct Delay {
    after: Duration,
    started: bool,
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    done: AtomicBool,
    /// The waker of the latest poll: the helper wakes whoever polled last.
    waker: Mutex<Option<Waker>>,
}

impl Delay {
    pub fn new(after: Duration) -> Self {
        Delay {
            after,
            started: false,
            shared: Arc::default(),
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.done.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        // Keep the newest waker *before* starting the helper, so its wake cannot be missed.
        *self
            .shared
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(cx.waker().clone());
        if !self.started {
            self.started = true;
            let (after, shared) = (self.after, Arc::clone(&self.shared));
            thread::Builder::new()
                .name("delay-helper".into())
                .spawn(move || {
                    thread::sleep(after);
                    shared.done.store(true, Ordering::Release);
                    let waker = shared
                        .waker
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .take();
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                })
                .expect("a thread for the delay");
        }
        Poll::Pending
    }
}
// ANCHOR_END: delay

// ANCHOR: block_on
/// Wakes the executor by unparking the thread that runs it.
#[derive(Debug)]
struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
    wakes: AtomicU32,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::Relaxed);
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// How a [`block_on`] went: how often it polled the future and how often it was woken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub polls: u32,
    pub wakes: u32,
}

/// The future was still pending when the time limit passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut(pub Stats);

/// Polls `future` on this thread until it is ready, parking the thread while it is pending.
/// Gives up after `limit`, so a future that is never woken cannot hang the caller.
pub fn block_on<F: Future>(future: F, limit: Duration) -> Result<(F::Output, Stats), TimedOut> {
    let deadline = Instant::now() + limit;
    let mut future = pin!(future);
    let state = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
        wakes: AtomicU32::new(0),
    });
    let waker = Waker::from(Arc::clone(&state));
    let mut cx = Context::from_waker(&waker);
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            let wakes = state.wakes.load(Ordering::Relaxed);
            return Ok((output, Stats { polls, wakes }));
        }
        // Sleep until woken. `park` may return early for no reason, so check the flag.
        while !state.woken.swap(false, Ordering::Acquire) {
            let now = Instant::now();
            if now >= deadline {
                let wakes = state.wakes.load(Ordering::Relaxed);
                return Err(TimedOut(Stats { polls, wakes }));
            }
            thread::park_timeout(deadline - now);
        }
    }
}
// ANCHOR_END: block_on

/// Wraps a future and calls `on_poll(poll_number, ready)` after each poll: the example prints
/// the life of a future with it.
#[derive(Debug)]
pub struct Traced<F, L> {
    inner: F,
    polls: u32,
    on_poll: L,
}

impl<F, L> Traced<F, L> {
    pub fn new(inner: F, on_poll: L) -> Self {
        Traced {
            inner,
            polls: 0,
            on_poll,
        }
    }
}

impl<F: Future + Unpin, L: FnMut(u32, bool) + Unpin> Future for Traced<F, L> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        this.polls += 1;
        let result = Pin::new(&mut this.inner).poll(cx);
        (this.on_poll)(this.polls, result.is_ready());
        result
    }
}
