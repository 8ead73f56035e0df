//! The project's tool: builds the book and checks that every output it shows is what the
//! code prints. The binary (`cargo xtask ...`) is a thin command line over this library, so
//! the workspace tests can run the checker on fixture books.
//!
//! Where things are:
//! - `workspace.rs`: the one model of the workspace (chapters, their targets, their metadata),
//!   and `meta.rs`, a chapter's `[package.metadata.xtask]` table;
//! - `book.rs`: reading the book's pages; `measured.rs`: the figures in the prose;
//! - `exercises/`: the chapters' exercises (skeletons, solutions, the book's view);
//! - `check/`: `cargo xtask check`; `bench/`: `cargo xtask bench`; `starter.rs`;
//! - `build.rs`: calling cargo; `runner.rs`: running a program with a deadline;
//!   `matcher.rs`: comparing outputs; `links.rs`: the rendered book's links.

#[cfg(not(unix))]
compile_error!(
    "this book's tools and examples need a Unix system (Linux, or macOS where the chapters say so); on Windows, use WSL"
);

pub mod bench;
pub mod book;
pub mod build;
pub mod check;
pub mod claims;
pub mod exercises;
pub mod links;
pub mod matcher;
pub mod measured;
pub mod meta;
pub mod runner;
pub mod starter;
pub mod workspace;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Renders the HTML book of the workspace at `root` (with its search index and every
/// `{{#measured}}` figure) and returns the path of its `index.html`.
pub fn build_book(root: &Path) -> Result<PathBuf> {
    let ws = workspace::Workspace::load(root)?;
    let book_dir = root.join("book");
    let mut book = mdbook_driver::MDBook::load(&book_dir)
        .with_context(|| format!("cannot load the book at {}", book_dir.display()))?;
    book.with_preprocessor(measured::MeasuredPreprocessor {
        figures: measured::Figures::load(&ws)?,
    });
    book.with_preprocessor(exercises::book::ExercisePreprocessor {
        exercises: exercises::book::Exercises::load(&ws)?,
    });
    book.build().context("mdbook could not render the book")?;
    let index = book.build_dir_for("html").join("index.html");
    // `book/../target/book` reads better as `target/book`.
    Ok(index.canonicalize().unwrap_or(index))
}
