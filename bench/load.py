#!/usr/bin/env python3
"""Bounded load test of a local server: results partials, report pages and the JSON API.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --duration 60 --concurrency 32

Kinds (``--mix kind=weight,...``):
  partial  GET /?<the questionnaire's fields>  as htmx does when a field changes
           (HX-Request: true, HX-Target: results; the questionnaire is GET only, so that the
           URL holds the inputs)
  report   GET /r/<code>/  of reports created up front through POST /api/v1/reports
  api      POST /api/v1/compare  with a JSON workload
  healthz  GET /healthz  (plumbing check; not part of the default mix)

Only loopback addresses are accepted, the run stops by itself after ``--duration`` seconds
(600 at most), and every request is counted: throughput, p50/p99/max latency, transport
errors, 5xx and other unexpected statuses per kind. Exit status 1 if any request failed.
The standard library only (threads + http.client), so it runs from the project's venv.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_DURATION_S = 600
DEFAULT_MIX = "partial=1,report=1,api=1"
REPORT_WORKLOAD = {"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536}


@dataclass
class Request:
    kind: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Target:
    host: str
    port: int


def workloads(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` distinct, valid workloads (the cache sees a realistic spread, not one key).

    The request volume is drawn log-uniformly, so a large ``count`` means (nearly) every
    request is new to the server's cache: ``--distinct 100000`` measures cold requests.
    """
    rng = random.Random(seed)
    result = [dict(REPORT_WORKLOAD)]
    while len(result) < count:
        result.append(
            {
                "requests_per_month": round(10 ** rng.uniform(4, 9.5)),
                "duration_ms": rng.choice([5, 20, 50, 120, 400, 1500]),
                "memory_mb": rng.choice([128, 256, 512, 1024, 1536, 2048, 4096]),
                "architecture": rng.choice(["x86_64", "arm64"]),
            }
        )
    return result


def _form_fields(workload: dict[str, Any], nested_sep: str = "_") -> dict[str, str]:
    """The questionnaire's field names are the contract's, nested ones joined by '_'."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{nested_sep}{k}" if prefix else k, v)
        elif isinstance(value, bool):
            flat[prefix] = "on" if value else ""
        else:
            flat[prefix] = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

    walk("", workload)
    return {k: v for k, v in flat.items() if v != ""}


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(target.host, target.port, timeout=timeout)


def _call(conn: http.client.HTTPConnection, req: Request) -> tuple[int, bytes, http.client.HTTPResponse]:
    conn.request(req.method, req.path, body=req.body, headers=req.headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, body, response


# Setup: CSRF token for the partials, report codes for the report pages ----------------------


def csrf(target: Target) -> tuple[str, str]:
    """(cookie value, form token) from the landing page, as a browser would get them."""
    conn = _connection(target, 10)
    status, body, response = _call(conn, Request("setup", "GET", "/"))
    conn.close()
    if status != 200:
        raise SystemExit(f"setup: GET / answered {status}")
    cookie = ""
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    match = re.search(rb'"X-CSRFToken":\s*"([^"]+)"', body) or re.search(
        rb'name="csrfmiddlewaretoken" value="([^"]+)"', body
    )
    if not cookie or not match:
        raise SystemExit("setup: no CSRF cookie or token on GET / (is this the advisor?)")
    return cookie, match.group(1).decode()


def create_report(target: Target, workload: dict[str, Any]) -> str | None:
    """POST /api/v1/reports; the new report's path (/r/<code>/), or None on failure."""
    conn = _connection(target, 30)
    try:
        status, body, response = _call(conn, _json_request("create", "/api/v1/reports", workload))
    finally:
        conn.close()
    if status not in (200, 201):
        return None
    location = response.getheader("Location") or ""
    try:
        data = json.loads(body)
    except ValueError:
        data = {}
    for candidate in (location, str(data.get("url", "")), str(data.get("path", ""))):
        path = urllib.parse.urlsplit(candidate).path
        if path.startswith("/r/"):
            return path
    code = data.get("code")
    return f"/r/{code}/" if code else None


def _json_request(kind: str, path: str, payload: dict[str, Any]) -> Request:
    return Request(
        kind, "POST", path, json.dumps(payload).encode(),
        {"Content-Type": "application/json", "Accept": "application/json"},
    )


