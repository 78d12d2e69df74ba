#!/usr/bin/env python3
"""Slow clients against `make serve`'s gunicorn: does a handful of them stall the server?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/advisor_slow .venv/bin/python bench/slowclients.py

For each server setting (``--configs``: the sync worker, i.e. GUNICORN_THREADS=1, and the
gthread worker that `make serve` uses by default) it starts gunicorn (bench/faults.py's
Server: private Redis, the given database migrated and seeded) with ``--workers`` processes,
then:

1. baseline: one client asks ``/healthz`` ``--probes`` times, one request after the other;
2. ``--slow`` clients open connections and send a request's headers one byte every
   ``--interval`` seconds (a "slowloris"; each sends at most 200 bytes and stops after
   ``--seconds``), and the same probes run while they do.

A probe that gets no answer within 5 s counts as stalled. Everything is bounded in count and
time and stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import faults  # noqa: E402  (bench/faults.py: the server it starts)
import load  # noqa: E402

PROBE_TIMEOUT = 5.0
SLOW_BYTES = 200


def probe(port: int, count: int, spacing: float, stop_after: float) -> dict[str, float]:
    latencies: list[float] = []
    stalled = 0
    deadline = time.monotonic() + stop_after
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException):
            stalled += 1
        finally:
            conn.close()
        time.sleep(spacing)
    latencies.sort()
    return {
        "answered": len(latencies),
        "stalled": stalled,
        "p50_ms": round(load.percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(load.percentile(latencies, 99) * 1000, 1),
        "max_ms": round((latencies[-1] if latencies else float("nan")) * 1000, 1),
    }


def slow_client(port: int, interval: float, seconds: float, stop: threading.Event) -> None:
    request = (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"
               + b"X-Padding: " + b"a" * SLOW_BYTES)[:SLOW_BYTES]
    deadline = time.monotonic() + seconds
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        for byte in request:  # bounded: at most SLOW_BYTES sends
            if stop.is_set() or time.monotonic() > deadline:
                return
            s.sendall(bytes([byte]))
            stop.wait(interval)


def run_config(name: str, threads: int, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    server = faults.Server(args.database_url, args.workers)
    server.env["GUNICORN_THREADS"] = str(threads)
    results: dict[str, dict[str, float]] = {}
    with faults.running(server):
        results["baseline"] = probe(server.port, args.probes, 0.05, args.seconds)
        stop = threading.Event()
        slow = [threading.Thread(target=slow_client, args=(server.port, args.interval, args.seconds, stop), daemon=True)
                for _ in range(args.slow)]
        for t in slow:
            t.start()
        time.sleep(1.0)  # let them connect and start trickling
        results[f"{args.slow} slow clients"] = probe(server.port, args.probes, 0.05, args.seconds)
        stop.set()
        for t in slow:
            t.join(args.interval + 6)
    print(f"\n{name}: {args.workers} workers x {threads} thread(s)")
    print(f"{'phase':<20} {'answered':>9} {'stalled':>8} {'p50_ms':>9} {'p99_ms':>9} {'max_ms':>9}")
    for phase, row in results.items():
        print(f"{phase:<20} {row['answered']:>9} {row['stalled']:>8} {row['p50_ms']:>9} {row['p99_ms']:>9} {row['max_ms']:>9}")
    base = results["baseline"]["p50_ms"]
    slow_row = results[f"{args.slow} slow clients"]
    if slow_row["answered"]:
        print(f"p50 with slow clients: x{slow_row['p50_ms'] / base:.1f} of the baseline")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--configs", default="sync,gthread", help="sync (1 thread), gthread (4 threads)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slow", type=int, default=4, help="slow clients (at most 64)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a slow client's bytes")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the slow clients last")
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--ports", type=int, default=0, help="use ports N (gunicorn), N+1 (Redis)")
    args = parser.parse_args(argv)
    if not args.database_url:
        raise SystemExit("set DATABASE_URL (or --database-url): a database of its own")
    args.slow = min(args.slow, 64)
    faults.PORT_BASE = args.ports
    stalled = 0
    for name in [c.strip() for c in args.configs.split(",") if c.strip()]:
        threads = {"sync": 1, "gthread": 4}[name]
        faults._ports_given = 0  # the same ports again for the next server
        result = run_config(name, threads, args)
        if name == "gthread":
            stalled += int(result[f"{args.slow} slow clients"]["stalled"])
    print("\ngthread (make serve's default) kept answering" if not stalled
          else f"\ngthread: {stalled} probes stalled")
    return 1 if stalled else 0


if __name__ == "__main__":
    sys.exit(main())
