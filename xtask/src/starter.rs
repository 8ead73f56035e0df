//! `cargo xtask starter CHAPTER DEST`: a chapter's crate as a standalone starter project.
//!
//! Inside the workspace a chapter crate leans on it: `workspace = true` dependencies, package
//! fields and lints, the shared profiles and lockfile. The starter gets each of them written
//! out: dependency versions as the workspace's lockfile resolved them, features merged, lints
//! inlined, the profiles copied, and a `Cargo.lock` cut down from the workspace's, so that it
//! builds with exactly the versions the book was checked with.
//!
//! The chapter's exercises come out as skeletons, whose tests fail until the reader solves
//! them, or solved with `--solutions`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::book::Book;
use crate::exercises::{self, Exercise, Version};
use crate::i18n::Tr;

/// What a starter was made from and where it went.
#[derive(Debug)]
pub struct Starter {
    pub chapter: String,
    pub dest: PathBuf,
    pub files: usize,
    /// The chapter's exercises, as skeletons or solved.
    pub exercises: Vec<Exercise>,
    pub version: Version,
}

impl Starter {
    /// What to tell the reader about the exercises: which remain, and how to run each.
    pub fn exercise_lines(&self) -> Vec<String> {
        if self.exercises.is_empty() {
            return Vec::new();
        }
        let mut lines = vec![match self.version {
            Version::Skeleton => format!(
                "{} exercises to solve (their tests fail until you do):",
                self.exercises.len()
            ),
            Version::Solution => format!("{} exercises, solved:", self.exercises.len()),
        }];
        let file = |e: &Exercise| format!("{}/{}.rs", exercises::DIR, e.name);
        let width = self
            .exercises
            .iter()
            .map(|e| file(e).len())
            .max()
            .unwrap_or(0);
        for e in &self.exercises {
            lines.push(format!(
                "  {:<6}  {:<width$}  {}  ({})",
                e.difficulty.to_string(),
                file(e),
                e.title,
                e.command(true)
            ));
        }
        lines
    }
}

/// The one version of `name` that the workspace's `Cargo.lock` pins, if it pins exactly one.
fn locked_version(root: &Path, name: &str) -> Result<Option<String>> {
    let lock = read_toml(&root.join("Cargo.lock"))?;
    let versions: Vec<&str> = lock
        .get("package")
        .and_then(Item::as_array_of_tables)
        .into_iter()
        .flatten()
        .filter(|p| p.get("name").and_then(Item::as_str) == Some(name))
        .filter_map(|p| p.get("version").and_then(Item::as_str))
        .collect();
    Ok(match versions[..] {
        [one] => Some(one.to_owned()),
        _ => None,
    })
}

/// Writes the starter of `chapter` (a crate under `crates/`) to `dest`, which must not exist
/// or be empty, with its exercises as `version` has them.
pub fn export(
    book: &Book,
    chapter: &str,
    dest: &Path,
    version: Version,
    tr: &Tr<'_>,
) -> Result<Starter> {
    let root = book.root();
    let krate = book.select(&[chapter.to_owned()])?[0].krate;
    let metadata = &book.ws.metadata;
    let package = metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == krate.name)
        .context("the chapter is not a workspace package")?;
    if dest.exists() {
        let empty = dest.is_dir() && std::fs::read_dir(dest)?.next().is_none();
        ensure!(
            empty,
            "{} already exists and is not an empty folder: choose another destination",
            dest.display()
        );
    }

    // The versions the lockfile resolved for this crate's direct dependencies.
    let resolve = metadata
        .resolve
        .as_ref()
        .context("cargo metadata gave no resolve")?;
    let node = resolve
        .nodes
        .iter()
        .find(|n| n.id == package.id)
        .context("the chapter is missing from the resolve graph")?;
    let mut resolved: BTreeMap<String, String> = BTreeMap::new();
    for dep in &node.deps {
        let pkg = &metadata[&dep.pkg];
        resolved.insert(pkg.name.to_string(), pkg.version.to_string());
    }
    // An optional dependency whose feature is off (loom) is in neither that resolve nor
    // `cargo metadata`'s packages, but the lockfile pins it, and the starter must carry it.
    for dep in package.dependencies.iter().filter(|d| d.optional) {
        if !resolved.contains_key(dep.name.as_str())
            && let Some(version) = locked_version(root, &dep.name)?
        {
            resolved.insert(dep.name.clone(), version);
        }
    }

    let crate_dir = krate.dir.clone();
    let exercises = exercises::of_chapter(krate, root)?;
    let workspace: DocumentMut = read_toml(&root.join("Cargo.toml"))?;
    let mut manifest: DocumentMut = read_toml(&crate_dir.join("Cargo.toml"))?;
    standalone_manifest(&mut manifest, &workspace, &resolved)?;
    keep_overrides_of(&mut manifest, &reached(metadata, &package.id));

    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    let files = crate::files::copy_tree(&crate_dir, dest, &|name| {
        matches!(name, "target" | "Cargo.lock" | "Cargo.toml" | "__pycache__")
    })?;
    for e in &exercises {
        let rel = e.path.strip_prefix(&crate_dir)?;
        std::fs::write(dest.join(rel), e.file(version))?;
    }
    std::fs::write(dest.join("Cargo.toml"), manifest.to_string())?;
    std::fs::write(
        dest.join("README.md"),
        readme(chapter, dest, &crate_dir, &exercises, version, tr)?,
    )?;
    std::fs::write(dest.join(".gitignore"), "/target\n")?;

    // Start from the workspace's lockfile; cargo drops what the starter does not use and
    // keeps the versions of what it does.
    std::fs::copy(root.join("Cargo.lock"), dest.join("Cargo.lock"))?;
    let mut cmd = Command::new(crate::build::cargo_program());
    cmd.args([
        "metadata",
        "--format-version",
        "1",
        "--offline",
        "--manifest-path",
    ])
    .arg(dest.join("Cargo.toml"));
    let out =
        crate::runner::output(&mut cmd).context("cannot run cargo metadata on the starter")?;
    ensure!(
        out.status.success(),
        "cargo could not resolve the starter's dependencies: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );

    Ok(Starter {
        chapter: chapter.to_string(),
        dest: dest.to_path_buf(),
        files: files + 3,
        exercises,
        version,
    })
}

