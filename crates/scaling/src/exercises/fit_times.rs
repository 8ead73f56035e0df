//! Exercise: Fit Amdahl to your own timings (medium)
//!
//! Write `fit_amdahl`: from your measured runs (threads, seconds), find how many seconds of
//! the job are serial and how many are parallel, by least squares.
//!
//! Amdahl's law, written in seconds instead of speedups, says a run on `n` threads takes
//! `T(n) = a + b / n`: `a` seconds of serial work that no thread count shortens, and `b`
//! seconds of parallel work on one thread, shared by `n`. With `x = 1 / n` that is a straight
//! line, `T = a + b * x`, and the best line through the points `(1 / n, seconds)` has
//!
//! ```text
//! b = sum((x - mean_x) * (y - mean_y)) / sum((x - mean_x)^2)
//! a = mean_y - b * mean_x
//! ```
//!
//! The chapter's `laws::fit_serial_fraction` fits speedups, and every speedup is the
//! one-thread time divided by another run's time, so noise in that one run moves every
//! point. Here every run, the one-thread run included, is just one point of the line, and
//! several runs of the same thread count average out.
//!
//! A correct answer:
//! - skips runs with 0 threads, and returns `None` unless the runs have at least two
//!   different thread counts (a line needs two);
//! - recovers `a` and `b` from timings made exactly by the law (up to rounding), so its
//!   `Fit::serial_fraction` agrees with the chapter's fit on the same runs;
//! - gives 0 rather than a negative part: a negative serial time means the timings were
//!   noisier than the serial part is long (or faster than linear, thanks to the caches).
//!
//! Feed it the rows of the `scale_up` example (only the rows with no more threads than
//! cores: beyond them, threads take turns) and ask `Fit::predict` about a bigger machine.

use crate::laws::Run;

/// Amdahl's law fitted to timings: a run on `n` threads takes `serial + parallel / n` seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Seconds that no number of threads shortens.
    pub serial: f64,
    /// Seconds of work that `n` threads share (its time on one thread).
    pub parallel: f64,
}

impl Fit {
    /// The serial fraction `s` of Amdahl's law: the serial share of the one-thread time.
    pub fn serial_fraction(&self) -> f64 {
        let total = self.serial + self.parallel;
        if total > 0.0 {
            self.serial / total
        } else {
            0.0
        }
    }

    /// The time the fit forecasts on `threads` threads (or cores).
    pub fn predict(&self, threads: f64) -> f64 {
        self.serial + self.parallel / threads
    }
}

/// Fits `seconds = serial + parallel / threads` to `runs` by least squares, parts clamped
/// to 0 or more; `None` unless the runs have two or more different thread counts.
pub fn fit_amdahl(runs: &[Run]) -> Option<Fit> {
    // solution: begin
    let points: Vec<(f64, f64)> = runs
        .iter()
        .filter(|run| run.threads > 0)
        .map(|run| (1.0 / run.threads as f64, run.seconds))
        .collect();
    let count = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / count;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for &(x, y) in &points {
        sxy += (x - mean_x) * (y - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    // All x equal (one thread count, or none at all): no line to fit.
    if points.is_empty() || sxx <= 0.0 {
        return None;
    }
    let parallel = sxy / sxx;
    let serial = mean_y - parallel * mean_x;
    Some(Fit {
        serial: serial.max(0.0),
        parallel: parallel.max(0.0),
    })
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::laws::{amdahl, fit_points, fit_serial_fraction};

    fn run(threads: usize, seconds: f64) -> Run {
        Run { threads, seconds }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn recovers_the_parts_that_made_the_timings() {
        // 0.5 s serial, 3.5 s parallel: the serial fraction is 1/8.
        let runs: Vec<Run> = [1, 2, 4, 8].map(|n| run(n, 0.5 + 3.5 / n as f64)).to_vec();
        let fit = fit_amdahl(&runs).expect("four thread counts");
        assert!(
            close(fit.serial, 0.5) && close(fit.parallel, 3.5),
            "{fit:?}"
        );
        assert!(close(fit.serial_fraction(), 0.125));
        assert!(close(fit.predict(16.0), 0.5 + 3.5 / 16.0));
    }

    #[test]
    fn agrees_with_the_chapters_fit_on_exact_timings() {
        // Timings made from Amdahl's law with a serial fraction of 1/4 and 2 s on one thread.
        let runs: Vec<Run> = [1, 2, 3, 4]
            .map(|n| run(n, 2.0 / amdahl(0.25, n as f64)))
            .to_vec();
        let ours = fit_amdahl(&runs).unwrap().serial_fraction();
        let chapters = fit_serial_fraction(&fit_points(&runs, &runs[0], 4)).unwrap();
        assert!(close(ours, 0.25), "{ours}");
        assert!(close(ours, chapters), "{ours} and {chapters}");
    }

    #[test]
    fn repeated_runs_average_out() {
        // Two runs on 2 threads, one 0.1 s too slow and one 0.1 s too fast.
        let runs = [run(1, 4.0), run(2, 2.6), run(2, 2.4), run(4, 1.75)];
        let fit = fit_amdahl(&runs).unwrap();
        assert!(
            close(fit.serial, 1.0) && close(fit.parallel, 3.0),
            "{fit:?}"
        );
    }

    #[test]
    fn a_line_needs_two_thread_counts() {
        assert_eq!(fit_amdahl(&[]), None);
        assert_eq!(fit_amdahl(&[run(2, 1.0)]), None);
        assert_eq!(fit_amdahl(&[run(2, 1.0), run(2, 1.2)]), None);
        // A run on 0 threads is not a measurement: skipped.
        assert_eq!(fit_amdahl(&[run(0, 9.0), run(4, 1.0)]), None);
        assert!(fit_amdahl(&[run(0, 9.0), run(1, 2.0), run(2, 1.5)]).is_some());
    }

    #[test]
    fn no_part_is_negative() {
        // Faster than linear: 4 s on one thread, 1.5 s on two. The line says -1 s serial.
        let fit = fit_amdahl(&[run(1, 4.0), run(2, 1.5)]).unwrap();
        assert_eq!(fit.serial, 0.0);
        assert!(close(fit.parallel, 5.0), "{fit:?}");
        assert_eq!(fit.serial_fraction(), 0.0);
        // Slower with more threads: the line says a negative parallel part.
        let fit = fit_amdahl(&[run(1, 1.0), run(2, 1.5)]).unwrap();
        assert_eq!(fit.parallel, 0.0);
        assert_eq!(fit.serial_fraction(), 1.0);
    }
}
