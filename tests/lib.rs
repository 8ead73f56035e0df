//! Helpers for the workspace tests: copies of the fixture book, running the checker on them
//! in-process as the command does, and snapshots of what it prints.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::Result;
use xtask::check::{Options, Report};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace root")
        .to_path_buf()
}

/// Where cargo builds this workspace: `target/`, or `CARGO_TARGET_DIR` when it is set.
pub fn target_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        xtask::book::Workspace::load(&root())
            .expect("cargo metadata of the workspace")
            .target_dir
    })
    .clone()
}

/// The workspace's book, loaded once for all the tests of a program.
pub fn book() -> &'static xtask::book::Book {
    static BOOK: LazyLock<xtask::book::Book> =
        LazyLock::new(|| xtask::book::Book::load(&root()).expect("the book loads"));
    &BOOK
}

/// A fresh copy of `tests/fixtures/NAME` in a temporary folder that lives as long as it does.
#[derive(Debug)]
pub struct Fixture {
    /// Removes the folder when dropped.
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Fixture {
    pub fn new(name: &str) -> Self {
        Self::new_at(name, "")
    }

    /// The fixture copied into `<temp>/<under>` (say, under a folder named `crates`).
    pub fn new_at(name: &str, under: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(under);
        let from = root().join("tests/fixtures").join(name);
        xtask::files::copy_tree(&from, &path, &|_| false).expect("copy fixture");
        Fixture { _dir: dir, path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).expect("read fixture file")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write fixture file");
    }

    /// Replaces `from` (which must occur) with `to` in a file.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Options for a quick check: structure and examples only.
    pub fn options(&self) -> Options {
        let mut opts = Options::new(self.path());
        // A build folder of its own: cargo names the fixture crate's programs the same in
        // every copy, so copies sharing one folder would run each other's builds.
        opts.target_dir = Some(self.path().join("target"));
        opts.tests = false;
        opts.book = false;
        opts
    }

    /// Runs the check as `cargo xtask check` does (inside its session, with its closing
    /// summary) and returns its report and everything it printed.
    pub fn check(&self, opts: &Options) -> Result<(Report, String)> {
        let mut out = Vec::new();
        let report = xtask::cmd::check::checked(opts, &mut out)?;
        Ok((report, String::from_utf8_lossy(&out).into_owned()))
    }

    /// Compares what a command printed with `tests/snapshots/NAME.txt`, where durations read
    /// `[TIME]` and this copy's folder `[ROOT]`; `SNAPSHOTS=overwrite cargo test` writes the
    /// file anew, keeping its wildcards where they still match.
    pub fn assert_snapshot(&self, name: &str, printed: &str) {
        let printed = TIME.replace_all(printed, "[TIME]");
        let here = self.path().display().to_string();
        let printed = printed.replace(here.trim_end_matches('/'), "[ROOT]");
        let file = root().join("tests/snapshots").join(format!("{name}.txt"));
        snapbox::Assert::new()
            .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
            .normalize_paths(false)
            .eq(
                snapbox::Data::text(printed),
                snapbox::Data::read_from(&file, None),
            );
    }
}

/// A duration as the checker prints it: `0.3 s`, `12 s`.
static TIME: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\b\d+(?:\.\d+)? s\b").expect("valid regex"));
