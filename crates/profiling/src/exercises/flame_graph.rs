//! Exercise: From samples to a flame graph (hard)
//!
//! Do by hand what happens between a sampling profiler and the picture. The profiler hands
//! you one call stack per sample, written as the frames from the outermost caller to the
//! function that was running, joined by `;` (`"main;round;dedup_with_list"`). Write two
//! functions:
//!
//! 1. `fold` counts identical stacks. It returns each distinct stack once with its number of
//!    samples, ordered frame by frame: compare the first frames of two stacks, then the
//!    second ones, and so on, a stack that runs out first coming first (the order of
//!    `Vec<&str>`; plain string order is wrong when a name holds a character that sorts
//!    before `;`, such as `-` or a digit). This is the "folded" format that flame graph
//!    tools read, one `stack count` line per distinct stack.
//! 2. `flame_boxes` lays the folded stacks out. Put the stacks side by side in that order,
//!    each as wide as its count, and draw one box for each run of neighbouring stacks that
//!    share the same frames up to some depth. A box's `depth` is its frame's position in
//!    the stack (0 for the outermost caller), its `start` is how many samples lie to its
//!    left, and its `width` is the number of samples whose stack goes through it. So a
//!    function's box is as wide as the samples it was on the stack for, its callees sit on
//!    top of it, and the samples that stopped in the function itself are the part of its
//!    box with nothing on top. Return the boxes ordered by depth, then by start.
//!
//! A correct answer merges what it must (two samples of one stack are one box; two callees
//! of one caller share the caller's box) and nothing more (the same function called from
//! two different callers gets two boxes).

// solution: begin, skeleton:
use std::collections::BTreeMap;
// solution: end

/// One box of a flame graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlameBox {
    /// The function.
    pub name: String,
    /// Its position in the call stack: 0 for the outermost caller.
    pub depth: usize,
    /// How many samples lie to its left.
    pub start: u64,
    /// How many samples had it on the stack, at this position under these callers.
    pub width: u64,
}