def build_requests(target: Target, kinds: list[str], distinct: int, reports: int) -> dict[str, list[Request]]:
    loads = workloads(distinct)
    plan: dict[str, list[Request]] = {}
    if "partial" in kinds:
        cookie, token = csrf(target)
        headers = {
            "HX-Request": "true",
            "HX-Target": "results",
            "X-CSRFToken": token,
            "Cookie": f"csrftoken={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{target.host}:{target.port}/",
        }
        # GET, as the questionnaire sends it; the CSRF headers stay for faults.py's sign-in.
        plan["partial"] = [
            Request("partial", "GET", "/?" + urllib.parse.urlencode(
                {"rate_basis": "month", "free_tier": "on", **_form_fields(w)}), None, dict(headers))
            for w in loads
        ]
    if "api" in kinds:
        plan["api"] = [_json_request("api", "/api/v1/compare", w) for w in loads]
    if "report" in kinds:
        paths = [create_report(target, loads[i % len(loads)]) for i in range(reports)]
        made = [p for p in paths if p]
        if not made:
            raise SystemExit("setup: POST /api/v1/reports created no report (run the server with REPORTS_PER_HOUR=0)")
        plan["report"] = [Request("report", "GET", p) for p in made]
    if "healthz" in kinds:
        plan["healthz"] = [Request("healthz", "GET", "/healthz")]
    return plan


def check_plan(target: Target, plan: dict[str, list[Request]]) -> None:
    """One request of each kind first, so that a wrong URL fails the run at once, loudly."""
    conn = _connection(target, 30)
    for kind, requests in plan.items():
        status, body, _ = _call(conn, requests[0])
        if status >= 300:
            raise SystemExit(f"setup: {kind} {requests[0].method} {requests[0].path} answered {status}: {body[:300]!r}")
    conn.close()


# The run ---------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # transport errors (reset, timeout)
    server_errors: dict[str, int] = field(default_factory=dict)  # 5xx
    unexpected: dict[str, int] = field(default_factory=dict)  # other non-2xx statuses
    samples: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # "kind status" -> count

    def merge(self, other: Tally) -> None:
        for mine, theirs in (
            (self.latencies, other.latencies), (self.errors, other.errors),
            (self.server_errors, other.server_errors), (self.unexpected, other.unexpected),
            (self.statuses, other.statuses),
        ):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0 if isinstance(v, int) else []) + v  # type: ignore[operator]
        self.samples.extend(other.samples[: max(0, 10 - len(self.samples))])


def _worker(target: Target, schedule: list[Request], deadline: float, timeout: float, tally: Tally, lock: threading.Lock, offset: int) -> None:
    local = Tally()
    conn = _connection(target, timeout)
    i = offset
    while time.monotonic() < deadline:
        req = schedule[i % len(schedule)]
        i += 1
        started = time.perf_counter()
        try:
            status, body, _ = _call(conn, req)
        except (OSError, http.client.HTTPException) as exc:
            local.errors[req.kind] = local.errors.get(req.kind, 0) + 1
            if len(local.samples) < 10:
                local.samples.append(f"{req.kind}: {exc!r}")
            conn.close()
            conn = _connection(target, timeout)
            continue
        elapsed = time.perf_counter() - started
        local.latencies.setdefault(req.kind, []).append(elapsed)
        local.statuses[f"{req.kind} {status}"] = local.statuses.get(f"{req.kind} {status}", 0) + 1
        if status >= 500:
            local.server_errors[req.kind] = local.server_errors.get(req.kind, 0) + 1
        elif status >= 300:
            local.unexpected[req.kind] = local.unexpected.get(req.kind, 0) + 1
        if status >= 300 and len(local.samples) < 10:
            local.samples.append(f"{req.kind} {req.method} {req.path} -> {status}: {body[:200]!r}")
    conn.close()
    with lock:
        tally.merge(local)


def _schedule(plan: dict[str, list[Request]], mix: dict[str, int], seed: int) -> list[Request]:
    """An interleaved, shuffled list that holds the kinds in the mix's proportions."""
    rng = random.Random(seed)
    schedule: list[Request] = []
    longest = max(len(v) for v in plan.values())
    for kind, weight in mix.items():
        requests = plan[kind]
        schedule.extend(requests[i % len(requests)] for i in range(weight * longest))
    rng.shuffle(schedule)
    return schedule


