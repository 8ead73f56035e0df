//! The cargo half of the book: the workspace as `cargo metadata` describes it, once: the
//! chapter crates (the packages under `crates/`), their examples, benches and tests, and each
//! one's `[package.metadata.xtask]` table.
//!
//! A chapter is named by its package name everywhere (the folder under `crates/` may differ).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};
use cargo_metadata::{Metadata, MetadataCommand, Package, TargetKind};

use super::meta::ChapterMeta;
use crate::build::cargo_program;

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
    /// It measures something: criterion benches, a probe or a Python twin.
    pub fn measures(&self) -> bool {
        !self.benches.is_empty()
            || !self.meta.probes.is_empty()
            || !self.meta.python_twins.is_empty()
    }

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
    pub crates: Vec<ChapterCrate>,
    /// The full metadata, with the resolve graph (for starters and artifacts).
    pub metadata: Metadata,
}

impl Workspace {
    /// Reads the workspace whose root manifest is `<root>/Cargo.toml`.
    pub fn load(root: &Path) -> Result<Workspace> {
        // Through the runner, so that an interrupt ends it like every other program.
        let mut cmd = MetadataCommand::new()
            .cargo_path(cargo_program())
            .manifest_path(root.join("Cargo.toml"))
            .cargo_command();
        crate::build::without_cargo_run_env(&mut cmd);
        let out = crate::runner::output(&mut cmd).context("cannot run cargo metadata")?;
        ensure!(
            out.status.success(),
            "cannot read the workspace (cargo metadata): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        let metadata = MetadataCommand::parse(String::from_utf8_lossy(&out.stdout))
            .context("cannot read the workspace (cargo metadata)")?;
        let root = metadata.workspace_root.clone().into_std_path_buf();
        let crates_dir = root.join("crates");
        let mut crates = Vec::new();
        for package in metadata.workspace_packages() {
            let dir = package
                .manifest_path
                .parent()
                .context("a manifest without a folder")?
                .as_std_path()
                .to_path_buf();
            if dir.parent() == Some(crates_dir.as_path()) {
                crates.push(chapter_of(package, dir)?);
            }
        }
        crates.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Workspace {
            target_dir: metadata.target_directory.clone().into_std_path_buf(),
            root,
            crates,
            metadata,
        })
    }

    /// The chapter crate named `name`.
    pub fn krate(&self, name: &str) -> Option<&ChapterCrate> {
        self.crates.iter().find(|c| c.name == name)
    }

    /// The chapter crate whose folder holds `file`, if any.
    pub fn chapter_of_file(&self, file: &Path) -> Option<&ChapterCrate> {
        self.crates.iter().find(|c| file.starts_with(&c.dir))
    }

    /// `book/src/generated/`: what `cargo xtask bench` writes and the book includes.
    pub fn generated_dir(&self) -> PathBuf {
        self.root.join(crate::render::GENERATED)
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
    let mut cmd = Command::new(cargo_program());
    cmd.args(["locate-project", "--workspace", "--message-format", "plain"])
        .current_dir(dir);
    let out = crate::runner::output(&mut cmd).context("cannot run `cargo locate-project`")?;
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

pub fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
