//! What passed last time, and on what inputs: a step whose fingerprint (the sizes and times
//! of its executable and source files, its command, its expected output) is the same as
//! when it last passed is not run again. Only passes are remembered, so a failure is always
//! run again; `--fresh` ignores the record.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    passed: BTreeMap<String, u64>,
    fresh: bool,
}

impl Cache {
    pub fn load(target_dir: &Path, fresh: bool) -> Cache {
        let path = target_dir.join("xtask/check-passed.json");
        let passed = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Cache {
            path,
            passed,
            fresh,
        }
    }

    /// The step `key` passed before with this fingerprint.
    pub fn passed(&self, key: &str, fingerprint: u64) -> bool {
        !self.fresh && self.passed.get(key) == Some(&fingerprint)
    }

    pub fn record(&mut self, key: &str, fingerprint: u64) {
        self.passed.insert(key.to_owned(), fingerprint);
    }

    pub fn forget(&mut self, key: &str) {
        self.passed.remove(key);
    }

    pub fn save(&self) {
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(text) = serde_json::to_string_pretty(&self.passed) {
            let _ = std::fs::write(&self.path, text);
        }
    }
}

/// Builds a fingerprint from files and words.
#[derive(Debug, Default)]
pub struct Fingerprint(DefaultHasher);

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint::default()
    }

    pub fn text(mut self, text: &str) -> Self {
        text.hash(&mut self.0);
        self
    }

    /// A file's size and modification time (a missing file counts too).
    pub fn file(mut self, path: &Path) -> Self {
        path.hash(&mut self.0);
        if let Ok(meta) = std::fs::metadata(path) {
            meta.len().hash(&mut self.0);
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok());
            modified.hash(&mut self.0);
        }
        self
    }

    /// Every file under `dir`, but `target` folders and hidden ones.
    pub fn tree(mut self, dir: &Path) -> Self {
        let mut files = Vec::new();
        collect(dir, &mut files);
        files.sort();
        for f in files {
            self = self.file(&f);
        }
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

fn collect(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            collect(&path, into);
        } else {
            into.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_changes_the_fingerprint_and_only_passes_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("src/a.rs");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "one").unwrap();
        let before = Fingerprint::new().tree(dir.path()).text("cmd").finish();
        assert_eq!(
            before,
            Fingerprint::new().tree(dir.path()).text("cmd").finish()
        );
        assert_ne!(
            before,
            Fingerprint::new().tree(dir.path()).text("other").finish()
        );
        std::fs::write(&file, "three").unwrap();
        assert_ne!(
            before,
            Fingerprint::new().tree(dir.path()).text("cmd").finish()
        );

        let mut cache = Cache::load(dir.path(), false);
        assert!(!cache.passed("step", 7));
        cache.record("step", 7);
        cache.save();
        let cache = Cache::load(dir.path(), false);
        assert!(cache.passed("step", 7) && !cache.passed("step", 8));
        assert!(!Cache::load(dir.path(), true).passed("step", 7), "--fresh");
    }
}
