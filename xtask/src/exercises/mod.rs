//! Exercises: one file per exercise, `crates/<chapter>/src/exercises/<name>.rs`, holding the
//! task (its module doc), the solution and the tests. The reader's version, the skeleton, is
//! made from it, so the two cannot drift apart:
//!
//! ```text
//! //! Exercise: Keep the input order (medium)
//! //!
//! //! What to write, and what a correct answer does.
//!
//! pub fn par_map(...) -> Vec<U> {
//!     // solution: begin
//!     ...                      the skeleton has `todo!()` here
//!     // solution: end
//! }
//!
//! #[cfg(test)]
//! mod tests { ... }             every test must fail on the skeleton and pass on the solution
//! ```
//!
//! `// solution: begin, skeleton: TEXT` puts `TEXT` in the skeleton instead of `todo!()`;
//! an empty `TEXT` leaves nothing (for imports or helpers only the solution needs).
//!
//! `render/exercises.rs` renders `{{#exercise CHAPTER NAME}}` in the book; `cargo xtask check`
//! proves each solution passes and each skeleton fails (`check/skeletons.rs`); `cargo xtask starter`
//! exports skeletons, or solutions with `--solutions`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::book::ChapterCrate;

/// Where a chapter keeps its exercises, under its crate folder.
pub const DIR: &str = "src/exercises";

/// How hard an exercise is, as its first line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        })
    }
}

/// One exercise file.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub chapter: String,
    /// The module name: `exercises::<name>`.
    pub name: String,
    pub path: PathBuf,
    /// The path as messages show it (relative to the workspace root).
    pub shown: String,
    pub title: String,
    pub difficulty: Difficulty,
    /// The task: the module doc after its first line, as markdown.
    pub task: String,
    pub source: String,
    /// The tests, by name, with their line in the file (1-based).
    pub tests: Vec<(String, usize)>,
}

/// What a file becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// The reader's starting point: every solution region replaced.
    Skeleton,
    /// The solution, markers removed.
    Solution,
}

impl Exercise {
    /// Reads and validates one exercise file; an error names `file:line`.
    pub fn read(chapter: &str, path: &Path, shown: &str) -> Result<Exercise> {
        let source = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(chapter, path, shown, source)
    }

    fn parse(chapter: &str, path: &Path, shown: &str, source: String) -> Result<Exercise> {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .context("an exercise file without a name")?;
        let first = source.lines().next().unwrap_or_default();
        let Some((title, difficulty)) = first
            .strip_prefix("//! Exercise: ")
            .and_then(|rest| rest.strip_suffix(')'))
            .and_then(|rest| rest.rsplit_once(" ("))
        else {
            bail!(
                "{shown}:1: an exercise starts with `//! Exercise: TITLE (easy|medium|hard)`, not {first:?}"
            );
        };
        let difficulty = match difficulty {
            "easy" => Difficulty::Easy,
            "medium" => Difficulty::Medium,
            "hard" => Difficulty::Hard,
            other => bail!("{shown}:1: difficulty `{other}`: write easy, medium or hard"),
        };
        let task = source
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//!")
                    .map_or(l, |r| r.strip_prefix(' ').unwrap_or(r))
            })
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned();
        if task.is_empty() {
            bail!("{shown}:2: the module doc must say the task after the first line");
        }
        if let Err((line, why)) = transform(&source, Version::Skeleton) {
            bail!("{shown}:{line}: {why}");
        }
        let tests = test_functions(&source);
        if tests.is_empty() {
            bail!(
                "{shown}: no tests: end the file with `#[cfg(test)] mod tests` holding `#[test]` functions"
            );
        }
        Ok(Exercise {
            chapter: chapter.to_owned(),
            name,
            path: path.to_path_buf(),
            shown: shown.to_owned(),
            title: title.trim().to_owned(),
            difficulty,
            task,
            source,
            tests,
        })
    }

    /// The whole file as `version` has it.
    pub fn file(&self, version: Version) -> String {
        let text = transform(&self.source, version).expect("validated when read");
        match version {
            Version::Solution => text,
            // Parameters the reader has not used yet are not worth a screen of warnings.
            Version::Skeleton => insert_after_doc(&text, "#![allow(unused)]\n"),
        }
    }

    /// The code of `version` without the module doc and the tests: what the book shows.
    pub fn code(&self, version: Version) -> String {
        let text = transform(&self.source, version).expect("validated when read");
        let (code, _) = split_tests(&text);
        let body: Vec<&str> = code.lines().skip_while(|l| l.starts_with("//!")).collect();
        body.join("\n").trim().to_owned() + "\n"
    }

    /// The tests module, as written.
    pub fn tests_code(&self) -> String {
        let (_, tests) = split_tests(&self.source);
        tests.trim().to_owned() + "\n"
    }

    /// The libtest name of one of its tests.
    pub fn test_path(&self, test: &str) -> String {
        format!("exercises::{}::tests::{test}", self.name)
    }

    /// The command that runs this exercise's tests in its crate.
    pub fn command(&self, in_starter: bool) -> String {
        if in_starter {
            format!("cargo test --lib exercises::{}::", self.name)
        } else {
            format!(
                "cargo test -p {} --lib exercises::{}::",
                self.chapter, self.name
            )
        }
    }
}

