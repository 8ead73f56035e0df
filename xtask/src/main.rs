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
        /// Rewrite the console blocks whose output changed with what the programs print now
        /// (keeping every wildcard that still matches), and show the diff.
        #[arg(long)]
        bless: bool,
        /// Run every step again, even those whose inputs did not change since they passed.
        #[arg(long)]
        fresh: bool,
    },
    /// Copy a chapter's crate out as a standalone project (its own Cargo.lock, no workspace).
    Starter {
        /// The chapter, by crate name.
        chapter: String,
        /// Where to write it: a new or empty folder.
        dest: std::path::PathBuf,
        /// Write the exercises solved, not as skeletons to fill in.
        #[arg(long)]
        solutions: bool,
    },
    /// Run the chapters' benchmarks and write their tables and plots into book/src/generated/.
    Bench {
        /// Chapters to measure, by crate name (all with benchmarks when none is named).
        chapters: Vec<String>,
        /// Short criterion runs: a first look in a few minutes, rougher numbers.
        #[arg(long)]
        quick: bool,
        /// The maintainers' run that the book ships with: the book's claims must hold on it
        /// (a reader's own run only notes the claims that do not hold on their machine).
        #[arg(long, conflicts_with = "quick")]
        publish: bool,
        /// Measure nothing: render the tables and plots again from the committed results
        /// (after changing what a chapter's metadata compares).
        #[arg(long, conflicts_with_all = ["chapters", "quick", "publish"])]
        render: bool,
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
    let root = xtask::workspace::find_root()?;
    match cli.command {
        Cmd::Check {
            chapters,
            examples_only,
            bless,
            fresh,
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
            opts.bless = bless;
            opts.fresh = fresh;
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
        Cmd::Starter {
            chapter,
            dest,
            solutions,
        } => {
            let version = if solutions {
                xtask::exercises::Version::Solution
            } else {
                xtask::exercises::Version::Skeleton
            };
            let starter = xtask::starter::export(&root, &chapter, &dest, version)?;
            println!(
                "starter: chapter `{}` written to {} ({} files); try: cd {} && cargo test",
                starter.chapter,
                starter.dest.display(),
                starter.files,
                starter.dest.display()
            );
            for line in starter.exercise_lines() {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench { render: true, .. } => {
            let ws = xtask::workspace::Workspace::load(&root)?;
            xtask::bench::render_again(&ws, &mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            chapters,
            quick,
            publish,
            ..
        } => {
            let ws = xtask::workspace::Workspace::load(&root)?;
            let opts = xtask::bench::Options {
                chapters,
                quick,
                publish,
            };
            xtask::bench::run(&ws, &opts, &mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Book { open } => {
            let index = xtask::build_book(&root)?;
            println!("book: {}", index.display());
            if open {
                opener::open(&index)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
