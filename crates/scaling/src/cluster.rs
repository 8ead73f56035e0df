//! A launcher for a small cluster on one machine: several processes of one program, talking
//! over loopback (127.0.0.1) only.
//!
//! On real machines each process is started by hand (or by a scheduler) with the same host
//! file. Here [`launch`] does it: it picks free loopback ports, writes the host file, starts
//! every process with its index, collects what each one prints, and waits for all of them
//! with one deadline. Whatever still runs at the deadline is killed, and every process is
//! waited for, so none is left running and none is left a zombie.

use std::io::{self, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// `n` distinct free ports on 127.0.0.1, as the system hands them out.
///
/// The ports are free when this returns; another program could take one before our
/// processes bind it. Good enough on a quiet machine: a clash shows up as an error, not as
/// a wrong answer.
pub fn free_loopback_ports(n: usize) -> io::Result<Vec<u16>> {
    // Hold all the listeners at once, so that the system cannot hand out one port twice.
    let listeners = (0..n)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect()
}

/// The host file for processes listening on `ports` of 127.0.0.1: line `i` is the address of
/// process `i`. Across real machines the lines name the machines, for example
/// `node-a.example.net:2101`.
pub fn loopback_host_file(ports: &[u16]) -> String {
    ports.iter().map(|p| format!("127.0.0.1:{p}\n")).collect()
}

/// What to start: `program` with `args`, as process `i` of `processes` for every `i` except
/// `skip`. Each process also gets `-n <processes> -p <i> --hostfile <file>`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub processes: usize,
    /// A process not to start, to see what a missing peer does.
    pub skip: Option<usize>,
    /// How long all processes together may take.
    pub deadline: Duration,
}

/// How one process ended.
#[derive(Debug)]
pub enum End {
    /// It ended by itself, with this status.
    Exited(ExitStatus),
    /// It was still running at the deadline: killed (and reaped).
    Killed,
    /// Left out on purpose ([`Plan::skip`]).
    NotStarted,
}

/// One process of a run: its index, pid, end, and everything it printed (stdout and stderr,
/// interleaved as written).
#[derive(Debug)]
pub struct Process {
    pub index: usize,
    pub pid: Option<u32>,
    pub end: End,
    pub output: String,
}

impl Process {
    /// Whether it ran and ended with success.
    pub fn succeeded(&self) -> bool {
        matches!(&self.end, End::Exited(s) if s.success())
    }
}

/// A started process and the thread that reads its output.
struct Running {
    index: usize,
    child: Child,
    reader: Option<JoinHandle<String>>,
}

/// Started processes, killed and reaped when dropped unless they were waited for already:
/// even an early error (say the second process fails to start) leaves nothing behind.
struct Group(Vec<Running>);

impl Drop for Group {
    fn drop(&mut self) {
        for r in &mut self.0 {
            if let Ok(None) = r.child.try_wait() {
                let _ = r.child.kill();
                let _ = r.child.wait();
            }
        }
    }
}

fn start(mut command: Command, index: usize) -> Result<Running> {
    // One pipe for both stdout and stderr: the output reads as a terminal would show it.
    let (mut reader, writer) = io::pipe()?;
    command
        .stdin(Stdio::piped()) // closes when the launcher dies: see the example's `--launched`
        .stdout(writer.try_clone()?)
        .stderr(writer);
    let child = command
        .spawn()
        .with_context(|| format!("cannot start process {index}"))?;
    // Our copies of the pipe's write end must go, or the reader would never see the end.
    drop(command);
    let reader = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    Ok(Running {
        index,
        child,
        reader: Some(reader),
    })
}

/// Starts the processes of `plan` with a fresh loopback host file and waits for all of them
/// until the deadline; kills those still running then. Every started process is reaped.
///
/// Returns the host file's text and every process, in index order.
pub fn launch(plan: &Plan) -> Result<(String, Vec<Process>)> {
    launch_with(plan, |_, _| {})
}