/// A chapter's exercises, easy to hard, each level in the order `src/exercises/mod.rs`
/// declares them.
pub fn of_chapter(krate: &ChapterCrate, shown_root: &Path) -> Result<Vec<Exercise>> {
    let dir = krate.dir.join(DIR);
    let module = dir.join("mod.rs");
    if !module.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&module)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(name) = line
            .trim()
            .strip_prefix("pub mod ")
            .and_then(|r| r.strip_suffix(';'))
        else {
            continue;
        };
        let path = dir.join(format!("{name}.rs"));
        let shown = crate::book::workspace::display_path(shown_root, &path);
        out.push(Exercise::read(&krate.name, &path, &shown)?);
    }
    // Easy first: the order a reader takes them in (stable, so mod.rs breaks ties).
    out.sort_by_key(|e| e.difficulty);
    Ok(out)
}

/// Every region between `// solution: begin` and `// solution: end` replaced (`Skeleton`) or
/// unwrapped (`Solution`). An error is `(line, why)`.
pub fn transform(source: &str, version: Version) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(source.len());
    // The line the open region began on, and what the skeleton puts in its place.
    let mut open: Option<(usize, String)> = None;
    let mut regions = 0;
    for (i, line) in source.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("// solution: begin") {
            if let Some((start, _)) = open {
                return Err((
                    n,
                    format!("a region begins inside the one begun at line {start}"),
                ));
            }
            let indent = &line[..line.len() - trimmed.len()];
            let replacement = match rest.trim().strip_prefix(',') {
                None if rest.trim().is_empty() => format!("{indent}todo!()"),
                Some(r) => match r.trim().strip_prefix("skeleton:") {
                    Some(text) if text.trim().is_empty() => String::new(),
                    Some(text) => format!("{indent}{}", text.trim()),
                    None => return Err((n, "write `// solution: begin, skeleton: TEXT`".into())),
                },
                None => return Err((n, "write `// solution: begin, skeleton: TEXT`".into())),
            };
            open = Some((n, replacement));
            regions += 1;
            continue;
        }
        if trimmed.starts_with("// solution: end") {
            let Some((_, replacement)) = open.take() else {
                return Err((n, "`// solution: end` without a begin".into()));
            };
            if version == Version::Skeleton && !replacement.is_empty() {
                out.push_str(&replacement);
                out.push('\n');
            }
            continue;
        }
        if open.is_none() || version == Version::Solution {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some((start, _)) = open {
        return Err((
            start,
            "this region never ends: add `// solution: end`".into(),
        ));
    }
    if regions == 0 {
        return Err((
            1,
            "no `// solution: begin` region: the skeleton would be the solution".into(),
        ));
    }
    Ok(out)
}

/// `(code, tests)`: the file split at its `#[cfg(test)]` line followed by `mod tests`.
fn split_tests(text: &str) -> (&str, &str) {
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .get(i + 1)
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            return (&text[..offset], &text[offset..]);
        }
        offset += line.len();
    }
    (text, "")
}

/// Test functions of the tests module: `(name, line)`.
fn test_functions(source: &str) -> Vec<(String, usize)> {
    let (code, tests) = split_tests(source);
    let first = code.lines().count();
    let mut out = Vec::new();
    let mut attribute = false;
    for (i, line) in tests.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("#[") && (t.contains("test]") || t.contains("::test")) {
            attribute = true;
            continue;
        }
        if attribute && let Some(pos) = t.find("fn ") {
            let name: String = t[pos + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push((name, first + i + 1));
            attribute = false;
        }
    }
    out
}

/// Whether each test passed, by its libtest name.
pub type Verdicts = BTreeMap<String, bool>;

