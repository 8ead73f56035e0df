//! Exercise: One child, many jobs (hard)
//!
//! Starting a process is costly, so a program that has many jobs for a child keeps one child
//! and talks to it: it writes a request on the child's stdin, reads the answer from its
//! stdout, and so on, one line each way. When there is no more work, it closes the child's
//! stdin (the end of its input tells the child to stop) and waits for its end.
//!
//! Write `LineWorker`:
//!
//! - `start` spawns `command` with its stdin and stdout piped.
//! - `ask` sends one request (a line of text, without its line end) and returns the child's
//!   answer (the next line it writes, without its line end). The request must reach the child
//!   at once, not sit in a buffer. If the child ends without answering, `ask` fails with an
//!   error of kind `io::ErrorKind::UnexpectedEof`.
//! - `finish` closes the child's stdin and waits for the child's end, returning its status.
//! - A `LineWorker` dropped without `finish` (after an error, say) kills its child and reaps
//!   it: it never leaves a process or a zombie behind.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};

/// One child process, given one request at a time over its stdin and answering on its stdout.
#[derive(Debug)]
pub struct LineWorker {
    /// The child itself.
    child: Child,
    /// Its stdin; `None` once closed.
    input: Option<ChildStdin>,
    /// Its stdout, read a line at a time.
    output: BufReader<ChildStdout>,
}

impl LineWorker {
    /// Starts `command` as a worker, with its stdin and stdout piped to us.
    pub fn start(command: &mut Command) -> io::Result<Self> {
        // solution: begin
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let piped = || io::Error::other("the child's stdio is not piped");
        let input = child.stdin.take().ok_or_else(piped)?;
        let output = child.stdout.take().ok_or_else(piped)?;
        Ok(Self {
            child,
            input: Some(input),
            output: BufReader::new(output),
        })
        // solution: end
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends `request` as one line and returns the line the child answers.
    pub fn ask(&mut self, request: &str) -> io::Result<String> {
        // solution: begin
        let input = self
            .input
            .as_mut()
            .ok_or_else(|| io::Error::other("the worker's input is closed"))?;
        // `ChildStdin` has no buffer of its own: the line goes into the pipe right away.
        // (Behind a `BufWriter`, it would need a `flush`.)
        input.write_all(format!("{request}\n").as_bytes())?;
        let mut answer = String::new();
        if self.output.read_line(&mut answer)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the worker ended without answering",
            ));
        }
        let answer = answer.strip_suffix('\n').unwrap_or(&answer);
        Ok(answer.to_owned())
        // solution: end
    }

    /// Closes the child's stdin, so it sees the end of its input, and waits for its end.
    pub fn finish(mut self) -> io::Result<ExitStatus> {
        // solution: begin
        drop(self.input.take());
        self.child.wait()
        // `self` is dropped here: its `kill` finds the child reaped and does nothing.
        // solution: end
    }
}

impl Drop for LineWorker {
    fn drop(&mut self) {
        // solution: begin
        // Killing a child that already ended is harmless; waiting reaps it (or returns the
        // status collected before).
        let _ = self.child.kill();
        let _ = self.child.wait();
        // solution: end
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    use super::*;
    use crate::{is_unreaped_child, proc_state};

    /// Reads numbers, one per line, and answers each with its double, as soon as it is read.
    fn doubler() -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", r#"while read -r n; do echo "$((n * 2))"; done"#]);
        command
    }

    /// Runs `test` on a thread and fails if it has not finished within 20 seconds, so that an
    /// answer stuck in a buffer fails the test instead of hanging it. (The stuck child then
    /// ends with the test program: its stdin closes.)
    fn within_deadline(test: impl FnOnce() + Send + 'static) {
        let (done, finished) = mpsc::channel();
        let runner = thread::spawn(move || {
            test();
            let _ = done.send(());
        });
        match finished.recv_timeout(Duration::from_secs(20)) {
            Ok(()) => runner.join().expect("test thread"),
            // The test panicked: show its panic.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                if let Err(panic) = runner.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("no answer within 20 s: stuck"),
        }
    }

    fn assert_reaped(pid: u32) {
        assert!(!is_unreaped_child(pid).unwrap(), "{pid} was not reaped");
        assert_ne!(proc_state(pid).unwrap(), Some('Z'), "{pid} is a zombie");
    }

    #[test]
    fn one_child_answers_request_after_request() {
        within_deadline(|| {
            let mut worker = LineWorker::start(&mut doubler()).unwrap();
            let pid = worker.id();
            for (request, answer) in [("1", "2"), ("21", "42"), ("-3", "-6")] {
                assert_eq!(worker.ask(request).unwrap(), answer);
            }
            // Every answer came from the same process.
            assert_eq!(worker.id(), pid);
            let status = worker.finish().unwrap();
            assert!(status.success(), "{status}");
            assert_reaped(pid);
        });
    }

    #[test]
    fn finishing_right_away_ends_the_child() {
        within_deadline(|| {
            let worker = LineWorker::start(&mut doubler()).unwrap();
            let pid = worker.id();
            assert!(worker.finish().unwrap().success());
            assert_reaped(pid);
        });
    }

    #[test]
    fn a_dropped_worker_leaves_nothing_behind() {
        within_deadline(|| {
            let mut worker = LineWorker::start(&mut doubler()).unwrap();
            assert_eq!(worker.ask("5").unwrap(), "10");
            let pid = worker.id();
            drop(worker);
            assert_reaped(pid);
        });
    }

    #[test]
    fn a_child_that_ends_without_answering_is_an_error() {
        within_deadline(|| {
            let mut quitter = Command::new("sh");
            quitter.args(["-c", "read -r line; exit 0"]);
            let mut worker = LineWorker::start(&mut quitter).unwrap();
            let pid = worker.id();
            let error = worker.ask("hello").unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
            drop(worker);
            assert_reaped(pid);
        });
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let error = LineWorker::start(&mut Command::new("/no/such/program")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
