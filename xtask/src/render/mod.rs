//! Everything the book shows that is made rather than written: the files under
//! `book/src/generated/` (`fragment.rs`, `plot.rs`, `ladder.rs`), the figures and claims in the
//! prose (`figures.rs`), the exercises (`exercises.rs`), and the HTML book itself (`html.rs`).
//!
//! The generated files are one pure function of the results and the chapters' metadata,
//! [`files`]: `cargo xtask bench` writes that list, and `cargo xtask check` renders it again
//! from the committed JSON and compares it byte for byte ([`compare`]), as rust-analyzer's
//! `ensure_file_contents` does for its generated sources.

pub(crate) mod exercises;
pub(crate) mod figures;
pub(crate) mod fragment;
pub mod html;
pub(crate) mod ladder;
pub(crate) mod plot;

use std::path::Path;

use anyhow::Result;

use crate::book::Book;
use crate::files::write_if_changed;
use crate::i18n::Tr;
use crate::problem::Problem;
use crate::results::AllResults;

/// Where the generated files live, from the workspace root.
pub const GENERATED: &str = "book/src/generated";

/// A generated file as messages name it: `book/src/generated/FILE`.
pub fn shown(file: &str) -> String {
    format!("{GENERATED}/{file}")
}

/// One file under `book/src/generated/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Its name under `book/src/generated/`.
    pub file: String,
    pub text: String,
    /// The chapter whose results it shows; `None` for the costs page's files, which show
    /// every chapter's.
    pub chapter: Option<String>,
}

/// Every generated file, from the results: each measuring chapter's plots (those with data)
/// and its fragment, then, when the book has a costs page, its table and its chart.
pub fn files(book: &Book, all: &AllResults) -> Result<Vec<Generated>> {
    files_in(book, all, &Tr::ENGLISH)
}

/// [`files`] in an edition: a translation renders the fragments' words in its language (the
/// drawings stay as they are).
pub fn files_in(book: &Book, all: &AllResults, tr: &Tr<'_>) -> Result<Vec<Generated>> {
    let mut files = Vec::new();
    for krate in book.ws.crates.iter().filter(|c| c.measures()) {
        let Some(results) = all.get(&krate.name) else {
            continue;
        };
        let chapter = Some(krate.name.clone());
        let mut shown = Vec::new();
        let meta = &krate.meta;
        let plots = meta
            .speedup_plots
            .iter()
            .map(|p| (&p.file, &p.title, plot::draw_speedup(p, results, tr)))
            .chain(
                meta.bar_plots
                    .iter()
                    .map(|p| (&p.file, &p.title, plot::draw_bars(p, results, tr))),
            );
        for (file, title, svg) in plots {
            if let Some(text) = svg? {
                files.push(Generated {
                    file: file.clone(),
                    text,
                    chapter: chapter.clone(),
                });
                shown.push((file.clone(), title.clone()));
            }
        }
        files.push(Generated {
            file: format!("{}.md", krate.name),
            text: fragment::render_fragment(results, meta, &shown, tr),
            chapter,
        });
    }
    if book.root().join("book/src/costs.md").is_file() {
        let costs = fragment::all_costs(&book.ws.crates);
        let pages = book.page_links();
        files.push(Generated {
            file: "costs.md".into(),
            text: fragment::render_costs(all, &costs, &pages, tr),
            chapter: None,
        });
        files.push(Generated {
            file: ladder::FILE.into(),
            text: ladder::draw_ladder(all, &costs, &pages, tr)?,
            chapter: None,
        });
    }
    Ok(files)
}

/// Writes `files` (only those whose bytes changed) and removes the plots a chapter declares
/// but no longer draws.
pub fn write(book: &Book, files: &[Generated]) -> Result<()> {
    let dir = book.generated_dir();
    for f in files {
        write_if_changed(&dir.join(&f.file), f.text.as_bytes())?;
    }
    for krate in &book.ws.crates {
        for file in krate.meta.plot_files() {
            if !files.iter().any(|f| &f.file == file) {
                match std::fs::remove_file(dir.join(file)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Every file of `files` that is not on disk as it should be, one problem each.
pub fn compare(book: &Book, files: &[Generated]) -> Vec<Problem> {
    let fix = "run `cargo xtask bench --render`, which renders the committed results again (generated files are not edited by hand)";
    files
        .iter()
        .filter_map(|f| {
            let shown = shown(&f.file);
            match difference(&book.generated_dir().join(&f.file), &f.text)? {
                Difference::Missing => Some(Problem::in_file(shown, "is missing").fix(fix)),
                Difference::AtLine(line) => Some(
                    Problem::at(shown, line, "differs from what the results render to").fix(fix),
                ),
            }
        })
        .collect()
}

/// How a file differs from what it should hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    Missing,
    /// The first line that differs.
    AtLine(usize),
}

/// `None` when the file at `path` holds `want`.
pub fn difference(path: &Path, want: &str) -> Option<Difference> {
    let Ok(have) = std::fs::read_to_string(path) else {
        return Some(Difference::Missing);
    };
    if have == want {
        return None;
    }
    let line = have
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| have.lines().count().min(want.lines().count()))
        + 1;
    Some(Difference::AtLine(line))
}
