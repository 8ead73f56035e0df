//! Draws the ramen kitchen's timeline as SVG: the synchronous cook above, the asynchronous
//! cook below, each drawn from the journal its own run wrote.
//!
//! Both cooks run on clocks that do not wait: the synchronous one on the tests' fake clock,
//! the asynchronous one on tokio's paused clock. The kitchen's code is the same as in
//! `ramen_sync` and `ramen_async`; only time is virtual, so the drawing comes out byte for
//! byte the same on every run, however busy the machine is.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use multitasking::kitchen::{FakeClock, Journal, cook_async, cook_sync, kitchen_minutes};
use multitasking::timeline::{Panel, Words, bars, svg};

/// Print the ramen kitchen's timeline (sync above async) as SVG on stdout.
#[derive(Debug, Parser)]
struct Args {
    /// How many pixels wide one kitchen minute is drawn.
    #[arg(long, default_value_t = 56, value_parser = clap::value_parser!(u32).range(20..=200))]
    minute_px: u32,
    /// Draw the words in another language, from a file of `English<TAB>translation` lines
    /// (the Korean edition's drawing is made this way from po/ko.po).
    #[arg(long, value_name = "FILE")]
    words: Option<PathBuf>,
    /// Print the English phrases the drawing shows, one per line, instead of the drawing.
    #[arg(long)]
    list_words: bool,
}

// ANCHOR: main
// The clock starts paused: when every task waits, tokio moves it straight to the next timer,
// so each wait lasts exactly its length and nobody waits for real.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let words = load_words(args.words.as_ref())?;
    let minute = Duration::from_millis(100);

    let journal = Journal::new(minute, false);
    let ready = kitchen_minutes(cook_sync(&FakeClock::default(), &journal), minute);
    let sync = Panel {
        title: words
            .get("One step after the other (cook_sync): ready after {minutes} minutes")
            .replace("{minutes}", &ready.to_string()),
        bars: bars(&journal.events(), ready),
        ready,
    };

    let journal = Arc::new(Journal::new(minute, false));
    let ready = kitchen_minutes(cook_async(Arc::clone(&journal)).await?, minute);
    let concurrent = Panel {
        title: words
            .get("The stove waits, the cook works (cook_async): ready after {minutes} minutes")
            .replace("{minutes}", &ready.to_string()),
        bars: bars(&journal.events(), ready),
        ready,
    };

    let drawing = svg(&[sync, concurrent], args.minute_px, &words);
    if args.list_words {
        for phrase in words.asked() {
            println!("{phrase}");
        }
    } else {
        print!("{drawing}");
    }
    Ok(())
}
// ANCHOR_END: main

fn load_words(path: Option<&PathBuf>) -> Result<Words> {
    let Some(path) = path else {
        return Ok(Words::default());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Words::parse(&text).map_err(|why| anyhow!("{}: {why}", path.display()))
}
