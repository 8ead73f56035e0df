//! The costs ladder: every row of the costs appendix as a dot on one logarithmic time axis,
//! cheapest at the top, so that the steps from an atomic increment to a new process are seen
//! at a glance. Drawn with plotters like the chapters' plots, but laid out by hand: each row's
//! label may wrap over lines, and the axis's ticks are whole decades that `LogAxis` places
//! (and its tests check), not ones a plotting library picks.

use std::collections::BTreeMap;

use anyhow::Result;

mod layout;

use layout::{KEY_LINE, key_places, units};
use layout::{LogAxis, wrap};

use crate::book::meta::Cost;
use crate::i18n::Tr;
use crate::render::fragment::Pages;
use crate::results::{ChapterResults, Unit, fmt_time};

/// The file the costs page shows, under `book/src/generated/`.
pub const FILE: &str = "costs-ladder.svg";

/// A row of the ladder.
struct Row {
    label: Vec<String>,
    median: f64,
    interval: Option<(f64, f64)>,
    chapter: usize,
}

const WIDTH: i32 = 760;
/// Where the labels end (right-aligned) and the axis begins and ends.
const LABEL_RIGHT: i32 = 326;
const AXIS_LEFT: f64 = 344.0;
const AXIS_RIGHT: f64 = 700.0;
/// Characters per label line: what fits left of the axis at the label's size.
const LABEL_CHARS: usize = 48;
const LINE: i32 = 15;
const TOP: i32 = 66;

/// Colour-blind-safe (Okabe-Ito, and a dark grey), dark enough on white: one per chapter.
const CHAPTER_COLORS: [plotters::style::RGBColor; 6] = [
    plotters::style::RGBColor(0, 114, 178),
    plotters::style::RGBColor(213, 94, 0),
    plotters::style::RGBColor(0, 158, 115),
    plotters::style::RGBColor(204, 121, 167),
    plotters::style::RGBColor(70, 70, 70),
    plotters::style::RGBColor(230, 159, 0),
];

/// plotters writes a font size of `size / 1.24` into the SVG: this gives `px` pixels.
fn px(px: f64) -> f64 {
    px * 1.24
}

/// Draws the ladder of every measured cost row as SVG text, cheapest at the top; rows not
/// measured yet are left out (the table says "not measured").
/// The chart's words, for the translations (`i18n::ui`).
pub mod words {
    pub const TITLE: &str = "The ladder of costs: every cost on one time scale";
    pub const SUBTITLE: &str = "Cheapest at the top. Dot: the median; whisker: its 95% interval. Each gridline is ten times the one before.";
    pub const AXIS: &str = "time per operation (log scale)";
    pub const NOTHING: &str = "nothing measured yet: run `cargo xtask bench`";
    pub const EXPLAINED_IN: &str = "Explained in:";

    pub const ALL: &[&str] = &[TITLE, SUBTITLE, AXIS, NOTHING, EXPLAINED_IN];
}

