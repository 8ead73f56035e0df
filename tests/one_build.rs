//! A first `cargo xtask check` builds the xtask alone (`cargo run -p xtask`), then the whole
//! workspace (`cargo test --workspace`). Cargo gives each dependency the features of the
//! packages it was asked to build, so a dependency that the workspace's crates use with more
//! features than the xtask's is built twice, and with it everything above it (a different
//! `syn` makes every proc-macro, then serde, clap and the mdBook stack, build again). The
//! xtask's manifest therefore asks for the workspace's features of what it shares (cargo's
//! own `resolver.feature-unification = "workspace"` is still unstable); this test keeps it so.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use workspace_tests::root;

/// A dependency as cargo builds it: the package, and whether it is built for the host (a
/// proc-macro, a build script's dependency, and everything under them) or for the target.
type Unit = (String, bool);

/// Every registry dependency of the graph `cargo tree` draws for `args`, with the features
/// it is built with.
fn units(args: &[&str]) -> BTreeMap<Unit, BTreeSet<String>> {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--offline", "--no-dedupe"])
        .args(["--prefix", "indent", "--format", "{p}|{f}"])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_tree(&String::from_utf8(out.stdout).unwrap())
}

/// Reads `cargo tree --prefix indent --format '{p}|{f}'`: each level is indented four
/// columns, and a `[build-dependencies]` line heads the host-side children of the line above.
fn parse_tree(text: &str) -> BTreeMap<Unit, BTreeSet<String>> {
    let mut units: BTreeMap<Unit, BTreeSet<String>> = BTreeMap::new();
    // For each depth on the current path: (built for the host, its children are).
    let mut path: Vec<(bool, bool)> = Vec::new();
    for line in text.lines() {
        let text = line.trim_start_matches(['│', '├', '└', '─', ' ', '\u{a0}']);
        let depth = (line.chars().count() - text.chars().count()) / 4;
        if text.is_empty() {
            continue; // between the trees of two members
        }
        if text.starts_with('[') {
            // A section of the children of the package at `depth`.
            if let Some(parent) = path.get_mut(depth) {
                parent.1 = parent.0 || text == "[build-dependencies]";
            }
            continue;
        }
        let (package, features) = text.split_once('|').unwrap_or((text, ""));
        let proc_macro = package.ends_with(" (proc-macro)");
        let host = proc_macro || (depth > 0 && path.get(depth - 1).is_some_and(|p| p.1));
        path.truncate(depth);
        path.push((host, host));
        // The workspace's own members are built again anyway when their sources change.
        if package.contains(" (/") {
            continue;
        }
        let name = package.trim_end_matches(" (proc-macro)").to_owned();
        units
            .entry((name, host))
            .or_default()
            .insert(features.to_owned());
    }
    units
}

#[test]
fn the_xtask_and_the_workspace_share_every_dependency_build() {
    let xtask = units(&["--package", "xtask", "--edges", "normal,build"]);
    let workspace = units(&["--workspace", "--edges", "normal,build,dev"]);
    assert!(
        xtask.len() > 100,
        "only {} units under the xtask",
        xtask.len()
    );
    let mut twice = Vec::new();
    for ((package, host), sets) in &xtask {
        let side = if *host { " (for the host)" } else { "" };
        let theirs = workspace
            .get(&(package.clone(), *host))
            .cloned()
            .unwrap_or_default();
        for set in sets.difference(&theirs) {
            twice.push(format!(
                "{package}{side}: the xtask alone builds it with [{set}], the workspace with {theirs:?}"
            ));
        }
    }
    assert!(
        twice.is_empty(),
        "built twice by a first `cargo xtask check`; give these dependencies the workspace's \
         features in xtask/Cargo.toml:\n{}",
        twice.join("\n")
    );
}

#[test]
fn build_dependencies_and_proc_macros_are_built_for_the_host() {
    let tree = "\
a v1.0.0 (/w/a)|
├── b v1.0.0|std
│   [build-dependencies]
│   └── cc v1.0.0|
│       └── shlex v1.0.0|
├── m v1.0.0 (proc-macro)|
│   └── syn v2.0.0|full
└── shlex v1.0.0|std
";
    let units = parse_tree(tree);
    let has = |name: &str, host: bool, features: &str| {
        units
            .get(&(name.to_owned(), host))
            .is_some_and(|s| s.contains(features))
    };
    assert!(has("b v1.0.0", false, "std"));
    assert!(has("cc v1.0.0", true, ""));
    assert!(has("shlex v1.0.0", true, ""));
    assert!(has("shlex v1.0.0", false, "std"));
    assert!(has("m v1.0.0", true, ""));
    assert!(has("syn v2.0.0", true, "full"));
    assert_eq!(units.len(), 6, "{units:?}");
}
