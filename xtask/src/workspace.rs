//! The workspace as every subcommand and every workspace test sees it, built once from
//! `cargo metadata`: the chapter crates (the packages under `crates/`), their examples,
//! benches and tests, and each one's `[package.metadata.xtask]` table.
//!
//! A chapter is named by its package name everywhere (the folder under `crates/` may differ).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use cargo_metadata::{Metadata, MetadataCommand, Package, TargetKind};

use crate::meta::ChapterMeta;

/// One chapter crate.
#[derive(Debug, Clone)]
pub struct ChapterCrate {
    /// The package name: what `cargo xtask check NAME` and `<!-- crate: NAME -->` say.
    pub name: String,
    /// Its folder, `<root>/crates/<folder>`.
    pub dir: PathBuf,
    pub examples: Vec<String>,
    pub bins: Vec<String>,
    /// Bench targets, sorted; their sources are `benches/<name>.rs` by convention.
    pub benches: Vec<String>,
    /// Integration test targets, sorted.
    pub tests: Vec<String>,
    pub meta: ChapterMeta,
}

impl ChapterCrate {
    /// `benches/<name>.rs` for each bench target: how results name their source.
    pub fn bench_sources(&self) -> Vec<String> {
        self.benches
            .iter()
            .map(|b| format!("benches/{b}.rs"))
            .collect()
    }
}

/// The workspace: where it is, where it builds, and its chapters, sorted by name.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub chapters: Vec<ChapterCrate>,
    /// The full metadata, with the resolve graph (for starters and artifacts).
    pub metadata: Metadata,
}

impl Workspace {
    /// Reads the workspace whose root manifest is `<root>/Cargo.toml`.
    pub fn load(root: &Path) -> Result<Workspace> {
        let metadata = MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .exec()
            .context("cannot read the workspace (cargo metadata)")?;
        let root = metadata.workspace_root.clone().into_std_path_buf();
        let crates_dir = root.join("crates");
        let mut chapters = Vec::new();
        for package in metadata.workspace_packages() {
            let dir = package
                .manifest_path
                .parent()
                .context("a manifest without a folder")?
                .as_std_path()
                .to_path_buf();
            if dir.parent() == Some(crates_dir.as_path()) {
                chapters.push(chapter_of(package, dir)?);
            }
        }
        chapters.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Workspace {
            target_dir: metadata.target_directory.clone().into_std_path_buf(),
            root,
            chapters,
            metadata,
        })
    }

    pub fn chapter(&self, name: &str) -> Option<&ChapterCrate> {
        self.chapters.iter().find(|c| c.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.chapters.iter().map(|c| c.name.as_str()).collect()
    }

    /// The chapters named (all when none is), or an error naming the known ones.
    pub fn select(&self, names: &[String]) -> Result<Vec<&ChapterCrate>> {
        for wanted in names {
            if self.chapter(wanted).is_none() {
                bail!(
                    "unknown chapter `{wanted}`; known chapters: {}",
                    self.names().join(", ")
                );
            }
        }
        Ok(self
            .chapters
            .iter()
            .filter(|c| names.is_empty() || names.contains(&c.name))
            .collect())
    }

    /// The chapter crate whose folder holds `file`, if any.
    pub fn chapter_of_file(&self, file: &Path) -> Option<&ChapterCrate> {
        self.chapters.iter().find(|c| file.starts_with(&c.dir))
    }

    /// `book/src/generated/`: what `cargo xtask bench` writes and the book includes.
    pub fn generated_dir(&self) -> PathBuf {
        generated_dir(&self.root)
    }

    /// Package names by package id (cargo's JSON messages name packages by id).
    pub fn package_names(&self) -> BTreeMap<String, String> {
        self.metadata
            .packages
            .iter()
            .map(|p| (p.id.repr.clone(), p.name.to_string()))
            .collect()
    }

    /// A path as messages show it: relative to the root.
    pub fn display(&self, path: &Path) -> String {
        display_path(&self.root, path)
    }
}

fn chapter_of(package: &Package, dir: PathBuf) -> Result<ChapterCrate> {
    let name = package.name.to_string();
    let of_kind = |kind: TargetKind| {
        let mut names: Vec<String> = package
            .targets
            .iter()
            .filter(|t| t.kind.contains(&kind))
            .map(|t| t.name.clone())
            .collect();
        names.sort();
        names
    };
    let meta = ChapterMeta::from_package_metadata(&name, &package.metadata)?;
    let tests = of_kind(TargetKind::Test);
    for loom in &meta.loom_tests {
        ensure!(
            tests.contains(loom),
            "crates/{name}/Cargo.toml: loom-tests names `{loom}`, which is not a test target of `{name}`"
        );
    }
    ensure!(
        meta.loom_tests.is_empty() || package.features.contains_key("loom"),
        "crates/{name}/Cargo.toml: loom-tests needs a feature `loom` (`loom = [\"dep:loom\"]`) that swaps the crate's sync types for loom's"
    );
    Ok(ChapterCrate {
        examples: of_kind(TargetKind::Example),
        bins: of_kind(TargetKind::Bin),
        benches: of_kind(TargetKind::Bench),
        tests,
        meta,
        dir,
        name,
    })
}

/// The workspace this command was started in, found at run time: the workspace that holds
/// the current folder (`cargo locate-project --workspace`), so that a binary built in one
/// clone never checks another clone's book.
pub fn find_root() -> Result<PathBuf> {
    find_root_from(&std::env::current_dir().context("no current folder")?)
}

/// The book's workspace that holds `dir`.
pub fn find_root_from(dir: &Path) -> Result<PathBuf> {
    let out = Command::new(cargo_program())
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .current_dir(dir)
        .output()
        .context("cannot run `cargo locate-project`")?;
    ensure!(
        out.status.success(),
        "not inside a Cargo workspace: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let manifest = PathBuf::from(String::from_utf8(out.stdout)?.trim());
    let root = manifest
        .parent()
        .context("the workspace manifest has no folder")?;
    ensure!(
        root.join("book/book.toml").is_file(),
        "{} is not this book's workspace (it has no book/book.toml): run `cargo xtask` inside the book's workspace",
        root.display()
    );
    Ok(root.to_path_buf())
}

/// Removes from `cmd`'s environment what `cargo run` told the xtask about itself
/// (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`, ...). Those describe the xtask, not the program
/// started; and a build script that reads one (ring's reads `CARGO_MANIFEST_DIR` and the
/// `CARGO_PKG_*` through `rerun-if-env-changed`) would make a cargo started from the xtask
/// rebuild what the README's plain `cargo test --workspace` then rebuilds again.
pub fn without_cargo_run_env(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let from_cargo_run = key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || matches!(
                key.as_ref(),
                "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
            );
        if from_cargo_run {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd
}

/// The cargo that runs us (set by `cargo run`), else the one on PATH.
pub fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

pub fn generated_dir(root: &Path) -> PathBuf {
    root.join("book/src/generated")
}

pub fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Copies the tree `from` into `to` (created if needed), leaving out every file or folder
/// whose name `skip` accepts; returns how many files it copied.
pub fn copy_tree(from: &Path, to: &Path, skip: &dyn Fn(&str) -> bool) -> std::io::Result<usize> {
    std::fs::create_dir_all(to)?;
    let mut count = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if skip(&name.to_string_lossy()) {
            continue;
        }
        let dest = to.join(&name);
        if entry.file_type()?.is_dir() {
            count += copy_tree(&entry.path(), &dest, skip)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
            count += 1;
        }
    }
    Ok(count)
}
