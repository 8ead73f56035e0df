//! Where the time goes: a deliberately slow program, and a CPU profile of it taken from
//! inside the process by the `pprof` sampling profiler and drawn as a flamegraph.
//!
//! The program removes duplicates from a list of numbers twice: once the way a Python
//! beginner might (`if x not in seen: seen.append(x)`, which scans the whole list for every
//! number), once with a hash set. Both give the same answer; the profile shows which one
//! the time goes to.

use std::collections::HashSet;
use std::io::Write;
use std::os::raw::c_int;

use anyhow::{Context, Result, bail};

// ANCHOR: program
/// Makes `count` pseudo-random numbers below `count`, the same ones for the same `seed`
/// (a linear congruential generator: no dependency, no randomness between runs).
#[inline(never)]
pub fn make_numbers(count: u32, seed: u64) -> Vec<u32> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % u64::from(count)) as u32
        })
        .collect()
}

/// The slow way: `seen.contains` walks the whole list every time, so the work grows with
/// the square of the input.
#[inline(never)]
pub fn dedup_with_list(numbers: &[u32]) -> Vec<u32> {
    let mut seen = Vec::new();
    for &x in numbers {
        if !seen.contains(&x) {
            seen.push(x);
        }
    }
    seen
}

/// The usual way: a hash set answers "seen before?" in about the same time however big
/// it is.
#[inline(never)]
pub fn dedup_with_set(numbers: &[u32]) -> Vec<u32> {
    let mut seen = HashSet::with_capacity(numbers.len());
    numbers
        .iter()
        .copied()
        .filter(|&x| seen.insert(x))
        .collect()
}

/// One round of the slow program: make the numbers, deduplicate them both ways, check the
/// two answers agree. Returns how many distinct numbers there were.
pub fn round(count: u32, seed: u64) -> Result<usize> {
    let numbers = make_numbers(count, seed);
    let slow = dedup_with_list(&numbers);
    let fast = dedup_with_set(&numbers);
    if slow != fast {
        bail!("the two ways disagree");
    }
    Ok(fast.len())
}
// ANCHOR_END: program

/// The functions of the program, as the profile names them.
pub const STAGES: [&str; 3] = ["make_numbers", "dedup_with_list", "dedup_with_set"];

/// A finished CPU profile: how many samples caught each call stack.
pub struct CpuProfile {
    report: pprof::Report,
}

impl std::fmt::Debug for CpuProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpuProfile")
            .field("stacks", &self.report.data.len())
            .field("samples", &self.samples())
            .finish()
    }
}

// ANCHOR: profile
/// Runs `f` under the sampling profiler, which interrupts the process `frequency` times per
/// second of CPU time and records the call stack it interrupted.
///
/// Only one profile can run at a time in a process (the profiler is a signal handler).
pub fn profile<T>(frequency: u32, f: impl FnOnce() -> T) -> Result<(T, CpuProfile)> {
    let frequency = c_int::try_from(frequency).context("sampling frequency too high")?;
    let guard = pprof::ProfilerGuardBuilder::default()
        .frequency(frequency)
        // Unwinding through these from a signal handler is unreliable, and the time spent
        // in them is reported as their caller's anyway.
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()
        .context("cannot start the profiler")?;
    let value = f();
    let report = guard.report().build().context("cannot build the profile")?;
    Ok((value, CpuProfile { report }))
}
// ANCHOR_END: profile

impl CpuProfile {
    /// All samples taken.
    pub fn samples(&self) -> u64 {
        self.report.data.values().map(|&n| n.max(0) as u64).sum()
    }

    /// Samples whose call stack goes through the function named `name` of this module
    /// (directly or in something it called).
    pub fn samples_in(&self, name: &str) -> u64 {
        let wanted = format!("hotspot::{name}");
        self.report
            .data
            .iter()
            .filter(|(frames, _)| {
                frames
                    .frames
                    .iter()
                    .flatten()
                    .any(|symbol| symbol_is(&symbol.name(), &wanted))
            })
            .map(|(_, &n)| n.max(0) as u64)
            .sum()
    }

    /// Writes the profile as a flamegraph SVG: one box per function, as wide as the share
    /// of samples it was on the stack for, callers below their callees.
    pub fn write_flamegraph(&self, out: impl Write, title: &str) -> Result<()> {
        let mut options = pprof::flamegraph::Options::default();
        options.title = title.to_string();
        options.count_name = "samples".to_string();
        // Colours from a hash of the name, not random: the same profile draws the same.
        options.deterministic = true;
        self.report
            .flamegraph_with_options(out, &mut options)
            .context("cannot draw the flamegraph")
    }
}

/// Whether a demangled symbol (`profiling::hotspot::round` or, with the hash left on,
/// `profiling::hotspot::round::h0123456789abcdef`) is the function `path` ends with.
fn symbol_is(symbol: &str, path: &str) -> bool {
    let symbol = match symbol.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            head
        }
        _ => symbol,
    };
    symbol == path || symbol.ends_with(path) && symbol[..symbol.len() - path.len()].ends_with("::")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_agree_and_keep_first_appearance_order() {
        let numbers = [3, 1, 3, 2, 1, 3];
        assert_eq!(dedup_with_list(&numbers), [3, 1, 2]);
        assert_eq!(dedup_with_set(&numbers), [3, 1, 2]);
        assert_eq!(round(1_000, 7).unwrap(), round(1_000, 7).unwrap());
    }

    #[test]
    fn numbers_are_repeatable_and_in_range() {
        let a = make_numbers(500, 1);
        assert_eq!(a, make_numbers(500, 1));
        assert_ne!(a, make_numbers(500, 2));
        assert!(a.iter().all(|&x| x < 500));
        // Some repeat (otherwise there would be nothing to remove), but not all.
        let distinct = dedup_with_set(&a).len();
        assert!(distinct > 100 && distinct < 500, "{distinct}");
    }

    #[test]
    fn recognises_symbols_with_and_without_hash() {
        let path = "hotspot::dedup_with_list";
        assert!(symbol_is("profiling::hotspot::dedup_with_list", path));
        assert!(symbol_is(
            "profiling::hotspot::dedup_with_list::h0123456789abcdef",
            path
        ));
        assert!(!symbol_is("profiling::hotspot::dedup_with_list_fast", path));
        assert!(!symbol_is("profiling::myhotspot::dedup_with_list", path));
    }
}
