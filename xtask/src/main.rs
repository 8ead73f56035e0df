//! `cargo xtask`: see `README.md` for the commands.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use xtask::check::{self, Options};
use xtask::runner;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Build the book and verify every chapter"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Verify chapters: structure, includes, every shown output, tests, benches, the book.
    Check {
        /// Chapters to check, by crate name (all when none is named).
        chapters: Vec<String>,
        /// Only check structure and example outputs: skip tests, benches and the book.
        #[arg(long)]
        examples_only: bool,
    },
    /// Copy a chapter's crate out as a standalone project (its own Cargo.lock, no workspace).
    Starter {
        /// The chapter, by crate name.
        chapter: String,
        /// Where to write it: a new or empty folder.
        dest: std::path::PathBuf,
    },
    /// Run the chapters' benchmarks and write their tables and plots into book/src/generated/.
    Bench {
        /// Chapters to measure, by crate name (all with benchmarks when none is named).
        chapters: Vec<String>,
        /// Short criterion runs: a first look in a few minutes, rougher numbers.
        #[arg(long)]
        quick: bool,
    },
    /// Build the HTML book and print where it is.
    Book {
        /// Open the built book in a browser.
        #[arg(long)]
        open: bool,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let root = xtask::workspace_root();
    match cli.command {
        Cmd::Check {
            chapters,
            examples_only,
        } => {
            // Orphans that escape an example's process group are re-parented to us, so none
            // can outlive the check unseen.
            runner::become_subreaper();
            // Ctrl-C or SIGTERM kills every running example and cargo step with its group.
            runner::install_interrupt_handler()?;
            let mut opts = Options::new(&root);
            opts.chapters = chapters;
            opts.tests = !examples_only;
            opts.book = !examples_only;
            let mut report = check::run(&opts, &mut std::io::stdout())?;
            match runner::kill_leftover_children() {
                Ok(left) => {
                    for (pid, name) in left {
                        let text = format!("process {pid} ({name}) outlived the check: killed it");
                        println!("  {text}");
                        report.failures.push(text);
                    }
                }
                Err(e) => println!("  leftover processes not checked: {e}"),
            }
            if !report.failures.is_empty() {
                println!("\nfailures:");
                for f in &report.failures {
                    println!("  {}", f.lines().next().unwrap_or_default());
                }
            }
            println!("{}", report.summary());
            Ok(if report.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Cmd::Starter { chapter, dest } => {
            let starter = xtask::starter::export(&root, &chapter, &dest)?;
            println!(
                "starter: chapter `{}` written to {} ({} files); try: cd {} && cargo test",
                starter.chapter,
                starter.dest.display(),
                starter.files,
                starter.dest.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench { chapters, quick } => {
            let opts = xtask::bench::Options {
                root,
                chapters,
                quick,
            };
            xtask::bench::run(&opts, &mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Book { open } => {
            let index = xtask::build_book(&root.join("book"))?;
            println!("book: {}", index.display());
            if open {
                opener::open(&index)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
