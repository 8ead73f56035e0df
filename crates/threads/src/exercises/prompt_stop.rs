//! Exercise: A stop flag that does not oversleep (medium)
//!
//! The chapter's `StopFlag` worker looks at its flag only between rounds, so a stop that
//! arrives during a rest waits for the whole rest to end: with the lesson's three-second nap, up
//! to three seconds. Keep the flag (an `AtomicBool` stored with `Release` and loaded with
//! `Acquire`), but make the rest itself listen: instead of one long sleep, sleep in short naps of
//! at most `NAP` each and look at the flag between them, so that a stop is noticed within about
//! one nap, wherever the worker is in its rest.
//!
//! Write the three methods of the chapter's `Stop` trait for `NappingFlag`:
//!
//! - `stop` sets the flag, `is_stopped` reads it;
//! - `rest(interval)` returns as soon as it sees the flag set (checking it at least every
//!   `NAP`), and otherwise only when the whole `interval` has passed. Returning early without a
//!   stop would be a bug too: the worker would rush through its rounds.
//!
//! A correct answer lets `work_until_stopped` with a rest of an hour end moments after `stop`
//! (the test allows a few seconds, so that it holds on a busy machine; on an idle one it is about
//! one nap). A condition variable, as in the chapter's `StopSignal`, wakes a worker faster still;
//! this exercise is the simple fix for code that already has a flag and a sleep.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::Stop;

/// The longest the worker sleeps without looking at the flag.
pub const NAP: Duration = Duration::from_millis(5);

/// A stop flag whose rest is cut short by a stop, within about one `NAP`.
#[derive(Debug, Clone, Default)]
pub struct NappingFlag(Arc<AtomicBool>);

impl Stop for NappingFlag {
    fn stop(&self) {
        // solution: begin
        self.0.store(true, Ordering::Release);
        // solution: end
    }

    fn is_stopped(&self) -> bool {
        // solution: begin
        self.0.load(Ordering::Acquire)
        // solution: end
    }

    fn rest(&self, interval: Duration) {
        // solution: begin
        let deadline = Instant::now() + interval;
        while !self.is_stopped() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(NAP));
        }
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work_until_stopped;
    use std::sync::mpsc;

    /// Far longer than a stop should take, even on a loaded machine; far shorter than the rest.
    const PATIENCE: Duration = Duration::from_secs(5);
    const AN_HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_stop_cuts_an_hour_long_rest_short() {
        let flag = NappingFlag::default();
        let (round_done, rounds) = mpsc::channel();
        let (finished, result) = mpsc::channel();
        {
            let flag = flag.clone();
            // A detached thread, not a scoped one: if the answer is wrong, the test fails
            // instead of waiting an hour for it.
            std::thread::spawn(move || {
                let count = work_until_stopped(&flag, AN_HOUR, || {
                    let _ = round_done.send(());
                });
                let _ = finished.send(count);
            });
        }
        // The worker has done its first round and is now resting for an hour.
        rounds
            .recv_timeout(PATIENCE)
            .expect("the worker never did its first round");
        let stopped_at = Instant::now();
        flag.stop();
        let count = result.recv_timeout(PATIENCE);
        assert_eq!(
            count,
            Ok(1),
            "the worker did not end within {PATIENCE:?} of the stop (after {:?})",
            stopped_at.elapsed()
        );
    }

    #[test]
    fn without_a_stop_the_rest_lasts_the_whole_interval() {
        let flag = NappingFlag::default();
        let rest = NAP * 10;
        let (done, result) = mpsc::channel();
        {
            let flag = flag.clone();
            // On a thread of its own, so that a rest that never ends fails the test.
            std::thread::spawn(move || {
                let started = Instant::now();
                flag.rest(rest);
                let _ = done.send(started.elapsed());
            });
        }
        let rested = result
            .recv_timeout(PATIENCE)
            .expect("a rest with no stop did not end");
        // A sleep never ends early, so this holds however busy the machine is.
        assert!(rested >= rest, "rested {rested:?} of {rest:?}");
        assert!(!flag.is_stopped());
    }

    #[test]
    fn once_stopped_a_rest_returns_at_once() {
        let flag = NappingFlag::default();
        flag.stop();
        assert!(flag.is_stopped());
        let (done, result) = mpsc::channel();
        std::thread::spawn(move || {
            flag.rest(AN_HOUR);
            let _ = done.send(());
        });
        assert_eq!(
            result.recv_timeout(PATIENCE),
            Ok(()),
            "rest ignored the stop"
        );
    }
}
