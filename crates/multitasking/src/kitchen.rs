//! The ramen kitchen: a cook, a stove and a recipe measured in kitchen minutes.
//!
//! Some steps are *waits*: the stove boils the water or cooks the noodles, and nobody has to
//! stand next to it. The others are *work*: the cook's hands are busy. [`cook_sync`] does
//! every step one after the other, so the total is the sum of all steps. [`cook_async`] hands
//! each wait to a tokio task (the stove) and goes on working, so the total shrinks to the
//! longest chain of waits.
//!
//! Time is scaled: one kitchen minute is a [`Duration`] you choose (e.g. 100 ms). Stamps are
//! printed in whole kitchen minutes, rounded from the measured elapsed time, so a bit of
//! timer jitter does not change them.

use std::cell::Cell;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Whether a step keeps the cook busy or only the stove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The stove is busy; the cook could do something else meanwhile.
    Wait,
    /// The cook's hands are busy.
    Work,
}

/// One step of the recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// What happens, e.g. "boil the water".
    pub what: &'static str,
    /// How long it takes, in kitchen minutes.
    pub minutes: u32,
    /// Who is busy during the step.
    pub kind: Kind,
}

/// Wait for the water to boil.
pub const BOIL_WATER: Step = Step {
    what: "boil the water",
    minutes: 4,
    kind: Kind::Wait,
};
/// Chop the green onion.
pub const CHOP_ONION: Step = Step {
    what: "chop the green onion",
    minutes: 2,
    kind: Kind::Work,
};
/// Crack an egg into a bowl.
pub const CRACK_EGG: Step = Step {
    what: "crack an egg into a bowl",
    minutes: 1,
    kind: Kind::Work,
};
/// Wait for the noodles to cook (only once the water boils).
pub const COOK_NOODLES: Step = Step {
    what: "cook the noodles",
    minutes: 3,
    kind: Kind::Wait,
};
/// Set the table.
pub const SET_TABLE: Step = Step {
    what: "set the table",
    minutes: 1,
    kind: Kind::Work,
};

/// The whole recipe in the order a synchronous cook follows it.
pub const RECIPE: [Step; 5] = [BOIL_WATER, CHOP_ONION, CRACK_EGG, COOK_NOODLES, SET_TABLE];

/// Sum of all steps of [`RECIPE`], in kitchen minutes: what the synchronous cook needs.
pub fn sum_of_steps() -> u32 {
    RECIPE.iter().map(|step| step.minutes).sum()
}

/// The longest chain of waits, in kitchen minutes: the noodles can only go in once the water
/// boils, so the asynchronous cook can never be faster than the two waits together.
pub fn longest_wait_path() -> u32 {
    BOIL_WATER.minutes + COOK_NOODLES.minutes
}

/// Rounds a measured time to whole kitchen minutes (half a minute rounds up), so stamps stay
/// stable although real sleeps overshoot by a little.
pub fn kitchen_minutes(elapsed: Duration, minute: Duration) -> u128 {
    let minute = minute.as_nanos().max(1);
    (elapsed.as_nanos() + minute / 2) / minute
}

/// Who did something in the kitchen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The cook (the main flow of the program).
    Cook,
    /// The stove (a task that only waits).
    Stove,
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Padded so the messages line up.
        f.write_str(match self {
            Who::Cook => "cook: ",
            Who::Stove => "stove:",
        })
    }
}

/// One line of the kitchen journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Measured time since the kitchen opened.
    pub elapsed: Duration,
    /// The same time in whole kitchen minutes.
    pub minute: u128,
    /// Who did it.
    pub who: Who,
    /// What happened.
    pub what: String,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[min {:>2}] {} {}", self.minute, self.who, self.what)
    }
}

/// Records what happens in the kitchen, and prints it as it happens if asked to.
///
/// Shared between the cook and the stove tasks, hence the mutex.
#[derive(Debug)]
pub struct Journal {
    minute: Duration,
    echo: bool,
    events: Mutex<Vec<Event>>,
}

impl Journal {
    /// A journal for a kitchen whose minute lasts `minute`; `echo` prints each event.
    pub fn new(minute: Duration, echo: bool) -> Self {
        Self {
            minute,
            echo,
            events: Mutex::new(Vec::new()),
        }
    }

    /// How long one kitchen minute lasts.
    pub fn minute(&self) -> Duration {
        self.minute
    }

    /// Notes that `who` did `what` at `elapsed` since the kitchen opened.
    pub fn note(&self, elapsed: Duration, who: Who, what: impl Into<String>) {
        let event = Event {
            elapsed,
            minute: kitchen_minutes(elapsed, self.minute),
            who,
            what: what.into(),
        };
        if self.echo {
            println!("{event}");
        }
        // A panicking writer cannot leave a half-pushed Vec behind, so poison is harmless.
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }

