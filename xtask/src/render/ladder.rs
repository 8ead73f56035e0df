//! The costs ladder: every row of the costs appendix as a dot on one logarithmic time axis,
//! cheapest at the top, so that the steps from an atomic increment to a new process are seen
//! at a glance. Drawn with plotters like the chapters' plots, but laid out by hand: each row's
//! label may wrap over lines, and the axis's ticks are whole decades that `LogAxis` places
//! (and its tests check), not ones a plotting library picks.

use std::collections::BTreeMap;

use anyhow::Result;

use super::fragment::Pages;
use crate::book::meta::Cost;
use crate::results::{ChapterResults, Unit, fmt_time};

/// The file the costs page shows, under `book/src/generated/`.
pub const FILE: &str = "costs-ladder.svg";

/// A logarithmic time axis of whole decades, `10^lo` to `10^hi` nanoseconds, drawn between
/// two pixel columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogAxis {
    pub lo: i32,
    pub hi: i32,
    pub left: f64,
    pub right: f64,
}

impl LogAxis {
    /// The decades around `values` (nanoseconds), and never less than a nanosecond to a
    /// millisecond: the same frame on every machine, so two runs' pictures compare.
    pub fn covering(values: &[f64], left: f64, right: f64) -> LogAxis {
        let logs = values
            .iter()
            .filter(|v| v.is_finite() && **v > 0.0)
            .map(|v| v.log10());
        let (min, max) = logs.fold((0.0f64, 6.0f64), |(a, b), l| (a.min(l), b.max(l)));
        LogAxis {
            lo: min.floor() as i32,
            hi: max.ceil() as i32,
            left,
            right,
        }
    }

    /// The pixel column of `ns` nanoseconds (values outside the axis are clamped to it).
    pub fn x(&self, ns: f64) -> f64 {
        let l = ns
            .max(f64::MIN_POSITIVE)
            .log10()
            .clamp(self.lo as f64, self.hi as f64);
        self.left + (l - self.lo as f64) / (self.hi - self.lo) as f64 * (self.right - self.left)
    }

    /// One labelled tick per decade: `(nanoseconds, label)`.
    pub fn ticks(&self) -> Vec<(f64, String)> {
        (self.lo..=self.hi)
            .map(|e| (10f64.powi(e), decade_label(e)))
            .collect()
    }

    /// The unlabelled ticks between decades: 2, 3, ... 9 times each decade.
    pub fn minor_ticks(&self) -> Vec<f64> {
        (self.lo..self.hi)
            .flat_map(|e| (2..10).map(move |k| f64::from(k) * 10f64.powi(e)))
            .collect()
    }
}