/// Counts identical stacks (`"main;round;work"`, outermost first): each distinct stack
/// once, with its number of samples, ordered frame by frame.
pub fn fold(samples: &[&str]) -> Vec<(String, u64)> {
    // solution: begin
    // A map keyed by the frames keeps the stacks in the order a flame graph needs.
    let mut counts: BTreeMap<Vec<&str>, u64> = BTreeMap::new();
    for sample in samples {
        *counts.entry(sample.split(';').collect()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(frames, count)| (frames.join(";"), count))
        .collect()
    // solution: end
}

/// Lays out the folded stacks of [`fold`] (in its order) as flame graph boxes, ordered by
/// depth, then by start.
pub fn flame_boxes(folded: &[(String, u64)]) -> Vec<FlameBox> {
    // solution: begin
    let mut boxes = Vec::new();
    // The boxes still open: the frames of the previous stack, with where each started.
    let mut open: Vec<(&str, u64)> = Vec::new();
    let mut x = 0;
    let mut close_down_to = |open: &mut Vec<(&str, u64)>, depth: usize, x: u64| {
        while open.len() > depth {
            let (name, start) = open.pop().expect("longer than depth");
            boxes.push(FlameBox {
                name: name.to_string(),
                depth: open.len(),
                start,
                width: x - start,
            });
        }
    };
    for (stack, count) in folded {
        let frames: Vec<&str> = stack.split(';').collect();
        // The frames this stack shares with the previous one keep their boxes open.
        let shared = open
            .iter()
            .zip(&frames)
            .take_while(|((open_name, _), name)| open_name == *name)
            .count();
        close_down_to(&mut open, shared, x);
        open.extend(frames[shared..].iter().map(|&name| (name, x)));
        x += count;
    }
    close_down_to(&mut open, 0, x);
    boxes.sort_by_key(|b| (b.depth, b.start));
    boxes
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(name: &str, depth: usize, start: u64, width: u64) -> FlameBox {
        FlameBox {
            name: name.to_string(),
            depth,
            start,
            width,
        }
    }

    fn folded(lines: &[(&str, u64)]) -> Vec<(String, u64)> {
        lines.iter().map(|&(s, n)| (s.to_string(), n)).collect()
    }

    /// The chapter's slow program, sampled ten times.
    const SAMPLES: [&str; 10] = [
        "main;round;dedup_with_list",
        "main;round;make_numbers",
        "main;round;dedup_with_list",
        "main;round;dedup_with_set;insert",
        "main;round;dedup_with_list",
        "main",
        "main;round;dedup_with_list",
        "main;round;dedup_with_set",
        "main;round;dedup_with_list",
        "main;round;dedup_with_list",
    ];

    #[test]
    fn fold_counts_identical_stacks_in_order() {
        assert_eq!(
            fold(&SAMPLES),
            folded(&[
                ("main", 1),
                ("main;round;dedup_with_list", 6),
                ("main;round;dedup_with_set", 1),
                ("main;round;dedup_with_set;insert", 1),
                ("main;round;make_numbers", 1),
            ])
        );
    }

    #[test]
    fn fold_orders_frame_by_frame_not_by_text() {
        // As text, "f-2;x" sorts between "f" and "f;y" ('-' comes before ';').
        assert_eq!(
            fold(&["f;y", "f-2;x", "f"]),
            folded(&[("f", 1), ("f;y", 1), ("f-2;x", 1)])
        );
    }

    #[test]
    fn boxes_of_the_slow_program() {
        assert_eq!(
            flame_boxes(&fold(&SAMPLES)),
            [
                boxed("main", 0, 0, 10),
                boxed("round", 1, 1, 9),
                boxed("dedup_with_list", 2, 1, 6),
                boxed("dedup_with_set", 2, 7, 2),
                boxed("make_numbers", 2, 9, 1),
                boxed("insert", 3, 8, 1),
            ]
        );
    }

    #[test]
    fn one_function_under_two_callers_is_two_boxes() {
        let boxes = flame_boxes(&folded(&[("main;a;work", 3), ("main;b;work", 2)]));
        assert_eq!(
            boxes,
            [
                boxed("main", 0, 0, 5),
                boxed("a", 1, 0, 3),
                boxed("b", 1, 3, 2),
                boxed("work", 2, 0, 3),
                boxed("work", 2, 3, 2),
            ]
        );
    }

    #[test]
    fn widths_add_up_and_callees_fit_inside_callers() {
        let samples: Vec<String> = (0..200u32)
            .map(|i| match i % 7 {
                0 | 3 => "main;parse".to_string(),
                1 => "main;parse;read".to_string(),
                2 | 5 => format!("main;work;step{}", i % 3),
                4 => "main;work;step0;alloc".to_string(),
                _ => "idle".to_string(),
            })
            .collect();
        let samples: Vec<&str> = samples.iter().map(String::as_str).collect();
        let boxes = flame_boxes(&fold(&samples));
        // The outermost boxes cover every sample once.
        let roots: u64 = boxes.iter().filter(|b| b.depth == 0).map(|b| b.width).sum();
        assert_eq!(roots, samples.len() as u64);
        // Every other box lies inside a box one level down.
        for b in boxes.iter().filter(|b| b.depth > 0) {
            assert!(
                boxes.iter().any(|p| p.depth + 1 == b.depth
                    && p.start <= b.start
                    && b.start + b.width <= p.start + p.width),
                "{b:?} has no caller under it"
            );
        }
        // A box is as wide as the samples that went through it.
        let through_parse = samples
            .iter()
            .filter(|s| s.starts_with("main;parse"))
            .count();
        let parse: Vec<_> = boxes.iter().filter(|b| b.name == "parse").collect();
        assert_eq!(parse.len(), 1);
        assert_eq!(parse[0].width, through_parse as u64);
        // Ordered by depth, then start.
        assert!(
            boxes
                .windows(2)
                .all(|w| (w[0].depth, w[0].start) < (w[1].depth, w[1].start))
        );
    }
}
