//! How far scale-up can go: speedup, efficiency, and the laws of Amdahl and Gustafson.
//!
//! All pure functions of numbers, so the tests check them exactly.

// ANCHOR: laws
/// Amdahl's law: the speedup on `n` cores of a job whose fraction `serial` (of its time on
/// one core) cannot run in parallel. The job stays the same size however many cores there are.
///
/// `T(n) = serial + (1 - serial) / n` (with `T(1) = 1`), and the speedup is `1 / T(n)`.
pub fn amdahl(serial: f64, n: f64) -> f64 {
    1.0 / (serial + (1.0 - serial) / n)
}

/// What Amdahl's law allows with any number of cores: `1 / serial`.
pub fn amdahl_ceiling(serial: f64) -> f64 {
    1.0 / serial
}

/// Gustafson's law: the *scaled* speedup on `n` cores when the job grows with the machine.
///
/// The serial part keeps its time; the parallel part gets `n` times bigger, so each core
/// stays as busy as the single core was. `serial` is the serial share of the run's time.
/// One core would need `serial + n * (1 - serial)` for the grown job: that is the speedup.
pub fn gustafson(serial: f64, n: f64) -> f64 {
    n - serial * (n - 1.0)
}
// ANCHOR_END: laws

// ANCHOR: fit
/// The serial fraction that one measured point implies: Amdahl's law solved for `serial`
/// (known as the Karp-Flatt metric). `None` for `n <= 1`, where every fraction fits.
pub fn karp_flatt(n: f64, speedup: f64) -> Option<f64> {
    (n > 1.0).then(|| (1.0 / speedup - 1.0 / n) / (1.0 - 1.0 / n))
}

/// The serial fraction that fits the measured `(cores, speedup)` points best, by least
/// squares, clamped to `0..=1`. `None` when no point has more than one core.
///
/// Amdahl's law is a straight line through the origin once written as
/// `1/S - 1/n = serial * (1 - 1/n)`; with `x = 1 - 1/n` and `y = 1/S - 1/n` the best slope
/// is `sum(x*y) / sum(x*x)`. With a single point this is exactly [`karp_flatt`] of it.
pub fn fit_serial_fraction(points: &[(f64, f64)]) -> Option<f64> {
    let (mut xy, mut xx) = (0.0, 0.0);
    for &(n, speedup) in points.iter().filter(|(n, _)| *n > 1.0) {
        let x = 1.0 - 1.0 / n;
        let y = 1.0 / speedup - 1.0 / n;
        xy += x * y;
        xx += x * x;
    }
    (xx > 0.0).then(|| (xy / xx).clamp(0.0, 1.0))
}
// ANCHOR_END: fit

/// One measurement: the job took `seconds` on a pool of `threads` threads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    pub threads: usize,
    pub seconds: f64,
}

impl Run {
    /// How many times faster than `base` (the one-thread run).
    pub fn speedup(&self, base: &Run) -> f64 {
        base.seconds / self.seconds
    }

    /// Speedup per thread: 1.0 means every thread pulled its full weight.
    pub fn efficiency(&self, base: &Run) -> f64 {
        self.speedup(base) / self.threads as f64
    }
}

/// The `(cores, speedup)` points to fit: runs on more than one thread but no more threads
/// than `cores`. Beyond the cores, threads take turns on the same cores (oversubscription):
/// Amdahl's `n` counts cores, not threads.
pub fn fit_points(runs: &[Run], base: &Run, cores: usize) -> Vec<(f64, f64)> {
    runs.iter()
        .filter(|r| r.threads > 1 && r.threads <= cores)
        .map(|r| (r.threads as f64, r.speedup(base)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fractions that are exact in binary (1/4, 1/8, ...) make the arithmetic exact too.

    #[test]
    fn amdahl_extremes_and_a_known_value() {
        assert_eq!(amdahl(0.0, 8.0), 8.0); // all parallel: linear
        assert_eq!(amdahl(1.0, 8.0), 1.0); // all serial: no gain
        assert_eq!(amdahl(0.25, 1.0), 1.0);
        assert_eq!(amdahl(0.25, 4.0), 16.0 / 7.0); // 1 / (1/4 + 3/16)
        assert_eq!(amdahl(0.125, 2.0), 16.0 / 9.0);
        assert_eq!(amdahl_ceiling(0.125), 8.0);
        // The ceiling is approached, never passed.
        assert!(amdahl(0.125, 1e12) < 8.0);
        assert!(amdahl(0.125, 1e12) > 7.999_999);
    }

    #[test]
    fn gustafson_known_values() {
        assert_eq!(gustafson(0.0, 64.0), 64.0);
        assert_eq!(gustafson(1.0, 64.0), 1.0);
        assert_eq!(gustafson(0.25, 4.0), 3.25);
        assert_eq!(gustafson(0.125, 256.0), 256.0 - 255.0 / 8.0);
        // Same serial fraction, very different outlook at 256 cores.
        assert!(gustafson(0.125, 256.0) > 200.0);
        assert!(amdahl(0.125, 256.0) < 8.0);
    }

    #[test]
    fn karp_flatt_inverts_amdahl() {
        assert_eq!(karp_flatt(1.0, 1.0), None);
        assert_eq!(karp_flatt(2.0, 2.0), Some(0.0));
        assert_eq!(karp_flatt(4.0, 1.0), Some(1.0));
        assert_eq!(karp_flatt(4.0, 16.0 / 7.0), Some(0.25));
    }

    #[test]
    fn the_fit_recovers_the_fraction_that_made_the_points() {
        let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0]
            .iter()
            .map(|&n| (n, amdahl(0.125, n)))
            .collect();
        let fitted = fit_serial_fraction(&points).unwrap();
        assert!((fitted - 0.125).abs() < 1e-12, "{fitted}");
    }

    #[test]
    fn the_fit_of_one_point_is_its_karp_flatt_value() {
        assert_eq!(fit_serial_fraction(&[(4.0, 16.0 / 7.0)]), Some(0.25));
        assert_eq!(fit_serial_fraction(&[(1.0, 1.0)]), None);
        assert_eq!(fit_serial_fraction(&[]), None);
    }

    #[test]
    fn the_fit_is_clamped() {
        // Faster than linear (a noisy measurement, or caches) would mean a negative fraction.
        assert_eq!(fit_serial_fraction(&[(2.0, 2.5)]), Some(0.0));
        // Slower with more threads would mean more than all of it is serial.
        assert_eq!(fit_serial_fraction(&[(2.0, 0.5)]), Some(1.0));
    }

    #[test]
    fn speedup_and_efficiency() {
        let base = Run {
            threads: 1,
            seconds: 2.0,
        };
        let two = Run {
            threads: 2,
            seconds: 1.25,
        };
        assert_eq!(two.speedup(&base), 1.6);
        assert_eq!(two.efficiency(&base), 0.8);
        assert_eq!(base.efficiency(&base), 1.0);
    }

    #[test]
    fn fit_points_leave_out_one_thread_and_oversubscription() {
        let runs: Vec<Run> = [(1, 4.0), (2, 2.0), (3, 2.0), (4, 2.0)]
            .iter()
            .map(|&(threads, seconds)| Run { threads, seconds })
            .collect();
        assert_eq!(fit_points(&runs, &runs[0], 2), [(2.0, 2.0)]);
        assert_eq!(fit_points(&runs, &runs[0], 3), [(2.0, 2.0), (3.0, 2.0)]);
    }
}
