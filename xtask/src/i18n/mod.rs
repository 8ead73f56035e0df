//! The book in other languages, the way Comprehensive Rust does it: the English pages are the
//! source, `po/messages.pot` holds their messages (`extract.rs`, `catalog.rs`), `po/LANG.po`
//! their translation. The HTML build translates the pages before any other preprocessor runs
//! (`translate.rs`), and the check holds every translation to its English message
//! (`lint.rs`): nothing missing, nothing stale, every placeholder, link and code span kept.

pub mod catalog;
pub mod diagrams;
pub mod extract;
pub mod lint;
pub mod search;
pub mod translate;
pub mod ui;

use anyhow::Result;

use crate::book::Book;
pub use extract::Message;
pub use translate::{Tr, Translation};

/// The editions the book has besides English: one per `po/LANG.po`, sorted.
pub fn translations(root: &std::path::Path) -> Vec<String> {
    let mut langs: Vec<String> = std::fs::read_dir(catalog::po_dir(root))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".po").map(str::to_owned)
        })
        .collect();
    langs.sort();
    langs
}

/// Every message of the book's English sources, in the book's order: the book's title and
/// description, `SUMMARY.md`, the pages, each chapter's metadata words (ratio labels, plot
/// titles, costs), the phrases of the drawings examples draw, exercises' tasks, and the
/// phrases the renderers add.
pub fn messages(book: &Book) -> Result<Vec<Message>> {
    let root = book.root();
    let mut all = Vec::new();
    let toml_path = root.join("book/book.toml");
    let toml = std::fs::read_to_string(&toml_path)?;
    for (i, line) in toml.lines().enumerate() {
        for key in ["title", "description"] {
            if let Some(value) = line
                .strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix('='))
                .and_then(|v| v.trim().strip_prefix('"'))
                .and_then(|v| v.strip_suffix('"'))
            {
                all.push(Message {
                    file: book.display(&toml_path),
                    line: i + 1,
                    msgid: value.to_owned(),
                });
            }
        }
    }
    let summary = root.join("book/src/SUMMARY.md");
    let text = std::fs::read_to_string(&summary)?;
    all.extend(extract::summary_messages(&book.display(&summary), &text)?);
    for page in &book.pages {
        let text = std::fs::read_to_string(&page.path)?;
        all.extend(extract::page_messages(&page.display, &text)?);
    }
    for krate in &book.ws.crates {
        // The words of its metadata that the generated tables and the costs page show.
        let manifest = krate.dir.join("Cargo.toml");
        let toml = std::fs::read_to_string(&manifest).unwrap_or_default();
        let meta = &krate.meta;
        let shown_words = meta
            .ratios
            .iter()
            .map(|r| &r.label)
            .chain(meta.speedup_plots.iter().map(|p| &p.title))
            .chain(meta.speedup_plots.iter().map(|p| &p.x_label))
            .chain(
                meta.speedup_plots
                    .iter()
                    .flat_map(|p| p.series.iter().map(|s| &s.name)),
            )
            .chain(meta.bar_plots.iter().map(|p| &p.title))
            .chain(meta.costs.iter().map(|c| &c.what));
        for words in shown_words {
            let quoted = format!("\"{words}\"");
            let line = toml
                .lines()
                .position(|l| l.contains(&quoted))
                .or_else(|| toml.lines().position(|l| l.contains(words.as_str())))
                .map_or(1, |i| i + 1);
            all.push(Message {
                file: book.display(&manifest),
                line,
                msgid: words.clone(),
            });
        }
        // The phrases of each drawing an example draws in any language, as it lists them.
        for diagram in meta.diagrams.iter().filter(|d| d.words) {
            let list = book.generated_dir().join(format!("{}.words", diagram.file));
            let text = std::fs::read_to_string(&list).unwrap_or_default();
            for (i, phrase) in text.lines().enumerate() {
                all.push(Message {
                    file: book.display(&list),
                    line: i + 1,
                    msgid: phrase.to_owned(),
                });
            }
        }
        for e in crate::exercises::of_chapter(krate, root)? {
            // The task starts at the module doc's first line with words after the title.
            let offset = e
                .source
                .lines()
                .skip(1)
                .position(|l| l.strip_prefix("//!").is_some_and(|r| !r.trim().is_empty()))
                .map_or(1, |i| i + 1);
            for mut m in extract::page_messages(&e.shown, &e.task)? {
                m.line += offset;
                all.push(m);
            }
        }
    }
    all.extend(ui::messages());
    Ok(all)
}
