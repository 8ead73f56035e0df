//! Comparing what an example printed with what the book shows, through snapbox's matcher:
//! `[..]` matches anything within a line, a line `...` matches any number of lines, and an
//! unordered block accepts its lines in any order.

use snapbox::{Assert, Data};

/// Why an output did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Index (from 0) of the first expected line that the output does not match.
    pub first_line: usize,
    /// A unified diff, expected against actual, with wildcards kept where they matched.
    pub diff: String,
    /// The actual output with every wildcard of the expected one that still matches kept:
    /// what `--bless` writes into the book.
    pub blessed: String,
}

/// Compares `actual` with `expected`. Trailing blank lines are ignored on both sides (a
/// markdown block cannot show them); everything else must match.
pub fn compare(expected: &str, actual: &str, unordered: bool) -> Result<(), Mismatch> {
    let expected = tidy(expected);
    let actual = tidy(actual);
    let mut exp = Data::text(expected.clone());
    if unordered {
        exp = exp.unordered();
    }
    let (act, _) = Assert::new()
        .normalize_paths(false)
        .normalize(Data::text(actual.clone()), exp);
    let act = act.render().unwrap_or(actual);
    if act == expected {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&expected, &act);
    let first_line = diff
        .ops()
        .iter()
        .find(|op| op.tag() != similar::DiffTag::Equal)
        .map_or(0, |op| op.old_range().start);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header("expected (the book)", "actual (the program)")
        .to_string();
    Err(Mismatch {
        first_line,
        diff: text,
        blessed: act,
    })
}

fn tidy(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut t = s.trim_end().to_string();
    t.push('\n');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blessed_text_keeps_the_wildcards_that_still_match() {
        let m = compare(
            "pid [..]\ncount 3\n...\nend",
            "pid 4242\ncount 4\nx\ny\nend\n",
            false,
        )
        .unwrap_err();
        assert_eq!(m.blessed, "pid [..]\ncount 4\n...\nend\n");
        assert_eq!(
            compare(&m.blessed, "pid 7\ncount 4\nz\nend\n", false),
            Ok(())
        );
    }

    #[test]
    fn exact_match() {
        assert_eq!(compare("a\nb", "a\nb\n", false), Ok(()));
    }

    #[test]
    fn exact_mismatch_names_the_first_differing_line() {
        let m = compare("a\nb\nc", "a\nB\nc\n", false).unwrap_err();
        assert_eq!(m.first_line, 1);
        assert!(m.diff.contains("-b\n+B\n"), "{}", m.diff);
    }

    #[test]
    fn missing_and_extra_lines_are_mismatches() {
        assert_eq!(compare("a\nb", "a\n", false).unwrap_err().first_line, 1);
        assert_eq!(compare("a", "a\nb\n", false).unwrap_err().first_line, 1);
    }

    #[test]
    fn inline_wildcard_matches_within_a_line_only() {
        assert_eq!(compare("took [..] ms", "took 12.5 ms", false), Ok(()));
        assert_eq!(compare("pid [..], done", "pid 4711, done", false), Ok(()));
        // `[..]` does not swallow a line break.
        let m = compare("took [..] ms", "took 12\nms", false).unwrap_err();
        assert_eq!(m.first_line, 0);
        // The literal parts must still match.
        assert!(compare("took [..] ms", "took 12 s", false).is_err());
    }

    #[test]
    fn line_wildcard_matches_any_number_of_lines() {
        assert_eq!(compare("start\n...\nend", "start\nend", false), Ok(()));
        assert_eq!(
            compare("start\n...\nend", "start\nx\ny\nz\nend", false),
            Ok(())
        );
        let m = compare("start\n...\nend", "start\nx\nfinish", false).unwrap_err();
        assert!(m.diff.contains("-end"), "{}", m.diff);
    }

    #[test]
    fn unordered_accepts_any_order_but_not_other_lines() {
        let expected = "worker [..] got 1\nworker [..] got 2\nworker [..] got 3";
        let shuffled = "worker b got 3\nworker a got 1\nworker b got 2";
        assert_eq!(compare(expected, shuffled, true), Ok(()));
        // The same lines in another order fail when order matters.
        assert!(compare(expected, shuffled, false).is_err());
        // A changed, missing or extra line fails even unordered.
        assert!(
            compare(
                expected,
                "worker b got 3\nworker a got 1\nworker b got 4",
                true
            )
            .is_err()
        );
        assert!(compare(expected, "worker b got 3\nworker a got 1", true).is_err());
        assert!(compare(expected, &format!("{shuffled}\nworker c got 5"), true).is_err());
    }

    #[test]
    fn trailing_blank_lines_do_not_matter_but_inner_ones_do() {
        assert_eq!(compare("a\n\n", "a\n", false), Ok(()));
        assert!(compare("a\nb", "a\n\nb\n", false).is_err());
    }
}
