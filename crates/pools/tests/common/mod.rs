//! What the process-pool test binaries share: the jobs and roles their workers play, a look
//! at this process's children in /proc, and a small runner with a deadline per test.
//!
//! Each test binary starts itself again with `--pools-worker <role>`; the standard test
//! harness would reject that argument, so the binaries have their own `main`
//! (`harness = false` in Cargo.toml) that calls [`run`].

#![allow(dead_code)] // each binary uses its own part of this module

use std::fs::OpenOptions;
use std::io::{self, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use pools::process::{self, TaskError, WorkerSpec, serve};

/// A test that has not ended after this long failed (it hangs): the runner stops there.
/// Every test ends in a few seconds on an idle machine; the rest is room for a busy one.
/// It is shorter than the default task limit (60 s), so that a task that kept the default
/// where it was given a `SHORT` one fails the test.
pub const TEST_DEADLINE: Duration = Duration::from_secs(45);

/// The time limit of a task that must run out of time (it hangs): short, so that the test
/// is quick. Only such a task gets it; see [`AMPLE`].
pub const SHORT: Duration = Duration::from_millis(300);

/// The time limit of a task that must succeed (however slow a busy machine makes it):
/// longer than [`TEST_DEADLINE`], so it never runs out first. A pool that loses such a task
/// fails the test on its outcome; one that hangs on it, on the test's deadline.
pub const AMPLE: Duration = Duration::from_secs(120);

/// A worker's job in the tests: a few commands, each doing something a real worker might.
fn job(line: &str) -> Result<String, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["sq", n] => {
            let n: u64 = n.parse().map_err(|_| format!("bad number {n:?}"))?;
            Ok((n * n).to_string())
        }
        // Sleeps, then answers: tasks of different lengths end out of order.
        ["sleep", ms, answer] => {
            let ms: u64 = ms.parse().map_err(|_| format!("bad duration {ms:?}"))?;
            thread::sleep(Duration::from_millis(ms));
            Ok((*answer).to_owned())
        }
        ["crash"] => process::crash(),
        ["panic"] => panic!("a worker panics on purpose"),
        ["exit", code] => std::process::exit(code.parse().unwrap_or(1)),
        ["refuse"] => Err("refused on purpose".to_owned()),
        // Prints a line of its own before it answers.
        ["chatty"] => {
            println!("nonsense");
            Ok("1".to_owned())
        }
        // Prints what looks like an answer in a line protocol, then answers 7.
        ["print-ok"] => {
            println!("ok 42");
            Ok("7".to_owned())
        }
        ["big", n] => {
            let n: usize = n.parse().map_err(|_| format!("bad size {n:?}"))?;
            Ok("x".repeat(n))
        }
        // The input's length in bytes (the input may be huge).
        ["len", ..] => Ok(line.len().to_string()),
        ["hang"] => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        // Starts a grandchild that inherits the worker's stdin, stdout and stderr, notes
        // its pid in `file`, then crashes.
        ["grandchild", file] => {
            let child = std::process::Command::new("sleep")
                .arg("60")
                .spawn()
                .map_err(|e| e.to_string())?;
            note(file, &child.id().to_string()).map_err(|e| e.to_string())?;
            process::crash()
        }
        // Notes that it started in `file`, then never ends.
        ["mark-and-hang", file] => {
            note(file, "started").map_err(|e| e.to_string())?;
            loop {
                thread::sleep(Duration::from_secs(3600));
            }
        }
        // Crashes the first time it is run (a marker file remembers), answers the next.
        ["flaky", file] => {
            if Path::new(file).exists() {
                Ok("survived".to_owned())
            } else {
                note(file, "crashed").map_err(|e| e.to_string())?;
                process::crash()
            }
        }
        _ => Err(format!("unknown command {line:?}")),
    }
}

/// Appends one line to `file`.
fn note(file: &str, line: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(file)?;
    writeln!(file, "{line}")
}

