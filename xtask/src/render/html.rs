//! The HTML book: mdBook used as a library, with the book's own preprocessors (the measured
//! figures and claims, the exercises).

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::exercises::{ExercisePreprocessor, Exercises};
use super::figures::{Figures, MeasuredPreprocessor};
use crate::book::Book;

/// Renders the HTML book (with its search index and every `{{#measured}}` figure) and
/// returns the path of its `index.html`.
pub fn build(book: &Book) -> Result<PathBuf> {
    let book_dir = book.root().join("book");
    let mut md = mdbook_driver::MDBook::load(&book_dir)
        .with_context(|| format!("cannot load the book at {}", book_dir.display()))?;
    md.with_preprocessor(MeasuredPreprocessor {
        figures: Figures::load(book)?,
    });
    md.with_preprocessor(ExercisePreprocessor {
        exercises: Exercises::load(book)?,
    });
    md.build().context("mdbook could not render the book")?;
    let index = md.build_dir_for("html").join("index.html");
    // `book/../target/book` reads better as `target/book`.
    Ok(index.canonicalize().unwrap_or(index))
}
