"""Start a unit of work that does nothing and wait for its end: Python's twin of benches/spawn.rs.

Each way is timed over `--number` rounds in a row, `--repeat` times; the median of those runs,
divided by `--number`, is printed per round (criterion reports a median of its samples too).
Inside the timed region, on both sides: create the unit, start it, wait for its end. Nothing
is started or imported ahead of time except the modules themselves.

- thread: `threading.Thread(target=nothing)`, `start()`, `join()`
  (Rust: `thread::spawn(|| ())`, `join()`);
- subprocess: `subprocess.run(["/bin/true"])`, stdio to /dev/null
  (Rust: `Command::new("/bin/true").spawn()`, `wait()`, stdio to /dev/null);
- multiprocessing_fork, multiprocessing_spawn: the lesson's `multiprocessing.Process`
  with the "fork" start method (a copy of this interpreter) and with "spawn" (a fresh one),
  `start()`, `join()`. Rust has no twin of these: its processes are whole programs.

    python3 spawn.py                           # a readable table
    python3 spawn.py --tsv                     # `name<TAB>nanoseconds` lines for a program
"""

import argparse
import multiprocessing
import platform
import statistics
import subprocess
import sys
import threading
import time


def nothing():
    pass


# ANCHOR: ways
def start_thread():
    t = threading.Thread(target=nothing)
    t.start()
    t.join()


def run_true():
    subprocess.run(["/bin/true"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def process_starter(method):
    context = multiprocessing.get_context(method)

    def start_process():
        p = context.Process(target=nothing)
        p.start()
        p.join()
        assert p.exitcode == 0, p.exitcode
    return start_process
# ANCHOR_END: ways


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def per_round(function, number, repeat):
    """The median over `repeat` runs of the time of one round, in nanoseconds."""
    function()  # warm up: imports, the first thread or fork
    runs = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for _ in range(number):
            function()
        runs.append((time.perf_counter_ns() - start) / number)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=positive, default=200,
                        help="rounds per timed run for threads and /bin/true; "
                             "a tenth of it (at least 1) for multiprocessing (default: 200)")
    parser.add_argument("--repeat", type=positive, default=5,
                        help="timed runs per way; the median counts (default: 5)")
    parser.add_argument("--tsv", action="store_true",
                        help="print `name<TAB>nanoseconds per round` lines for a program")
    args = parser.parse_args()

    few = max(1, args.number // 10)
    ways = [
        ("thread", start_thread, args.number),
        ("subprocess", run_true, args.number),
        ("multiprocessing_fork", process_starter("fork"), few),
        ("multiprocessing_spawn", process_starter("spawn"), few),
    ]
    if args.tsv:
        print(f"#python\t{platform.python_implementation()} {platform.python_version()}")
    for name, function, number in ways:
        ns = per_round(function, number, args.repeat)
        if args.tsv:
            print(f"{name}\t{ns:.1f}")
        else:
            print(f"{name:<22}: {ns / 1000:10.1f} µs per start and wait "
                  f"(median of {args.repeat} runs of {number})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
