//! The project's tool: builds the book and checks that every output it shows is what the
//! code prints. The binary (`cargo xtask ...`) is a thin command line over this library, so
//! the workspace tests can run the checker on fixture books.

pub mod bench;
pub mod book;
pub mod check;
pub mod links;
pub mod matcher;
pub mod runner;
pub mod starter;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Renders the HTML book (with its search index) and returns the path of its `index.html`.
pub fn build_book(book_dir: &Path) -> Result<PathBuf> {
    let book = mdbook_driver::MDBook::load(book_dir)
        .with_context(|| format!("cannot load the book at {}", book_dir.display()))?;
    book.build().context("mdbook could not render the book")?;
    let index = book.build_dir_for("html").join("index.html");
    // `book/../target/book` reads better as `target/book`.
    Ok(index.canonicalize().unwrap_or(index))
}

/// The workspace root, found from where this crate was compiled.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}
