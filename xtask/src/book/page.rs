//! One page of the book as the checker reads it: the crate it names, the code it includes, the
//! console blocks whose output is verified and the commands shown without their output.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::console::{ConsoleBlock, ShownCommand, parse_console_blocks};
use crate::problem::Problem;

/// One page listed in `SUMMARY.md`.
#[derive(Debug)]
pub struct Page {
    pub title: String,
    /// The page on disk.
    pub path: PathBuf,
    /// The page as shown in messages: relative to the workspace root.
    pub display: String,
    /// `<!-- crate: NAME -->`: the crate that holds this chapter's code, and its line.
    pub crate_marker: Option<(String, usize)>,
    pub includes: Vec<Include>,
    pub blocks: Vec<ConsoleBlock>,
    /// `cargo run` commands shown without their output (in `sh` blocks and the like): not
    /// run, but the package, the program and every flag must exist.
    pub commands: Vec<ShownCommand>,
    /// Problems found while reading the page (bad block options, unparsable commands).
    pub problems: Vec<Problem>,
}

impl Page {
    /// A chapter teaches code when it includes files from a crate or runs an example.
    pub fn teaches_code(&self) -> bool {
        !self.blocks.is_empty() || self.includes.iter().any(|i| i.crate_name.is_some())
    }

    /// `book/src/page.md:LINE`, the form editors and terminals turn into links.
    pub fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.display)
    }

    /// A problem at a line of this page.
    pub fn problem(&self, line: usize, what: impl Into<String>) -> Problem {
        Problem::at(&self.display, line, what)
    }

    /// The page's file under `book/src/`, as links between pages name it.
    pub fn file_in_book(&self) -> String {
        let marker = "book/src/";
        self.display
            .split_once(marker)
            .map_or_else(|| self.display.clone(), |(_, rest)| rest.to_owned())
    }
}

/// A `{{#include path:selector}}` link.
#[derive(Debug)]
pub struct Include {
    pub line: usize,
    /// The link as written.
    pub target: String,
    /// The file it names, resolved against the page's folder.
    pub file: PathBuf,
    /// The crate under `crates/` that holds the file, if any.
    pub crate_name: Option<String>,
    pub selector: Selector,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Selector {
    Whole,
    Anchor(String),
    /// A line range; mdbook's forms `N`, `N:`, `:M`, `N:M`.
    Lines(Option<usize>, Option<usize>),
}

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*<!--\s*crate:\s*([A-Za-z0-9_-]+)\s*-->\s*$").unwrap());
static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{\s*#(?:include|rustdoc_include)\s+([^}\s]+)\s*\}\}").unwrap()
});

/// Parses one page. Public so that tests can feed it text.
pub fn parse_page(title: &str, path: PathBuf, display: String, content: &str) -> Page {
    let mut page = Page {
        title: title.to_string(),
        crate_marker: None,
        includes: Vec::new(),
        blocks: Vec::new(),
        commands: Vec::new(),
        problems: Vec::new(),
        display,
        path,
    };
    let dir = page.path.parent().unwrap_or(Path::new("")).to_path_buf();
    for (i, text) in content.lines().enumerate() {
        let line = i + 1;
        if let Some(m) = MARKER.captures(text) {
            if let Some((first, at)) = &page.crate_marker {
                let msg = page.problem(
                    line,
                    format!(
                        "a second crate marker `{}` (the first, `{first}`, is at line {at})",
                        &m[1]
                    ),
                );
                page.problems.push(msg);
            } else {
                page.crate_marker = Some((m[1].to_string(), line));
            }
        }
        for m in INCLUDE.captures_iter(text) {
            if m.get(1).is_some() {
                continue; // `\{{#include}}` is mdbook's escape: shown, not included
            }
            page.includes.push(parse_include(&dir, line, &m[2]));
        }
    }
    parse_console_blocks(&mut page, content);
    page
}

fn parse_include(dir: &Path, line: usize, target: &str) -> Include {
    let (file, selector) = match target.split_once(':') {
        None => (target, Selector::Whole),
        Some((file, sel)) => (file, parse_selector(sel)),
    };
    let file = normalize(&dir.join(file));
    let crate_name = None;
    Include {
        line,
        target: target.to_string(),
        file,
        crate_name,
        selector,
    }
}

fn parse_selector(sel: &str) -> Selector {
    let num = |s: &str| s.trim().parse::<usize>().ok();
    match sel.split_once(':') {
        None => match num(sel) {
            Some(n) => Selector::Lines(Some(n), Some(n)),
            None => Selector::Anchor(sel.to_string()),
        },
        Some((a, b)) => {
            let (a, b) = (a.trim(), b.trim());
            if (a.is_empty() || num(a).is_some()) && (b.is_empty() || num(b).is_some()) {
                Selector::Lines(num(a), num(b))
            } else {
                Selector::Anchor(sel.to_string())
            }
        }
    }
}