def run_threads(target: Target, plan: dict[str, list[Request]], mix: dict[str, int], threads: int, duration: float, timeout: float, seed: int = 0) -> Tally:
    tally = Tally()
    lock = threading.Lock()
    schedule = _schedule(plan, mix, seed)
    deadline = time.monotonic() + duration
    workers = [
        threading.Thread(target=_worker, args=(target, schedule, deadline, timeout, tally, lock, n * 7919), daemon=True)
        for n in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(duration + timeout + 5)
    return tally


def _process_main(args: tuple[Target, dict[str, list[Request]], dict[str, int], int, float, float, int]) -> Tally:
    return run_threads(*args)


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def summarise(tally: Tally, duration: float) -> dict[str, dict[str, float]]:
    kinds = sorted(set(tally.latencies) | set(tally.errors))
    summary: dict[str, dict[str, float]] = {}
    for kind in kinds + ["all"]:
        if kind == "all":
            lat = sorted(x for v in tally.latencies.values() for x in v)
            errors, s5, other = (sum(d.values()) for d in (tally.errors, tally.server_errors, tally.unexpected))
        else:
            lat = sorted(tally.latencies.get(kind, []))
            errors, s5, other = tally.errors.get(kind, 0), tally.server_errors.get(kind, 0), tally.unexpected.get(kind, 0)
        summary[kind] = {
            "requests": len(lat) + errors,
            "per_second": round(len(lat) / duration, 1),
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "max_ms": round((lat[-1] if lat else float("nan")) * 1000, 1),
            "errors": errors,
            "status_5xx": s5,
            "status_other": other,
        }
    return summary


def print_table(summary: dict[str, dict[str, float]]) -> None:
    cols = ["requests", "per_second", "p50_ms", "p99_ms", "max_ms", "errors", "status_5xx", "status_other"]
    print(f"{'kind':<8} " + " ".join(f"{c:>12}" for c in cols))
    for kind, row in summary.items():
        print(f"{kind:<8} " + " ".join(f"{row[c]:>12}" for c in cols))


def parse_target(url: str) -> Target:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise SystemExit(f"--url must be http:// on a loopback address (got {url!r}): this tool loads local servers only")
    return Target(parts.hostname, parts.port or 80)


def parse_mix(text: str) -> dict[str, int]:
    mix: dict[str, int] = {}
    for item in text.split(","):
        kind, _, weight = item.partition("=")
        kind = kind.strip()
        if kind not in ("partial", "report", "api", "healthz"):
            raise SystemExit(f"--mix: unknown kind {kind!r} (partial, report, api, healthz)")
        mix[kind] = int(weight or 1)
        if mix[kind] < 1:
            raise SystemExit(f"--mix: weight of {kind} must be at least 1")
    return mix


def _loadavg() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def run_phases(target: Target, plan: dict[str, list[Request]], phases: list[str],
               args: argparse.Namespace) -> tuple[dict[str, dict[str, float]], dict[str, str], int]:
    """Each kind alone, one after the other, against the same server in one invocation: the
    first (``healthz``, one query) is the ceiling the others are measured against."""
    results: dict[str, dict[str, float]] = {}
    loads: dict[str, str] = {}
    failed = 0
    # Every distinct request once first (each worker may still draw a page once): a run
    # measures the steady state of pages that are viewed again, not their first drawing.
    conn = _connection(target, args.timeout)
    for kind in phases:
        for req in plan[kind]:
            _call(conn, req)
    conn.close()
    for kind in phases:
        shares = [args.concurrency // args.processes
                  + (1 if i < args.concurrency % args.processes else 0)
                  for i in range(args.processes)]
        jobs = [(target, {kind: plan[kind]}, {kind: 1}, n, args.duration, args.timeout, seed)
                for seed, n in enumerate(shares)]
        before = _loadavg()
        tally = Tally()
        with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
            for part in pool.map(_process_main, jobs):
                tally.merge(part)
        loads[kind] = f"{before} before, {_loadavg()} after"
        row = summarise(tally, args.duration)[kind]
        results[kind] = row
        failed += int(row["errors"] + row["status_5xx"] + row["status_other"])
        for line in tally.samples:
            print("  sample failure:", line)
        print(f"{kind}: {row['per_second']} req/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms"
              f" (load average {loads[kind]})", flush=True)
    return results, loads, failed


def phases_markdown(results: dict[str, dict[str, float]], loads: dict[str, str],
                    args: argparse.Namespace, note: str) -> str:
    ceiling = results.get("healthz")
    goals = {"report": "≥ 60 % of `/healthz`",
             "partial": "≥ 30 % of `/healthz`, p99 ≤ 3 × `/healthz` p99"}
    lines = [
        f"{args.concurrency} connections ({args.processes} client processes on the same "
        f"machine), {args.duration:g} s per kind, one kind at a time, {args.distinct} distinct "
        f"workloads, {args.reports} reports, each request made once before the run. "
        f"{note}".rstrip(),
        "",
        "| kind | req/s | share of `/healthz` | p50 ms | p99 ms | p99 / `/healthz` p99 | "
        "errors + 5xx | load average (1 / 5 / 15 min) | goal |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for kind, row in results.items():
        share = p99 = ""
        if ceiling and kind != "healthz" and ceiling["per_second"]:
            share = f"{100 * row['per_second'] / ceiling['per_second']:.0f} %"
            p99 = f"{row['p99_ms'] / ceiling['p99_ms']:.1f} ×" if ceiling["p99_ms"] else ""
        bad = int(row["errors"] + row["status_5xx"] + row["status_other"])
        lines.append(f"| {kind} | {row['per_second']} | {share or '100 %'} | {row['p50_ms']} | "
                     f"{row['p99_ms']} | {p99 or '1.0 ×'} | {bad} | {loads[kind]} | "
                     f"{goals.get(kind, 'the ceiling')} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (at most 600)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections kept busy at once")
    parser.add_argument("--processes", type=int, default=2, help="client processes the connections are spread over (the GIL)")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"kind=weight,... (default {DEFAULT_MIX})")
    parser.add_argument("--distinct", type=int, default=50, help="distinct workloads sent")
    parser.add_argument("--reports", type=int, default=20, help="reports created for the report pages")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one request may take")
    parser.add_argument("--json", metavar="FILE", help="also write the summary here")
    parser.add_argument("--phases", metavar="KIND,...",
                        help="run these kinds one after the other, each alone for --duration "
                             "(e.g. healthz,report,partial), and give each as a share of the "
                             "first; --mix is ignored")
    parser.add_argument("--append-to", metavar="FILE",
                        help="with --phases: append the table (with the load average) here")
    parser.add_argument("--note", default="", help="with --append-to: a sentence on the setup")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION_S:
        raise SystemExit(f"--duration must be between 0 and {MAX_DURATION_S} seconds")
    if not 1 <= args.concurrency <= 512 or not 1 <= args.processes <= args.concurrency:
        raise SystemExit("--concurrency must be 1..512 and --processes 1..concurrency")

    target = parse_target(args.url)
    if args.phases:
        phases = list(parse_mix(args.phases.replace(",", "=1,") + "=1"))
        plan = build_requests(target, phases, args.distinct, args.reports)
        check_plan(target, plan)
        results, loads, failed = run_phases(target, plan, phases, args)
        table = phases_markdown(results, loads, args, args.note)
        print(table)
        if args.append_to:
            stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            with open(args.append_to, "a") as fh:
                fh.write(f"\n#### `bench/load.py --phases {args.phases}`, {stamp}\n\n{table}")
        return 1 if failed else 0
    mix = parse_mix(args.mix)
    plan = build_requests(target, list(mix), args.distinct, args.reports)
    check_plan(target, plan)

    shares = [args.concurrency // args.processes + (1 if i < args.concurrency % args.processes else 0) for i in range(args.processes)]
    jobs = [(target, plan, mix, n, args.duration, args.timeout, seed) for seed, n in enumerate(shares)]
    started = time.monotonic()
    tally = Tally()
    if args.processes == 1:
        tally = _process_main(jobs[0])
    else:
        with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
            for part in pool.map(_process_main, jobs):
                tally.merge(part)
    elapsed = time.monotonic() - started
    summary = summarise(tally, min(elapsed, args.duration) if elapsed > 0 else args.duration)
    print(f"{args.concurrency} connections, {args.processes} client processes, {args.duration:g} s against {args.url}")
    print_table(summary)
    for line in tally.samples:
        print("  sample failure:", line)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"url": args.url, "duration_s": args.duration, "concurrency": args.concurrency, "mix": mix, "summary": summary}, fh, indent=2)
    failed = summary["all"]["errors"] + summary["all"]["status_5xx"] + summary["all"]["status_other"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
