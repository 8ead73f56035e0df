//! Times the lesson's Python (python/primes.py: sequential, ProcessPoolExecutor.map, Pool.map)
//! against the same work in Rust (sequential, our process pool) on this machine, and prints
//! the ratios of like with like: the same chunk size on both sides, and pool start-up either
//! inside both timings (`whole_run`) or outside both (`map`, the median of `--repeat` runs on a
//! pool already running). Skips, with a message, when there is no python3.

use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use pools::count_primes;
use pools::process::{self, ProcessPool, WorkerSpec};

/// Count primes in Python and in Rust, the same way, and compare the times.
#[derive(Parser, Debug)]
struct Args {
    /// First number of the range
    #[arg(long, default_value_t = 1_000_000)]
    start: u64,
    /// End of the range (not included); 1200000 is the benchmarks' range
    #[arg(long, default_value_t = 1_020_000)]
    end: u64,
    /// Worker processes (and rayon threads) for the parallel versions
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// The Python interpreter to run
    #[arg(long, default_value = "python3")]
    python: String,
    /// Timed runs of `map` on a pool already running (the median is shown)
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Seconds the Python script may take
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Run as a pool worker (the pool starts this program with it)
    #[arg(long = "pools-worker", hide = true)]
    pools_worker: bool,
}

/// One line of the table: who, how, the count and the seconds it took.
struct Timing {
    how: String,
    count: u64,
    seconds: f64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.pools_worker {
        process::serve(process::prime_task)?;
        return Ok(());
    }
    ensure!(args.start < args.end, "--start must be below --end");
    ensure!(args.workers > 0, "--workers must be at least 1");
    ensure!(args.timeout > 0, "--timeout must be at least 1");
    ensure!(args.repeat > 0, "--repeat must be at least 1");
    // The chunk size Python's Pool.map picks, used by every pool on both sides.
    let numbers = args.end - args.start;
    let chunk = numbers.div_ceil(4 * args.workers as u64);
    println!(
        "range {}..{}, {} workers, {chunk} numbers per task, map timed {} times",
        args.start, args.end, args.workers, args.repeat
    );

    let Some(python) = run_python(&args, chunk)? else {
        println!("skipped: {} not found", args.python);
        return Ok(());
    };
    let rust = run_rust(&args, chunk)?;
    for (side, timings) in [("python", &python), ("rust", &rust)] {
        for t in timings {
            println!(
                "{side:<7} {:<22} {:>6} primes  {:.4} s",
                t.how, t.count, t.seconds
            );
        }
    }
    let expected = rust[0].count;
    if let Some(odd) = python.iter().chain(&rust).find(|t| t.count != expected) {
        bail!("{} counted {}, not {expected}", odd.how, odd.count);
    }
    // How many times longer Python takes than its Rust twin: like with like only.
    let pairs = [
        (&python[0], &rust[0]), // sequential
        (&python[1], &rust[1]), // start + map + shutdown
        (&python[2], &rust[1]),
        (&python[3], &rust[2]), // map on a running pool
        (&python[4], &rust[2]),
    ];
    for (p, r) in pairs {
        let ratio = p.seconds / r.seconds.max(1e-9);
        let label = format!("{} / {}", p.how, r.how);
        println!("python/rust  {label:<44} {ratio:.1}x");
    }
    Ok(())
}

/// The Python side; `None` when the interpreter is not there.
fn run_python(args: &Args, chunk: u64) -> Result<Option<Vec<Timing>>> {
    // Found wherever the crate is, whatever the current directory.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/primes.py");
    let mut command = Command::new(&args.python);
    command
        .arg(&script)
        .args([
            "--start",
            &args.start.to_string(),
            "--end",
            &args.end.to_string(),
        ])
        .args([
            "--workers",
            &args.workers.to_string(),
            "--chunksize",
            &chunk.to_string(),
            "--repeat",
            &args.repeat.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).context(format!("cannot start {}", args.python)),
    };
    // Read its output on the side, so that waiting can have a deadline.
    let mut stdout = child.stdout.take().context("no stdout pipe")?;
    let reader = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            bail!("{} took over {} s: killed", script.display(), args.timeout);
        }
        thread::sleep(Duration::from_millis(10));
    };
    ensure!(status.success(), "{} failed: {status}", script.display());
    let text = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the reader thread panicked"))??;
    let timings = text.lines().map(parse_line).collect::<Result<Vec<_>>>()?;
    ensure!(
        timings.len() == 5,
        "expected 5 lines from Python, got:\n{text}"
    );
    Ok(Some(timings))
}

/// `<how> <count> <seconds>`, as primes.py prints it.
fn parse_line(line: &str) -> Result<Timing> {
    let mut words = line.split_whitespace();
    let (Some(how), Some(count), Some(seconds), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        bail!("unexpected line from Python: {line:?}");
    };
    Ok(Timing {
        how: how.to_owned(),
        count: count.parse().context("bad count")?,
        seconds: seconds.parse().context("bad seconds")?,
    })
}

/// The Rust side, timed as the Python side is: sequential; start the process pool, map,
/// shut it down; and the median of `--repeat` maps on a pool already running (after one
/// untimed map).
fn run_rust(args: &Args, chunk: u64) -> Result<Vec<Timing>> {
    let range = args.start..args.end;
    let time = |how: &str, count: &mut dyn FnMut() -> Result<u64>| -> Result<Timing> {
        let clock = Instant::now();
        let count = count()?;
        Ok(Timing {
            how: how.to_owned(),
            count,
            seconds: clock.elapsed().as_secs_f64(),
        })
    };
    let sequential = time("sequential", &mut || Ok(count_primes(range.clone())))?;
    let whole_run = time("process_pool_whole_run", &mut || {
        let mut pool = ProcessPool::new(WorkerSpec::this_program()?, args.workers)?;
        let count = process::count_primes(&mut pool, range.clone(), chunk)?;
        pool.shutdown()?;
        Ok(count)
    })?;
    let mut pool = ProcessPool::new(WorkerSpec::this_program()?, args.workers)?;
    process::count_primes(&mut pool, range.clone(), chunk)?;
    let mut runs = (0..args.repeat)
        .map(|_| {
            time("process_pool_map", &mut || {
                Ok(process::count_primes(&mut pool, range.clone(), chunk)?)
            })
        })
        .collect::<Result<Vec<_>>>()?;
    runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let median = runs.swap_remove(runs.len() / 2);
    Ok(vec![sequential, whole_run, median])
}
