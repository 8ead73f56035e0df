//! What the machine has, as Linux reports it: the size of the last-level cache and of the
//! memory. The `no_scale` example prints them, so that "the array is bigger than the cache"
//! is read off the machine it runs on instead of being typed into the book.
//!
//! Both come from text files of the kernel (`/sys` and `/proc`); on a system without them
//! the answer is `None`, and the example says that it does not know.

use std::fs;
use std::path::Path;

/// The largest cache that CPU 0 reports (its last level, usually the L3 shared by the
/// cores of one chip), in bytes.
pub fn last_level_cache() -> Option<u64> {
    last_level_cache_in(Path::new("/sys/devices/system/cpu/cpu0/cache"))
}

/// The same, read from a folder laid out as `/sys/devices/system/cpu/cpu0/cache`: one
/// `index<N>/` folder per cache, each with a `level` and a `size` file.
pub fn last_level_cache_in(dir: &Path) -> Option<u64> {
    let mut best: Option<(u32, u64)> = None;
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if !entry.file_name().to_string_lossy().starts_with("index") {
            continue;
        }
        let level = fs::read_to_string(path.join("level")).ok();
        let size = fs::read_to_string(path.join("size")).ok();
        if let (Some(level), Some(size)) = (
            level.and_then(|l| l.trim().parse().ok()),
            size.as_deref().and_then(parse_size),
        ) && best.is_none_or(|(l, s)| (level, size) > (l, s))
        {
            best = Some((level, size));
        }
    }
    best.map(|(_, size)| size)
}

/// The memory the kernel manages (`MemTotal` of `/proc/meminfo`), in bytes.
pub fn memory() -> Option<u64> {
    mem_total(&fs::read_to_string("/proc/meminfo").ok()?)
}

/// `MemTotal` from the text of `/proc/meminfo`, in bytes (the file says kB and means KiB).
pub fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// A size as sysfs writes it: `32768K`, `1M`, or a plain number of bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let n: u64 = digits.parse().ok()?;
    let factor = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// `bytes` in MiB, with a decimal only when it is not a whole number of them.
pub fn mib(bytes: u64) -> String {
    let mib = bytes as f64 / (1u64 << 20) as f64;
    if mib.fract() == 0.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{mib:.1} MiB")
    }
}

/// `bytes` in GiB, one decimal.
pub fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_sysfs_writes_them() {
        assert_eq!(parse_size("32768K\n"), Some(32 << 20));
        assert_eq!(parse_size("1M"), Some(1 << 20));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("12Q"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn mem_total_is_in_kib() {
        let meminfo = "MemTotal:       24683792 kB\nMemFree:         1000 kB\n";
        assert_eq!(mem_total(meminfo), Some(24_683_792 * 1024));
        assert_eq!(mem_total("MemFree: 3 kB\n"), None);
    }

    #[test]
    fn the_last_level_is_the_highest_level() {
        let dir = tempfile::tempdir().unwrap();
        for (index, level, size) in [
            (0, 1, "32K"),
            (1, 1, "32K"),
            (2, 2, "512K"),
            (3, 3, "32768K"),
        ] {
            let cache = dir.path().join(format!("index{index}"));
            fs::create_dir(&cache).unwrap();
            fs::write(cache.join("level"), format!("{level}\n")).unwrap();
            fs::write(cache.join("size"), format!("{size}\n")).unwrap();
        }
        fs::create_dir(dir.path().join("power")).unwrap(); // not a cache: skipped
        assert_eq!(last_level_cache_in(dir.path()), Some(32 << 20));
        assert_eq!(last_level_cache_in(&dir.path().join("missing")), None);
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(mib(32 << 20), "32 MiB");
        assert_eq!(mib(3 << 19), "1.5 MiB");
        assert_eq!(gib(24_683_792 * 1024), "23.5 GiB");
    }
}