/// One frame as the protocol writes it: kind, task id, length, payload (see
/// `pools::process::frame`). The roles below that speak the protocol by hand use it.
fn frame(kind: u8, id: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&u32::try_from(payload.len()).expect("small").to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The hello frame a worker starts with.
fn hello() -> Vec<u8> {
    frame(b'R', 0, b"pools-worker 1")
}

/// Reads one task frame from `input`: its id and payload; `None` once the pool has closed it.
fn read_task(input: &mut impl io::Read) -> io::Result<Option<(u64, Vec<u8>)>> {
    let mut header = [0; 13];
    match input.read_exact(&mut header) {
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let id = u64::from_le_bytes(header[1..9].try_into().expect("8 bytes"));
    let length = u32::from_le_bytes(header[9..13].try_into().expect("4 bytes"));
    let mut payload = vec![0; length as usize];
    input.read_exact(&mut payload)?;
    Ok(Some((id, payload)))
}

/// What the test binary does when started as a worker with `role`.
fn worker(role: &str, extra: Option<&str>) -> Result<()> {
    match role {
        "job" => serve(job)?,
        "primes" => serve(process::prime_task)?,
        // Not a pool worker at all.
        "hello" => println!("hello"),
        "silent" => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        // Serves, but stays alive after the pool closes its side: shutdown must kill it.
        "stays" => {
            serve(job)?;
            loop {
                thread::sleep(Duration::from_secs(3600));
            }
        }
        // Serves `job` by hand on its own stdin and stdout, except that on the task
        // `linger` it closes its end of the answers pipe and takes its time before it
        // exits: the pool sees the pipe close a good while before the process ends. On the
        // task `hang-up` it closes its end of the requests pipe instead, and stays alive a
        // while: the pool's next write to it fails, though nothing said it ended.
        "lingers" => {
            let mut stdin = io::stdin().lock();
            let mut stdout = io::stdout().lock();
            stdout.write_all(&hello())?;
            stdout.flush()?;
            while let Some((id, payload)) = read_task(&mut stdin)? {
                let input = String::from_utf8_lossy(&payload);
                if input == "linger" {
                    let null = std::fs::File::open("/dev/null")?;
                    nix::unistd::dup2_stdout(null)?;
                    thread::sleep(Duration::from_secs(2));
                    return Ok(());
                }
                if input == "hang-up" {
                    let null = std::fs::File::open("/dev/null")?;
                    nix::unistd::dup2_stdin(null)?;
                    thread::sleep(Duration::from_secs(2));
                    return Ok(());
                }
                let answer = match job(&input) {
                    Ok(value) => frame(b'O', id, value.as_bytes()),
                    Err(reason) => frame(b'E', id, reason.as_bytes()),
                };
                stdout.write_all(&answer)?;
                stdout.flush()?;
            }
        }
        // Says hello as a worker would, then answers its first task with a line of text.
        "garbage" => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&hello())?;
            stdout.flush()?;
            let mut stdin = io::stdin().lock();
            let mut some = [0; 64];
            let _ = io::Read::read(&mut stdin, &mut some)?;
            stdout.write_all(b"ok 42\n")?;
            stdout.flush()?;
            // Until the pool closes our stdin (or kills us).
            while io::Read::read(&mut stdin, &mut some)? > 0 {}
        }
        // Says hello, then answers its first task one byte every 10 ms, for at most a minute.
        "trickle" => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&hello())?;
            stdout.flush()?;
            let mut some = [0; 64];
            let _ = io::Read::read(&mut io::stdin().lock(), &mut some)?;
            // The header promises 1 MiB; 6,000 bytes of it come, one every 10 ms.
            let mut answer = frame(b'O', 1, &[b'x'; 6_000]);
            answer[9..13].copy_from_slice(&(1u32 << 20).to_le_bytes());
            for byte in answer {
                stdout.write_all(&[byte])?;
                stdout.flush()?;
                thread::sleep(Duration::from_millis(10));
            }
        }
        // The first worker serves; every later one fails to start (a marker file tells).
        "first-only" => {
            let marker = Path::new(extra.context("first-only needs a marker path")?);
            if marker.exists() {
                println!("hello");
            } else {
                std::fs::write(marker, b"started")?;
                serve(job)?;
            }
        }
        other => bail!("unknown role {other:?}"),
    }
    Ok(())
}

