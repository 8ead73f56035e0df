//! The real book and the real crates agree: every chapter with code names its crate, every
//! crate has a chapter, every include resolves. (`cargo xtask check` also runs the examples.)

use xtask::check::{self, Options};

#[test]
fn the_book_and_the_crates_agree() {
    let mut opts = Options::new(workspace_tests::root());
    opts.examples = false;
    opts.tests = false;
    opts.book = false;
    let mut out = Vec::new();
    let report = check::run(&opts, &mut out).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert!(report.problems.is_empty(), "{out}");
    assert!(out.contains("structure"), "{out}");
}

#[test]
fn every_chapter_page_is_listed_in_the_summary() {
    let root = workspace_tests::root();
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
    for entry in std::fs::read_dir(root.join("book/src")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(
                summary.contains(&format!("({name})")),
                "{name} is not in SUMMARY.md"
            );
        }
    }
}

#[test]
fn every_chapter_page_ends_with_its_starter_command() {
    for chapter in workspace_tests::book().chapters() {
        let (name, page) = (chapter.name(), chapter.page);
        let text = std::fs::read_to_string(&page.path).unwrap();
        let command = format!("cargo xtask starter {name} ");
        let last_lines: Vec<&str> = text.trim_end().lines().rev().take(8).collect();
        assert!(
            last_lines.iter().any(|l| l.contains(&command)),
            "{} does not end with `{command}DEST`",
            page.display
        );
    }
}
