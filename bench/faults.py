#!/usr/bin/env python3
"""Fault scenarios against a production-mode server of this checkout.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/advisor_faults .venv/bin/python bench/faults.py

The script starts everything it breaks, so nothing shared is harmed:
  * gunicorn (config/gunicorn.py, debug off) on a free loopback port;
  * a private redis-server on a free port, really stopped and started again;
  * a TCP relay between gunicorn and PostgreSQL: "the database stops" by the relay dropping
    every open connection and refusing new ones, which is what the app sees when PostgreSQL
    stops. ``--db-stop``/``--db-start`` run real commands instead (a dedicated server only).
It migrates and seeds the database it is given: use a database of its own.

Scenarios (``--scenarios db,redis,worker,hang``):
  db      database down: /healthz 503 JSON; pages answer a friendly 503 (or 200 if they do
          not need the database), never a traceback; everything recovers when it is back.
  redis   Redis down: every page still answers 200 (the cache is bypassed), and after.
  worker  a worker SIGKILLed during load: requests keep being served, the master replaces
          the worker, and every report whose creation was acknowledged still opens.
  hang    the database hangs (the relay accepts connections and never answers) during load:
          p99 under 1 s (503 at once after a process's first failed connection), then
          recovery; latencies also as a ratio to /healthz measured just before.
  freeze  PostgreSQL frozen with SIGSTOP during load (a private cluster this script makes
          with initdb, bench/pgcluster.py; the other scenarios then use it too): every
          page within 6 s (503 with Retry-After), /healthz 200 within 3 s of the thaw.
          ``--scenarios freeze`` needs no DATABASE_URL.
Pages that do not exist yet (404 before any fault) are reported as skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import selectors
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py, the load generator)
import pgcluster  # noqa: E402  (bench/pgcluster.py, a private PostgreSQL to freeze)

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


# --ports N: gunicorn on N, Redis on N+1, the relay on N+2 (a shared machine's own range);
# otherwise free ports the system picks.
PORT_BASE = 0
_ports_given = 0


def free_port() -> int:
    global _ports_given
    if PORT_BASE:
        _ports_given += 1
        return PORT_BASE + _ports_given - 1
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Relay:
    """A TCP relay that can be cut (all connections dropped, new ones refused), hung (all
    connections dropped, new ones accepted and never answered: a hung database server), and
    restored."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self.hung = False
        self._lock = threading.Lock()
        self.restore()

    def hang(self) -> None:
        with self._lock:
            self.hung = True
            self._drop_pairs()

    def _drop_pairs(self) -> None:
        for a, b in self._pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
        self._pairs.clear()

    def restore(self) -> None:
        with self._lock:
            if self.hung:
                self.hung = False
                for s in self._held:
                    s.close()
                self._held.clear()
            if self._listener is not None:
                return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener:
                # shutdown() wakes the accept() blocked in the other thread; close() alone
                # would leave the socket listening until that call returns.
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            self._drop_pairs()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                if self.hung:  # accepted, never answered, held open until restore()
                    self._held.append(client)
                    continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in sel.select():
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            sel.close()
            for s in (a, b):
                s.close()


@dataclass
class Page:
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] | None = None
    html: bool = True