pub fn spec(role: &str) -> io::Result<WorkerSpec> {
    Ok(WorkerSpec::this_program()?.arg(role))
}

/// A fresh, empty directory for one test's files.
pub fn scratch(name: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("pools-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Processes whose parent is this process, zombies included (Linux).
pub fn children() -> Vec<u32> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (name) state ppid ...": the name may hold spaces, so look after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1));
        if ppid == Some(me.as_str()) {
            found.push(pid);
        }
    }
    found
}

/// The state letter of `pid` (`R`, `S`, `Z` for a zombie, ...), from /proc (Linux); `None`
/// once it is gone.
pub fn proc_state(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().next().map(str::to_owned)
}

/// Reaps `pid`, an orphan re-parented to this process (see [`run`]), waiting at most 5 s in
/// 1 ms steps; returns how it ended.
pub fn reap_orphan(pid: u32) -> Result<String> {
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    let pid = nix::unistd::Pid::from_raw(i32::try_from(pid)?);
    for _ in 0..5_000 {
        match waitpid(pid, Some(WaitPidFlag::WNOHANG))? {
            WaitStatus::StillAlive => thread::sleep(Duration::from_millis(1)),
            WaitStatus::Signaled(_, signal, _) => {
                return Ok(format!(
                    "killed by signal {} ({})",
                    signal as i32,
                    signal.as_str()
                ));
            }
            other => return Ok(format!("{other:?}")),
        }
    }
    bail!("process {pid} is still alive")
}

/// Waits (at most 5 s, in 1 ms steps) until `pid` is dead: gone or a zombie.
pub fn ensure_dies(pid: u32) -> Result<()> {
    for _ in 0..5_000 {
        match proc_state(pid).as_deref() {
            None | Some("Z") => return Ok(()),
            Some(_) => thread::sleep(Duration::from_millis(1)),
        }
    }
    bail!("process {pid} is still alive")
}

pub fn ensure_no_children() -> Result<()> {
    let left = children();
    ensure!(left.is_empty(), "processes left behind: {left:?}");
    Ok(())
}

pub fn answers(results: &[Result<String, TaskError>]) -> Vec<String> {
    results
        .iter()
        .map(|outcome| match outcome {
            Ok(value) => value.clone(),
            Err(error) => format!("<{error}>"),
        })
        .collect()
}

pub type Test = (&'static str, fn() -> Result<()>);

/// The test binary's `main`: a worker serves its role; otherwise runs `tests` one after the
/// other (`cargo test -- NAME` runs those whose name contains NAME), each in a thread with
/// [`TEST_DEADLINE`].
pub fn run(tests: &[Test]) -> ExitCode {
    if process::is_worker() {
        let args: Vec<String> = std::env::args().skip(2).collect();
        let role = args.first().map_or("", String::as_str);
        return match worker(role, args.get(1).map(String::as_str)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("worker {role}: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    // Processes orphaned by a worker's death come to us, not to init: a test can reap them
    // and see how they ended, and none is left for whoever started the tests.
    let _ = nix::sys::prctl::set_child_subreaper(true);
    // cargo's own flags (`--quiet`, ...) are ignored.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    println!("\nrunning {} tests", tests.len());
    let mut failed = Vec::new();
    let mut ran = 0;
    for &(name, test) in tests {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        let (done, outcome) = mpsc::channel();
        thread::spawn(move || {
            let _ = done.send(test());
        });
        match outcome.recv_timeout(TEST_DEADLINE) {
            Ok(Ok(())) => println!("test {name} ... ok"),
            Ok(Err(error)) => {
                println!("test {name} ... FAILED\n  {error:#}");
                failed.push(name);
            }
            Err(_) => {
                // The test is stuck: its thread and its workers cannot be trusted any more.
                println!("test {name} ... FAILED\n  no end after {TEST_DEADLINE:?}: it hangs");
                println!("\ntest result: FAILED. stopped at a hanging test\n");
                return ExitCode::FAILURE;
            }
        }
    }
    let outcome = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {outcome}. {} passed; {} failed; {} filtered out\n",
        ran - failed.len(),
        failed.len(),
        tests.len() - ran
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
