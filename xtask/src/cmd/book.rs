//! `cargo xtask book`: the HTML book, built with mdBook as a library.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::book::Book;
use crate::i18n::{self, Translation};
use crate::render::html;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Open the built book in a browser.
    #[arg(long)]
    pub open: bool,
    /// Build only this edition: `en`, or a translation under po/ (`ko`). Without it, every
    /// edition is built, each translation under `LANG/` in the English book's folder.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let book = Book::load(root)?;
    let langs = i18n::translations(root);
    let built = match args.lang.as_deref() {
        None => html::build_all(&book)?,
        Some("en") => vec![html::build(&book, None)?],
        Some(lang) if langs.iter().any(|l| l == lang) => {
            vec![html::build(&book, Some(&Translation::load(&book, lang)?))?]
        }
        Some(other) => bail!(
            "no edition `{other}`: the book has `en` and {}",
            langs
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    for index in &built {
        writeln!(out, "book: {}", index.display())?;
    }
    if args.open {
        opener::open(&built[0])?;
    }
    Ok(ExitCode::SUCCESS)
}
