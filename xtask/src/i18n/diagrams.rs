//! The drawings under `book/src/diagrams/` in a translated edition: each `NAME.svg` has its
//! translation `LANG/NAME.svg`, the same drawing with its words (labels, title, description)
//! in the edition's language. The check holds each to its English drawing: it must exist,
//! say its title in the edition's script, and draw the same shapes in the same colours (a
//! shape added, removed or recoloured in English is a drawing to translate again).

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::book::Book;
use crate::problem::Problem;

const DIR: &str = "book/src/diagrams";

/// The English drawings, by file name.
fn english(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    names.sort();
    names
}

/// `(diagrams/NAME.svg)` and `(diagrams/LANG/NAME.svg)` for every drawing `lang` has.
pub fn translated(book: &Book, lang: &str) -> Vec<(String, String)> {
    let root = book.root();
    english(root)
        .into_iter()
        .filter(|n| root.join(DIR).join(lang).join(n).is_file())
        .map(|n| (format!("(diagrams/{n})"), format!("(diagrams/{lang}/{n})")))
        .collect()
}

/// Every English drawing without its translation, or whose translation no longer matches.
pub fn lint(book: &Book, lang: &str) -> Vec<Problem> {
    let root = book.root();
    let mut problems = Vec::new();
    for name in english(root) {
        let shown = format!("{DIR}/{lang}/{name}");
        let (Ok(en), Ok(tr)) = (
            std::fs::read_to_string(root.join(DIR).join(&name)),
            std::fs::read_to_string(root.join(DIR).join(lang).join(&name)),
        ) else {
            problems.push(
                Problem::in_file(
                    &shown,
                    format!("is missing: {DIR}/{name} has no translation"),
                )
                .fix("copy the English drawing and translate its labels, <title> and <desc>"),
            );
            continue;
        };
        let title = TITLE
            .captures(&tr)
            .map(|c| c[1].to_owned())
            .unwrap_or_default();
        if lang == "ko" && !title.chars().any(|c| ('가'..='힣').contains(&c)) {
            problems.push(Problem::in_file(&shown, "its <title> is not in Korean"));
        }
        if shapes(&en) != shapes(&tr) {
            problems.push(
                Problem::in_file(
                    &shown,
                    format!(
                        "does not draw the shapes {DIR}/{name} draws (added, removed or recoloured)"
                    ),
                )
                .fix("translate the English drawing again"),
            );
        }
    }
    problems
}

static TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<title[^>]*>(.*?)</title>").expect("valid regex"));
static SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<(rect|line|path|circle|ellipse|polygon|polyline|marker)\b([^>]*)>")
        .expect("valid regex")
});
static COLOUR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\b(fill|stroke)="([^"]*)""#).expect("valid regex"));

/// Each shape's kind and colours, in order.
fn shapes(svg: &str) -> Vec<String> {
    SHAPE
        .captures_iter(svg)
        .map(|c| {
            let colours: Vec<String> = COLOUR
                .captures_iter(&c[2])
                .map(|k| format!("{}={}", &k[1], &k[2]))
                .collect();
            format!("{} {}", &c[1], colours.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recoloured_or_added_shape_is_a_different_drawing() {
        let en = r##"<svg><title>A</title><rect x="1" fill="#fff"/><text>lock</text></svg>"##;
        let moved = r##"<svg><title>가</title><rect x="9" fill="#fff"/><text>락</text></svg>"##;
        let recoloured = r##"<svg><rect x="1" fill="#000"/></svg>"##;
        let added = r##"<svg><rect x="1" fill="#fff"/><line/></svg>"##;
        assert_eq!(shapes(en), shapes(moved));
        assert_ne!(shapes(en), shapes(recoloured));
        assert_ne!(shapes(en), shapes(added));
    }
}
