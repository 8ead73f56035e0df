//! The worker's side of the protocol: what runs inside a worker process. It reads task frames
//! from its own copy of stdin, blocking, and writes one answer frame per task to its own copy
//! of stdout. What a frame is lives in `frame.rs`; the pool's side of the pipes, in
//! `worker.rs`.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::ops::Range;
use std::os::fd::AsFd;

use nix::sys::resource::{Resource, getrlimit, setrlimit};

use super::frame::{Frame, HEADER, HELLO, Kind, encode};

/// The hidden argument that starts a program as a pool worker.
pub const WORKER_ARG: &str = "--pools-worker";

/// Reads one frame from a blocking reader; `None` if the reader ends before it begins.
fn read_frame(reader: &mut impl Read) -> io::Result<Option<Frame>> {
    let mut header = [0; HEADER];
    let mut filled = 0;
    while filled < HEADER {
        match reader.read(&mut header[filled..])? {
            0 if filled == 0 => return Ok(None),
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            read => filled += read,
        }
    }
    let bad = |message: String| io::Error::new(io::ErrorKind::InvalidData, message);
    let kind =
        Kind::from_byte(header[0]).ok_or_else(|| bad(format!("frame kind {}", header[0])))?;
    let id = u64::from_le_bytes(header[1..9].try_into().expect("8 bytes"));
    let length = u32::from_le_bytes(header[9..13].try_into().expect("4 bytes"));
    let mut payload = Vec::new();
    reader.take(u64::from(length)).read_to_end(&mut payload)?;
    if payload.len() != length as usize {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some(Frame { kind, id, payload }))
}

// ANCHOR: worker_side
/// Whether this process was started as a pool worker (`program --pools-worker ...`).
///
/// Check it first thing in `main`, before parsing any other argument.
pub fn is_worker() -> bool {
    std::env::args_os()
        .nth(1)
        .is_some_and(|arg| arg == WORKER_ARG)
}

/// The worker's side of the protocol: says it is ready, then answers each task frame with
/// `job(input)` until the pool closes its end.
///
/// The protocol keeps the process's original stdin and stdout to itself: first thing,
/// `serve` moves them to private file descriptors, points stdin at `/dev/null` and stdout at
/// stderr. What the job prints (or a process it starts) goes to stderr, which the pool
/// passes through, and cannot be mistaken for an answer.
///
/// An `Err` from `job` refuses that input and the worker goes on. A panic or a crash ends
/// the worker: the pool gives that input to a fresh worker once, then reports it.
pub fn serve<F>(mut job: F) -> io::Result<()>
where
    F: FnMut(&str) -> Result<String, String>,
{
    let (requests, answers) = take_stdio()?;
    let mut requests = BufReader::with_capacity(1 << 16, requests);
    let mut answers = answers;
    let mut frame = Vec::new();
    encode(&mut frame, Kind::Ready, 0, HELLO)?;
    answers.write_all(&frame)?;
    while let Some(task) = read_frame(&mut requests)? {
        if task.kind != Kind::Task {
            let message = format!("expected a task, got a {:?} frame", task.kind);
            return Err(io::Error::new(io::ErrorKind::InvalidData, message));
        }
        let (kind, value) = match std::str::from_utf8(&task.payload) {
            Ok(input) => match job(input) {
                Ok(value) => (Kind::Ok, value),
                Err(message) => (Kind::Err, message),
            },
            Err(_) => (Kind::Err, "the input is not UTF-8".to_owned()),
        };
        frame.clear();
        encode(&mut frame, kind, task.id, value.as_bytes())?;
        // Each answer leaves at once: held back, it would wait behind the next task, which
        // may take long, or crash the worker and lose it.
        answers.write_all(&frame)?;
    }
    Ok(())
}

/// Moves stdin and stdout to new descriptors (closed on `exec`, so no process the job
/// starts inherits them) and gives the job `/dev/null` and stderr in their place.
fn take_stdio() -> io::Result<(File, File)> {
    let requests = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    let answers = File::from(io::stdout().as_fd().try_clone_to_owned()?);
    io::stdout().flush()?;
    nix::unistd::dup2_stdin(File::open("/dev/null")?)?;
    nix::unistd::dup2_stdout(io::stderr())?;
    Ok((requests, answers))
}
// ANCHOR_END: worker_side

/// The lesson's work as a worker's job: `"start end"` -> the number of primes in
/// `start..end`.
pub fn prime_task(input: &str) -> Result<String, String> {
    let range = parse_range(input).ok_or_else(|| format!("expected `start end`, got {input:?}"))?;
    Ok(crate::count_primes(range).to_string())
}

fn parse_range(input: &str) -> Option<Range<u64>> {
    let mut words = input.split_whitespace();
    let start = words.next()?.parse().ok()?;
    let end = words.next()?.parse().ok()?;
    words.next().is_none().then_some(start..end)
}

// ANCHOR: crash
/// Crashes this process the way a bug in native code would: `abort` (the signal SIGABRT),
/// with no unwinding and no clean-up. Core files (memory dumps) are turned off first.
pub fn crash() -> ! {
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_CORE) {
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, hard);
    }
    std::process::abort()
}
// ANCHOR_END: crash

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_reads_the_frames_the_pool_encodes() -> io::Result<()> {
        let mut bytes = Vec::new();
        encode(&mut bytes, Kind::Task, 7, b"sq 3\nok 42\n")?;
        encode(&mut bytes, Kind::Ok, u64::MAX, b"")?;
        let mut reader = &bytes[..];
        let first = read_frame(&mut reader)?.expect("a first frame");
        assert_eq!(
            (first.kind, first.id, first.payload.as_slice()),
            (Kind::Task, 7, &b"sq 3\nok 42\n"[..])
        );
        let second = read_frame(&mut reader)?.expect("a second frame");
        assert_eq!(
            (second.kind, second.id, second.payload.len()),
            (Kind::Ok, u64::MAX, 0)
        );
        assert_eq!(read_frame(&mut reader)?, None);
        Ok(())
    }

    #[test]
    fn a_frame_cut_short_is_an_error_not_the_end() -> io::Result<()> {
        let mut bytes = Vec::new();
        encode(&mut bytes, Kind::Ok, 1, b"12345")?;
        let mut reader = &bytes[..5];
        assert!(read_frame(&mut reader).is_err());
        Ok(())
    }

    #[test]
    fn prime_task_counts_a_range_and_refuses_anything_else() {
        assert_eq!(prime_task("0 20"), Ok("8".to_owned()));
        assert_eq!(prime_task(" 10   20 "), Ok("4".to_owned()));
        assert!(prime_task("10").is_err());
        assert!(prime_task("10 20 30").is_err());
        assert!(prime_task("ten 20").is_err());
    }
}