pub fn draw_ladder(
    all: &BTreeMap<String, ChapterResults>,
    costs: &[(String, Cost)],
    pages: &Pages,
    tr: &Tr<'_>,
) -> Result<String> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    // Chapters in the order their rows come (the workspace's), each with its colour.
    let mut chapters: Vec<&str> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for (chapter, c) in costs {
        let Some(m) = all.get(chapter).and_then(|r| r.get(&c.id)) else {
            continue;
        };
        if m.unit != Unit::Nanos {
            continue;
        }
        let index = match chapters.iter().position(|n| n == chapter) {
            Some(i) => i,
            None => {
                chapters.push(chapter);
                chapters.len() - 1
            }
        };
        rows.push(Row {
            label: wrap(
                &tr.message(&c.what).unwrap_or(&c.what).replace('`', ""),
                LABEL_CHARS,
            ),
            median: m.median,
            interval: m.interval,
            chapter: index,
        });
    }
    rows.sort_by(|a, b| a.median.total_cmp(&b.median));
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|r| {
            let (lo, hi) = r.interval.unwrap_or((r.median, r.median));
            [r.median, lo, hi]
        })
        .collect();
    let axis = LogAxis::covering(&values, AXIS_LEFT, AXIS_RIGHT);
    let heights: Vec<i32> = rows
        .iter()
        .map(|r| (r.label.len() as i32 * LINE + 9).max(26))
        .collect();
    let axis_y = TOP + heights.iter().sum::<i32>().max(40) + 4;
    let explained = tr.ui(words::EXPLAINED_IN);
    let titles: Vec<String> = chapters
        .iter()
        .map(|chapter| {
            let title = pages.get(*chapter).map_or(*chapter, |(_, t)| t.as_str());
            tr.message(title).unwrap_or(title).to_owned()
        })
        .collect();
    let (places, key_rows) = key_places(units(&explained), &titles);
    let height = axis_y + 96 + KEY_LINE * (key_rows - 1);

    let dark = RGBColor(33, 33, 33);
    let grey = RGBColor(90, 90, 90);
    let font = |size: f64, color: RGBColor, h: HPos| {
        ("sans-serif", px(size))
            .into_font()
            .color(&color)
            .pos(Pos::new(h, VPos::Center))
    };
    let color_of = |i: usize| CHAPTER_COLORS[i % CHAPTER_COLORS.len()];

    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (WIDTH as u32, height as u32)).into_drawing_area();
        root.fill(&WHITE)?;
        root.draw(&Text::new(
            tr.ui(words::TITLE),
            (WIDTH / 2, 24),
            ("sans-serif", px(19.0))
                .into_font()
                .style(FontStyle::Bold)
                .color(&dark)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            tr.ui(words::SUBTITLE),
            (WIDTH / 2, 46),
            font(12.5, grey, HPos::Center),
        ))?;
        // Stripes, so the eye keeps to a row from its label to its dot.
        let mut y = TOP;
        for (i, h) in heights.iter().enumerate() {
            if i % 2 == 0 {
                root.draw(&Rectangle::new(
                    [(12, y), (WIDTH - 12, y + h)],
                    RGBColor(242, 244, 247).filled(),
                ))?;
            }
            y += h;
        }
        // The decades: gridlines across every row, a tick and a label under the axis.
        let grid = RGBColor(200, 200, 200);
        for ns in axis.minor_ticks() {
            let x = axis.x(ns).round() as i32;
            root.draw(&PathElement::new(
                vec![(x, axis_y), (x, axis_y + 4)],
                grey.stroke_width(1),
            ))?;
        }
        for (ns, label) in axis.ticks() {
            let x = axis.x(ns).round() as i32;
            root.draw(&PathElement::new(
                vec![(x, TOP - 4), (x, axis_y)],
                grid.stroke_width(1),
            ))?;
            root.draw(&PathElement::new(
                vec![(x, axis_y), (x, axis_y + 7)],
                dark.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                label,
                (x, axis_y + 18),
                font(12.0, dark, HPos::Center),
            ))?;
        }
        root.draw(&PathElement::new(
            vec![
                (AXIS_LEFT.round() as i32, axis_y),
                (AXIS_RIGHT.round() as i32, axis_y),
            ],
            dark.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            tr.ui(words::AXIS),
            ((AXIS_LEFT + AXIS_RIGHT) as i32 / 2, axis_y + 40),
            font(12.5, dark, HPos::Center),
        ))?;
        if rows.is_empty() {
            root.draw(&Text::new(
                tr.ui(words::NOTHING),
                ((AXIS_LEFT + AXIS_RIGHT) as i32 / 2, TOP + 20),
                font(12.5, dark, HPos::Center),
            ))?;
        }
        // The rows.
        let mut top = TOP;
        for (row, h) in rows.iter().zip(&heights) {
            let mid = top + h / 2;
            let first = mid - (row.label.len() as i32 - 1) * LINE / 2;
            for (k, line) in row.label.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (LABEL_RIGHT, first + k as i32 * LINE),
                    font(12.0, dark, HPos::Right),
                ))?;
            }
            let color = color_of(row.chapter);
            let x = axis.x(row.median).round() as i32;
            let (lo, hi) = row.interval.map_or((x, x), |(lo, hi)| {
                (axis.x(lo).round() as i32, axis.x(hi).round() as i32)
            });
            if hi > lo {
                root.draw(&PathElement::new(
                    vec![(lo, mid), (hi, mid)],
                    color.stroke_width(2),
                ))?;
                for end in [lo, hi] {
                    root.draw(&PathElement::new(
                        vec![(end, mid - 4), (end, mid + 4)],
                        color.stroke_width(2),
                    ))?;
                }
            }
            root.draw(&Circle::new((x, mid), 5, color.filled()))?;
            // The value beside the dot: right of the whisker, or left of it near the edge.
            let value = fmt_time(row.median);
            let right = hi.max(x + 5) + 6;
            if right + 7 * value.chars().count() as i32 <= WIDTH - 8 {
                root.draw(&Text::new(
                    value,
                    (right, mid),
                    font(11.5, grey, HPos::Left),
                ))?;
            } else {
                let left = lo.min(x - 5) - 6;
                root.draw(&Text::new(
                    value,
                    (left, mid),
                    font(11.5, grey, HPos::Right),
                ))?;
            }
            top += h;
        }
        // Which chapter explains each row: the colours' key.
        let key_y = axis_y + 70;
        root.draw(&Text::new(
            explained,
            (24, key_y),
            font(12.5, dark, HPos::Left),
        ))?;
        for (i, (title, (x, dy))) in titles.into_iter().zip(places).enumerate() {
            root.draw(&Circle::new((x + 5, key_y + dy), 5, color_of(i).filled()))?;
            root.draw(&Text::new(
                title,
                (x + 15, key_y + dy),
                font(12.5, dark, HPos::Left),
            ))?;
        }
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{m, results};

    #[test]
    fn the_ladder_draws_measured_rows_cheapest_first() {
        let r = results("threads", 2, vec![m("lock", 20.0), m("atomic", 5.0)]);
        let p = results("processes", 2, vec![m("process", 1.0e6)]);
        let all = BTreeMap::from([("threads".to_owned(), r), ("processes".to_owned(), p)]);
        let cost = |what: &str, id: &str| Cost {
            what: what.into(),
            id: id.into(),
            section: "s".into(),
        };
        let costs = vec![
            ("threads".to_owned(), cost("a `Mutex` increment", "lock")),
            ("threads".to_owned(), cost("an atomic increment", "atomic")),
            ("processes".to_owned(), cost("start a process", "process")),
            ("processes".to_owned(), cost("never measured", "gone")),
        ];
        let pages = Pages::from([(
            "threads".to_owned(),
            ("threads.md".to_owned(), "Threads".to_owned()),
        )]);
        let svg = draw_ladder(&all, &costs, &pages, &Tr::ENGLISH).unwrap();
        let at = |text: &str| svg.find(text).unwrap_or_else(|| panic!("{text}: {svg}"));
        assert!(at("an atomic increment") < at("a Mutex increment"));
        assert!(at("a Mutex increment") < at("start a process"));
        assert!(!svg.contains("never measured"), "{svg}");
        for label in [
            "1 ns",
            "1 µs",
            "1 ms",
            "5.00 ns",
            "1.00 ms",
            "Threads",
            "processes",
        ] {
            at(label);
        }
        assert!(svg.contains("time per operation (log scale)"), "{svg}");
    }
}
