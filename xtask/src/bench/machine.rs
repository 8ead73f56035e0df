//! The machine a measurement was taken on, and how busy others kept it meanwhile.

use std::process::Command;
use std::time::SystemTime;

/// The machine's description, read once.
#[derive(Debug)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
}

impl Machine {
    pub fn read() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "an unknown CPU".to_owned());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map_or_else(
                || "rustc (unknown version)".to_owned(),
                |v| v.trim().to_owned(),
            );
        Machine { cpu, cores, rustc }
    }
}

/// CPU time counters, in clock ticks: the whole machine's (`/proc/stat`) and ours with our
/// finished children's (`/proc/self/stat`), so that others' share of a period is the busy
/// time we did not spend.
#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    busy: u64,
    total: u64,
    ours: u64,
}

impl CpuTimes {
    pub fn read() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        parse_cpu_times(&stat, &own)
    }

    pub fn others_share(&self, later: &CpuTimes) -> f64 {
        let total = later.total.saturating_sub(self.total).max(1) as f64;
        let busy = later.busy.saturating_sub(self.busy);
        let ours = later.ours.saturating_sub(self.ours);
        (busy.saturating_sub(ours) as f64 / total).clamp(0.0, 1.0)
    }
}

/// `/proc/stat`'s `cpu` line: user nice system idle iowait irq softirq steal ...; stolen time
/// (the hypervisor's) counts as busy, it was not ours to use. `/proc/self/stat` after the
/// `(comm)`: utime, stime, cutime, cstime are fields 14 to 17, indexes 10 to 13 counting
/// from `ppid` (field 4).
fn parse_cpu_times(stat: &str, own: &str) -> Option<CpuTimes> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let get = |i: usize| v.get(i).copied().unwrap_or(0);
    let busy = get(0) + get(1) + get(2) + get(5) + get(6) + get(7);
    let total = busy + get(3) + get(4);
    let after_comm = &own[own.rfind(')')? + 1..];
    let f: Vec<u64> = after_comm
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ours = f.get(10..14)?.iter().sum();
    Some(CpuTimes { busy, total, ours })
}

/// Now as `YYYY-MM-DD HH:MM UTC`, without a date crate.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (Howard Hinnant's days-to-civil algorithm).
pub fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_share_of_the_cpu() {
        let stat =
            |user: u64, idle: u64| format!("cpu  {user} 0 0 {idle} 0 0 0 0 0 0\ncpu0 1 2 3\n");
        // pid (comm with ) inside) state ppid pgrp session tty tpgid flags minflt cminflt
        // majflt cmajflt utime stime cutime cstime ...
        let own = |ticks: u64| format!("42 (x) y) S 1 1 1 0 0 0 0 0 0 0 1 1 {ticks} 0 20 0");
        let a = parse_cpu_times(&stat(100, 900), &own(10)).unwrap();
        assert_eq!((a.busy, a.total, a.ours), (100, 1000, 12));
        // 200 ticks pass: 150 busy, of which 50 were ours: others took 100 of 200.
        let b = parse_cpu_times(&stat(250, 950), &own(60)).unwrap();
        assert_eq!(a.others_share(&b), 0.5);
    }

    #[test]
    fn formats_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        // 2026-11-23 15:04 UTC
        assert_eq!(format_utc(1_795_446_240), "2026-11-23 15:04 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
    }
}