/// The names of every package the chapter's build reaches, itself included.
fn reached(
    metadata: &cargo_metadata::Metadata,
    from: &cargo_metadata::PackageId,
) -> BTreeSet<String> {
    let Some(resolve) = metadata.resolve.as_ref() else {
        return BTreeSet::new();
    };
    let mut seen = BTreeSet::new();
    let mut todo = vec![from];
    while let Some(id) = todo.pop() {
        if seen.insert(id)
            && let Some(node) = resolve.nodes.iter().find(|n| &n.id == id)
        {
            todo.extend(node.deps.iter().map(|d| &d.pkg));
        }
    }
    seen.into_iter()
        .map(|id| metadata[id].name.to_string())
        .collect()
}

/// Drops the copied profiles' overrides for packages the starter never builds (the browser
/// test's driver, say): cargo would warn about each of them on every build.
fn keep_overrides_of(manifest: &mut DocumentMut, reached: &BTreeSet<String>) {
    let Some(profiles) = manifest.get_mut("profile").and_then(Item::as_table_mut) else {
        return;
    };
    for (_, profile) in profiles.iter_mut() {
        if let Some(packages) = profile.get_mut("package").and_then(Item::as_table_mut) {
            packages.retain(|name, _| name == "*" || reached.contains(name));
        }
    }
}

fn read_toml(path: &Path) -> Result<DocumentMut> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

/// Rewrites a member manifest so that it needs no workspace.
fn standalone_manifest(
    manifest: &mut DocumentMut,
    workspace: &DocumentMut,
    resolved: &BTreeMap<String, String>,
) -> Result<()> {
    let ws = workspace["workspace"]
        .as_table()
        .context("the root Cargo.toml has no [workspace]")?;

    // [package] fields inherited from [workspace.package].
    if let Some(package) = manifest["package"].as_table_mut() {
        let keys: Vec<String> = package.iter().map(|(k, _)| k.to_string()).collect();
        for key in keys {
            if inherits(&package[&key]) {
                let value = ws
                    .get("package")
                    .and_then(|p| p.get(&key))
                    .with_context(|| format!("[workspace.package] has no `{key}`"))?;
                package[&key] = value.clone();
            }
        }
    }

    // The xtask's settings for the chapter (what its bench tables compare) mean nothing to a
    // project without the book's xtask.
    if let Some(metadata) = manifest["package"]
        .get_mut("metadata")
        .and_then(Item::as_table_like_mut)
    {
        metadata.remove("xtask");
        if metadata.is_empty() {
            manifest["package"]
                .as_table_mut()
                .map(|p| p.remove("metadata"));
        }
    }

    // Every dependency table, including target-specific ones.
    let ws_deps = ws.get("dependencies").and_then(Item::as_table);
    for table in dependency_tables(manifest) {
        let names: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        for name in names {
            if !inherits(&table[&name]) {
                if table[&name].get("path").is_some() {
                    bail!(
                        "dependency `{name}` is a path into the workspace: a starter cannot carry it"
                    );
                }
                continue;
            }
            let base = ws_deps
                .and_then(|d| d.get(&name))
                .with_context(|| format!("[workspace.dependencies] has no `{name}`"))?;
            let version = resolved
                .get(&name)
                .with_context(|| format!("the lockfile resolved no version of `{name}`"))?;
            table[&name] = Item::Value(Value::InlineTable(merge_dependency(
                base,
                &table[&name],
                version,
            )));
        }
    }

    // [lints] workspace = true  →  the workspace's lints, written out.
    if manifest.get("lints").is_some_and(inherits) {
        let lints = ws
            .get("lints")
            .context("[workspace.lints] is missing")?
            .clone();
        manifest["lints"] = lints;
    }

    // Profiles live at the workspace root; the starter keeps them. And it is a workspace of
    // its own, even when copied inside another project's folder.
    if let Some(profile) = workspace.get("profile") {
        manifest["profile"] = profile.clone();
    }
    manifest["workspace"] = Item::Table(Table::new());
    Ok(())
}

