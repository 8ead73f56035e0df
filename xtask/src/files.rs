//! Small file operations several commands share.

use std::path::Path;

/// Writes `bytes` to `path` unless it already holds them, so that a tool watching times
/// (cargo, the check's cache) sees a change only where there is one.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(())
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
