"""Lost updates in Python threads: Rust's twin is the chapter's compile errors and locks.

Two threads each add 1 to a shared global counter `--increments` times, three ways:

- plus_equals: `counter += 1`, the statement every tutorial warns about;
- read_call_write: `counter = plus_one(counter)`, the same read-add-write with a function call
  between the read and the write;
- with_lock: `with lock: counter += 1`, a `threading.Lock` around the statement.

For each way it prints how many increments were lost (2 x increments - the final count), and
how long one increment took (the wall time of the two threads together, divided by all their
increments; starting and joining the threads is outside the timed region).

    python3 lost_updates.py                 # a readable table
    python3 lost_updates.py --tsv           # `name<TAB>value<TAB>unit` lines for a program
"""

import argparse
import platform
import sys
import threading
import time

counter = 0
lock = threading.Lock()


# ANCHOR: ways
def plus_equals(n):
    global counter
    for _ in range(n):
        counter += 1


def plus_one(value):
    return value + 1


def read_call_write(n):
    global counter
    for _ in range(n):
        counter = plus_one(counter)


def with_lock(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1
# ANCHOR_END: ways


def run(way, increments):
    """Runs `way` on two threads; returns (lost increments, nanoseconds per increment)."""
    global counter
    counter = 0
    start_line = threading.Barrier(3)

    def body():
        start_line.wait()
        way(increments)

    threads = [threading.Thread(target=body) for _ in range(2)]
    for t in threads:
        t.start()
    start_line.wait()
    started = time.perf_counter_ns()
    for t in threads:
        t.join()
    took = time.perf_counter_ns() - started
    return 2 * increments - counter, took / (2 * increments)


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--increments", type=positive, default=1_000_000,
                        help="increments per thread (default: 1,000,000)")
    parser.add_argument("--tsv", action="store_true",
                        help="print `name<TAB>value<TAB>unit` lines for a program")
    args = parser.parse_args()
    if args.tsv:
        print(f"#python\t{platform.python_implementation()} {platform.python_version()}")
    for name, way in [("plus_equals", plus_equals), ("read_call_write", read_call_write),
                      ("with_lock", with_lock)]:
        lost, ns = run(way, args.increments)
        if args.tsv:
            print(f"{name}_lost\t{lost}\tcount")
            print(f"{name}_per_increment\t{ns:.1f}\tns")
        else:
            print(f"{name:<16} lost {lost:>9} of {2 * args.increments} increments, "
                  f"{ns:6.1f} ns per increment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
