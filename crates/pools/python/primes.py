"""The lesson's prime count in Python: sequential, ProcessPoolExecutor.map and Pool.map.

Prints one line per way: `<name> <count> <seconds>`. The Rust example `versus_python` runs
this file and compares; run it alone with `python3 primes.py --help`.
"""

import argparse
import math
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


def timed(name, count_fn):
    start = time.perf_counter()
    count = count_fn()
    print(f"{name} {count} {time.perf_counter() - start:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", type=int, default=1_000_000)
    parser.add_argument("--end", type=int, default=1_200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--chunksize",
        type=int,
        default=0,
        help="numbers per task for both pools (0: what Pool.map picks, len / (4 * workers))",
    )
    args = parser.parse_args()
    if args.start >= args.end or args.workers < 1 or args.chunksize < 0:
        parser.error("need --start < --end, --workers >= 1, --chunksize >= 0")
    data = range(args.start, args.end)
    # Pool.map's own choice; ProcessPoolExecutor.map's default is 1 (one number per message),
    # far slower here, so both get the same chunks.
    chunksize = args.chunksize or max(1, math.ceil(len(data) / (4 * args.workers)))

    timed("sequential", lambda: sum(map(is_prime, data)))
    # The pools' start-up is timed too: a script pays it every run.
    # ANCHOR: pools
    def executor_map():
        with ProcessPoolExecutor(max_workers=args.workers) as executor:
            return sum(executor.map(is_prime, data, chunksize=chunksize))

    def pool_map():
        with Pool(args.workers) as pool:
            return sum(pool.map(is_prime, data, chunksize=chunksize))
    # ANCHOR_END: pools

    timed("ProcessPoolExecutor.map", executor_map)
    timed("Pool.map", pool_map)


if __name__ == "__main__":
    main()
