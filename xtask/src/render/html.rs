//! The HTML book: mdBook used as a library, with the book's own preprocessor, which renders
//! the measured figures and claims (`figures.rs`) and the exercises (`exercises.rs`).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use mdbook_preprocessor::book::Book as MdBook;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::exercises::{self, Exercises};
use super::figures::Figures;
use crate::book::Book;

/// Renders the HTML book (with its search index and every placeholder rendered) and returns
/// the path of its `index.html`.
pub fn build(book: &Book) -> Result<PathBuf> {
    let book_dir = book.root().join("book");
    let mut md = mdbook_driver::MDBook::load(&book_dir)
        .with_context(|| format!("cannot load the book at {}", book_dir.display()))?;
    md.with_preprocessor(Placeholders {
        figures: Figures::load(book)?,
        exercises: Exercises::load(book)?,
    });
    md.build().context("mdbook could not render the book")?;
    let index = md.build_dir_for("html").join("index.html");
    // `book/../target/book` reads better as `target/book`.
    Ok(index.canonicalize().unwrap_or(index))
}

/// `{{#measured}}`, `{{#quoted}}`, `{{#setting}}`, `{{#claim}}` and `{{#exercise}}`: a
/// placeholder it cannot render, or an exercise shown twice or never, fails the build naming
/// the page and line.
#[derive(Debug)]
struct Placeholders {
    figures: Figures,
    exercises: Exercises,
}

impl Preprocessor for Placeholders {
    fn name(&self) -> &str {
        "placeholders"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: MdBook) -> Result<MdBook> {
        let mut problems = Vec::new();
        let mut shown = Vec::new();
        book.for_each_chapter_mut(|ch| {
            let page = ch
                .source_path
                .as_ref()
                .map_or_else(|| ch.name.clone(), |p| format!("book/src/{}", p.display()));
            let (text, figures) = self.figures.expand(&ch.content);
            let (text, on_page, found) = self.exercises.expand(&text);
            for (line, why) in figures.into_iter().chain(found) {
                problems.push(format!("{page}:{line}: {why}"));
            }
            shown.extend(on_page.into_iter().map(|key| (page.clone(), key)));
            ch.content = text;
        });
        problems.extend(exercises::shown_once(&self.exercises, &shown));
        if !problems.is_empty() {
            bail!("{}", problems.join("\n"));
        }
        Ok(book)
    }
}
