#!/usr/bin/env python3
"""Slow clients against `make serve`'s gunicorn: does a handful of them stall the server?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/advisor_slow .venv/bin/python bench/slowclients.py

For each server setting (``--configs``: ``sync``, the sync worker, i.e. GUNICORN_THREADS=1;
``gthread``, gunicorn's own threaded worker with 4 threads; ``bounded``, the threaded worker
that `make serve` uses by default, which accepts a connection only while a thread is free,
config/gunicorn_worker.py) it starts gunicorn (bench/faults.py's Server: private Redis, the
given database migrated and seeded; an ``sqlite:///`` URL will do) with ``--workers``
processes, then:

1. baseline: one client asks ``/healthz`` ``--probes`` times, one request after the other;
2. ``--slow`` clients open connections and send a request's headers one byte every
   ``--interval`` seconds (a "slowloris"; each sends at most 200 bytes and stops after
   ``--seconds``), and the same probes run while they do; ``--rounds`` times, with new
   slow clients each round.

A probe that gets no answer within 5 s counts as stalled; the goal is every probe answered
within 2 s (``over_2s`` counts the others). Everything is bounded in count and time and stays
on 127.0.0.1.
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
        "over_2s": stalled + sum(1 for x in latencies if x >= 2),
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


CONFIGS = {  # name -> (threads, worker class; "" for config/gunicorn.py's choice)
    "sync": (1, "sync"),
    "gthread": (4, "gthread"),
    "bounded": (4, ""),
}


def run_config(name: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    threads, worker_class = CONFIGS[name]
    server = faults.Server(args.database_url, args.workers)
    server.env["GUNICORN_THREADS"] = str(threads)
    if worker_class:
        server.env["GUNICORN_WORKER_CLASS"] = worker_class
    results: dict[str, dict[str, float]] = {}
    with faults.running(server):
        results["baseline"] = probe(server.port, args.probes, 0.05, args.seconds)
        # Where the kernel puts each slow connection is chance: a few rounds, each with new
        # slow clients, and every probe of every round counted.
        for round_no in range(1, args.rounds + 1):
            stop = threading.Event()
            slow = [threading.Thread(target=slow_client, args=(server.port, args.interval, args.seconds, stop),
                                     daemon=True) for _ in range(args.slow)]
            for t in slow:
                t.start()
            time.sleep(1.0)  # let them connect and start trickling
            results[f"{args.slow} slow, round {round_no}"] = probe(server.port, args.probes, 0.05, args.seconds)
            stop.set()
            for t in slow:
                t.join(args.interval + 6)
    slow_rows = [row for phase, row in results.items() if phase != "baseline"]
    results["all slow rounds"] = {
        "answered": sum(r["answered"] for r in slow_rows), "stalled": sum(r["stalled"] for r in slow_rows),
        "over_2s": sum(r["over_2s"] for r in slow_rows), "p50_ms": max(r["p50_ms"] for r in slow_rows),
        "p99_ms": max(r["p99_ms"] for r in slow_rows), "max_ms": max(r["max_ms"] for r in slow_rows)}
    print(f"\n{name}: {args.workers} workers x {threads} thread(s)")
    print(f"{'phase':<20} {'answered':>9} {'stalled':>8} {'over_2s':>8} {'p50_ms':>9} {'p99_ms':>9} {'max_ms':>9}")
    for phase, row in results.items():
        print(f"{phase:<20} {row['answered']:>9} {row['stalled']:>8} {row['over_2s']:>8} {row['p50_ms']:>9} "
              f"{row['p99_ms']:>9} {row['max_ms']:>9}")
    base = results["baseline"]
    worst = results["all slow rounds"]
    print(f"with slow clients: worst p50 x{worst['p50_ms'] / base['p50_ms']:.1f}, worst max "
          f"x{worst['max_ms'] / base['max_ms']:.1f} of the baseline's")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--configs", default="sync,gthread,bounded",
                        help="sync (1 thread), gthread (gunicorn's, 4 threads), bounded (make serve's)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--slow", type=int, default=8, help="slow clients (at most 64)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between a slow client's bytes")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the slow clients last")
    parser.add_argument("--probes", type=int, default=150, help="probes per phase (0.05 s apart)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of new slow clients")
    parser.add_argument("--ports", type=int, default=0, help="use ports N (gunicorn), N+1 (Redis)")
    args = parser.parse_args(argv)
    if not args.database_url:
        raise SystemExit("set DATABASE_URL (or --database-url): a database of its own")
    args.slow = min(args.slow, 64)
    faults.PORT_BASE = args.ports
    late = 0
    for name in [c.strip() for c in args.configs.split(",") if c.strip()]:
        faults._ports_given = 0  # the same ports again for the next server
        result = run_config(name, args)
        if name == "bounded":
            late += int(result["all slow rounds"]["over_2s"])
    print("\nbounded (make serve's default) answered every probe within 2 s" if not late
          else f"\nbounded: {late} probes took 2 s or more")
    return 1 if late else 0


if __name__ == "__main__":
    sys.exit(main())
