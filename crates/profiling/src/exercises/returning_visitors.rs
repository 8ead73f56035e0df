//! Exercise: Fix the accidental quadratic loop (medium)
//!
//! A site keeps the list of visitors of each day. `returning_visitors_slow` answers "who came
//! back?": the visitors of `today` who also came `yesterday`, each once, in the order they
//! first appear today. It is correct, and it is the hot spot of its program: a profile puts
//! almost every sample in it. Both `contains` calls walk a whole list, so for every visitor
//! of today it compares against every visitor of yesterday, and the work grows with the
//! product of the two lengths, like the chapter's `dedup_with_list`.
//!
//! Write `returning_visitors`, which gives exactly the same answer with work that grows with
//! the sum of the lengths. The tests do not time it: their visitor type counts its own
//! comparisons (`==`) and clones, and a correct answer
//! - returns what `returning_visitors_slow` returns, for every input;
//! - compares two visitors at most 4 times per visitor of the input, on average (the slow
//!   version compares thousands of times per visitor on the tests' input);
//! - clones only the visitors it returns, once each: the sets you build can hold references
//!   to the input (`HashSet<&V>`) instead of copies.
//!
//! `V` is only `Eq + Hash + Clone`: it cannot be sorted, so a hash set is the tool.

use std::hash::Hash;
// solution: begin, skeleton:
use std::collections::HashSet;
// solution: end

/// The visitors of `today` who also came `yesterday`, each once, in the order of their first
/// visit today. Correct but slow: every `contains` walks a whole list.
pub fn returning_visitors_slow<V: PartialEq + Clone>(yesterday: &[V], today: &[V]) -> Vec<V> {
    let mut back = Vec::new();
    for visitor in today {
        if yesterday.contains(visitor) && !back.contains(visitor) {
            back.push(visitor.clone());
        }
    }
    back
}

/// The same answer as [`returning_visitors_slow`], with work that grows with the sum of the
/// two lengths, not their product.
pub fn returning_visitors<V: Eq + Hash + Clone>(yesterday: &[V], today: &[V]) -> Vec<V> {
    // solution: begin
    // References into the input: building the sets clones nothing.
    let came_yesterday: HashSet<&V> = yesterday.iter().collect();
    let mut seen: HashSet<&V> = HashSet::new();
    today
        .iter()
        .filter(|&visitor| came_yesterday.contains(visitor) && seen.insert(visitor))
        .cloned()
        .collect()
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::hash::Hasher;

    thread_local! {
        // Each test runs on its own thread, so each has its own counts.
        static COMPARISONS: Cell<u64> = const { Cell::new(0) };
        static CLONES: Cell<u64> = const { Cell::new(0) };
    }

    /// A visitor id that counts how often it is compared and cloned.
    #[derive(Debug)]
    struct Visitor(u32);

    impl PartialEq for Visitor {
        fn eq(&self, other: &Self) -> bool {
            COMPARISONS.with(|c| c.set(c.get() + 1));
            self.0 == other.0
        }
    }
    impl Eq for Visitor {}

    impl Hash for Visitor {
        fn hash<H: Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    impl Clone for Visitor {
        fn clone(&self) -> Self {
            CLONES.with(|c| c.set(c.get() + 1));
            Visitor(self.0)
        }
    }

    /// Visitor ids below `range`, the same for the same seed.
    fn visitors(count: usize, range: u32, seed: u64) -> Vec<Visitor> {
        crate::hotspot::make_numbers(range, seed)
            .into_iter()
            .cycle()
            .take(count)
            .map(Visitor)
            .collect()
    }

    fn ids(list: &[Visitor]) -> Vec<u32> {
        list.iter().map(|v| v.0).collect()
    }

    /// Runs `f` and returns its result with the comparisons and clones it made.
    fn counted<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
        COMPARISONS.with(|c| c.set(0));
        CLONES.with(|c| c.set(0));
        let result = f();
        (result, COMPARISONS.with(Cell::get), CLONES.with(Cell::get))
    }

    #[test]
    fn a_small_example() {
        let yesterday = [Visitor(4), Visitor(1), Visitor(7), Visitor(1)];
        let today = [
            Visitor(7),
            Visitor(2),
            Visitor(1),
            Visitor(7),
            Visitor(9),
            Visitor(4),
        ];
        assert_eq!(ids(&returning_visitors(&yesterday, &today)), [7, 1, 4]);
        assert!(returning_visitors::<Visitor>(&[], &today).is_empty());
        assert!(returning_visitors(&yesterday, &[]).is_empty());
    }

    #[test]
    fn same_answer_as_the_slow_version() {
        for seed in 1..=5 {
            let yesterday = visitors(300, 400, seed);
            let today = visitors(250, 400, seed + 100);
            let fast = returning_visitors(&yesterday, &today);
            let slow = returning_visitors_slow(&yesterday, &today);
            assert_eq!(ids(&fast), ids(&slow), "seed {seed}");
        }
    }

    #[test]
    fn comparisons_grow_with_the_sum_not_the_product() {
        let yesterday = visitors(3_000, 4_000, 1);
        let today = visitors(3_000, 4_000, 2);
        let items = (yesterday.len() + today.len()) as u64;

        let (fast, comparisons, _) = counted(|| returning_visitors(&yesterday, &today));
        assert!(
            comparisons <= 4 * items,
            "{comparisons} comparisons for {items} visitors: more than 4 per visitor"
        );
        // The counter works: the slow version, on the same input, does far more.
        let (slow, slow_comparisons, _) = counted(|| returning_visitors_slow(&yesterday, &today));
        assert_eq!(ids(&fast), ids(&slow));
        assert!(slow_comparisons > 100 * items, "{slow_comparisons}");
    }

    #[test]
    fn clones_only_what_it_returns() {
        let yesterday = visitors(1_000, 1_500, 3);
        let today = visitors(1_000, 1_500, 4);
        let (back, _, clones) = counted(|| returning_visitors(&yesterday, &today));
        assert!(!back.is_empty());
        assert_eq!(
            clones,
            back.len() as u64,
            "clone only the visitors returned"
        );
    }
}
