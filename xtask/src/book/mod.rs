//! The book and its crates, loaded once: `cargo metadata` gives the chapter crates and their
//! metadata (`workspace.rs`, `meta.rs`), mdBook's own reading of `SUMMARY.md` gives the pages
//! (`page.rs`, `console.rs`), and [`Book::load`] joins the two in the one place that does: a
//! page names its crate with `<!-- crate: NAME -->`. Every command takes a [`Book`]; nothing
//! loads it again.

pub mod console;
pub mod meta;
pub mod page;
pub mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use console::{CargoRun, ConsoleBlock, Run, RunTarget, RustcRun, ShownCommand};
pub use page::{Include, Page, Selector};
pub use workspace::{ChapterCrate, Workspace};

use crate::problem::Problem;

/// The workspace's book: its crates, its pages, and which page is which crate's chapter.
#[derive(Debug)]
pub struct Book {
    pub ws: Workspace,
    /// Every page listed in `SUMMARY.md`, in the book's order.
    pub pages: Vec<Page>,
    /// For each chapter crate that a page names, the first such page (an index into `pages`).
    chapter_pages: BTreeMap<String, usize>,
}

/// A chapter: a crate and the page that teaches it.
#[derive(Debug, Clone, Copy)]
pub struct Chapter<'a> {
    pub krate: &'a ChapterCrate,
    pub page: &'a Page,
}

impl Chapter<'_> {
    pub fn name(&self) -> &str {
        &self.krate.name
    }
}

impl Book {
    /// Loads the book of the workspace whose root manifest is `<root>/Cargo.toml`.
    pub fn load(root: &Path) -> Result<Book> {
        Book::of(Workspace::load(root)?)
    }

    /// The book of a loaded workspace; every include is attributed to the chapter crate whose
    /// folder holds its file.
    pub fn of(ws: Workspace) -> Result<Book> {
        let book_dir = ws.root.join("book");
        let book = mdbook_driver::MDBook::load(&book_dir)
            .with_context(|| format!("cannot load the book at {}", book_dir.display()))?;
        let src = book.source_dir();
        let mut pages = Vec::new();
        for item in book.iter() {
            let mdbook_driver::book::BookItem::Chapter(ch) = item else {
                continue;
            };
            let Some(source) = &ch.source_path else {
                continue; // a draft chapter has no page yet
            };
            let path = src.join(source);
            let mut page = page::parse_page(&ch.name, path.clone(), ws.display(&path), &ch.content);
            for inc in &mut page.includes {
                inc.crate_name = ws.chapter_of_file(&inc.file).map(|c| c.name.clone());
            }
            pages.push(page);
        }
        let mut chapter_pages = BTreeMap::new();
        for (i, page) in pages.iter().enumerate() {
            if let Some((name, _)) = &page.crate_marker
                && ws.krate(name).is_some()
            {
                chapter_pages.entry(name.clone()).or_insert(i);
            }
        }
        Ok(Book {
            ws,
            pages,
            chapter_pages,
        })
    }

    /// The chapters, in the book's order.
    pub fn chapters(&self) -> Vec<Chapter<'_>> {
        let mut chapters: Vec<(usize, Chapter<'_>)> = self
            .chapter_pages
            .iter()
            .filter_map(|(name, &i)| {
                Some((
                    i,
                    Chapter {
                        krate: self.ws.krate(name)?,
                        page: &self.pages[i],
                    },
                ))
            })
            .collect();
        chapters.sort_by_key(|(i, _)| *i);
        chapters.into_iter().map(|(_, c)| c).collect()
    }

    pub fn chapter(&self, name: &str) -> Option<Chapter<'_>> {
        let &i = self.chapter_pages.get(name)?;
        Some(Chapter {
            krate: self.ws.krate(name)?,
            page: &self.pages[i],
        })
    }

    /// The chapters named (all when none is), in the book's order; an unknown name is an error
    /// that lists the known ones.
    pub fn select(&self, names: &[String]) -> Result<Vec<Chapter<'_>>> {
        let all = self.chapters();
        for wanted in names {
            if !all.iter().any(|c| c.name() == wanted) {
                bail!(
                    "unknown chapter `{wanted}`; known chapters: {}",
                    all.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
                );
            }
        }
        Ok(all
            .into_iter()
            .filter(|c| names.is_empty() || names.iter().any(|n| n == c.name()))
            .collect())
    }

    /// Each chapter's page under `book/src/` and its title, for links between pages.
    pub fn page_links(&self) -> BTreeMap<String, (String, String)> {
        self.chapters()
            .into_iter()
            .map(|c| {
                (
                    c.name().to_owned(),
                    (c.page.file_in_book(), c.page.title.clone()),
                )
            })
            .collect()
    }

    /// Where the pages and the crates do not pair one to one: a page naming no crate of the
    /// workspace or one another page has, a page that shows code but names no crate, and a
    /// crate no page names.
    pub fn pairing_problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            match &page.crate_marker {
                Some((name, line)) if self.ws.krate(name).is_none() => {
                    problems.push(page.problem(
                        *line,
                        format!("the chapter names crate `{name}`, but there is no crates/{name} in the workspace"),
                    ));
                }
                Some((name, line)) if self.chapter_pages.get(name) != Some(&i) => {
                    problems.push(page.problem(
                        *line,
                        format!(
                            "crate `{name}` is already the crate of {}",
                            self.pages[self.chapter_pages[name]].display
                        ),
                    ));
                }
                None if page.teaches_code() => problems.push(
                    page.problem(
                        1,
                        "the chapter shows code or runs examples but names no crate",
                    )
                    .fix("add a line `<!-- crate: NAME -->`"),
                ),
                _ => {}
            }
        }
        for krate in &self.ws.crates {
            if !self.chapter_pages.contains_key(&krate.name) {
                problems.push(
                    Problem::in_file(format!("crates/{}", krate.name), "no chapter names this crate")
                        .fix(format!(
                            "add `<!-- crate: {} -->` to its page in book/src/SUMMARY.md, or remove the crate",
                            krate.name
                        )),
                );
            }
        }
        problems
    }

    pub fn root(&self) -> &Path {
        &self.ws.root
    }

    /// `book/src/generated/`: what `cargo xtask bench` writes and the book includes.
    pub fn generated_dir(&self) -> PathBuf {
        self.ws.generated_dir()
    }

    /// A path as messages show it: relative to the root.
    pub fn display(&self, path: &Path) -> String {
        self.ws.display(path)
    }
}