fn inherits(item: &Item) -> bool {
    item.get("workspace")
        .and_then(Item::as_bool)
        .unwrap_or(false)
}

fn dependency_tables(manifest: &mut DocumentMut) -> Vec<&mut Table> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut tables = Vec::new();
    let (targets, rest): (Vec<_>, Vec<_>) =
        manifest.iter_mut().partition(|(k, _)| k.get() == "target");
    for (key, item) in rest {
        if KINDS.contains(&key.get())
            && let Some(t) = item.as_table_mut()
        {
            tables.push(t);
        }
    }
    for (_, item) in targets {
        let Some(targets) = item.as_table_mut() else {
            continue;
        };
        for (_, platform) in targets.iter_mut() {
            let Some(platform) = platform.as_table_mut() else {
                continue;
            };
            for (key, item) in platform.iter_mut() {
                if KINDS.contains(&key.get())
                    && let Some(t) = item.as_table_mut()
                {
                    tables.push(t);
                }
            }
        }
    }
    tables
}

/// The workspace's spec of a dependency, with the member's additions (features, optional) and
/// the version the lockfile resolved.
fn merge_dependency(base: &Item, member: &Item, version: &str) -> toml_edit::InlineTable {
    let mut out = toml_edit::InlineTable::new();
    out.insert("version", version.into());
    let mut features: Vec<String> = Vec::new();
    let mut add_features = |item: Option<&Item>| {
        if let Some(arr) = item.and_then(Item::as_array) {
            for f in arr.iter().filter_map(Value::as_str) {
                if !features.iter().any(|x| x == f) {
                    features.push(f.to_string());
                }
            }
        }
    };
    if let Some(table) = base.as_table_like() {
        for (key, value) in table.iter() {
            match key {
                "version" | "features" => {}
                _ => {
                    if let Some(v) = value.as_value() {
                        out.insert(key, v.clone());
                    }
                }
            }
        }
        add_features(table.get("features"));
    }
    if let Some(table) = member.as_table_like() {
        add_features(table.get("features"));
        for key in ["optional", "default-features"] {
            if let Some(v) = table.get(key).and_then(Item::as_value) {
                out.insert(key, v.clone());
            }
        }
    }
    if !features.is_empty() {
        out.insert(
            "features",
            Value::Array(features.iter().map(String::as_str).collect()),
        );
    }
    out
}

/// The README's words, for the translations (`i18n::ui`); `{chapter}` is the chapter's name.
pub const README_INTRO: &str = "A starter made from the chapter `{chapter}` of *Concurrency in Rust, from the lesson up*: the chapter's crate, standalone, with the dependency versions the book was checked with (see `Cargo.lock`).";
pub const README_RUN: &str = "Run it";
pub const README_EXAMPLES: &str = "The examples print what the chapter shows; run one with `-- --help` to see its options. `src/lib.rs` holds the reusable pieces, `tests/` the checks of what the chapter claims.";
pub const README_EXERCISES: &str = "Exercises";
pub const README_TO_SOLVE: &str = "Each file below holds a task, a `todo!()` where the answer goes, and tests that fail until the answer is right: `cargo test` fails until every one is solved.";
pub const README_SOLVED: &str = "Exercises (solved)";

fn readme(
    chapter: &str,
    dest: &Path,
    crate_dir: &Path,
    exercises: &[Exercise],
    version: Version,
    tr: &Tr<'_>,
) -> Result<String> {
    let list = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(crate_dir.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.strip_suffix(".rs").map(String::from)
            })
            .collect();
        names.sort();
        names
    };
    let title = dest
        .file_name()
        .map_or_else(|| chapter.to_string(), |n| n.to_string_lossy().into_owned());
    let mut text = format!(
        "# {title}\n\n{}\n\n## {}\n\n```console\ncargo test\n",
        tr.ui(README_INTRO).replace("{chapter}", chapter),
        tr.ui(README_RUN),
    );
    for example in list("examples") {
        text.push_str(&format!("cargo run --example {example}\n"));
    }
    if !list("benches").is_empty() {
        text.push_str("cargo bench\n");
    }
    text.push_str(&format!("```\n\n{}\n", tr.ui(README_EXAMPLES)));
    if !exercises.is_empty() {
        text.push_str(&match version {
            Version::Skeleton => format!(
                "\n## {}\n\n{}\n\n",
                tr.ui(README_EXERCISES),
                tr.ui(README_TO_SOLVE)
            ),
            Version::Solution => format!("\n## {}\n\n", tr.ui(README_SOLVED)),
        });
        for e in exercises {
            // The title as the chapter's heading gives it, translated with the page.
            let heading = format!("{} ({})", e.title, e.difficulty);
            text.push_str(&format!(
                "- {}: `{}/{}.rs`, `{}`\n",
                tr.message(&heading).unwrap_or(&heading),
                exercises::DIR,
                e.name,
                e.command(true)
            ));
        }
    }
    Ok(text)
}