/// The `test NAME ... ok` and `test NAME ... FAILED` lines of libtest's output.
pub fn libtest_verdicts(output: &str) -> Verdicts {
    output
        .lines()
        .filter_map(|l| {
            let (name, verdict) = l.strip_prefix("test ")?.rsplit_once(" ... ")?;
            match verdict.trim() {
                "ok" => Some((name.to_owned(), true)),
                "FAILED" => Some((name.to_owned(), false)),
                _ => None,
            }
        })
        .collect()
}

/// `insert` after the leading `//!` lines of `text`.
fn insert_after_doc(text: &str, insert: &str) -> String {
    let doc: usize = text
        .split_inclusive('\n')
        .take_while(|l| l.starts_with("//!"))
        .map(str::len)
        .sum();
    format!(
        "{}\n{insert}{}",
        &text[..doc],
        text[doc..].trim_start_matches('\n')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "//! Exercise: Add two numbers (easy)
//!
//! Return the sum of `a` and `b`.

// solution: begin, skeleton:
use std::ops::Add;
// solution: end

/// The sum.
pub fn add(a: u32, b: u32) -> u32 {
    // solution: begin
    a.add(b)
    // solution: end
}

pub fn half(x: u32) -> u32 {
    // solution: begin, skeleton: unimplemented!(\"half of {x}\")
    x / 2
    // solution: end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 3), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn halves() {
        assert_eq!(half(4), 2);
    }
}
";

    fn exercise() -> Exercise {
        Exercise::parse(
            "demo",
            Path::new("src/exercises/add.rs"),
            "add.rs",
            SOURCE.into(),
        )
        .unwrap()
    }

    #[test]
    fn reads_title_difficulty_task_and_tests() {
        let e = exercise();
        assert_eq!(e.name, "add");
        assert_eq!(e.title, "Add two numbers");
        assert_eq!(e.difficulty, Difficulty::Easy);
        assert_eq!(e.task, "Return the sum of `a` and `b`.");
        assert_eq!(
            e.tests,
            [("adds".to_owned(), 27), ("halves".to_owned(), 32)]
        );
        assert_eq!(e.test_path("adds"), "exercises::add::tests::adds");
    }

    #[test]
    fn the_skeleton_replaces_every_region_and_the_solution_drops_the_markers() {
        let e = exercise();
        let skeleton = e.code(Version::Skeleton);
        assert_eq!(
            skeleton,
            "/// The sum.\npub fn add(a: u32, b: u32) -> u32 {\n    todo!()\n}\n\npub fn half(x: u32) -> u32 {\n    unimplemented!(\"half of {x}\")\n}\n"
        );
        let solution = e.code(Version::Solution);
        assert!(
            solution.starts_with("use std::ops::Add;\n\n/// The sum."),
            "{solution}"
        );
        assert!(!solution.contains("solution:"), "{solution}");
        assert!(e.tests_code().starts_with("#[cfg(test)]\nmod tests {"));
        let file = e.file(Version::Skeleton);
        assert!(file.starts_with("//! Exercise: Add two numbers (easy)\n//!\n//! Return the sum of `a` and `b`.\n\n#![allow(unused)]\n"), "{file}");
        assert!(file.contains("fn adds()"));
    }

    #[test]
    fn reads_libtest_verdicts() {
        let out = "running 3 tests\ntest exercises::a::tests::x ... ok\ntest exercises::a::tests::y ... FAILED\ntest exercises::b::tests::z ... ignored\n\nthread 'x' panicked\n";
        let r = libtest_verdicts(out);
        assert_eq!(r.len(), 2);
        assert!(r["exercises::a::tests::x"]);
        assert!(!r["exercises::a::tests::y"]);
    }

    #[test]
    fn malformed_files_are_reported_at_their_line() {
        let bad = |text: &str| {
            Exercise::parse("demo", Path::new("x.rs"), "x.rs", text.into())
                .unwrap_err()
                .to_string()
        };
        assert!(bad("// no title\n").starts_with("x.rs:1: an exercise starts with"));
        assert!(bad("//! Exercise: T (tricky)\n//! t\n").contains("difficulty `tricky`"));
        let open = SOURCE.replacen(
            "    // solution: end\n}\n\npub fn half",
            "}\n\npub fn half",
            1,
        );
        assert!(
            bad(&open).starts_with("x.rs:16: a region begins inside the one begun at line 11"),
            "{}",
            bad(&open)
        );
        let none = "//! Exercise: T (hard)\n//!\n//! t\npub fn f() {}\n";
        assert!(bad(none).contains("no `// solution: begin` region"));
        let untested = SOURCE.split("#[cfg(test)]").next().unwrap();
        assert!(bad(untested).contains("no tests"), "{}", bad(untested));
    }
}
