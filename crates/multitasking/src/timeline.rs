//! The ramen kitchen's timeline, drawn as SVG from the kitchen's own journal.
//!
//! [`bars`] reads a journal (the [`Event`]s the cooks noted) and turns it into bars: who was
//! busy with what, from which kitchen minute to which. [`svg`] draws panels of such bars one
//! above the other, on the same time scale. Nothing in the picture is typed by hand, so it
//! cannot drift from what the program does. Every word it shows goes through [`Words`], so the
//! same drawing can be made in another language.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use crate::kitchen::{Event, Kind, Who};

/// What the cook notes when it hands a pot to the stove: an instant, not a bar of its own.
const STARTS_ON_THE_STOVE: &str = "starts on the stove:";
/// What the cook notes when its own hands are busy.
const WORKS: &str = "works:";

/// One bar of the timeline: `who` was busy with `label` from minute `from` to minute `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// The lane the bar is drawn in.
    pub who: Who,
    /// The kitchen minute it starts.
    pub from: u128,
    /// The kitchen minute it ends.
    pub to: u128,
    /// What was going on, e.g. "chop the green onion".
    pub label: String,
    /// Work (the cook's hands are busy) or a wait (for the stove).
    pub kind: Kind,
}

/// The short label of a journal line: "works: set the table (1 min)" gives "set the table".
fn label(what: &str) -> &str {
    let rest = what.split_once(": ").map_or(what, |(_, rest)| rest);
    rest.rsplit_once(" (").map_or(rest, |(head, _)| head)
}

/// Turns a journal into bars; `ready` is the minute the ramen was ready.
///
/// The cook is busy with each thing it notes until the next thing it notes (or `ready`).
/// Handing a pot to the stove takes no time: it opens a bar on the stove's lane instead, which
/// lasts until the stove notes that pot as done.
pub fn bars(events: &[Event], ready: u128) -> Vec<Bar> {
    let hands_over =
        |event: &Event| event.who == Who::Cook && event.what.starts_with(STARTS_ON_THE_STOVE);
    let cook: Vec<&Event> = events
        .iter()
        .filter(|event| event.who == Who::Cook && !hands_over(event))
        .collect();
    let mut bars = Vec::new();
    for (i, event) in cook.iter().enumerate() {
        let kind = if event.what.starts_with(WORKS) {
            Kind::Work
        } else {
            Kind::Wait
        };
        bars.push(Bar {
            who: Who::Cook,
            from: event.minute,
            to: cook.get(i + 1).map_or(ready, |next| next.minute),
            label: label(&event.what).to_owned(),
            kind,
        });
    }
    for done in events.iter().filter(|event| event.who == Who::Stove) {
        let what = label(&done.what);
        let put_on = events
            .iter()
            .find(|event| hands_over(event) && label(&event.what) == what);
        if let Some(put_on) = put_on {
            bars.push(Bar {
                who: Who::Stove,
                from: put_on.minute,
                to: done.minute,
                label: what.to_owned(),
                kind: Kind::Wait,
            });
        }
    }
    bars.retain(|bar| bar.to > bar.from);
    bars
}

/// One panel of the drawing: a title, the bars of one run, and the minute it was ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    /// Shown above the lanes.
    pub title: String,
    /// What happened, from [`bars`].
    pub bars: Vec<Bar>,
    /// The minute the ramen was ready: a line across the lanes.
    pub ready: u128,
}

/// The words a drawing shows, in English or in a translation. Each phrase is looked up whole,
/// as the drawing would show it in English; a phrase with no translation stays English. A
/// phrase that holds a number says so with a placeholder (`ready after {minutes} minutes`),
/// so that its translation does not depend on the run.
#[derive(Debug, Default)]
pub struct Words {
    translated: HashMap<String, String>,
    /// Every phrase asked for, once, in the order the drawing asked.
    asked: RefCell<Vec<String>>,
}

