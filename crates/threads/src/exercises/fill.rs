//! Exercise: Fill a slice on scoped threads (easy)
//!
//! Write `fill_with`: it sets every element `out[i]` to `f(i)`, with the work split among
//! `threads` scoped threads, each one filling its own part of `out`. The caller's thread only
//! waits. A correct answer gives the same slice as the one-thread loop
//! `for (i, slot) in out.iter_mut().enumerate() { *slot = f(i) }`, for any number of threads
//! (more threads than elements included) and for an empty slice; and `f` really runs on more
//! than one thread, none of them the caller's.
//!
//! The chapter's `double_in_place` shows the tools: `thread::scope` lets the threads borrow
//! `out` and `f` without an `Arc`, and `chunks_mut` cuts `out` into parts that do not overlap,
//! so each thread can hold a `&mut` to its own. One thing it does not show: a thread only sees
//! its own part, so it must work out which index of `out` its first element has.

/// Sets `out[i] = f(i)` for every `i`, on at most `threads` scoped threads (at least one).
pub fn fill_with<T: Send>(out: &mut [T], threads: usize, f: impl Fn(usize) -> T + Sync) {
    // solution: begin
    let chunk = out.len().div_ceil(threads.max(1)).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        for (number, part) in out.chunks_mut(chunk).enumerate() {
            // The part's first element is element `number * chunk` of `out`.
            let start = number * chunk;
            scope.spawn(move || {
                for (offset, slot) in part.iter_mut().enumerate() {
                    *slot = f(start + offset);
                }
            });
        }
    });
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Mutex;

    #[test]
    fn every_element_gets_the_value_of_its_index() {
        for len in [0, 1, 7, 100] {
            for threads in 1..=5 {
                let mut out = vec![0; len];
                fill_with(&mut out, threads, |i| i * i);
                let expected: Vec<usize> = (0..len).map(|i| i * i).collect();
                assert_eq!(out, expected, "{len} elements on {threads} threads");
            }
        }
    }

    #[test]
    fn the_work_is_shared_among_threads_other_than_the_callers() {
        let seen = Mutex::new(HashSet::new());
        let mut out = vec![String::new(); 100];
        fill_with(&mut out, 4, |i| {
            seen.lock().unwrap().insert(std::thread::current().id());
            i.to_string()
        });
        assert_eq!(out[99], "99");
        let seen = seen.into_inner().unwrap();
        assert!(
            (2..=4).contains(&seen.len()),
            "f ran on {} threads, asked for 4",
            seen.len()
        );
        assert!(
            !seen.contains(&std::thread::current().id()),
            "the caller's thread did part of the work"
        );
    }
}
