//! The load test: the order server served by a thread per connection or a task per
//! connection, against N clients on loopback.
//!
//! The server runs in a child process (this same program, started again with `--serve`), so
//! that its resident memory (`/proc/self/status` of the child) is the server's alone, and the
//! two processes share the open-file budget: each needs one descriptor per connection.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use async_io::orders::ServerStats;
use async_io::task_server::{self, Sleepy};
use async_io::{load, system, thread_server};
use clap::{Parser, ValueEnum};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Server {
    Thread,
    Task,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Thread => "thread",
            Server::Task => "task",
        }
    }
}

/// Measures the order server under N concurrent connections.
#[derive(Parser, Debug)]
struct Args {
    /// Which servers to measure.
    #[arg(long, value_delimiter = ',', default_value = "thread,task")]
    server: Vec<Server>,
    /// Concurrent connections, one run per value.
    #[arg(long, value_delimiter = ',', default_value = "100")]
    connections: Vec<usize>,
    /// Requests each client sends, one after the other.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    requests: u64,
    /// The slow backend's delay per request, in milliseconds.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=1000))]
    backend_ms: u64,
    /// Limit the server process's address space to this many MiB (0: no limit), to see
    /// where a thread per connection stops: every thread reserves its stack in it.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1 << 20))]
    server_address_space_mib: u64,
    /// The most one run may take, in seconds; clients still running then are stopped.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// Print machine lines `id<TAB>value<TAB>unit` instead of sentences.
    #[arg(long)]
    tsv: bool,
    /// Internal: run as the server process.
    #[arg(long, hide = true)]
    serve: Option<Server>,
}

/// Descriptors a process needs besides its connections (stdio, pipes, listener, runtime).
const SPARE_FDS: u64 = 64;

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(kind) = args.serve {
        return serve(kind, &args);
    }
    ensure!(
        args.connections.iter().all(|&n| n >= 1),
        "--connections must be at least 1"
    );
    let most = *args.connections.iter().max().unwrap_or(&1) as u64;
    let limit = system::raise_open_files(most + SPARE_FDS)?;
    if !args.tsv {
        println!(
            "open-file limit {limit}; thread limits: RLIMIT_NPROC {}, threads-max {}",
            show(system::thread_limit()),
            show(system::system_threads_max())
        );
    }
    for &connections in &args.connections {
        let reachable = (limit.saturating_sub(SPARE_FDS) as usize).min(connections);
        if reachable < connections {
            println!(
                "cannot reach {connections} connections: the open-file limit is {limit} (hard), so {reachable} it is"
            );
        }
        for &kind in &args.server {
            let run = measure(kind, reachable, &args)?;
            report(kind, connections, reachable, &run, &args);
        }
    }
    Ok(())
}

fn show(limit: Option<u64>) -> String {
    limit.map_or_else(|| "unknown".to_owned(), |n| n.to_string())
}

/// One run's results: the clients' report and the server's own numbers.
struct Run {
    load: load::LoadReport,
    server: Vec<(String, u64)>,
    /// How the server process ended, when it died before reporting.
    died: Option<Died>,
}

/// A server process that ended before it reported.
struct Died {
    /// Its exit status and the line of its stderr that says why (the first, unless one says
    /// an allocation failed).
    how: String,
    /// Whether it was aborted for a failed allocation: Rust's answer to running out of memory.
    out_of_memory: bool,
}

impl Run {
    fn server(&self, key: &str) -> u64 {
        self.server
            .iter()
            .find(|(k, _)| k == key)
            .map_or(0, |&(_, v)| v)
    }
}

// ANCHOR: measure
fn measure(kind: Server, connections: usize, args: &Args) -> Result<Run> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args([
            "--serve",
            kind.name(),
            "--backend-ms",
            &args.backend_ms.to_string(),
        ])
        .args(["--seconds", &args.seconds.to_string()])
        .args([
            "--server-address-space-mib",
            &args.server_address_space_mib.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the server process")?;
    let result = drive(&mut child, connections, args);
    // Whatever happened, the server process does not outlive this run.
    let _ = child.kill();
    let status = child.wait()?;
    let mut run = result?;
    if run.server.is_empty() {
        // It died before reporting: say how, from what it wrote to stderr.
        let mut err = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
        }
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        let memory = system::memory_failure(&err);
        run.died = Some(Died {
            out_of_memory: status.signal() == Some(nix::sys::signal::Signal::SIGABRT as i32)
                && memory.is_some(),
            how: format!("{status}: {}", memory.unwrap_or(first)),
        });
    }
    Ok(run)
}

fn drive(child: &mut Child, connections: usize, args: &Args) -> Result<Run> {
    let mut out = BufReader::new(child.stdout.take().context("no stdout")?);
    let addr = read_line(&mut out)?
        .strip_prefix("listening ")
        .context("no address")?
        .parse()?;
    let limit = Duration::from_secs(args.seconds);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let load = runtime.block_on(load::run(addr, connections, args.requests, limit))?;
    drop(runtime); // closes every client connection
    // Closing the server's stdin tells it to stop and report.
    drop(child.stdin.take());
    let Ok(stats) = read_line(&mut out) else {
        return Ok(Run {
            load,
            server: Vec::new(),
            died: None,
        });
    };
    let server = stats
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| Ok((k.to_owned(), v.parse()?)))
        .collect::<Result<_>>()?;
    Ok(Run {
        load,
        server,
        died: None,
    })
}
// ANCHOR_END: measure