// ANCHOR: launch
/// [`launch`], with `adjust` called on each process's command (with its index) before it
/// starts: to give one process an extra argument, say.
pub fn launch_with<F>(plan: &Plan, mut adjust: F) -> Result<(String, Vec<Process>)>
where
    F: FnMut(usize, &mut Command),
{
    let dir = tempfile::tempdir()?;
    let hosts = loopback_host_file(&free_loopback_ports(plan.processes)?);
    let host_file = dir.path().join("hosts.txt");
    std::fs::write(&host_file, &hosts)?;

    let deadline = Instant::now() + plan.deadline;
    let mut group = Group(Vec::new());
    for index in (0..plan.processes).filter(|i| Some(*i) != plan.skip) {
        let mut command = Command::new(&plan.program);
        command.args(&plan.args);
        command.args(["-n", &plan.processes.to_string(), "-p", &index.to_string()]);
        command.arg("--hostfile").arg(&host_file);
        adjust(index, &mut command);
        group.0.push(start(command, index)?);
    }

    let ends = wait_all(&mut group, deadline)?;
    Ok((hosts, report(&mut group, ends, plan)))
}

/// Waits for every process of `group`, all against the same deadline; kills those still
/// running at the deadline. Every process is reaped.
fn wait_all(group: &mut Group, deadline: Instant) -> io::Result<Vec<End>> {
    let mut ends: Vec<Option<End>> = group.0.iter().map(|_| None).collect();
    while ends.iter().any(Option::is_none) {
        for (r, end) in group.0.iter_mut().zip(&mut ends) {
            if end.is_none() {
                *end = r.child.try_wait()?.map(End::Exited);
            }
        }
        if Instant::now() >= deadline {
            for (r, end) in group.0.iter_mut().zip(&mut ends) {
                if end.is_none() {
                    r.child.kill()?; // SIGKILL: it cannot be ignored
                    r.child.wait()?; // reap it: no zombie
                    *end = Some(End::Killed);
                }
            }
        }
        thread::sleep(Duration::from_millis(5));
    }
    Ok(ends.into_iter().flatten().collect())
}
// ANCHOR_END: launch

/// Every process of the plan, in index order, with what it printed.
fn report(group: &mut Group, ends: Vec<End>, plan: &Plan) -> Vec<Process> {
    let mut processes: Vec<Process> = group
        .0
        .iter_mut()
        .zip(ends)
        .map(|(r, end)| Process {
            index: r.index,
            pid: Some(r.child.id()),
            end,
            // Every process has ended, so its pipe is closed and the reader finishes.
            output: r
                .reader
                .take()
                .and_then(|h| h.join().ok())
                .unwrap_or_default(),
        })
        .collect();
    if let Some(skip) = plan.skip.filter(|s| *s < plan.processes) {
        processes.insert(
            skip,
            Process {
                index: skip,
                pid: None,
                end: End::NotStarted,
                output: String::new(),
            },
        );
    }
    processes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn ports_are_distinct_and_the_host_file_lists_them_in_order() {
        let ports = free_loopback_ports(3).unwrap();
        assert_eq!(ports.len(), 3);
        assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
        let text = loopback_host_file(&[2101, 2102]);
        assert_eq!(text, "127.0.0.1:2101\n127.0.0.1:2102\n");
    }

    #[test]
    fn a_process_past_the_deadline_is_killed_and_reaped() {
        // sh -c takes the words after the script as $0, $1, ...: the launcher's own
        // arguments (-n, -p, --hostfile) land there and do no harm.
        let plan = Plan {
            program: "/bin/sh".into(),
            args: vec![
                "-c".into(),
                "echo started; exec sleep 600".into(),
                "sh".into(),
            ],
            processes: 2,
            skip: None,
            deadline: Duration::from_millis(300),
        };
        let (_, processes) = launch(&plan).unwrap();
        assert_eq!(processes.len(), 2);
        for p in &processes {
            assert!(matches!(p.end, End::Killed), "{p:?}");
            assert_eq!(p.output, "started\n");
            let pid = p.pid.unwrap();
            // Reaped: not even a zombie entry is left in /proc.
            assert!(
                !Path::new(&format!("/proc/{pid}")).exists(),
                "{pid} is left"
            );
        }
    }

    #[test]
    fn a_skipped_process_is_reported_in_its_place() {
        let plan = Plan {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), "echo \"$4\"".into(), "sh".into()],
            processes: 3,
            skip: Some(1),
            deadline: Duration::from_secs(30),
        };
        let (hosts, processes) = launch(&plan).unwrap();
        assert_eq!(hosts.lines().count(), 3);
        let ends: Vec<_> = processes.iter().map(|p| (p.index, p.succeeded())).collect();
        assert_eq!(ends, [(0, true), (1, false), (2, true)]);
        assert!(matches!(processes[1].end, End::NotStarted));
        // sh -c 'echo "$4"' sh -n 3 -p <i> ...: $4 is the process index.
        assert_eq!(processes[0].output, "0\n");
        assert_eq!(processes[2].output, "2\n");
    }
}
