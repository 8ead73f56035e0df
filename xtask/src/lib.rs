//! The project's tool: builds the book and checks that everything it shows is real. The
//! binary (`cargo xtask ...`, `main.rs`) only picks a command; everything is in this library,
//! so that the workspace tests run the same code on fixture books.
//!
//! Where things are:
//! - `cmd/`: one file per command (its flags and its `run`); `session.rs`: the guard every
//!   long command runs in (Ctrl-C, leftover processes);
//! - `book/`: the model every command takes, loaded once: the crates (`workspace.rs`,
//!   `meta.rs`), the pages (`page.rs`, `console.rs`) and their pairing (`mod.rs`);
//! - `results.rs`: what `cargo xtask bench` measured; `claims.rs`: the sentences bound to it;
//! - `render/`: what is made from them: the generated files (one list, `render::files`), the
//!   figures in the prose, the exercises, the HTML book;
//! - `i18n/`: the translated editions (`po/LANG.po`): the messages of the English sources,
//!   the translation at build time, and the check of every translation;
//! - `bench/`: measuring; `check/`: checking, step by step; `starter.rs`: a chapter copied out;
//! - `exercises/`: reading an exercise and making its skeleton;
//! - `problem.rs`: what a step found wrong; `build.rs`: calling cargo; `runner/`: running a
//!   program with a deadline in its own process group; `matcher.rs`: comparing outputs;
//!   `links.rs`: the rendered book's links; `files.rs`: small file helpers.

#[cfg(not(unix))]
compile_error!(
    "this book's tools and examples need a Unix system (Linux, or macOS where the chapters say so); on Windows, use WSL"
);

pub mod bench;
pub mod book;
pub(crate) mod build;
pub mod check;
pub(crate) mod claims;
pub mod cmd;
pub mod exercises;
pub mod files;
pub mod i18n;
pub(crate) mod links;
pub(crate) mod matcher;
pub mod problem;
pub mod render;
pub(crate) mod results;
pub mod runner;
pub(crate) mod session;
pub mod starter;