/// Reads one line from the server process, giving up if it says nothing for a while (it
/// prints within milliseconds; its own watchdog ends it after `--seconds` anyway).
fn read_line(out: &mut BufReader<ChildStdout>) -> Result<String> {
    let mut line = String::new();
    if out.read_line(&mut line)? == 0 {
        bail!("the server process ended without a word");
    }
    Ok(line.trim().to_owned())
}

/// Prints one run: `asked` is the count given on the command line (it names the tsv ids),
/// `reachable` the count the open-file limit allowed, which the run tried to open.
fn report(kind: Server, asked: usize, reachable: usize, run: &Run, args: &Args) {
    let (load, name) = (&run.load, kind.name());
    let (before, hwm, peak_live, spawn_errors) = (
        run.server("rss_before"),
        run.server("hwm"),
        run.server("peak_live"),
        run.server("spawn_errors"),
    );
    let expected = load.connected as u64 * args.requests;
    if let Some(died) = &run.died {
        // Nothing to report from the server itself: only what the clients saw.
        if args.tsv {
            println!("{name}/{asked}/server_died\t1\tcount");
        } else {
            let oom = if died.out_of_memory {
                ", out of memory"
            } else {
                ""
            };
            // It may have died while the clients were still connecting: count what was asked.
            println!(
                "{name:>6} server, {reachable} connections: {} of {} requests answered{oom} \
                 (the server process died when {} had connected: {})",
                load.answered,
                reachable as u64 * args.requests,
                load.connected,
                died.how
            );
        }
        return;
    }
    if args.tsv {
        let id = format!("{name}/{asked}");
        println!("{id}/requests_per_s\t{:.0}\t/s", load.requests_per_s());
        println!("{id}/ns_per_request\t{:.0}\tns", load.ns_per_request());
        println!("{id}/server_peak_rss\t{hwm}\tB");
        println!(
            "{id}/server_rss_per_connection\t{}\tB",
            hwm.saturating_sub(before) / peak_live.max(1)
        );
        println!("{id}/connections_served_at_once\t{peak_live}\tcount");
        println!("{id}/thread_spawn_errors\t{spawn_errors}\tcount");
        return;
    }
    // Connections that got no thread: the other way a thread per connection runs out of memory.
    let oom = if load.answered < expected && spawn_errors > 0 {
        format!(", out of memory (no thread for {spawn_errors} connections)")
    } else {
        String::new()
    };
    println!(
        "{name:>6} server, {} connections: {} of {expected} requests answered{oom}, {:.0} requests/s; \
         server VmHWM {} MiB ({} KiB per connection over its {} MiB at start); \
         {peak_live} connections served at once; thread spawn errors: {spawn_errors}",
        load.connected,
        load.answered,
        load.requests_per_s(),
        hwm >> 20,
        (hwm.saturating_sub(before) / peak_live.max(1)) >> 10,
        before >> 20,
    );
}

// ANCHOR: serve
/// The server process: prints its address, serves until its stdin closes, prints its numbers.
fn serve(kind: Server, args: &Args) -> Result<()> {
    // The parent raised the open-file limit before starting us; we inherit it.
    let backend = Duration::from_millis(args.backend_ms);
    let before = system::memory()?;
    if args.server_address_space_mib > 0 {
        system::limit_address_space(args.server_address_space_mib << 20)?;
    }
    watchdog(Duration::from_secs(args.seconds) * 2 + Duration::from_secs(5));
    let stats: Arc<ServerStats> = match kind {
        Server::Thread => {
            let mut server = thread_server::start(backend)?;
            println!("listening {}", server.addr);
            wait_for_stdin_close();
            server.stop();
            Arc::clone(&server.stats)
        }
        Server::Task => {
            // One thread runs every connection's task, like Python's asyncio event loop.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let stats = Arc::new(ServerStats::default());
            let shutdown = CancellationToken::new();
            let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
            async_io::orders::deepen_backlog(&listener)?;
            println!("listening {}", listener.local_addr()?);
            let stop = shutdown.clone();
            std::thread::spawn(move || {
                wait_for_stdin_close();
                stop.cancel();
            });
            runtime.block_on(task_server::serve(
                listener,
                Sleepy(backend),
                shutdown,
                Arc::clone(&stats),
            ))?;
            stats
        }
    };
    let now = system::memory()?;
    let get = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "served={} accepted={} peak_live={} spawn_errors={} accept_errors={} rss_before={} hwm={}",
        get(&stats.served),
        get(&stats.accepted),
        stats.peak_live.load(std::sync::atomic::Ordering::Relaxed),
        get(&stats.spawn_errors),
        get(&stats.accept_errors),
        before.rss,
        now.hwm,
    );
    std::io::stdout().flush()?;
    Ok(())
}
// ANCHOR_END: serve

fn wait_for_stdin_close() {
    let mut sink = String::new();
    while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
}

/// Ends this process if it is still running after `limit`, whatever it is waiting for.
fn watchdog(limit: Duration) {
    let start = Instant::now();
    std::thread::spawn(move || {
        std::thread::sleep(limit.saturating_sub(start.elapsed()));
        eprintln!("server: still running after {limit:?}, exiting");
        std::process::exit(3);
    });
}