/// `10^e` nanoseconds in the unit that reads best: `1 ns`, `100 µs`, `10 ms`, `0.1 ns`.
fn decade_label(e: i32) -> String {
    match e {
        ..0 => format!("0.{}1 ns", "0".repeat((-e - 1) as usize)),
        0..3 => format!("{} ns", 10i64.pow(e as u32)),
        3..6 => format!("{} µs", 10i64.pow(e as u32 - 3)),
        6..9 => format!("{} ms", 10i64.pow(e as u32 - 6)),
        _ => format!("{} s", 10i64.pow(e as u32 - 9)),
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces (a longer word keeps
/// its own line).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

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
pub fn draw_ladder(
    all: &BTreeMap<String, ChapterResults>,
    costs: &[(String, Cost)],
    pages: &Pages,
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
            label: wrap(&c.what.replace('`', ""), LABEL_CHARS),
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
    let height = axis_y + 96;

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
            "The ladder of costs: every cost on one time scale",
            (WIDTH / 2, 24),
            ("sans-serif", px(19.0))
                .into_font()
                .style(FontStyle::Bold)
                .color(&dark)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            "Cheapest at the top. Dot: the median; whisker: its 95% interval. Each gridline is ten times the one before.",
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
            "time per operation (log scale)",
            ((AXIS_LEFT + AXIS_RIGHT) as i32 / 2, axis_y + 40),
            font(12.5, dark, HPos::Center),
        ))?;
        if rows.is_empty() {
            root.draw(&Text::new(
                "nothing measured yet: run `cargo xtask bench`",
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
        let mut x = 24;
        root.draw(&Text::new(
            "Explained in:",
            (x, key_y),
            font(12.5, dark, HPos::Left),
        ))?;
        x += 92;
        for (i, chapter) in chapters.iter().enumerate() {
            let title = pages.get(*chapter).map_or(*chapter, |(_, t)| t.as_str());
            root.draw(&Circle::new((x + 5, key_y), 5, color_of(i).filled()))?;
            root.draw(&Text::new(
                title.to_owned(),
                (x + 15, key_y),
                font(12.5, dark, HPos::Left),
            ))?;
            x += 15 + 7 * title.chars().count() as i32 + 18;
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
    fn the_axis_spans_whole_decades_and_at_least_a_nanosecond_to_a_millisecond() {
        let axis = LogAxis::covering(&[5.24, 1.07e6], 100.0, 800.0);
        assert_eq!((axis.lo, axis.hi), (0, 7));
        let labels: Vec<String> = axis.ticks().into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            labels,
            [
                "1 ns", "10 ns", "100 ns", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms"
            ]
        );
        // Nothing measured, or only a narrow band: still the frame of a nanosecond to a
        // millisecond.
        assert_eq!(LogAxis::covering(&[], 0.0, 1.0).lo, 0);
        assert_eq!(LogAxis::covering(&[], 0.0, 1.0).hi, 6);
        let narrow = LogAxis::covering(&[20.0, 30.0], 0.0, 1.0);
        assert_eq!((narrow.lo, narrow.hi), (0, 6));
        // Below a nanosecond or above a second, the axis grows by whole decades.
        let wide = LogAxis::covering(&[0.05, 2.5e9], 0.0, 1.0);
        assert_eq!((wide.lo, wide.hi), (-2, 10));
        assert_eq!(wide.ticks()[0].1, "0.01 ns");
        assert_eq!(wide.ticks()[1].1, "0.1 ns");
        assert_eq!(wide.ticks().last().unwrap().1, "10 s");
        // A power of ten is its own decade's end, not the start of the next.
        assert_eq!(LogAxis::covering(&[1e7], 0.0, 1.0).hi, 7);
    }

    #[test]
    fn the_scale_is_logarithmic_and_ticks_are_evenly_spaced() {
        let axis = LogAxis::covering(&[5.0, 5e6], 100.0, 800.0);
        assert_eq!((axis.lo, axis.hi), (0, 7));
        assert_eq!(axis.x(1.0), 100.0);
        assert_eq!(axis.x(1e7), 800.0);
        assert!((axis.x(1e3) - 400.0).abs() < 1e-9);
        // Ten times the time is always the same step to the right.
        let step = axis.x(50.0) - axis.x(5.0);
        assert!((step - 100.0).abs() < 1e-9, "{step}");
        assert!((axis.x(5e5) - axis.x(5e4) - step).abs() < 1e-9);
        let xs: Vec<f64> = axis.ticks().iter().map(|(ns, _)| axis.x(*ns)).collect();
        for pair in xs.windows(2) {
            assert!((pair[1] - pair[0] - 100.0).abs() < 1e-9, "{xs:?}");
        }
        // Minor ticks: 2..9 of each decade, between its labelled ends, closer and closer.
        let minor = axis.minor_ticks();
        assert_eq!(minor.len(), 7 * 8);
        assert_eq!(minor[0], 2.0);
        assert!((axis.x(minor[0]) - (100.0 + 100.0 * 2f64.log10())).abs() < 1e-9);
        assert!(axis.x(3.0) - axis.x(2.0) > axis.x(9.0) - axis.x(8.0));
        // Out of range is clamped to the ends, never drawn off the axis.
        assert_eq!(axis.x(0.0), 100.0);
        assert_eq!(axis.x(1e12), 800.0);
    }

    #[test]
    fn labels_wrap_at_spaces() {
        assert_eq!(
            wrap("start a process (/bin/true) and wait for it", 20),
            ["start a process", "(/bin/true) and wait", "for it"]
        );
        assert_eq!(wrap("short", 20), ["short"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
    }

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
        let svg = draw_ladder(&all, &costs, &pages).unwrap();
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
