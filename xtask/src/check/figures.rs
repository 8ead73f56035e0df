//! No measured figure is typed by hand into the prose. A number with a time unit (`12.3 µs`,
//! `2 s`, `40 milliseconds`) or a speed ratio (`3.2x`, `3.2×`, "4 times faster") outside code,
//! HTML and placeholders fails the check at its `file:line`: write `{{#measured ...}}` for a
//! measurement, `{{#quoted VALUE | SOURCE}}` for a figure from elsewhere, `{{#setting VALUE}}`
//! (or words, or code) for a value that is chosen, not measured. Every placeholder must render.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;

use crate::book::Page;
use crate::problem::Problem;
use crate::render::figures::{Figures, PLACEHOLDER};

static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b\d[\d,]*(?:\.\d+)?\s?(?:ns|µs|μs|us|ms)\b",
        r"|\b\d[\d,]*(?:\.\d+)?\s(?:s|secs?|seconds?|milliseconds?|microseconds?|nanoseconds?|minutes?|min)\b",
        r"|\b\d+\.\d+s\b",
        r"|\b\d+(?:\.\d+)?\s?[x×](?:[^\w]|$)",
        r"|\b\d+(?:\.\d+)?\s+times\s+(?:faster|slower|longer|shorter|quicker|cheaper|dearer|more|less|as|the|over)\b",
    ))
    .expect("valid regex")
});

/// Problems of every page: hand-typed figures, and placeholders that do not render.
pub(crate) fn check(figures: &Figures, pages: &[Page]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for page in pages {
        let Ok(text) = std::fs::read_to_string(&page.path) else {
            continue; // a missing page is reported when the book loads
        };
        for (line, found) in hand_typed(&text) {
            problems.push(page.problem(line, format!("`{found}` is typed by hand")).fix(
                "write `{{#measured CHAPTER median|ratio ID}}`, `{{#quoted VALUE | SOURCE}}` or `{{#setting VALUE}}`",
            ));
        }
        let (_, bad) = figures.expand(&text);
        for (line, why) in bad {
            problems.push(page.problem(line, why));
        }
    }
    problems
}

/// The figures typed by hand in a page's prose: `(line, text)`.
pub(crate) fn hand_typed(page: &str) -> Vec<(usize, String)> {
    // Placeholders carry ids, values and sources of their own: not prose. Blank them out
    // first (keeping every offset), as markdown would split one that holds a link.
    let blanked = PLACEHOLDER.replace_all(page, |c: &regex::Captures<'_>| {
        c[0].bytes()
            .map(|b| if b == b'\n' { '\n' } else { ' ' })
            .collect::<String>()
    });
    let page = blanked.as_ref();
    let line_of = |offset: usize| page[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut in_code = 0usize;
    for (event, range) in Parser::new(page).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(_) if in_code == 0 => {
                for m in FIGURE.find_iter(&page[range.clone()]) {
                    found.push((
                        line_of(range.start + m.start()),
                        m.as_str()
                            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '×')
                            .to_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_in_prose_are_found_at_their_lines() {
        let page = concat!(
            "# Title\n",
            "A thread starts in 12.3 µs, a process in 0.7 ms.\n",
            "Rayon is 1.9x faster, or 1.9× if you like, and 3 times faster than Python.\n",
            "It waits 2 s, or 40 milliseconds.\n",
        );
        let found: Vec<(usize, String)> = hand_typed(page);
        let texts: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "12.3 µs",
                "0.7 ms",
                "1.9x",
                "1.9×",
                "3 times faster",
                "2 s",
                "40 milliseconds"
            ]
        );
        assert_eq!(found[0].0, 2);
        assert_eq!(found[4].0, 3);
        assert_eq!(found[6].0, 4);
    }

    #[test]
    fn code_placeholders_counts_and_words_are_not_figures() {
        let page = concat!(
            "Run `--seconds 2` and see:\n\n",
            "```console\n$ cargo run\ntook 12.3 ms\n```\n\n",
            "It took {{#measured pools median count_primes/rayon}} ({{#measured pools ratio rayon-speedup}}),\n",
            "with a {{#setting 5 s}} deadline; Python's {{#quoted 2.5 ms | [docs](https://x)}}.\n",
            "We found 14,440 primes in the 1990s with 2 threads, a five-second wait and 4 cores.\n",
            "<!-- a 3 ms comment -->\n",
        );
        assert_eq!(hand_typed(page), Vec::<(usize, String)>::new());
    }
}
