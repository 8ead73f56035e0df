//! Helpers for the workspace tests: copies of the fixture book, and running the checker on
//! them in-process.

use std::path::{Path, PathBuf};

use anyhow::Result;
use xtask::check::{self, Options, Report};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace root")
        .to_path_buf()
}

/// A fresh copy of `tests/fixtures/NAME` in a temporary folder that lives as long as it does.
#[derive(Debug)]
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&root().join("tests/fixtures").join(name), dir.path()).expect("copy fixture");
        Fixture { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
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
        // One build folder for all fixture copies keeps each check's build a few crates big.
        opts.target_dir = Some(root().join("target/fixture-target"));
        opts.tests = false;
        opts.book = false;
        opts
    }

    /// Runs the checker and returns its report and everything it printed.
    pub fn check(&self, opts: &Options) -> Result<(Report, String)> {
        let mut out = Vec::new();
        let report = check::run(opts, &mut out)?;
        Ok((report, String::from_utf8_lossy(&out).into_owned()))
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}
