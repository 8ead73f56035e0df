//! Exercise: Build the string once (medium)
//!
//! `render_table_slow` turns rows of names and numbers into a text table, one
//! `name: value` line per row. It builds the text the way a beginner writes `s = s + line`:
//! every row makes a new string with `format!` and copies everything written so far into
//! it. So it allocates once per row, and the bytes it copies grow with the square of the
//! number of rows. (CPython often avoids that copy by growing the string in place when
//! nothing else refers to it; `format!` always makes a new string.)
//!
//! Write `render_table`, which returns exactly the same text with **one** allocation, of
//! exactly the right size: work out how long the text will be first, reserve that with
//! `String::with_capacity`, then write into the string with `write!` (from
//! `std::fmt::Write`), which formats a number in place instead of making a `String` of it
//! the way `to_string` would. `u32::checked_ilog10` tells how many digits a number has,
//! less one (and `None` for zero, which has one digit).
//!
//! The tests count allocations with the chapter's `measure` and the `dhat` heap profiler.
//! dhat counts the allocations of every thread of the process, and the other tests run at
//! the same time, so the counting test runs itself again, alone, in a new process.

// solution: begin, skeleton:
use std::fmt::Write;
// solution: end

/// The table as text, one `name: value` line per row. Correct but slow: every row copies the
/// whole text so far into a new string.
pub fn render_table_slow(rows: &[(&str, u32)]) -> String {
    let mut text = String::new();
    for (name, value) in rows {
        text = format!("{text}{name}: {value}\n");
    }
    text
}

/// The same text as [`render_table_slow`], made with one allocation of exactly its length.
pub fn render_table(rows: &[(&str, u32)]) -> String {
    // solution: begin
    let digits = |n: u32| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    let len = rows
        .iter()
        .map(|(name, value)| name.len() + ": ".len() + digits(*value) + "\n".len())
        .sum();
    let mut text = String::with_capacity(len);
    for (name, value) in rows {
        // Writing into a String cannot fail.
        writeln!(text, "{name}: {value}").expect("a String takes any text");
    }
    text
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::measure;
    use std::process::Command;

    // dhat sees every allocation of this test program; it counts them only while a
    // profiler runs, which only the counting test below starts, in a process of its own.
    #[global_allocator]
    static ALLOC: dhat::Alloc = dhat::Alloc;

    /// Set in the process that runs the counting test alone.
    const ALONE: &str = "PROFILING_STRING_BUILDER_ALONE";

    const NAMES: [&str; 5] = ["set", "list", "tuple", "string", "list_append"];

    fn rows(count: u32) -> Vec<(&'static str, u32)> {
        (0..count)
            .map(|i| (NAMES[i as usize % NAMES.len()], i * i * 7 % 100_003))
            .collect()
    }

    #[test]
    fn same_text_as_the_slow_version() {
        assert_eq!(render_table(&[]), "");
        assert_eq!(render_table(&[("zero", 0)]), "zero: 0\n");
        assert_eq!(
            render_table(&[("a", 9), ("bb", 10), ("c", u32::MAX)]),
            "a: 9\nbb: 10\nc: 4294967295\n"
        );
        for count in [1, 7, 100] {
            let rows = rows(count);
            assert_eq!(
                render_table(&rows),
                render_table_slow(&rows),
                "{count} rows"
            );
        }
    }

    #[test]
    fn one_allocation_of_exactly_the_right_size() {
        let rows = rows(500);
        let text = render_table(&rows);
        assert_eq!(text, render_table_slow(&rows));
        if std::env::var_os(ALONE).is_some() {
            let _profiler = dhat::Profiler::builder().testing().build();
            let made = measure(|| render_table(&rows));
            assert_eq!(made.allocations, 1, "allocations for {} rows", rows.len());
            assert_eq!(made.kept, text.len() as u64, "bytes reserved for the text");
            // The counter works: the slow version allocates once per row at least.
            let slow = measure(|| render_table_slow(&rows));
            assert!(slow.allocations >= rows.len() as u64, "{slow:?}");
            return;
        }
        // Run this test again, alone in a new process, where nothing else of ours allocates.
        // libtest's own thread still makes a one-off allocation when the scheduler gets to
        // it, and dhat counts every thread (see tests/memory.rs): on a busy machine it once
        // landed inside the count, as 144 bytes "leaked". So a run that fails is run once
        // more; a wrong solution fails both.
        let module = module_path!();
        let path = module.split_once("::").map_or(module, |(_, rest)| rest);
        let name = format!("{path}::one_allocation_of_exactly_the_right_size");
        let run = || {
            Command::new(std::env::current_exe().expect("the test program"))
                .args([name.as_str(), "--exact", "--test-threads=1", "--nocapture"])
                .env(ALONE, "1")
                .output()
                .expect("the test program runs again")
        };
        let out = Some(run())
            .filter(|out| out.status.success())
            .unwrap_or_else(run);
        // Indented, so that its lines are not read as this program's own test results.
        let report: String = [out.stdout, out.stderr]
            .iter()
            .flat_map(|bytes| {
                String::from_utf8_lossy(bytes)
                    .lines()
                    .map(|l| format!("  | {l}\n"))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(out.status.success(), "alone, the test failed:\n{report}");
        assert!(
            report.contains("1 passed"),
            "the test did not run alone:\n{report}"
        );
    }
}
