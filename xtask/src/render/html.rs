//! The HTML book: mdBook used as a library, in English and in every translation. The
//! preprocessors run in a fixed order: the translation (`i18n::translate`, for a translated
//! edition), mdBook's own `{{#include}}` and index, then the book's own placeholders, which
//! render the measured figures and claims (`figures.rs`) and the exercises (`exercises.rs`).
//! Translating first means a translated page holds the same placeholders as the English one,
//! so both editions render from the same measurements.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_driver::config::Config;
use mdbook_preprocessor::book::Book as MdBook;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::exercises::{self, Exercises};
use super::figures::Figures;
use crate::book::Book;
use crate::i18n::{self, Translation};

/// Renders the English book and every translation (each under `LANG/` in the English one's
/// folder); returns the path of each edition's `index.html`, English first.
pub fn build_all(book: &Book) -> Result<Vec<PathBuf>> {
    let mut built = vec![build(book, None)?];
    for lang in i18n::translations(book.root()) {
        built.push(build(book, Some(&Translation::load(book, &lang)?))?);
    }
    Ok(built)
}

/// Renders one edition (with its search index and every placeholder rendered) and returns
/// the path of its `index.html`.
pub fn build(book: &Book, translation: Option<&Translation>) -> Result<PathBuf> {
    let book_dir = book.root().join("book");
    let mut config = Config::from_disk(book_dir.join("book.toml"))
        .with_context(|| format!("cannot read {}", book_dir.join("book.toml").display()))?;
    config.set("build.use-default-preprocessors", false)?;
    if let Some(t) = translation {
        t.configure(&mut config)?;
    }
    let mut md = mdbook_driver::MDBook::load_with_config(&book_dir, config)
        .with_context(|| format!("cannot load the book at {}", book_dir.display()))?;
    if let Some(t) = translation {
        md.with_preprocessor(t.preprocessor(book)?);
    }
    md.with_preprocessor(LinkPreprocessor::new());
    md.with_preprocessor(IndexPreprocessor::new());
    let figures = Figures::load(book)?;
    // A translation's plots and costs chart, drawn with its words from the same results,
    // replace the English ones mdBook copied into its folder.
    let drawn: Vec<super::Generated> = match translation {
        Some(t) => super::files_in(book, figures.results(), &i18n::Tr::new(Some(t)))?
            .into_iter()
            .filter(|f| f.file.ends_with(".svg"))
            .collect(),
        None => Vec::new(),
    };
    md.with_preprocessor(Placeholders {
        figures,
        exercises: Exercises::load(book)?,
        translation: translation.cloned(),
    });
    md.build().context("mdbook could not render the book")?;
    let out = md.build_dir_for("html");
    if translation.is_some() {
        i18n::search::reindex(&out)?;
    }
    for f in drawn {
        let path = out.join("generated").join(&f.file);
        std::fs::write(&path, f.text)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let index = out.join("index.html");
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
    translation: Option<Translation>,
}

impl Preprocessor for Placeholders {
    fn name(&self) -> &str {
        "placeholders"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: MdBook) -> Result<MdBook> {
        let mut problems = Vec::new();
        let mut shown = Vec::new();
        let tr = i18n::Tr::new(self.translation.as_ref());
        book.for_each_chapter_mut(|ch| {
            let page = ch
                .source_path
                .as_ref()
                .map_or_else(|| ch.name.clone(), |p| format!("book/src/{}", p.display()));
            let (text, figures) = self.figures.expand_in(&ch.content, &tr);
            let (text, on_page, found) = self.exercises.expand_in(&text, &tr);
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