    /// Everything noted so far, in the order it was noted.
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

// ANCHOR: clock
/// A clock a synchronous cook can read and block on.
pub trait Clock {
    /// Time since the kitchen opened.
    fn elapsed(&self) -> Duration;
    /// Blocks the caller for `duration`.
    fn sleep(&self, duration: Duration);
}

/// A fake clock for tests: sleeping only moves its hands forward, instantly.
#[derive(Debug, Default)]
pub struct FakeClock {
    now: Cell<Duration>,
}

impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        self.now.get()
    }

    fn sleep(&self, duration: Duration) {
        self.now.set(self.now.get() + duration);
    }
}
// ANCHOR_END: clock

/// The real clock: [`Instant`] and [`std::thread::sleep`].
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    start: Instant,
}

impl WallClock {
    /// A clock that starts now.
    pub fn start() -> Self {
        Self {
            start: Instant::now(),
        }
    }
}

impl Clock for WallClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// How long `step` lasts in real time.
fn length(step: Step, minute: Duration) -> Duration {
    minute * step.minutes
}

// ANCHOR: sync
/// The synchronous cook: every step, waits included, one after the other.
/// Returns the time the ramen is ready.
pub fn cook_sync(clock: &impl Clock, journal: &Journal) -> Duration {
    for step in RECIPE {
        let what = match step.kind {
            Kind::Wait => format!("waits by the stove: {} ({} min)", step.what, step.minutes),
            Kind::Work => format!("works: {} ({} min)", step.what, step.minutes),
        };
        journal.note(clock.elapsed(), Who::Cook, what);
        // The cook is stuck here for the whole step, even when only the stove is busy.
        clock.sleep(length(step, journal.minute()));
    }
    clock.elapsed()
}
// ANCHOR_END: sync

// ANCHOR: stove
/// Puts `step` on the stove: a task that only waits, then says it is done.
fn on_the_stove(
    step: Step,
    start: tokio::time::Instant,
    journal: &Arc<Journal>,
) -> tokio::task::JoinHandle<()> {
    let journal = Arc::clone(journal);
    tokio::spawn(async move {
        // `.await` gives the thread back to the runtime while the timer runs.
        tokio::time::sleep(length(step, journal.minute())).await;
        let what = format!("done: {} ({} min)", step.what, step.minutes);
        journal.note(start.elapsed(), Who::Stove, what);
    })
}
// ANCHOR_END: stove

/// The cook doing a step with their own hands: nobody else can do it meanwhile.
async fn work(step: Step, start: tokio::time::Instant, journal: &Journal) {
    let what = format!("works: {} ({} min)", step.what, step.minutes);
    journal.note(start.elapsed(), Who::Cook, what);
    // Modelled as time passing; awaiting it lets the stove's timers fire meanwhile.
    tokio::time::sleep(length(step, journal.minute())).await;
}

// ANCHOR: async
/// The asynchronous cook: each wait goes to the stove (its own task) and the cook keeps
/// working. Returns the time the ramen is ready.
pub async fn cook_async(journal: Arc<Journal>) -> Result<Duration, tokio::task::JoinError> {
    let start = tokio::time::Instant::now();
    let starts = |step: Step| format!("starts on the stove: {} ({} min)", step.what, step.minutes);

    journal.note(start.elapsed(), Who::Cook, starts(BOIL_WATER));
    let water = on_the_stove(BOIL_WATER, start, &journal);
    work(CHOP_ONION, start, &journal).await;
    work(CRACK_EGG, start, &journal).await;
    journal.note(
        start.elapsed(),
        Who::Cook,
        "nothing left to do: waits for the water",
    );
    water.await?; // pick up the result of the wait started earlier

    journal.note(start.elapsed(), Who::Cook, starts(COOK_NOODLES));
    let noodles = on_the_stove(COOK_NOODLES, start, &journal);
    work(SET_TABLE, start, &journal).await;
    journal.note(
        start.elapsed(),
        Who::Cook,
        "nothing left to do: waits for the noodles",
    );
    noodles.await?;

    Ok(start.elapsed())
}
// ANCHOR_END: async

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_the_nearest_minute() {
        let minute = Duration::from_millis(100);
        assert_eq!(kitchen_minutes(Duration::from_millis(0), minute), 0);
        assert_eq!(kitchen_minutes(Duration::from_millis(49), minute), 0);
        assert_eq!(kitchen_minutes(Duration::from_millis(50), minute), 1);
        assert_eq!(kitchen_minutes(Duration::from_millis(401), minute), 4);
        assert_eq!(kitchen_minutes(Duration::from_millis(449), minute), 4);
        assert_eq!(kitchen_minutes(Duration::from_millis(1_149), minute), 11);
    }

    #[test]
    fn the_recipe_adds_up() {
        assert_eq!(sum_of_steps(), 11);
        assert_eq!(longest_wait_path(), 7);
    }

    #[test]
    fn fake_clock_only_moves_when_slept() {
        let clock = FakeClock::default();
        assert_eq!(clock.elapsed(), Duration::ZERO);
        clock.sleep(Duration::from_secs(3));
        clock.sleep(Duration::from_secs(4));
        assert_eq!(clock.elapsed(), Duration::from_secs(7));
    }
}