class Server:
    """gunicorn of this checkout with a private Redis, on free loopback ports."""

    def __init__(self, database_url: str, workers: int) -> None:
        self.port = free_port()
        self.redis_port = free_port()
        self.workers = workers
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
        self.env.update(
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SECURE_COOKIES="false",
            DATABASE_URL=database_url,
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            REPORTS_PER_HOUR="0",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(workers),
        )
        self.log = Path(tempfile.gettempdir()) / f"faults-gunicorn-{self.port}.log"
        self.redis: subprocess.Popen[bytes] | None = None
        self.gunicorn: subprocess.Popen[bytes] | None = None

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.redis_port), 10, "redis-server did not start")

    def stop_redis(self) -> None:
        if self.redis and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(10)

    def start(self) -> None:
        self.start_redis()
        for args in (["collectstatic", "--no-input", "--verbosity", "0"], ["migrate", "--no-input", "--verbosity", "0"], ["seed_prices"]):
            subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.gunicorn = subprocess.Popen(
            [GUNICORN, "--config", "config/gunicorn.py", "config.wsgi"], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, stderr=open(self.log, "w"),  # noqa: SIM115
        )
        wait_until(lambda: get(self, "/healthz")[0] == 200, 30, "gunicorn did not become healthy")

    def worker_pids(self) -> list[int]:
        assert self.gunicorn
        pid = self.gunicorn.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.gunicorn and self.gunicorn.poll() is None:
            self.gunicorn.terminate()
            self.gunicorn.wait(30)
        self.stop_redis()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(check: object, seconds: float, message: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if check():  # type: ignore[operator]
                return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit(message)


def request(server: Server, page: Page, timeout: float = 15) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(page.method, page.path, body=page.body, headers=page.headers or {})
        response = conn.getresponse()
        return response.status, response.read(), time.perf_counter() - started
    finally:
        conn.close()


def get(server: Server, path: str) -> tuple[int, bytes, float]:
    return request(server, Page(path, "GET", path))


def all_healthy(server: Server) -> bool:
    """/healthz 200 ten times in a row: every worker is back, not just the first to retry
    (each process ends its own back-off, within DATABASE_RETRY_SECONDS of the database's
    return)."""
    return all(get(server, "/healthz")[0] == 200 for _ in range(10))


def pages(server: Server) -> list[Page]:
    target = load.Target("127.0.0.1", server.port)
    found = [Page("landing", "GET", "/"), Page("missing", "GET", "/no-such-page/")]
    plan = load.build_requests(target, ["partial", "api"], 2, 0)
    partial, api = plan["partial"][0], plan["api"][0]
    found.append(Page("partial", partial.method, partial.path, partial.body, partial.headers))
    # Signing in reads the database whatever else exists (rate-limited: a few tries only).
    signin = urllib.parse.urlencode({"username": "nobody", "password": "wrong"}).encode()
    found.append(Page("signin", "POST", "/admin/login/", signin, partial.headers))
    found.append(Page("api", api.method, api.path, api.body, api.headers, html=False))
    report = load.create_report(target, load.REPORT_WORKLOAD)
    if report:
        found.append(Page("report", "GET", report))
    return found


def no_traceback(body: bytes) -> bool:
    return b"Traceback" not in body and b"Error at /" not in body and b'File "' not in body


# Scenarios -------------------------------------------------------------------------------


def scenario_db(server: Server, relay: Relay | None, stop_cmd: str, start_cmd: str, checks: list[Page]) -> list[str]:
    problems: list[str] = []
    print("db: stopping the database")
    if relay:
        relay.cut()
    else:
        subprocess.run(shlex.split(stop_cmd), check=True)
    try:
        status, body, took = get(server, "/healthz")
        print(f"  /healthz -> {status} in {took * 1000:.0f} ms: {body[:80]!r}")
        if status != 503 or json.loads(body).get("status") != "error":
            problems.append(f"db: /healthz answered {status} {body[:100]!r}")
        friendly = 0
        for page in checks:
            status, body, took = request(server, page)
            print(f"  {page.name:<8} {page.method} {page.path} -> {status} in {took * 1000:.0f} ms")
            if not no_traceback(body):
                problems.append(f"db: {page.name} showed a traceback")
            if status >= 500 and status != 503:
                problems.append(f"db: {page.name} answered {status}, not 503")
            if status == 503 and page.html:
                friendly += 1
                if b"<title>" not in body:
                    problems.append(f"db: {page.name}'s 503 is not the friendly page")
        if friendly == 0:
            print("  note: no page needed the database, so none showed the 503 page")
    finally:
        print("db: starting the database again")
        if relay:
            relay.restore()
        else:
            subprocess.run(shlex.split(start_cmd), check=True)
    took = wait_until(lambda: get(server, "/healthz")[0] == 200, 60, "db: /healthz did not recover")
    print(f"  /healthz back to 200 after {took:.1f} s")
    took = wait_until(lambda: all_healthy(server), 60, "db: not every worker recovered")
    print(f"  every worker answers 200 after {took:.1f} s more")
    for page in checks:
        status, _, _ = request(server, page)
        if status >= 500:
            problems.append(f"db: after recovery {page.name} answered {status}")
    return problems


def scenario_redis(server: Server, checks: list[Page]) -> list[str]:
    problems: list[str] = []
    print("redis: stopping Redis")
    server.stop_redis()
    try:
        for page in [Page("healthz", "GET", "/healthz", html=False), *checks]:
            for attempt in range(3):  # the first pays the failure, the next ones skip the cache
                status, body, took = request(server, page)
                print(f"  {page.name:<8} try {attempt + 1}: {status} in {took * 1000:.0f} ms")
                if status >= 500 or not no_traceback(body):
                    problems.append(f"redis: {page.name} answered {status} with Redis down")
    finally:
        print("redis: starting Redis again")
        server.start_redis()
    for page in checks:
        status, _, _ = request(server, page)
        if status >= 500:
            problems.append(f"redis: after restart {page.name} answered {status}")
    return problems


def scenario_worker(server: Server, checks: list[Page], duration: float, concurrency: int) -> list[str]:
    problems: list[str] = []
    target = load.Target("127.0.0.1", server.port)
    kinds = [p.name for p in checks if p.name in ("partial", "report", "api")]
    mix = {k: 1 for k in kinds} or {"healthz": 1}
    plan = load.build_requests(target, list(mix), 20, 5)
    created: list[str] = []
    stop = threading.Event()

    def create_reports() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError, http.client.HTTPException):
                path = load.create_report(target, load.REPORT_WORKLOAD)
                if path:
                    created.append(path)  # acknowledged: it must survive
            time.sleep(0.05)

    result: dict[str, load.Tally] = {}
    runner = threading.Thread(target=lambda: result.update(t=load.run_threads(target, plan, mix, concurrency, duration, 30)))
    creator = threading.Thread(target=create_reports) if "report" in kinds else None
    before = server.worker_pids()
    runner.start()
    if creator:
        creator.start()
    time.sleep(duration / 3)
    victim = before[0]
    print(f"worker: SIGKILL to worker {victim} of {before} during load")
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    runner.join()
    stop.set()
    if creator:
        creator.join()
    tally = result["t"]
    summary = load.summarise(tally, duration)
    load.print_table(summary)
    for line in tally.samples:
        print("  sample failure:", line)
    after = server.worker_pids()
    print(f"  workers after: {after} (respawned {len(set(after) - set(before))})")
    if len(after) != server.workers or victim in after:
        problems.append(f"worker: the master did not replace the killed worker ({after})")
    if time.monotonic() - killed_at < 1 or summary["all"]["requests"] == 0:
        problems.append("worker: no requests were served")
    # A request in flight on the killed worker is lost with it (one per sync worker at most).
    lost = summary["all"]["errors"] + summary["all"]["status_5xx"]
    if lost > max(1, int(os.environ.get("GUNICORN_THREADS", "4"))):  # one in flight per thread
        problems.append(f"worker: {lost} requests failed around the kill")
    missing = [p for p in created if get(server, p)[0] != 200]
    print(f"  reports acknowledged during the run: {len(created)}; missing afterwards: {len(missing)}")
    if missing:
        problems.append(f"worker: {len(missing)} acknowledged reports are lost: {missing[:5]}")
    return problems


