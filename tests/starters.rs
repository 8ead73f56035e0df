//! Every chapter copies out as a standalone starter that builds and passes its tests alone,
//! offline, with the versions the workspace's lockfile resolved.

use std::process::Command;

use workspace_tests::root;

fn chapters() -> Vec<String> {
    let ws = xtask::workspace::Workspace::load(&root()).unwrap();
    ws.names().into_iter().map(String::from).collect()
}

#[test]
fn every_chapter_exports_a_starter_that_passes_its_tests_alone() {
    let chapters = chapters();
    assert!(!chapters.is_empty());
    // One build folder for all starters: their registry dependencies compile once.
    let target = workspace_tests::target_dir().join("starters");
    for chapter in &chapters {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join(format!("my-{chapter}"));
        let starter = xtask::starter::export(&root(), chapter, &dest).unwrap();
        assert!(starter.files > 3);

        let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
        assert!(
            !manifest.contains("workspace = true"),
            "{chapter}: {manifest}"
        );
        assert!(!manifest.contains("path ="), "{chapter}: {manifest}");
        assert!(
            !manifest.contains("metadata.xtask"),
            "{chapter}: {manifest}"
        );
        assert!(
            manifest.contains("[workspace]"),
            "{chapter} is a workspace of its own"
        );
        assert!(dest.join("Cargo.lock").is_file());
        let readme = std::fs::read_to_string(dest.join("README.md")).unwrap();
        assert!(readme.contains(&format!("chapter `{chapter}`")), "{readme}");

        let out = Command::new(env!("CARGO"))
            .args(["test", "--offline", "--locked", "--target-dir"])
            .arg(&target)
            .current_dir(&dest)
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the {chapter} starter fails its tests:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The starter's lockfile pins the same versions as the workspace's.
        let lock = std::fs::read_to_string(dest.join("Cargo.lock")).unwrap();
        let ws_lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
        for entry in lock.split("[[package]]").skip(1) {
            // name, version and source; dependency lists may be written shorter once pruned.
            let id: Vec<&str> = entry.trim().lines().take(3).collect();
            if id.iter().any(|l| l.starts_with("source = \"registry")) {
                assert!(ws_lock.contains(&id.join("\n")), "{chapter}: {id:?}");
            }
        }
    }
}

#[test]
fn a_starter_refuses_a_folder_with_files_and_an_unknown_chapter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let err = xtask::starter::export(&root(), &chapters()[0], dir.path()).unwrap_err();
    assert!(err.to_string().contains("is not an empty folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );

    let err = xtask::starter::export(&root(), "no-such", &dir.path().join("x")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown chapter `no-such`; known chapters: "),
        "{err}"
    );
}
