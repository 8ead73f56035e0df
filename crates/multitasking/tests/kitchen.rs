//! The kitchen on clocks that do not depend on the machine's speed: a fake clock for the
//! synchronous cook, tokio's paused clock for the asynchronous one.

use std::sync::Arc;
use std::time::Duration;

use multitasking::kitchen::{
    BOIL_WATER, CHOP_ONION, COOK_NOODLES, CRACK_EGG, Event, FakeClock, Journal, RECIPE, SET_TABLE,
    Who, cook_async, cook_sync, longest_wait_path, sum_of_steps,
};

const MINUTE: Duration = Duration::from_millis(100);

/// The first event whose text contains `needle`; panics if none does.
fn find<'a>(events: &'a [Event], needle: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.what.contains(needle))
        .unwrap_or_else(|| panic!("no event mentions {needle:?} in {events:#?}"))
}

// ANCHOR: sync_test
#[test]
fn sync_total_is_the_sum_of_the_steps() {
    let clock = FakeClock::default();
    let journal = Journal::new(MINUTE, false);
    let ready = cook_sync(&clock, &journal);
    assert_eq!(ready, MINUTE * sum_of_steps());
    assert_eq!(sum_of_steps(), 11);
}
// ANCHOR_END: sync_test

#[test]
fn sync_steps_follow_each_other_in_recipe_order() {
    let journal = Journal::new(MINUTE, false);
    cook_sync(&FakeClock::default(), &journal);
    let events = journal.events();
    assert_eq!(events.len(), RECIPE.len());

    // Each step starts exactly when the previous one ends, the cook doing all of them.
    let mut expected_start = 0;
    for (event, step) in events.iter().zip(RECIPE) {
        assert_eq!(event.who, Who::Cook);
        assert!(event.what.contains(step.what), "{event:?} is not {step:?}");
        assert_eq!(event.elapsed, MINUTE * expected_start);
        assert_eq!(event.minute, u128::from(expected_start));
        expected_start += step.minutes;
    }
}

// ANCHOR: async_test
#[tokio::test(start_paused = true)]
async fn async_total_is_the_longest_wait_path() {
    let journal = Arc::new(Journal::new(MINUTE, false));
    let ready = cook_async(Arc::clone(&journal)).await.unwrap();
    // Paused time moves only when every task waits, so this is exact.
    assert_eq!(ready, MINUTE * longest_wait_path());
    assert_eq!(
        longest_wait_path(),
        BOIL_WATER.minutes + COOK_NOODLES.minutes
    );
    assert!(longest_wait_path() < sum_of_steps());
}
// ANCHOR_END: async_test

#[tokio::test(start_paused = true)]
async fn async_cook_works_while_the_water_boils() {
    let journal = Arc::new(Journal::new(MINUTE, false));
    cook_async(Arc::clone(&journal)).await.unwrap();
    let events = journal.events();

    let water_on = find(&events, "starts on the stove: boil the water");
    let chop = find(&events, CHOP_ONION.what);
    let egg = find(&events, CRACK_EGG.what);
    let boiled = find(&events, "done: boil the water");
    assert_eq!(water_on.elapsed, Duration::ZERO);
    assert_eq!(boiled.who, Who::Stove);
    assert_eq!(boiled.elapsed, MINUTE * BOIL_WATER.minutes);
    // Both cook's steps start and end before the water boils.
    assert_eq!(chop.elapsed, Duration::ZERO);
    assert_eq!(egg.elapsed, MINUTE * CHOP_ONION.minutes);
    assert!(egg.elapsed + MINUTE * CRACK_EGG.minutes <= boiled.elapsed);

    // The noodles go in when the water boils, and the table is set while they cook.
    let noodles_on = find(&events, "starts on the stove: cook the noodles");
    let table = find(&events, SET_TABLE.what);
    let cooked = find(&events, "done: cook the noodles");
    assert_eq!(noodles_on.elapsed, boiled.elapsed);
    assert_eq!(table.elapsed, boiled.elapsed);
    assert_eq!(cooked.who, Who::Stove);
    assert_eq!(
        cooked.elapsed,
        boiled.elapsed + MINUTE * COOK_NOODLES.minutes
    );
    assert!(table.elapsed + MINUTE * SET_TABLE.minutes <= cooked.elapsed);
}

#[tokio::test(start_paused = true)]
async fn async_journal_order_is_stable() {
    let journal = Arc::new(Journal::new(MINUTE, false));
    cook_async(Arc::clone(&journal)).await.unwrap();
    let lines: Vec<String> = journal.events().iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "[min  0] cook:  starts on the stove: boil the water (4 min)",
            "[min  0] cook:  works: chop the green onion (2 min)",
            "[min  2] cook:  works: crack an egg into a bowl (1 min)",
            "[min  3] cook:  nothing left to do: waits for the water",
            "[min  4] stove: done: boil the water (4 min)",
            "[min  4] cook:  starts on the stove: cook the noodles (3 min)",
            "[min  4] cook:  works: set the table (1 min)",
            "[min  5] cook:  nothing left to do: waits for the noodles",
            "[min  7] stove: done: cook the noodles (3 min)",
        ]
    );
}
