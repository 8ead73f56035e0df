//! Exercise: Count words on threads (easy)
//!
//! `count_words` counts how often each word occurs in a list of lines, splitting the lines
//! among `threads` threads. The single-threaded habit of Python and of Rust alike would be an
//! `Rc<RefCell<HashMap>>` that every part of the program updates. It does not compile here:
//! an `Rc` cannot be sent to another thread, and a `RefCell` cannot be shared between threads
//! (the chapter shows both compiler errors). Write it with types that can: scoped threads that
//! borrow the lines, and one map behind a `Mutex` that they all update.
//!
//! Words are split on whitespace and compared as written ("Ramen" and "ramen" are two words).
//! Every line must be counted exactly once, whatever the number of threads (at least one
//! thread runs even when `threads` is 0), and an empty list gives an empty map.
//!
//! A faster answer has each thread count its own part into a map of its own and merge the
//! maps at the end, taking the lock once per thread instead of once per word: try both.

use std::collections::HashMap;
use std::sync::Mutex;

/// How often each word occurs in `lines`, counted on `threads` threads.
pub fn count_words(lines: &[&str], threads: usize) -> HashMap<String, usize> {
    // solution: begin
    let counts = Mutex::new(HashMap::new());
    let chunk = lines.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for part in lines.chunks(chunk) {
            let counts = &counts;
            scope.spawn(move || {
                // Count this part alone, then take the shared lock once to merge it.
                let mut mine: HashMap<String, usize> = HashMap::new();
                for word in part.iter().flat_map(|line| line.split_whitespace()) {
                    *mine.entry(word.to_owned()).or_default() += 1;
                }
                let mut all = counts.lock().unwrap_or_else(|e| e.into_inner());
                for (word, n) in mine {
                    *all.entry(word).or_default() += n;
                }
            });
        }
    });
    counts.into_inner().unwrap_or_else(|e| e.into_inner())
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequential(lines: &[&str]) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for word in lines.iter().flat_map(|line| line.split_whitespace()) {
            *counts.entry(word.to_owned()).or_default() += 1;
        }
        counts
    }

    #[test]
    fn a_few_lines_are_counted_right() {
        let lines = ["ramen ramen udon", "udon soba", "ramen"];
        let counts = count_words(&lines, 2);
        assert_eq!(counts.len(), 3);
        assert_eq!(counts["ramen"], 3);
        assert_eq!(counts["udon"], 2);
        assert_eq!(counts["soba"], 1);
    }

    #[test]
    fn any_number_of_threads_gives_the_sequential_count() {
        let text: Vec<String> = (0..500)
            .map(|i| format!("dish{} dish{} sauce", i % 7, i % 13))
            .collect();
        let lines: Vec<&str> = text.iter().map(String::as_str).collect();
        let expected = sequential(&lines);
        for threads in [0, 1, 2, 3, 8, 1000] {
            assert_eq!(count_words(&lines, threads), expected, "{threads} threads");
        }
    }

    #[test]
    fn no_lines_give_an_empty_map() {
        assert!(count_words(&[], 4).is_empty());
    }
}