impl Words {
    /// A translation from lines of `English<TAB>translation` (blank lines are skipped).
    pub fn parse(text: &str) -> Result<Words, String> {
        let mut translated = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (english, shown) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: expected `English<TAB>translation`", i + 1))?;
            translated.insert(english.to_owned(), shown.to_owned());
        }
        Ok(Words {
            translated,
            asked: RefCell::default(),
        })
    }

    /// What to show for `english`.
    pub fn get(&self, english: &str) -> String {
        let mut asked = self.asked.borrow_mut();
        if !asked.iter().any(|a| a == english) {
            asked.push(english.to_owned());
        }
        self.translated
            .get(english)
            .cloned()
            .unwrap_or_else(|| english.to_owned())
    }

    /// Every English phrase asked for so far, in order: the list a translator works from.
    pub fn asked(&self) -> Vec<String> {
        self.asked.borrow().clone()
    }
}

/// A text's width in units of a Latin letter: a Hangul syllable or a CJK character is drawn
/// about twice as wide.
fn units(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if ('\u{1100}'..'\u{2000}').contains(&c) || c >= '\u{2E80}' {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Splits `text` into lines of at most `width` units (a Latin letter is one, a Hangul
/// syllable two), at spaces (a longer word gets a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if units(line) + 1 + units(word) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const LEFT: u32 = 76; // x of minute 0 at the least; the lane names go left of it
const RIGHT_MARGIN: u32 = 48; // room for "ready" right of the last minute
const BAR_HEIGHT: u32 = 50;
const LANE_GAP: u32 = 8;
const FONT: u32 = 11; // labels inside the bars
const WORK_FILL: &str = "#c7e9c0";
const WAIT_FILL: &str = "#fdd0a2";

/// Draws the panels one above the other, all on the same scale: `minute_px` pixels per
/// kitchen minute, with `words` for every word shown. The output depends only on its
/// arguments, byte for byte.
pub fn svg(panels: &[Panel], minute_px: u32, words: &Words) -> String {
    let px = u128::from(minute_px);
    let last_minute = panels
        .iter()
        .flat_map(|panel| panel.bars.iter().map(|bar| bar.to).chain([panel.ready]))
        .max()
        .unwrap_or(0);
    let lane_name = |who: &Who| {
        escape(&words.get(match who {
            Who::Cook => "cook",
            Who::Stove => "stove",
        }))
    };
    // Room for the longest lane name (about 7 pixels a unit at its 13-pixel size).
    let widest = [Who::Cook, Who::Stove]
        .iter()
        .map(|who| units(&lane_name(who)))
        .max()
        .unwrap_or(0);
    let left = u128::from(LEFT).max(20 + 7 * widest as u128 + 8);
    let x = |minute: u128| left + minute * px;
    let width = x(last_minute) + u128::from(RIGHT_MARGIN);
    // Characters that fit in a bar: about 0.55 of the font size each, with a little padding.
    let fits = |from: u128, to: u128| {
        let room = (to - from) * px;
        usize::try_from(room.saturating_sub(6) * 20 / (u128::from(FONT) * 11)).unwrap_or(1)
    };

    let mut body = String::new();
    let mut y: u128 = 12;
    for panel in panels {
        y += 22;
        let _ = writeln!(
            body,
            r##"  <text x="20" y="{y}" font-size="14" font-weight="bold" fill="#111">{}</text>"##,
            escape(&panel.title)
        );
        y += 10;
        let lanes: Vec<Who> = [Who::Cook, Who::Stove]
            .into_iter()
            .filter(|who| panel.bars.iter().any(|bar| bar.who == *who))
            .collect();
        let top = y;
        let bottom = top + u128::from(BAR_HEIGHT + LANE_GAP) * lanes.len() as u128;
        // Grid lines, one per minute, behind the bars.
        for minute in 0..=last_minute {
            let _ = writeln!(
                body,
                r##"  <line x1="{0}" y1="{top}" x2="{0}" y2="{bottom}" stroke="#dddddd"/>"##,
                x(minute)
            );
        }
        for who in &lanes {
            let name = lane_name(who);
            let middle = y + u128::from(BAR_HEIGHT) / 2;
            let _ = writeln!(
                body,
                r##"  <text x="20" y="{}" font-size="13" fill="#111">{name}</text>"##,
                middle + 4
            );
            for bar in panel.bars.iter().filter(|bar| bar.who == *who) {
                let fill = match bar.kind {
                    Kind::Work => WORK_FILL,
                    Kind::Wait => WAIT_FILL,
                };
                let _ = writeln!(
                    body,
                    r##"  <rect x="{}" y="{y}" width="{}" height="{BAR_HEIGHT}" rx="5" fill="{fill}" stroke="#333" stroke-width="1.5"/>"##,
                    x(bar.from),
                    (bar.to - bar.from) * px
                );
                let lines = wrap(&words.get(&bar.label), fits(bar.from, bar.to));
                let line_height = u128::from(FONT) + 2;
                let count = lines.len() as u128;
                // Centre the block of lines in the bar (y is a text baseline).
                let first = middle + u128::from(FONT) / 2 - (count - 1) * line_height / 2 - 1;
                let centre = (x(bar.from) + x(bar.to)) / 2;
                for (i, line) in lines.iter().enumerate() {
                    let _ = writeln!(
                        body,
                        r##"  <text x="{centre}" y="{}" font-size="{FONT}" text-anchor="middle" fill="#111">{}</text>"##,
                        first + i as u128 * line_height,
                        escape(line)
                    );
                }
            }
            y += u128::from(BAR_HEIGHT + LANE_GAP);
        }
        // The ready line, across the lanes.
        let ready = x(panel.ready);
        let _ = writeln!(
            body,
            r##"  <line x1="{ready}" y1="{}" x2="{ready}" y2="{}" stroke="#b2182b" stroke-width="2.5"/>"##,
            top - 4,
            bottom
        );
        let _ = writeln!(
            body,
            r##"  <text x="{}" y="{}" font-size="12" fill="#b2182b">{}</text>"##,
            ready + 4,
            top + u128::from(BAR_HEIGHT) / 2 + 4,
            escape(&words.get("ready"))
        );
        // The time axis.
        let axis = bottom;
        let _ = writeln!(
            body,
            r##"  <line x1="{}" y1="{axis}" x2="{}" y2="{axis}" stroke="#333"/>"##,
            x(0),
            x(last_minute)
        );
        for minute in 0..=last_minute {
            let _ = writeln!(
                body,
                r##"  <line x1="{0}" y1="{axis}" x2="{0}" y2="{1}" stroke="#333"/>"##,
                x(minute),
                axis + 4
            );
            let _ = writeln!(
                body,
                r##"  <text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#111">{minute}</text>"##,
                x(minute),
                axis + 17
            );
        }
        let _ = writeln!(
            body,
            r##"  <text x="{}" y="{}" font-size="11" text-anchor="end" fill="#444">{}</text>"##,
            left - 10,
            axis + 17,
            escape(&words.get("minute"))
        );
        y = axis + 24;
    }
    // The legend.
    y += 22;
    let legend = [
        (WORK_FILL, "work: the cook's hands are busy"),
        (WAIT_FILL, "wait: for the stove (the water, the noodles)"),
    ];
    let mut legend_x = 20;
    for (fill, text) in legend {
        let _ = writeln!(
            body,
            r##"  <rect x="{legend_x}" y="{}" width="22" height="14" rx="3" fill="{fill}" stroke="#333"/>"##,
            y - 11
        );
        let _ = writeln!(
            body,
            r##"  <text x="{}" y="{y}" font-size="12" fill="#111">{}</text>"##,
            legend_x + 30,
            escape(&words.get(text))
        );
        legend_x += 270;
    }
    let height = y + 16;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="title desc" font-family="sans-serif">"##
    );
    let _ = writeln!(
        svg,
        r#"  <title id="title">{}</title>"#,
        escape(&words.get("The ramen kitchen's timeline"))
    );
    let titles: Vec<&str> = panels.iter().map(|panel| panel.title.as_str()).collect();
    let desc = words.get(
        "Drawn from the kitchen's journal, one panel per run: {panels}. Each bar is what the cook or the stove was busy with, from minute to minute.",
    );
    let _ = writeln!(
        svg,
        r#"  <desc id="desc">{}</desc>"#,
        escape(&desc.replace("{panels}", &titles.join("; ")))
    );
    let _ = writeln!(
        svg,
        r##"  <rect x="1" y="1" width="{}" height="{}" rx="16" fill="#ffffff" stroke="#999"/>"##,
        width - 2,
        height - 2
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::kitchen::{FakeClock, Journal, cook_async, cook_sync, kitchen_minutes};

    const MINUTE: Duration = Duration::from_millis(100);

    fn bar(who: Who, from: u128, to: u128, label: &str, kind: Kind) -> Bar {
        Bar {
            who,
            from,
            to,
            label: label.to_owned(),
            kind,
        }
    }

    #[test]
    fn the_sync_cook_is_one_lane_of_back_to_back_steps() {
        let journal = Journal::new(MINUTE, false);
        let ready = kitchen_minutes(cook_sync(&FakeClock::default(), &journal), MINUTE);
        use {Kind::*, Who::*};
        assert_eq!(
            bars(&journal.events(), ready),
            [
                bar(Cook, 0, 4, "boil the water", Wait),
                bar(Cook, 4, 6, "chop the green onion", Work),
                bar(Cook, 6, 7, "crack an egg into a bowl", Work),
                bar(Cook, 7, 10, "cook the noodles", Wait),
                bar(Cook, 10, 11, "set the table", Work),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_async_cook_works_while_the_stove_waits() {
        let journal = Arc::new(Journal::new(MINUTE, false));
        let ready = cook_async(Arc::clone(&journal)).await.unwrap();
        let ready = kitchen_minutes(ready, MINUTE);
        use {Kind::*, Who::*};
        assert_eq!(
            bars(&journal.events(), ready),
            [
                bar(Cook, 0, 2, "chop the green onion", Work),
                bar(Cook, 2, 3, "crack an egg into a bowl", Work),
                bar(Cook, 3, 4, "waits for the water", Wait),
                bar(Cook, 4, 5, "set the table", Work),
                bar(Cook, 5, 7, "waits for the noodles", Wait),
                bar(Stove, 0, 4, "boil the water", Wait),
                bar(Stove, 4, 7, "cook the noodles", Wait),
            ]
        );
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(
            wrap("crack an egg into a bowl", 8),
            ["crack an", "egg into", "a bowl"]
        );
        assert_eq!(wrap("noodles", 3), ["noodles"]);
        assert!(wrap("", 5).is_empty());
    }

    #[test]
    fn svg_draws_every_bar_and_escapes_text() {
        let panel = Panel {
            title: "salt & pepper".to_owned(),
            bars: vec![
                bar(Who::Cook, 0, 2, "chop", Kind::Work),
                bar(Who::Stove, 0, 3, "boil", Kind::Wait),
            ],
            ready: 3,
        };
        let drawing = svg(&[panel], 50, &Words::default());
        assert!(drawing.starts_with("<svg "));
        assert!(drawing.ends_with("</svg>\n"));
        assert!(drawing.contains("salt &amp; pepper"));
        assert!(drawing.contains(r#"width="100" height="50""#), "{drawing}");
        assert!(drawing.contains(r#"width="150" height="50""#), "{drawing}");
        assert!(drawing.contains(">stove</text>"));
    }

    #[test]
    fn a_translated_drawing_shows_the_translation_of_every_phrase_asked() {
        let panel = Panel {
            title: "title".to_owned(),
            bars: vec![bar(Who::Cook, 0, 1, "crack an egg into a bowl", Kind::Work)],
            ready: 1,
        };
        let words = Words::parse("cook\t요리사\n\ncrack an egg into a bowl\t달걀 깨기\n").unwrap();
        let drawing = svg(&[panel], 56, &words);
        assert!(drawing.contains(">요리사</text>"), "{drawing}");
        // Two syllables are as wide as four letters: a 56-pixel bar takes them two by two.
        assert!(drawing.contains(">달걀</text>"), "{drawing}");
        assert!(drawing.contains(">깨기</text>"), "{drawing}");
        // Not translated: shown in English, and still listed for a translator.
        assert!(drawing.contains(">ready</text>"), "{drawing}");
        let asked = words.asked();
        assert_eq!(asked[..2], ["cook", "stove"]);
        assert!(asked.iter().any(|w| w == "crack an egg into a bowl"));
        assert!(asked.iter().any(|w| w == "ready"));
        assert!(asked.iter().any(|w| w.contains("{panels}")));
        assert!(Words::parse("no tab here").is_err());
    }
}
