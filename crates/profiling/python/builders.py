"""The lesson's eight ways of building a collection of 0..100, timed with timeit.

The lesson printed its timings with the label "[ms]", but `Timer.timeit()` returns
the seconds taken by 1,000,000 calls; and it timed `f5`/`f6` a second time under the
comprehension labels. Here each name sits next to its own function, and the unit is
printed as what it is.

    python3 builders.py                    # like the lesson: 1,000,000 calls each
    python3 builders.py --number 10000 --repeat 3 --tsv   # for a program to read
"""

import argparse
import platform
import sys
import timeit

# ANCHOR: builders
def f1():
    s = set(range(100))


def f2():
    l = list(range(100))


def f3():
    t = tuple(range(100))


def f4():
    s = str(range(100))


def f5():
    s = set()
    for i in range(100):
        s.add(i)


def f6():
    l = []
    for i in range(100):
        l.append(i)


def f7():
    s_comp = {i for i in range(100)}


def f8():
    l_comp = [i for i in range(100)]


# One row per builder: the label cannot drift away from its function.
BUILDERS = [
    ("set", f1),
    ("list", f2),
    ("tuple", f3),
    ("string", f4),
    ("set_add", f5),
    ("list_append", f6),
    ("set_comprehension", f7),
    ("list_comprehension", f8),
]
# ANCHOR_END: builders


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=positive, default=1_000_000,
                        help="calls per timing run (default: 1,000,000, as timeit)")
    parser.add_argument("--repeat", type=positive, default=1,
                        help="timing runs per builder; the fastest counts (default: 1)")
    parser.add_argument("--tsv", action="store_true",
                        help="print `name<TAB>nanoseconds per call` lines for a program")
    args = parser.parse_args()

    if args.tsv:
        print(f"#python\t{platform.python_implementation()} {platform.python_version()}")
    # ANCHOR: timing
    for name, function in BUILDERS:
        runs = timeit.Timer(function).repeat(repeat=args.repeat, number=args.number)
        best = min(runs)  # seconds for `number` calls
        if args.tsv:
            print(f"{name}\t{best / args.number * 1e9:.1f}")
        else:
            per_call = best / args.number * 1e9
            print(f"{name:<19}: {best:.3f} s per {args.number:,} calls ({per_call:.0f} ns each)")
    # ANCHOR_END: timing
    return 0


if __name__ == "__main__":
    sys.exit(main())