def scenario_hang(server: Server, relay: Relay, checks: list[Page], duration: float, concurrency: int) -> list[str]:
    """The database accepts connections and never answers. Goal: p99 under 1 s while it hangs
    (503 at once after the first failed connection of each process), then recovery."""
    problems: list[str] = []
    target = load.Target("127.0.0.1", server.port)
    kinds = [p.name for p in checks if p.name in ("report", "api")] + ["healthz"]
    mix = {k: 1 for k in kinds}
    plan = load.build_requests(target, kinds, 20, 5)

    def run(label: str, seconds: float) -> dict[str, dict[str, float]]:
        tally = load.run_threads(target, plan, mix, concurrency, seconds, 30)
        summary = load.summarise(tally, seconds)
        print(f"hang: {label}, {seconds:.0f} s, {concurrency} connections")
        load.print_table(summary)
        print("  statuses:", dict(sorted(tally.statuses.items())))
        for line in tally.samples[:3]:
            print("  sample:", line)
        summary["_statuses"] = tally.statuses  # type: ignore[assignment]
        return summary

    baseline = run("baseline, database answering", duration)
    print("hang: the database now accepts connections and never answers")
    relay.hang()
    try:
        hung = run("database hung", duration)
    finally:
        print("hang: the database answers again")
        relay.restore()
    took = wait_until(lambda: get(server, "/healthz")[0] == 200, 60, "hang: /healthz did not recover")
    print(f"  /healthz back to 200 after {took:.1f} s")
    took = wait_until(lambda: all_healthy(server), 60, "hang: not every worker recovered")
    print(f"  every worker answers 200 after {took:.1f} s more")
    after = run("after recovery", duration / 2)

    base = baseline["healthz"]
    for name, summary in (("baseline", baseline), ("hung", hung), ("after", after)):
        row = summary["all"]
        print(f"  {name:<8} all p50 {row['p50_ms']:.0f} ms (x{row['p50_ms'] / base['p50_ms']:.1f} of "
              f"baseline /healthz), p99 {row['p99_ms']:.0f} ms (x{row['p99_ms'] / base['p99_ms']:.1f})")
    if hung["all"]["p99_ms"] >= 1000:
        problems.append(f"hang: p99 {hung['all']['p99_ms']:.0f} ms while the database hung (goal < 1 s)")
    if hung["all"]["errors"]:
        problems.append(f"hang: {hung['all']['errors']} requests failed outright while the database hung")
    odd = {k: v for k, v in hung["_statuses"].items() if k.split()[1] not in ("200", "503")}  # type: ignore[union-attr]
    if odd:
        problems.append(f"hang: answers other than 200 and 503 while the database hung: {odd}")
    if after["all"]["errors"] or after["all"]["status_5xx"]:
        problems.append(f"hang: after recovery {after['all']['status_5xx']} 5xx and {after['all']['errors']} errors")
    return problems