/// Removes `.` and `..` without touching the disk, so a missing file still has a clear name.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn page(text: &str) -> Page {
        parse_page(
            "T",
            PathBuf::from("/w/book/src/p.md"),
            "book/src/p.md".into(),
            text,
        )
    }

    #[test]
    fn reads_marker_includes_and_blocks() {
        let ch = page(concat!(
            "# T\n",
            "<!-- crate: demo -->\n",
            "```rust\n",
            "{{#include ../../crates/demo/examples/hi.rs:main}}\n",
            "```\n",
            "\\{{#include not/really.rs}}\n",
            "```console,unordered,timeout=9,status=2\n",
            "$ cargo run -p demo --example hi -- --n 3 'a b'\n",
            "one\n",
            "two\n",
            "```\n",
            "```console\n",
            "$ cargo bench -p demo\n",
            "```\n",
        ));
        assert_eq!(ch.crate_marker, Some(("demo".into(), 2)));
        assert_eq!(ch.includes.len(), 1);
        let inc = &ch.includes[0];
        assert_eq!(inc.line, 4);
        assert_eq!(inc.file, PathBuf::from("/w/crates/demo/examples/hi.rs"));
        // `load` attributes includes to crates; a page alone knows no workspace.
        assert_eq!(inc.crate_name, None);
        assert_eq!(inc.selector, Selector::Anchor("main".into()));
        assert_eq!(ch.blocks.len(), 1, "the cargo bench block is not checked");
        let b = &ch.blocks[0];
        assert_eq!(b.line, 8);
        assert_eq!(b.expected, "one\ntwo");
        assert!(b.unordered);
        assert_eq!(b.timeout, Duration::from_secs(9));
        assert_eq!(b.status, 2);
        assert_eq!(b.run.cargo().unwrap().args, ["--n", "3", "a b"]);
        assert!(ch.problems.is_empty(), "{:?}", ch.problems);
        assert!(ch.teaches_code());
    }

    #[test]
    fn line_selectors() {
        assert_eq!(parse_selector("3"), Selector::Lines(Some(3), Some(3)));
        assert_eq!(parse_selector("3:"), Selector::Lines(Some(3), None));
        assert_eq!(parse_selector(":7"), Selector::Lines(None, Some(7)));
        assert_eq!(parse_selector("2:7"), Selector::Lines(Some(2), Some(7)));
        assert_eq!(parse_selector("main"), Selector::Anchor("main".into()));
    }

    #[test]
    fn bad_options_and_commands_are_problems() {
        let ch = page(
            "```console,timeout=abc,loud\n$ cargo run -p x --example y\n```\n```console\n$ cargo run --example y\n```\n```console\n$ cargo run -p x --features z --example y\n```\n",
        );
        assert_eq!(ch.problems.len(), 4, "{:#?}", ch.problems);
        let at: Vec<String> = ch
            .problems
            .iter()
            .map(|p| p.at.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(
            at,
            [
                "book/src/p.md:2",
                "book/src/p.md:2",
                "book/src/p.md:5",
                "book/src/p.md:8"
            ]
        );
        assert!(ch.problems[0].what.starts_with("bad `timeout=abc`"));
        assert!(
            ch.problems[1]
                .what
                .contains("unknown console block option `loud`")
        );
        assert!(ch.problems[2].what.contains("-p NAME"));
        assert!(
            ch.problems[3]
                .what
                .contains("unsupported `cargo run` option `--features`")
        );
    }

    #[test]
    fn shown_commands_are_collected_but_not_run() {
        let ch = page(concat!(
            "```sh\n",
            "cargo run -p demo --example hi -- --n 3\n",
            "cargo bench -p demo\n",
            "$ cargo run --release -p demo --example load\n",
            "```\n",
            "```console,alone\n",
            "$ cargo run -p demo --example hi\n",
            "hi\n",
            "```\n",
            "```sh\n",
            "cargo run -p demo --features x --example hi\n",
            "```\n",
        ));
        assert_eq!(ch.commands.len(), 2, "{:?}", ch.commands);
        assert_eq!(ch.commands[0].line, 2);
        assert_eq!(ch.commands[0].run.args, ["--n", "3"]);
        assert!(ch.commands[1].run.release);
        assert_eq!(ch.blocks.len(), 1);
        assert!(ch.blocks[0].alone);
        assert_eq!(ch.problems.len(), 1, "{:?}", ch.problems);
        assert_eq!(
            ch.problems[0].at.as_ref().unwrap().to_string(),
            "book/src/p.md:11"
        );
        assert!(ch.problems[0].what.starts_with("cannot check"));
    }

    #[test]
    fn rustc_blocks_show_the_error_headline_as_printed_and_wildcards_alone_prove_nothing() {
        let ch = page(concat!(
            "```console,status=1\n",
            "$ rustc --edition 2024 --crate-type lib crates/demo/compile_fail/rc.rs\n",
            "error[E0277]: `Rc<u32>` cannot be sent between threads safely\n",
            "...\n",
            "```\n",
            "```console,status=1\n",
            "$ rustc --edition 2024 crates/demo/compile_fail/rc.rs\n",
            "error[E0277]: [..] cannot be sent between threads safely\n",
            "```\n",
            "```console\n",
            "$ rustc -O crates/demo/compile_fail/rc.rs\n",
            "error[E0277]: x\n",
            "```\n",
            "```console\n",
            "$ cargo run -p demo --example hi\n",
            "[..]\n",
            "...\n",
            "```\n",
        ));
        let super::super::Run::Rustc(run) = &ch.blocks[0].run else {
            panic!("{:?}", ch.blocks)
        };
        assert_eq!(run.file, "crates/demo/compile_fail/rc.rs");
        assert_eq!(
            run.args,
            [
                "--edition",
                "2024",
                "--crate-type",
                "lib",
                "crates/demo/compile_fail/rc.rs"
            ]
        );
        let what: Vec<&str> = ch.problems.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(what.len(), 3, "{what:?}");
        assert!(what[0].contains("without wildcards"), "{what:?}");
        assert!(
            what[1].contains("unsupported `rustc` option `-O`"),
            "{what:?}"
        );
        assert!(what[2].contains("shows only wildcards"), "{what:?}");
    }

    #[test]
    fn a_page_without_code_teaches_none() {
        let ch = page("# Intro\nSome words.\n```console\n$ ls\nfile\n```\n");
        assert!(!ch.teaches_code());
        assert!(ch.blocks.is_empty());
    }
}
