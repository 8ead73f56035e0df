//! `cargo xtask`: see `README.md` for the commands; each lives in `src/cmd/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Build the book and verify every chapter"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify chapters: structure, includes, claims, every shown output, tests, the book.
    Check(cmd::check::Args),
    /// Copy a chapter's crate out as a standalone project (its own Cargo.lock, no workspace).
    Starter(cmd::starter::Args),
    /// Run the chapters' benchmarks and write their tables and plots into book/src/generated/.
    Bench(cmd::bench::Args),
    /// Build the HTML book and print where it is.
    Book(cmd::book::Args),
    /// Bring po/ up to date with the English pages (messages.pot, and msgmerge into each LANG.po).
    Translate(cmd::translate::Args),
    /// Run the check (and the tests) again and again beside CPU and disk hogs: N/M green.
    UnderLoad(cmd::under_load::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = &mut std::io::stdout();
    let ran = xtask::book::workspace::find_root().and_then(|root| match cli.command {
        Command::Check(args) => cmd::check::run(&root, args, out),
        Command::Starter(args) => cmd::starter::run(&root, args, out),
        Command::Bench(args) => cmd::bench::run(&root, args, out),
        Command::Book(args) => cmd::book::run(&root, args, out),
        Command::Translate(args) => cmd::translate::run(&root, args, out),
        Command::UnderLoad(args) => cmd::under_load::run(&root, args, out),
    });
    ran.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