def scenario_freeze(server: Server, cluster: pgcluster.Cluster, checks: list[Page], duration: float,
                    concurrency: int) -> list[str]:
    """PostgreSQL frozen (SIGSTOP of the postmaster and every backend of the private cluster)
    during load: its kernel still accepts and acknowledges, so only the app's own deadlines
    help. Goals: /healthz and every page answer within 6 s (503 with Retry-After, or 200 when
    a page needs no database) while it is frozen, and /healthz is 200 again within 3 s of the
    thaw."""
    problems: list[str] = []
    target = load.Target("127.0.0.1", server.port)
    kinds = [p.name for p in checks if p.name in ("partial", "report", "api")] + ["healthz"]
    mix = {k: 1 for k in kinds}
    plan = load.build_requests(target, kinds, 20, 5)
    warm = load.run_threads(target, plan, mix, concurrency, min(5.0, duration), 30)
    print(f"freeze: warm-up, {sum(len(v) for v in warm.latencies.values())} requests "
          f"(every worker thread keeps a database connection)")
    result: dict[str, load.Tally] = {}
    runner = threading.Thread(target=lambda: result.update(
        t=load.run_threads(target, plan, mix, concurrency, duration, 30)))
    print(f"freeze: SIGSTOP to PostgreSQL's {len(cluster.pids())} processes; load of "
          f"{concurrency} connections for {duration:.0f} s")
    cluster.freeze()
    frozen_at = time.monotonic()
    try:
        runner.start()
        probes = [Page("healthz", "GET", "/healthz", html=False), *checks]
        while time.monotonic() - frozen_at < duration - 2:
            for page in probes:
                try:
                    status, body, took = request(server, page, timeout=20)
                except (OSError, http.client.HTTPException) as exc:
                    problems.append(f"freeze: {page.name} failed outright: {exc!r}")
                    continue
                retry = b"" if status != 503 else b" (Retry-After)"
                print(f"  {time.monotonic() - frozen_at:5.1f} s  {page.name:<8} -> {status} in "
                      f"{took * 1000:.0f} ms{retry.decode()}")
                if took >= 6:
                    problems.append(f"freeze: {page.name} took {took:.1f} s (goal < 6 s)")
                # Sign-in is rate limited before it needs the database: 429 is an answer too.
                allowed = (200, 503, 429) if page.name == "signin" else (200, 503)
                if status not in allowed or (page.name == "healthz" and status != 503):
                    problems.append(f"freeze: {page.name} answered {status}")
                if not no_traceback(body):
                    problems.append(f"freeze: {page.name} showed a traceback")
        runner.join()
    finally:
        print("freeze: SIGCONT: PostgreSQL runs again")
        cluster.thaw()
    thawed = time.monotonic()
    took = wait_until(lambda: get(server, "/healthz")[0] == 200, 60, "freeze: /healthz did not recover")
    print(f"  /healthz back to 200 {took:.1f} s after the thaw")
    if took > 3:
        problems.append(f"freeze: /healthz recovered {took:.1f} s after the thaw (goal <= 3 s)")
    wait_until(lambda: all_healthy(server), 60, "freeze: not every worker recovered")
    print(f"  every worker answers 200 {time.monotonic() - thawed:.1f} s after the thaw")
    tally = result["t"]
    summary = load.summarise(tally, duration)
    load.print_table(summary)
    print("  statuses:", dict(sorted(tally.statuses.items())))
    if summary["all"]["max_ms"] >= 6000:
        problems.append(f"freeze: the slowest request under load took {summary['all']['max_ms']:.0f} ms (goal < 6 s)")
    odd = {k: v for k, v in tally.statuses.items() if k.split()[1] not in ("200", "503")}
    if odd or tally.errors:
        problems.append(f"freeze: answers other than 200 and 503 while frozen: {odd}, errors {tally.errors}")
    for page in checks:
        status, _, _ = request(server, page)
        if status >= 500:
            problems.append(f"freeze: after the thaw {page.name} answered {status}")
    return problems


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        server.start()
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--scenarios", default="db,redis,worker,hang")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db-stop", default="", help="command that stops a dedicated PostgreSQL (instead of the relay)")
    parser.add_argument("--db-start", default="", help="command that starts it again")
    parser.add_argument("--ports", type=int, default=0, help="use ports N (gunicorn), N+1 (Redis), N+2 (relay)")
    args = parser.parse_args(argv)
    global PORT_BASE
    PORT_BASE = args.ports
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]

    database_url = args.database_url
    cluster: pgcluster.Cluster | None = None
    if "freeze" in scenarios:
        # Frozen with SIGSTOP: never the machine's shared server, a cluster of this run's own.
        cluster = pgcluster.Cluster().start()
        database_url = cluster.url
        print(f"private PostgreSQL on 127.0.0.1:{cluster.port} ({cluster.dir})")
    relay: Relay | None = None
    if "db" in scenarios or "hang" in scenarios:
        parts = urllib.parse.urlsplit(database_url)
        if not parts.scheme.startswith("postgres"):
            raise SystemExit("the db scenario needs a PostgreSQL DATABASE_URL (a database of its own)")
        if not args.db_stop:
            relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
            netloc = parts.netloc.rsplit("@", 1)
            userinfo = netloc[0] + "@" if len(netloc) == 2 else ""
            database_url = urllib.parse.urlunsplit(parts._replace(netloc=f"{userinfo}127.0.0.1:{relay.port}"))
    if not database_url:
        raise SystemExit("set DATABASE_URL (or --database-url)")

    problems: list[str] = []
    try:
        problems = run_scenarios(database_url, scenarios, args, relay, cluster)
    finally:
        if cluster:
            cluster.stop()
    print()
    for problem in problems:
        print("FAIL", problem)
    print("all fault scenarios passed" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


def run_scenarios(database_url: str, scenarios: list[str], args: argparse.Namespace, relay: Relay | None,
                  cluster: pgcluster.Cluster | None) -> list[str]:
    problems: list[str] = []
    with running(Server(database_url, args.workers)) as server:
        checks = []
        for page in pages(server):
            status, _, _ = request(server, page)
            if page.name == "missing":
                continue
            if status == 404:
                print(f"skipped: {page.name} ({page.method} {page.path}) does not exist yet")
                continue
            checks.append(page)
        print(f"server on 127.0.0.1:{server.port}, {args.workers} workers (log {server.log}); checking {[p.name for p in checks]}")
        for name in scenarios:
            if name == "db":
                problems += scenario_db(server, relay, args.db_stop, args.db_start, checks)
            elif name == "redis":
                problems += scenario_redis(server, checks)
            elif name == "worker":
                problems += scenario_worker(server, checks, args.load_seconds, args.concurrency)
            elif name == "hang":
                if relay is None:
                    raise SystemExit("the hang scenario needs the relay (no --db-stop/--db-start)")
                problems += scenario_hang(server, relay, checks, args.load_seconds, args.concurrency)
            elif name == "freeze":
                assert cluster is not None
                problems += scenario_freeze(server, cluster, checks, args.load_seconds, args.concurrency)
            else:
                raise SystemExit(f"unknown scenario {name!r}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
