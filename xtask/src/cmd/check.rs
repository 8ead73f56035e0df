//! `cargo xtask check`: see `crate::check`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::check::{self, Options, Report};
use crate::session::Session;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Chapters to check, by crate name (all when none is named).
    pub chapters: Vec<String>,
    /// Only check structure and example outputs: skip tests, benches and the book.
    #[arg(long)]
    pub examples_only: bool,
    /// Rewrite the console blocks whose output changed with what the programs print now
    /// (keeping every wildcard that still matches), and show the diff.
    #[arg(long)]
    pub bless: bool,
    /// Run every step again, even those whose inputs did not change since they passed.
    #[arg(long)]
    pub fresh: bool,
}

pub fn run(root: &Path, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let mut opts = Options::new(root);
    opts.chapters = args.chapters;
    opts.tests = !args.examples_only;
    opts.book = !args.examples_only;
    opts.bless = args.bless;
    opts.fresh = args.fresh;
    let report = checked(&opts, out)?;
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The check as the command runs it, inside a [`Session`]: its steps, then the processes it
/// left behind (killed, and failures too), then the closing list and summary.
pub fn checked(opts: &Options, out: &mut dyn Write) -> Result<Report> {
    let session = Session::start()?;
    let mut report = check::run(opts, out)?;
    report.problems.extend(super::finish(session, out));
    writeln!(out, "{}", report.closing())?;
    Ok(report)
}
