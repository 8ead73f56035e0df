//! `cargo xtask bench`: see `crate::bench`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::bench::{self, Options};
use crate::book::Book;
use crate::session::Session;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Chapters to measure, by crate name (all with benchmarks when none is named).
    pub chapters: Vec<String>,
    /// Short criterion runs: a first look in a few minutes, rougher numbers.
    #[arg(long)]
    pub quick: bool,
    /// The maintainers' run that the book ships with: the book's claims must hold on it
    /// (a reader's own run only notes the claims that do not hold on their machine).
    #[arg(long, conflicts_with = "quick")]
    pub publish: bool,
    /// Measure nothing: render the tables and plots again from the committed results
    /// (after changing what a chapter's metadata compares).
    #[arg(long, conflicts_with_all = ["chapters", "quick", "publish"])]
    pub render: bool,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let session = Session::start()?;
    let book = Book::load(root)?;
    if args.render {
        bench::render_again(&book, out)?;
    } else {
        let opts = Options {
            chapters: args.chapters,
            quick: args.quick,
            publish: args.publish,
        };
        bench::run(&book, &opts, out)?;
    }
    let left = super::finish(session, out);
    Ok(if left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
