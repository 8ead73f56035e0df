"""The order server and its load generator with asyncio: the Python twin of `examples/load.rs`.

The server runs in a child process (this script again, with --serve), one asyncio event
loop on one thread, like the Rust task server on a `current_thread` runtime. The parent opens
every connection first (64 at a time), then times the request phase: each client sends its
orders one after the other and checks every answer. Prints one line per connection count,
`<connections>/ns_per_request<TAB><nanoseconds>`: wall time of the request phase divided by
the requests answered. Run alone with `python3 orders.py --help`.
"""

import argparse
import asyncio
import subprocess
import sys
import time

CONNECTS_AT_ONCE = 64
BACKLOG = 4096


# ANCHOR: server
async def handle(reader, writer, backend_s):
    try:
        while line := await asyncio.wait_for(reader.readline(), timeout=30):
            await asyncio.sleep(backend_s)  # the slow backend
            words = line.split()
            if len(words) == 2 and words[0] == b"ORDER" and words[1].isdigit():
                writer.write(b"READY " + words[1] + b"\n")
            else:
                writer.write(b"ERROR expected ORDER <number>\n")
            await writer.drain()
    except (asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
# ANCHOR_END: server


async def serve(backend_s):
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, backend_s), "127.0.0.1", 0, backlog=BACKLOG
    )
    host, port = server.sockets[0].getsockname()[:2]
    print(f"listening {host}:{port}", flush=True)
    # Serve until the parent closes our stdin.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    server.close()


# ANCHOR: client
async def client(reader, writer, first_id, requests):
    for n in range(requests):
        order_id = first_id + n
        writer.write(b"ORDER %d\n" % order_id)
        line = await reader.readline()
        if line != b"READY %d\n" % order_id:
            return n
    return requests
# ANCHOR_END: client


async def connect_all(host, port, connections):
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

    async def one():
        async with gate:
            return await asyncio.wait_for(asyncio.open_connection(host, port), timeout=5)

    results = await asyncio.gather(*(one() for _ in range(connections)), return_exceptions=True)
    return [r for r in results if not isinstance(r, BaseException)]


async def measure(host, port, connections, requests, seconds):
    pairs = await asyncio.wait_for(connect_all(host, port, connections), timeout=seconds)
    start = time.perf_counter_ns()
    answered = await asyncio.wait_for(
        asyncio.gather(*(client(r, w, i * requests, requests) for i, (r, w) in enumerate(pairs))),
        timeout=seconds,
    )
    elapsed = time.perf_counter_ns() - start
    for _, w in pairs:
        w.close()
    return len(pairs), sum(answered), elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", default="100,1000")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--backend-ms", type=float, default=1.0)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.backend_ms / 1000))
        return
    counts = [int(n) for n in args.connections.split(",")]
    if args.requests < 1 or args.seconds < 1 or min(counts) < 1:
        parser.error("need --requests, --seconds and every connection count >= 1")
    for connections in counts:
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", "--backend-ms", str(args.backend_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        try:
            host, port = child.stdout.readline().split()[1].rsplit(":", 1)
            got, answered, elapsed = asyncio.run(
                measure(host, int(port), connections, args.requests, args.seconds)
            )
            if answered != got * args.requests or got != connections:
                sys.exit(f"{connections} connections: {got} connected, {answered} answered")
            print(f"{connections}/ns_per_request\t{elapsed / answered:.0f}", flush=True)
        finally:
            child.stdin.close()
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


if __name__ == "__main__":
    main()
