//! `cargo xtask translate`: brings `po/` up to date with the English pages. It writes
//! `po/messages.pot` and merges it into each `po/LANG.po` with gettext's `msgmerge`, which
//! keeps every translation whose English did not change and marks as fuzzy the ones whose
//! English did (the check fails until a translator has revisited them).

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::book::Book;
use crate::i18n::{self, catalog};

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Change nothing: check every po/LANG.po against the English sources, as `cargo xtask
    /// check` does, and print what is missing, stale or broken.
    #[arg(long)]
    pub check: bool,
    /// Start a translation: make `po/LANG.po` from the template, nothing translated yet.
    #[arg(long, value_name = "LANG")]
    pub new: Vec<String>,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let book = Book::load(root)?;
    let messages = i18n::messages(&book)?;
    if args.check {
        let mut bad = 0;
        for lang in i18n::translations(root) {
            let mut problems = i18n::lint::lint(&book, &lang, &messages)?;
            problems.extend(i18n::diagrams::lint(&book, &lang));
            for p in &problems {
                writeln!(out, "{p}")?;
            }
            writeln!(
                out,
                "po/{lang}.po: {} messages, {} problems",
                messages.len(),
                problems.len()
            )?;
            bad += problems.len();
        }
        return Ok(if bad == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let dir = catalog::po_dir(root);
    std::fs::create_dir_all(&dir)?;
    let pot = dir.join("messages.pot");
    let title = mdbook_driver::MDBook::load(root.join("book"))?
        .config
        .book
        .title
        .unwrap_or_default();
    catalog::write(&catalog::template(&messages, &title), &pot)?;
    writeln!(out, "{}: {} messages", book.display(&pot), messages.len())?;
    let mut langs = i18n::translations(root);
    for lang in &args.new {
        if !langs.contains(lang) {
            langs.push(lang.clone());
        }
    }
    for lang in &langs {
        let po = dir.join(format!("{lang}.po"));
        if !po.exists() {
            let mut fresh = catalog::load(&pot)?;
            fresh.metadata.language = lang.clone();
            catalog::write(&fresh, &po)?;
            writeln!(out, "{}: new, nothing translated yet", book.display(&po))?;
            continue;
        }
        gettext(
            "msgmerge",
            &[
                "--quiet",
                "--update",
                "--backup=none",
                "--previous",
                "--no-wrap",
            ],
            &[&po, &pot],
        )?;
        // Translations of English that is gone stay in git's history, not in the file.
        gettext(
            "msgattrib",
            &["--no-obsolete", "--no-wrap", "-o"],
            &[&po, &po],
        )?;
        writeln!(out, "{}: merged", book.display(&po))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one of gettext's tools on `files`.
fn gettext(program: &str, options: &[&str], files: &[&Path]) -> Result<()> {
    let status = Command::new(program)
        .args(options)
        .args(files)
        .status()
        .with_context(|| {
            format!("cannot run {program}: install gettext (Debian: apt-get install gettext)")
        })?;
    if !status.success() {
        bail!("{program} failed on {}", files[0].display());
    }
    Ok(())
}
