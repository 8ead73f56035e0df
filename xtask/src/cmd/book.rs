//! `cargo xtask book`: the HTML book, built with mdBook as a library.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::book::Book;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Open the built book in a browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let index = crate::render::html::build(&Book::load(root)?)?;
    writeln!(out, "book: {}", index.display())?;
    if args.open {
        opener::open(&index)?;
    }
    Ok(ExitCode::SUCCESS)
}
