"""The lesson's prime count in Python: sequential, ProcessPoolExecutor.map and Pool.map.

Prints one line per measurement: `<name> <count> <seconds>`.

- `sequential`: one run of the plain loop.
- `executor_whole_run`, `pool_whole_run`: one run of start the pool + map + shut it down,
  what a script pays each time it runs.
- `executor_map`, `pool_map`: map alone, on a pool already started (and warmed up), the
  median of `--repeat` runs: what a long-running program pays per call.

Every pool gets the same `--chunksize` (numbers per task), so that a Rust pool given the same
chunk size does the same number of round trips. The Rust example `versus_python` and
`cargo xtask bench pools` run this file; run it alone with `python3 primes.py --help`.
"""

import argparse
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


# ANCHOR: is_prime
def is_prime(n):
    """Trial division, the same function as `pools::is_prime` in Rust."""
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    for i in range(3, math.isqrt(n) + 1, 2):
        if n % i == 0:
            return False
    return True
# ANCHOR_END: is_prime


def seconds_of(count_fn):
    start = time.perf_counter()
    count = count_fn()
    return count, time.perf_counter() - start


def report(name, count, seconds):
    print(f"{name} {count} {seconds:.6f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", type=int, default=1_000_000)
    parser.add_argument("--end", type=int, default=1_200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunksize", type=int, default=10_000, help="numbers per task")
    parser.add_argument("--repeat", type=int, default=5, help="runs of map on a started pool")
    args = parser.parse_args()
    if args.start >= args.end or min(args.workers, args.chunksize, args.repeat) < 1:
        parser.error("need --start < --end and --workers, --chunksize, --repeat >= 1")
    data = range(args.start, args.end)
    chunksize = args.chunksize

    report("sequential", *seconds_of(lambda: sum(map(is_prime, data))))

    # ANCHOR: pools
    def executor_whole_run():
        with ProcessPoolExecutor(max_workers=args.workers) as executor:
            return sum(executor.map(is_prime, data, chunksize=chunksize))

    def pool_whole_run():
        with Pool(args.workers) as pool:
            return sum(pool.map(is_prime, data, chunksize=chunksize))
    # ANCHOR_END: pools

    report("executor_whole_run", *seconds_of(executor_whole_run))
    report("pool_whole_run", *seconds_of(pool_whole_run))

    # ANCHOR: running
    # The same maps on pools already running: start-up is out of the timed region. A first
    # map, untimed, makes sure every worker process is up.
    with ProcessPoolExecutor(max_workers=args.workers) as executor:
        sum(executor.map(is_prime, data, chunksize=chunksize))
        runs = [
            seconds_of(lambda: sum(executor.map(is_prime, data, chunksize=chunksize)))
            for _ in range(args.repeat)
        ]
    report("executor_map", runs[0][0], statistics.median(s for _, s in runs))
    with Pool(args.workers) as pool:
        sum(pool.map(is_prime, data, chunksize=chunksize))
        runs = [
            seconds_of(lambda: sum(pool.map(is_prime, data, chunksize=chunksize)))
            for _ in range(args.repeat)
        ]
    report("pool_map", runs[0][0], statistics.median(s for _, s in runs))
    # ANCHOR_END: running


if __name__ == "__main__":
    main()
