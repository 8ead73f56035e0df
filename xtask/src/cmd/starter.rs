//! `cargo xtask starter`: see `crate::starter`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::book::Book;
use crate::exercises::Version;
use crate::i18n::{self, Tr, Translation};
use crate::session::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chapter, by crate name.
    pub chapter: String,
    /// Where to write it: a new or empty folder.
    pub dest: PathBuf,
    /// Write the exercises solved, not as skeletons to fill in.
    #[arg(long)]
    pub solutions: bool,
    /// The language of the README it writes: `en` (the default), or a translation under
    /// po/ (`ko`).
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub lang: String,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let session = Session::start()?;
    let version = if args.solutions {
        Version::Solution
    } else {
        Version::Skeleton
    };
    let book = Book::load(root)?;
    let translation = match args.lang.as_str() {
        "en" => None,
        lang if i18n::translations(root).iter().any(|l| l == lang) => {
            Some(Translation::load(&book, lang)?)
        }
        other => bail!(
            "no translation `{other}`: the book has `en` and {}",
            i18n::translations(root)
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let tr = Tr::new(translation.as_ref());
    let starter = crate::starter::export(&book, &args.chapter, &args.dest, version, &tr)?;
    let dest = starter.dest.display();
    writeln!(
        out,
        "starter: chapter `{}` written to {dest} ({} files); try: cd {dest} && cargo test",
        starter.chapter, starter.files
    )?;
    for line in starter.exercise_lines() {
        writeln!(out, "{line}")?;
    }
    let left = super::finish(session, out);
    Ok(if left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
