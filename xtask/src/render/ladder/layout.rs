//! The costs ladder's layout, apart from its drawing: the logarithmic axis of whole decades,
//! labels wrapped to a width, and the colours' key laid out in lines that stay inside the
//! picture, in any language (a Hangul syllable is as wide as two Latin letters).

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
        if !line.is_empty() && units(&line) + 1 + units(word) > width {
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

/// A text's width in units of a Latin letter: a Hangul or CJK character is two.
pub fn units(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if c >= '\u{1100}' && !('\u{2000}'..'\u{2E80}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The height of a line of the colours' key.
pub const KEY_LINE: i32 = 22;

/// Where each entry of the colours' key goes, `(x, y below the first line)`, after a label
/// `label_units` wide; an entry that would cross the right edge starts a new line under the
/// first entry. Also how many lines the key takes.
pub fn key_places(label_units: usize, titles: &[String]) -> (Vec<(i32, i32)>, i32) {
    let first = 24 + 7 * label_units as i32 + 1;
    let (mut x, mut line) = (first, 0);
    let mut places = Vec::new();
    for title in titles {
        let width = 15 + 7 * units(title) as i32;
        if x > first && x + width > super::WIDTH - 12 {
            (x, line) = (first, line + 1);
        }
        places.push((x, line * KEY_LINE));
        x += width + 18;
    }
    (places, line + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ladder::WIDTH;

    #[test]
    fn the_key_wraps_before_the_right_edge() {
        let titles: Vec<String> = ["실제 I/O 기다리기", "멀티태스킹 기초", "풀", "프로세스"]
            .into_iter()
            .chain([
                "상태를 안전하게 공유하기",
                "스레드",
                "스케일 업 대 스케일 아웃",
            ])
            .map(str::to_owned)
            .collect();
        let (places, lines) = key_places(units("설명한 곳:"), &titles);
        assert!(lines > 1, "{places:?}");
        for (title, (x, _)) in titles.iter().zip(&places) {
            assert!(
                x + 15 + 7 * units(title) as i32 <= WIDTH - 12,
                "{title} at {x}"
            );
        }
        let short: Vec<String> = vec!["Pools".into(), "Threads".into()];
        assert_eq!(
            key_places(10, &short),
            (vec![(95, 0), (95 + 15 + 35 + 18, 0)], 1)
        );
    }

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
}
