//! The SVG plots a chapter's fragment shows, drawn with plotters from its results.

use anyhow::Result;

use crate::book::meta::{BarPlot, SpeedupPlot};
use crate::i18n::Tr;
use crate::results::{ChapterResults, speedup_points};

const COLORS: [plotters::style::RGBColor; 4] = [
    plotters::style::RGBColor(31, 119, 180),
    plotters::style::RGBColor(214, 39, 40),
    plotters::style::RGBColor(44, 160, 44),
    plotters::style::RGBColor(148, 103, 189),
];

/// The plots' words, for the translations (`i18n::ui`); `{cores}` is filled in.
pub mod words {
    pub const SPEEDUP: &str = "speedup (times faster)";
    pub const CEILING: &str = "{cores} cores: the ceiling";
    pub const NANOS: &str = "nanoseconds per call (log scale)";

    pub const ALL: &[&str] = &[SPEEDUP, CEILING, NANOS];
}

/// Draws a speedup plot as SVG text; `None` when no series has a point.
pub fn draw_speedup(
    plot: &SpeedupPlot,
    results: &ChapterResults,
    tr: &Tr<'_>,
) -> Result<Option<String>> {
    let t = |english: &str| tr.message(english).unwrap_or(english).to_owned();
    use plotters::prelude::*;
    let lines: Vec<(String, Vec<(f64, f64)>)> = plot
        .series
        .iter()
        .map(|s| {
            let pts = speedup_points(s, results)
                .into_iter()
                .map(|(x, y)| (if plot.log_x { x.log10() } else { x }, y))
                .collect();
            (t(&s.name), pts)
        })
        .filter(|(_, p): &(String, Vec<_>)| !p.is_empty())
        .collect();
    if lines.is_empty() {
        return Ok(None);
    }
    let cores = results.stamp.cores as f64;
    let xs = lines.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
    let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let pad = 0.3;
    let y_max = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .fold(cores, f64::max)
        // Headroom above the highest point keeps the legend (upper left) off the lines.
        * 1.6;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(t(&plot.title), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d((x0 - pad)..(x1 + pad), 0f64..y_max)?;
        let log_x = plot.log_x;
        let x_fmt = move |v: &f64| {
            if log_x {
                format!("{:.0}", 10f64.powf(*v))
            } else {
                format!("{v:.0}")
            }
        };
        chart
            .configure_mesh()
            .x_desc(t(&plot.x_label))
            .y_desc(tr.ui(words::SPEEDUP))
            // One label per whole number: thread counts, or whole decades on a log axis.
            .x_labels(whole_numbers(x0, x1).len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|v| format!("{v:.1}"))
            .draw()?;
        let ceiling = tr
            .ui(words::CEILING)
            .replace("{cores}", &results.stamp.cores.to_string());
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0 - pad, cores), (x1 + pad, cores)],
                6,
                4,
                BLACK.mix(0.5).stroke_width(1),
            ))?
            .label(ceiling)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
        for (i, (name, points)) in lines.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(Some(svg))
}

/// The whole numbers from `lo` to `hi`, both included.
fn whole_numbers(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.ceil() as i64, hi.floor() as i64);
    (lo..=hi).map(|v| v as f64).collect()
}

/// Draws a horizontal bar chart of medians (log time axis); `None` when nothing matches.
pub fn draw_bars(plot: &BarPlot, results: &ChapterResults, tr: &Tr<'_>) -> Result<Option<String>> {
    use plotters::prelude::*;
    let t = |english: &str| tr.message(english).unwrap_or(english).to_owned();
    let bars: Vec<(String, f64)> = results
        .measurements
        .iter()
        .filter_map(|m| Some((m.id.strip_prefix(&plot.prefix)?.to_owned(), m.median)))
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    // Log scale by hand: the axis holds log10(ns), the labels print the nanoseconds.
    let logs: Vec<f64> = bars.iter().map(|(_, ns)| ns.max(0.1).log10()).collect();
    let lo = logs
        .iter()
        .copied()
        .fold(f64::MAX, f64::min)
        .floor()
        .min(0.0);
    let hi = logs
        .iter()
        .copied()
        .fold(f64::MIN, f64::max)
        .ceil()
        .max(lo + 1.0);
    let n = bars.len();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 60 + 30 * n as u32)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(t(&plot.title), ("sans-serif", 18))
            .margin(12)
            // Room for the last label, centred on the right edge.
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(160)
            .build_cartesian_2d(lo..hi, 0f64..n as f64)?;
        let names: Vec<String> = bars.iter().map(|(name, _)| name.clone()).collect();
        // Bar i sits between n-i-1 and n-i, so the first one is at the top.
        let y_fmt = move |v: &f64| {
            let slot = *v - 0.5;
            let i = n as f64 - 1.0 - slot;
            if (slot - slot.round()).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                names[i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(tr.ui(words::NANOS))
            .x_labels((hi - lo) as usize + 1)
            .x_label_formatter(&|v| format!("{}", 10f64.powf(*v).round()))
            .y_labels(2 * n + 1)
            .y_label_formatter(&y_fmt)
            .draw()?;
        chart.draw_series(logs.iter().enumerate().map(|(i, &x)| {
            let top = (n - i) as f64 - 0.15;
            Rectangle::new([(lo, top - 0.7), (x, top)], COLORS[0].filled())
        }))?;
        root.present()?;
    }
    Ok(Some(svg))
}
