//! The ramen kitchen: a cook, a stove and a recipe measured in kitchen minutes.
//!
//! Some steps are *waits*: the stove boils the water or cooks the noodles, and nobody has to
//! stand next to it. The others are *work*: the cook's hands are busy. [`cook_sync`] does
//! every step one after the other, so the total is the sum of all steps. [`cook_async`] hands
//! each wait to a tokio task (the stove) and goes on working, so the total shrinks to the
//! longest chain of waits.
//!
//! Time is scaled: one kitchen minute is a [`Duration`] you choose (e.g. 100 ms). Stamps are
//! printed in whole kitchen minutes: the minute each step happened in, so a step that ends a
//! little late (a sleep never ends early) keeps its stamp.

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

/// The kitchen minute a measured time falls in (whole minutes, counted down): a step planned
/// for minute 4 that ends a little late still happened in minute 4. A sleep overshoots but
/// never ends early, so this is what keeps the stamps stable.
pub fn kitchen_minutes(elapsed: Duration, minute: Duration) -> u128 {
    elapsed.as_nanos() / minute.as_nanos().max(1)
}

/// How late a step may end with its stamp still right: less than one kitchen minute, since a
/// stamp is the minute a step happened in. Lateness adds up from one step to the next.
pub fn tolerance(minute: Duration) -> Duration {
    minute
}

/// Checks a run on the real clock against the same kitchen on a clock that does not wait (the
/// fake clock, or tokio's paused clock): every stamp must be the planned one. Each run is its
/// journal and the time the ramen was ready. The error names the step that came latest, how
/// late it was, and how much lateness the stamps tolerate.
///
/// Steps are matched by who did what, not by their place in the journal: when the cook runs
/// late, the stove's timers do not wait for it, and lines trade places.
pub fn check_stamps(
    minute: Duration,
    real: (&[Event], Duration),
    planned: (&[Event], Duration),
) -> anyhow::Result<()> {
    let ((events, ready), (plan, planned_ready)) = (real, planned);
    anyhow::ensure!(
        events.len() == plan.len(),
        "the journal has {} lines, the plan {}",
        events.len(),
        plan.len()
    );
    let mut latest = ("the ramen is ready", ready.abs_diff(planned_ready));
    for step in plan {
        let Some(done) = events
            .iter()
            .find(|e| e.who == step.who && e.what == step.what)
        else {
            anyhow::bail!("the journal has no line for {:?}", step.what);
        };
        let late = done.elapsed.abs_diff(step.elapsed);
        if late > latest.1 {
            latest = (step.what.as_str(), late);
        }
    }
    let (what, late) = latest;
    anyhow::ensure!(
        late < tolerance(minute),
        "the machine was too busy for these stamps: {what:?} came {late:.0?} late, and a \
         stamp is right only while its step is less than {:?} (one kitchen minute) late; \
         run it again on a quieter machine, or with a longer --minute-ms",
        tolerance(minute)
    );
    Ok(())
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
///
/// Each sleep ends when the sleeps so far add up to, counted from the start, rather than
/// `duration` after it began, as a kitchen timer set from the recipe would ring: a sleep that
/// overshoots (a busy machine wakes a thread late) makes its own step late, not every step
/// after it too.
#[derive(Debug)]
pub struct WallClock {
    start: Instant,
    /// Every sleep asked for so far, added up.
    slept: Cell<Duration>,
}

impl WallClock {
    /// A clock that starts now.
    pub fn start() -> Self {
        Self {
            start: Instant::now(),
            slept: Cell::new(Duration::ZERO),
        }
    }
}

impl Clock for WallClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) {
        let until = self.slept.get() + duration;
        self.slept.set(until);
        std::thread::sleep((self.start + until).saturating_duration_since(Instant::now()));
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
    fn a_stamp_is_the_minute_a_time_falls_in() {
        let minute = Duration::from_millis(100);
        assert_eq!(kitchen_minutes(Duration::from_millis(0), minute), 0);
        assert_eq!(kitchen_minutes(Duration::from_millis(99), minute), 0);
        assert_eq!(kitchen_minutes(Duration::from_millis(100), minute), 1);
        assert_eq!(kitchen_minutes(Duration::from_millis(401), minute), 4);
        assert_eq!(kitchen_minutes(Duration::from_millis(499), minute), 4);
        assert_eq!(kitchen_minutes(Duration::from_millis(1_149), minute), 11);
    }

    #[test]
    fn the_recipe_adds_up() {
        assert_eq!(sum_of_steps(), 11);
        assert_eq!(longest_wait_path(), 7);
    }

    /// The synchronous kitchen on the fake clock, and the same journal with one step (and
    /// everything after it) `late`.
    fn planned_and_late(late: Duration) -> ((Vec<Event>, Duration), (Vec<Event>, Duration)) {
        let minute = Duration::from_millis(100);
        let journal = Journal::new(minute, false);
        let ready = cook_sync(&FakeClock::default(), &journal);
        let plan = journal.events();
        let mut real = plan.clone();
        for event in &mut real[2..] {
            event.elapsed += late;
            event.minute = kitchen_minutes(event.elapsed, minute);
        }
        ((real, ready + late), (plan, ready))
    }

    #[test]
    fn stamps_tolerate_lateness_under_a_minute() {
        let minute = Duration::from_millis(100);
        let ((real, ready), (plan, planned)) = planned_and_late(Duration::from_millis(99));
        assert!(check_stamps(minute, (&real, ready), (&plan, planned)).is_ok());
        // And each such stamp is the planned one.
        assert!(real.iter().zip(&plan).all(|(r, p)| r.minute == p.minute));
    }

    #[test]
    fn a_minute_late_is_reported_with_the_tolerance() {
        let minute = Duration::from_millis(100);
        let ((real, ready), (plan, planned)) = planned_and_late(Duration::from_millis(120));
        let error = check_stamps(minute, (&real, ready), (&plan, planned)).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("came 120ms late"), "{message}");
        assert!(
            message.contains("less than 100ms (one kitchen minute)"),
            "{message}"
        );
        // And a stamp is off: a minute late is the next minute.
        assert!(real.iter().zip(&plan).any(|(r, p)| r.minute != p.minute));
        // The ready time alone can be late too (the cook resumed late).
        let late_ready = ready + Duration::from_millis(100);
        let error = check_stamps(minute, (&plan, late_ready), (&plan, planned)).unwrap_err();
        assert!(
            error.to_string().contains("\"the ramen is ready\" came"),
            "{error}"
        );
    }

    #[test]
    fn lines_that_trade_places_are_matched_by_what_they_say() {
        let minute = Duration::from_millis(100);
        let ((mut real, ready), (plan, planned)) = planned_and_late(Duration::ZERO);
        real.swap(0, 1);
        assert!(check_stamps(minute, (&real, ready), (&plan, planned)).is_ok());
        real[0].what = "juggles".to_owned();
        let error = check_stamps(minute, (&real, ready), (&plan, planned)).unwrap_err();
        assert!(error.to_string().contains("has no line for"), "{error}");
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
