//! Draws the ramen kitchen's timeline as SVG: the synchronous cook above, the asynchronous
//! cook below, each drawn from the journal its own run wrote.
//!
//! Both cooks run on clocks that do not wait: the synchronous one on the tests' fake clock,
//! the asynchronous one on tokio's paused clock. The kitchen's code is the same as in
//! `ramen_sync` and `ramen_async`; only time is virtual, so the drawing comes out byte for
//! byte the same on every run, however busy the machine is.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use multitasking::kitchen::{FakeClock, Journal, cook_async, cook_sync, kitchen_minutes};
use multitasking::timeline::{Panel, bars, svg};

/// Print the ramen kitchen's timeline (sync above async) as SVG on stdout.
#[derive(Debug, Parser)]
struct Args {
    /// How many pixels wide one kitchen minute is drawn.
    #[arg(long, default_value_t = 56, value_parser = clap::value_parser!(u32).range(20..=200))]
    minute_px: u32,
}

// ANCHOR: main
// The clock starts paused: when every task waits, tokio moves it straight to the next timer,
// so each wait lasts exactly its length and nobody waits for real.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let minute = Duration::from_millis(100);

    let journal = Journal::new(minute, false);
    let ready = kitchen_minutes(cook_sync(&FakeClock::default(), &journal), minute);
    let sync = Panel {
        title: format!("One step after the other (cook_sync): ready after {ready} minutes"),
        bars: bars(&journal.events(), ready),
        ready,
    };

    let journal = Arc::new(Journal::new(minute, false));
    let ready = kitchen_minutes(cook_async(Arc::clone(&journal)).await?, minute);
    let concurrent = Panel {
        title: format!("The stove waits, the cook works (cook_async): ready after {ready} minutes"),
        bars: bars(&journal.events(), ready),
        ready,
    };

    print!("{}", svg(&[sync, concurrent], args.minute_px));
    Ok(())
}
// ANCHOR_END: main
