//! One worker process as the pool sees it: its pipes (never blocking), the bytes on their
//! way in each direction, the tasks it holds, and how to end it together with anything it
//! started.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;

use super::WorkerSpec;
use super::frame::{Frame, Kind, decode, encode};

#[derive(Debug)]
pub(crate) struct Worker {
    child: Child,
    pub pid: u32,
    /// The worker's requests pipe; `None` once the pool has closed it (shutdown).
    requests: Option<ChildStdin>,
    answers: ChildStdout,
    /// Frames written into `out` but not yet into the pipe, from `out_sent` on.
    out: Vec<u8>,
    out_sent: usize,
    /// Bytes read from the worker that do not make a whole frame yet.
    received: Vec<u8>,
    /// Whether it has said it is ready, and until when it may take to do so.
    pub ready: bool,
    pub start_deadline: Instant,
    /// The tasks it holds, `(id, index in the map call)`, oldest first. It works on the oldest;
    /// the others wait in the pipe or in its buffer.
    pub tasks: VecDeque<(u64, usize)>,
    /// When the oldest task must be answered by.
    pub deadline: Option<Instant>,
    /// A task to give this worker first, once it is ready: the retry of a task whose worker
    /// died on it.
    pub retry: Option<usize>,
}

impl Worker {
    // ANCHOR: start
    /// Starts one worker in a process group of its own, with pipes that never block.
    pub fn start(spec: &WorkerSpec, start_deadline: Instant) -> io::Result<Worker> {
        let mut child = spec
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its complaints (a panic message, what its job prints) go where ours go.
            .stderr(Stdio::inherit())
            // Its own group: whatever it starts can be killed along with it.
            .process_group(0)
            .spawn()?;
        let pid = child.id();
        let (Some(requests), Some(answers)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("both pipes were asked for");
        };
        let mut worker = Worker {
            child,
            pid,
            requests: Some(requests),
            answers,
            out: Vec::new(),
            out_sent: 0,
            received: Vec::new(),
            ready: false,
            start_deadline,
            tasks: VecDeque::new(),
            deadline: None,
            retry: None,
        };
        let fds = [
            worker.requests.as_ref().map(AsFd::as_fd),
            Some(worker.answers.as_fd()),
        ];
        let nonblocking = fds
            .into_iter()
            .flatten()
            .try_for_each(|fd| fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).map(drop));
        if let Err(errno) = nonblocking {
            let _ = worker.end(); // not left running unseen
            return Err(errno.into());
        }
        Ok(worker)
    }
    // ANCHOR_END: start

    /// Queues a task frame (it goes out with [`write`](Self::write)).
    pub fn send(&mut self, id: u64, task: usize, input: &str, deadline: Instant) -> io::Result<()> {
        encode(&mut self.out, Kind::Task, id, input.as_bytes())?;
        if self.tasks.is_empty() {
            self.deadline = Some(deadline);
        }
        self.tasks.push_back((id, task));
        Ok(())
    }

    /// Whether bytes wait to go out.
    pub fn wants_to_write(&self) -> bool {
        self.out_sent < self.out.len()
    }

    /// Writes what the pipe takes now, without waiting. An error means the worker is gone.
    pub fn write(&mut self) -> io::Result<()> {
        let Some(requests) = &mut self.requests else {
            return Ok(());
        };
        while self.out_sent < self.out.len() {
            match requests.write(&self.out[self.out_sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => self.out_sent += written,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        self.out.clear();
        self.out_sent = 0;
        Ok(())
    }

    /// Reads what the pipe holds now, without waiting. `Ok(false)` once the worker has
    /// closed its end (it ended, or broke the protocol); a read error counts as that too.
    pub fn read(&mut self) -> bool {
        let mut chunk = [0; 1 << 16];
        loop {
            match self.answers.read(&mut chunk) {
                Ok(0) => return false,
                Ok(read) => self.received.extend_from_slice(&chunk[..read]),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return true,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    /// The next whole frame received, if any; `Err` if the bytes are not a frame.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, String> {
        let Some((frame, used)) = decode(&self.received)? else {
            return Ok(None);
        };
        self.received.drain(..used);
        Ok(Some(frame))
    }

    /// The start of what it sent that is not a frame (for an error message).
    pub fn received_text(&self) -> String {
        let start = &self.received[..self.received.len().min(40)];
        format!("{:?}", String::from_utf8_lossy(start))
    }

    /// Whether the process has ended (it is not reaped: [`end`](Self::end) does that).
    pub fn has_exited(&self) -> bool {
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        !matches!(
            waitid(Id::Pid(pid(self.pid)), flags),
            Ok(WaitStatus::StillAlive)
        )
    }

    /// Closes its requests pipe: a worker in `serve` then exits on its own.
    pub fn close_requests(&mut self) {
        self.requests = None;
    }

    /// Gives a worker whose pipe closed `grace` to exit on its own (a panicking worker
    /// closes its pipes while it unwinds, and then exits), then [`end`](Self::end)s it.
    pub fn end_within(&mut self, grace: Duration) -> io::Result<ExitStatus> {
        let deadline = Instant::now() + grace;
        while !self.has_exited() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        self.end()
    }

    // ANCHOR: end
    /// Kills the worker's whole process group (the worker and whatever it started) and
    /// reaps the worker. A worker that had already exited keeps its own exit status.
    pub fn end(&mut self) -> io::Result<ExitStatus> {
        match killpg(pid(self.pid), Signal::SIGKILL) {
            // ESRCH: nobody left in the group (the worker exited and was reaped already).
            Ok(()) | Err(Errno::ESRCH) => {}
            Err(errno) => return Err(errno.into()),
        }
        self.child.wait()
    }
    // ANCHOR_END: end
}

fn pid(pid: u32) -> Pid {
    Pid::from_raw(i32::try_from(pid).expect("a process id fits in an i32"))
}

/// How a process ended, in words: `exited with code 0`, `killed by signal 6 (SIGABRT)`.
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    if let Some(number) = status.signal() {
        let name = Signal::try_from(number).map_or("unknown signal", Signal::as_str);
        return format!("killed by signal {number} ({name})");
    }
    status.to_string()
}

impl Worker {
    pub fn answers_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.answers.as_fd()
    }

    /// The requests pipe, or (once closed) the answers pipe again, which then asks for nothing.
    pub fn requests_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match &self.requests {
            Some(requests) => requests.as_fd(),
            None => self.answers.as_fd(),
        }
    }
}
