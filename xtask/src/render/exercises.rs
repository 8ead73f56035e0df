//! `{{#exercise CHAPTER NAME}}` in a page: the task, the skeleton, the tests, and the
//! solution behind a `<details>` the reader opens on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use anyhow::Result;
use regex::Regex;

use crate::book::Book;
use crate::exercises::{Exercise, Version};
use crate::i18n::Tr;

/// `{{#exercise CHAPTER NAME}}`; `\{{#exercise ...}}` is shown as written.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{#exercise(?:\s+([^}\s]+))?(?:\s+([^}\s]+))?\s*\}\}").expect("valid regex")
});

/// `(chapter, name)` of an exercise.
pub type Key = (String, String);
/// `(line, message)`.
type Problems = Vec<(usize, String)>;

/// Every chapter's exercises, by `(chapter, name)`.
#[derive(Debug, Default, Clone)]
pub struct Exercises(BTreeMap<Key, Exercise>);

impl Exercises {
    pub fn load(book: &Book) -> Result<Exercises> {
        let mut all = BTreeMap::new();
        for krate in &book.ws.crates {
            for e in crate::exercises::of_chapter(krate, book.root())? {
                all.insert((e.chapter.clone(), e.name.clone()), e);
            }
        }
        Ok(Exercises(all))
    }

    #[cfg(test)]
    pub fn from_list(list: Vec<Exercise>) -> Exercises {
        Exercises(
            list.into_iter()
                .map(|e| ((e.chapter.clone(), e.name.clone()), e))
                .collect(),
        )
    }

    /// Renders the placeholders of a page: the text, the exercises shown, and the problems
    /// as `(line, message)`.
    #[cfg(test)]
    pub fn expand(&self, text: &str) -> (String, Vec<Key>, Problems) {
        self.expand_in(text, &Tr::ENGLISH)
    }

    /// [`Exercises::expand`] for an edition: the task and the words around the code are `tr`'s.
    pub fn expand_in(&self, text: &str, tr: &Tr<'_>) -> (String, Vec<Key>, Problems) {
        let mut out = String::with_capacity(text.len());
        let (mut shown, mut problems) = (Vec::new(), Vec::new());
        let mut last = 0;
        for caps in PLACEHOLDER.captures_iter(text) {
            let whole = caps.get(0).expect("match");
            out.push_str(&text[last..whole.start()]);
            last = whole.end();
            if caps.get(1).is_some() {
                out.push_str(&whole.as_str()[1..]);
                continue;
            }
            let line = text[..whole.start()].matches('\n').count() + 1;
            let (Some(chapter), Some(name)) = (caps.get(2), caps.get(3)) else {
                problems.push((line, "write `{{#exercise CHAPTER NAME}}`".into()));
                out.push_str(whole.as_str());
                continue;
            };
            let key = (chapter.as_str().to_owned(), name.as_str().to_owned());
            match self.0.get(&key) {
                Some(e) => {
                    out.push_str(&render(e, tr));
                    shown.push(key);
                }
                None => {
                    problems.push((
                        line,
                        format!(
                            "`{}`: no exercise `{}` in chapter `{}` (crates/…/src/exercises/{}.rs, declared in its mod.rs)",
                            whole.as_str(),
                            key.1,
                            key.0,
                            key.1
                        ),
                    ));
                    out.push_str(whole.as_str());
                }
            }
        }
        out.push_str(&text[last..]);
        (out, shown, problems)
    }
}

/// The words an exercise adds around its code, for the translations (`i18n::ui`).
pub const PASSES: &str = "A correct answer passes these tests";
pub const SOLUTION: &str = "Solution";

/// The markdown an exercise becomes.
pub fn render(e: &Exercise, tr: &Tr<'_>) -> String {
    format!(
        "{task}\n\n```rust\n{skeleton}```\n\n{passes} (`{command}`):\n\n```rust\n{tests}```\n\n\
         <details class=\"solution\">\n<summary>{solution_word}</summary>\n\n```rust\n\
         {solution}```\n\n</details>\n",
        task = tr.md(&e.task),
        passes = tr.ui(PASSES),
        solution_word = tr.ui(SOLUTION),
        skeleton = e.code(Version::Skeleton),
        command = e.command(false),
        tests = e.tests_code(),
        solution = e.code(Version::Solution),
    )
}

/// What the book shows of them, after every page was expanded: an exercise shown twice, or
/// never, is a problem.
pub fn shown_once(exercises: &Exercises, shown: &[(String, Key)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: BTreeSet<&Key> = BTreeSet::new();
    for (page, key) in shown {
        if !seen.insert(key) {
            problems.push(format!(
                "{page}: exercise `{} {}` is shown twice in the book",
                key.0, key.1
            ));
        }
    }
    for (key, e) in &exercises.0 {
        if !seen.contains(key) {
            problems.push(format!(
                "{}: the book never shows this exercise: add `{{{{#exercise {} {}}}}}` to its chapter",
                e.shown, key.0, key.1
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercises() -> Exercises {
        let source = "//! Exercise: Double it (easy)\n//!\n//! Return twice `x`.\n\npub fn double(x: u32) -> u32 {\n    // solution: begin\n    x * 2\n    // solution: end\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn doubles() {\n        assert_eq!(double(2), 4);\n    }\n}\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("double.rs");
        std::fs::write(&path, source).unwrap();
        Exercises::from_list(vec![Exercise::read("demo", &path, "double.rs").unwrap()])
    }

    #[test]
    fn renders_task_skeleton_tests_and_a_closed_solution() {
        let (text, shown, problems) = exercises()
            .expand("Try it:\n\n{{#exercise demo double}}\n\n\\{{#exercise as written}}\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(shown, [("demo".to_owned(), "double".to_owned())]);
        let skeleton = text
            .find("```rust\npub fn double(x: u32) -> u32 {\n    todo!()\n}\n```")
            .unwrap();
        let tests = text
            .find("(`cargo test -p demo --lib exercises::double::`)")
            .unwrap();
        let details = text.find("<details class=\"solution\">\n<summary>Solution</summary>\n\n```rust\npub fn double(x: u32) -> u32 {\n    x * 2\n}\n```\n\n</details>").unwrap();
        assert!(
            text.starts_with("Try it:\n\nReturn twice `x`.\n\n"),
            "{text}"
        );
        assert!(skeleton < tests && tests < details, "{text}");
        assert!(text.ends_with("{{#exercise as written}}\n"), "{text}");
    }

    #[test]
    fn an_unknown_exercise_is_a_problem_at_its_line() {
        let (_, _, problems) = exercises().expand("a\n{{#exercise demo nope}}\n{{#exercise}}\n");
        let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3], "{problems:?}");
        assert!(
            problems[0]
                .1
                .contains("no exercise `nope` in chapter `demo`")
        );
    }
}
