//! Running cargo for the xtask: one place that knows how to call it (the cargo that runs us,
//! `--locked`, the workspace's target folder) and how to read the programs it built from its
//! JSON messages.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use cargo_metadata::{Message, TargetKind};

pub use crate::book::RunTarget;
use crate::book::Workspace;

/// Built programs: `(release, package, target)` to the executable.
pub type Executables = BTreeMap<(bool, String, RunTarget), PathBuf>;

/// Test executables of one package: `(target name, executable)`.
pub type TestBinaries = BTreeMap<String, Vec<(String, PathBuf)>>;

/// `cargo` in the workspace root, building in the workspace's target folder.
pub fn cargo(ws: &Workspace) -> Command {
    let mut cmd = Command::new(cargo_program());
    cmd.current_dir(&ws.root);
    without_cargo_run_env(&mut cmd);
    // Only when it was moved (the fixture tests): the same environment as a plain `cargo
    // test` keeps every build script's fingerprint the same.
    if ws.target_dir != ws.metadata.target_directory.as_std_path() {
        cmd.env("CARGO_TARGET_DIR", &ws.target_dir);
    }
    cmd
}

/// What one build made.
#[derive(Debug, Default)]
pub struct Built {
    pub executables: Executables,
    /// Test harness executables (unit tests of libs, integration tests), by package.
    pub tests: TestBinaries,
    /// Bench executables, by `(package, bench)`.
    pub benches: BTreeMap<(String, String), PathBuf>,
    pub ok: bool,
}

/// `cargo <args> --message-format=json-render-diagnostics`: the compiler's messages go to
/// our stderr as a person would see them; the artifacts are collected.
pub fn build(ws: &Workspace, release: bool, args: &[&str]) -> Result<Built> {
    let mut cmd = cargo(ws);
    cmd.args(args)
        .args(["--locked", "--message-format=json-render-diagnostics"])
        .stderr(Stdio::inherit());
    if release {
        cmd.arg("--release");
    }
    let names = ws.package_names();
    let mut built = Built::default();
    // In a process group the interrupt handler knows: Ctrl-C ends the compilers too.
    let mut child = crate::runner::spawn_streaming(&mut cmd).context("cannot run cargo")?;
    let stdout = child.stdout().context("no stdout")?;
    for message in Message::parse_stream(BufReader::new(stdout)) {
        let Message::CompilerArtifact(art) = message? else {
            continue;
        };
        let Some(exe) = art.executable else { continue };
        let Some(package) = names.get(&art.package_id.repr) else {
            continue;
        };
        let name = art.target.name.clone();
        let exe = exe.into_std_path_buf();
        if art.target.kind.contains(&TargetKind::Bench) {
            built.benches.insert((package.clone(), name), exe);
            continue;
        }
        if art.profile.test {
            built
                .tests
                .entry(package.clone())
                .or_default()
                .push((name, exe));
            continue;
        }
        let target = if art.target.kind.contains(&TargetKind::Example) {
            RunTarget::Example(name)
        } else if art.target.kind.contains(&TargetKind::Bin) {
            RunTarget::Bin(name)
        } else {
            continue;
        };
        built
            .executables
            .insert((release, package.clone(), target), exe);
    }
    built.ok = child.wait()? == crate::runner::Ended::Exited(0);
    for list in built.tests.values_mut() {
        list.sort();
        list.dedup();
    }
    Ok(built)
}

/// `cargo build` of some targets of some packages; the executables and whether it worked.
pub fn build_targets(
    ws: &Workspace,
    release: bool,
    packages: &[&str],
    targets: &[&str],
) -> Result<(Executables, bool)> {
    let mut args = vec!["build"];
    for p in packages {
        args.extend(["-p", p]);
    }
    args.extend(targets);
    let built = build(ws, release, &args)?;
    Ok((built.executables, built.ok))
}

/// The rustc cargo uses (`RUSTC`), else the one on PATH.
pub fn rustc_program() -> PathBuf {
    std::env::var_os("RUSTC").map_or_else(|| "rustc".into(), PathBuf::from)
}

/// The cargo that runs us (set by `cargo run`), else the one on PATH.
pub fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
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
