"""A hung or unreachable database: after one failed connection a process answers at once for
a short back-off and retries in the background (advisor/plumbing/dbguard.py)."""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from advisor.plumbing import dbguard


class Driver:
    class Error(Exception):
        pass

    class OperationalError(Error):
        pass


class Flaky:
    """A driver's connect: fails while ``down`` is set, and counts its calls."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0
        self.execute_wrappers: list[Any] = []  # a DatabaseWrapper's, where the deadline goes

    def get_new_connection(self, params: dict[str, Any]) -> Any:
        self.calls += 1
        if self.down:
            raise Driver.OperationalError("connection timeout expired")
        return type("Conn", (), {"close": lambda self: None})()


class Guarded(dbguard.GuardedConnectMixin, Flaky):
    alias = "fake"
    Database = Driver

    def _probe_connect(self) -> Any:
        return Flaky.get_new_connection(self, {})


@pytest.fixture(autouse=True)
def _clean(settings: Any, monkeypatch: Any) -> Iterator[None]:
    settings.DATABASE_RETRY_SECONDS = 0.2
    dbguard.reset()
    yield
    dbguard.reset()


def test_after_a_failure_connections_fail_at_once_then_are_tried_again(monkeypatch: Any, caplog: Any) -> None:
    monkeypatch.setattr(dbguard, "PROBE_IN_BACKGROUND", False)
    db = Guarded()
    with caplog.at_level("ERROR", logger="advisor.plumbing.dbguard"):
        for _ in range(5):
            with pytest.raises(Driver.OperationalError):
                db.get_new_connection({})
    assert db.calls == 1  # only the first one waited for the driver
    assert dbguard.backing_off("fake")
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    time.sleep(0.25)  # the back-off lapses: the next request tries for itself
    db.down = False
    assert db.get_new_connection({}) is not None
    assert db.calls == 2 and not dbguard.backing_off("fake")


def test_the_background_retry_ends_the_back_off(monkeypatch: Any) -> None:
    db = Guarded()
    with pytest.raises(Driver.OperationalError):
        db.get_new_connection({})
    time.sleep(0.5)  # a try or two in the background, still failing
    assert db.calls >= 2 and dbguard.backing_off("fake")
    with pytest.raises(Driver.OperationalError):
        db.get_new_connection({})  # requests are not the ones trying
    db.down = False
    deadline = time.monotonic() + 5
    while dbguard.backing_off("fake") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not dbguard.backing_off("fake")
    assert db.get_new_connection({}) is not None


def test_the_watchdog_ends_a_call_that_passes_its_deadline() -> None:
    """A blocked read on a socket nobody answers returns at the deadline (the socket is shut
    down under it); a call that ends in time is left alone."""
    ours, silent = socket.socketpair()
    expired: list[str] = []
    try:
        token = dbguard.watchdog.watch(ours.fileno(), time.monotonic() + 0.3, lambda: expired.append("x"))
        started = time.monotonic()
        assert ours.recv(1) == b""  # would block for ever without the watchdog
        took = time.monotonic() - started
        assert 0.25 < took < 2
        assert dbguard.watchdog.done(token) is False  # it had been cut off
        deadline = time.monotonic() + 2
        while not expired and time.monotonic() < deadline:
            time.sleep(0.01)
        assert expired == ["x"]
    finally:
        ours.close()
        silent.close()
    ours, other = socket.socketpair()
    try:
        token = dbguard.watchdog.watch(ours.fileno(), time.monotonic() + 0.2, lambda: expired.append("y"))
        other.sendall(b"!")
        assert ours.recv(1) == b"!"
        assert dbguard.watchdog.done(token) is True
        time.sleep(0.4)
        other.sendall(b"?")
        assert ours.recv(1) == b"?"  # still open: the watchdog forgot it
        assert expired == ["x"]
    finally:
        ours.close()
        other.close()


@contextlib.contextmanager
def _hung_listener() -> Iterator[int]:
    """Accepts connections and never answers: a hung database server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        for s in held:
            s.close()
        listener.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the guarded backend is PostgreSQL's")
def test_a_hung_postgresql_costs_one_connect_timeout(monkeypatch: Any, settings: Any) -> None:
    from django.db.utils import OperationalError

    from advisor.plumbing.postgresql.base import DatabaseWrapper

    monkeypatch.setattr(dbguard, "PROBE_IN_BACKGROUND", False)
    settings.DATABASE_RETRY_SECONDS = 30
    with _hung_listener() as port:
        config = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(port),
                  "OPTIONS": {**connection.settings_dict["OPTIONS"], "connect_timeout": 2}}
        hung = DatabaseWrapper(config, alias="hung")
        started = time.monotonic()
        with pytest.raises(OperationalError), hung.wrap_database_errors:
            hung.connect()  # what ensure_connection does (pytest-django blocks that one)
        first = time.monotonic() - started
        started = time.monotonic()
        with pytest.raises(OperationalError), hung.wrap_database_errors:
            hung.connect()  # what ensure_connection does (pytest-django blocks that one)
        second = time.monotonic() - started
    assert 1.5 < first < 10
    assert second < 0.1


# A frozen PostgreSQL (SIGSTOP) ------------------------------------------------------------------
#
# Its kernel still accepts connections and acknowledges every packet, so only this side's
# deadlines help. The cluster is a private one made with initdb for these tests (never the
# machine's shared server); they run in the PostgreSQL pass, where PostgreSQL's binaries are.

def _load_bench_module(name: str) -> Any:
    """bench/<name>.py, loaded by path: bench/ on sys.path would shadow the tests' own
    packages (bench/engine.py against tests/engine/)."""
    path = Path(__file__).resolve().parent.parent / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pgcluster = _load_bench_module("pgcluster")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def frozen_cluster() -> Iterator[pgcluster.Cluster]:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pass only (DATABASE_URL is not PostgreSQL)")
    reason = pgcluster.unavailable_reason()
    if reason:
        pytest.skip(f"no private PostgreSQL cluster can be made: {reason}")
    with pgcluster.Cluster() as cluster:
        yield cluster


def _query(db: Any) -> Any:
    with db.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()


def test_a_frozen_database_fails_a_call_at_its_deadline_then_at_once(
        frozen_cluster: pgcluster.Cluster, settings: Any, django_db_blocker: Any) -> None:
    from django.db.utils import OperationalError

    from advisor.plumbing.postgresql.base import DatabaseWrapper

    settings.DATABASE_QUERY_DEADLINE_MS = 2000
    settings.DATABASE_RETRY_SECONDS = 1
    config = {**connection.settings_dict, "NAME": "postgres", "USER": "postgres", "PASSWORD": "",
              "HOST": "127.0.0.1", "PORT": str(frozen_cluster.port),
              "OPTIONS": {"connect_timeout": 2, "options": "-c statement_timeout=1000"}}
    db = DatabaseWrapper(config, alias="frozen")
    with django_db_blocker.unblock():
        try:
            assert _query(db) == (1,)
            fired = dbguard.watchdog.fired
            frozen_cluster.freeze()
            try:
                started = time.monotonic()
                with pytest.raises(OperationalError):
                    _query(db)  # an open connection: cut off by the watchdog
                first = time.monotonic() - started
                assert 1.9 < first < 3.5
                assert dbguard.watchdog.fired == fired + 1
                db.close()
                started = time.monotonic()
                for _ in range(5):  # new connections: refused at once during the back-off
                    with pytest.raises(OperationalError):
                        _query(db)
                    db.close()
                assert time.monotonic() - started < 0.5
            finally:
                frozen_cluster.thaw()
            # The background retry finds it again: no request had to wait for that.
            recovered = pgcluster.wait_for(lambda: not dbguard.backing_off("frozen"), 10)
            assert recovered is not None and recovered < 3
            assert _query(db) == (1,)
        finally:
            db.close()


@pytest.fixture(scope="module")
def frozen_server(frozen_cluster: pgcluster.Cluster) -> Iterator[int]:
    """gunicorn as `make serve` runs it (config/gunicorn.py, debug off) on the private cluster."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed next to this Python")
    port = pgcluster.free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "GUNICORN_", "DATABASE_", "REDIS_URL"))}
    env.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="frozen-database-test-" + "k" * 40,
               DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_COOKIES="false",
               DATABASE_URL=frozen_cluster.url, GUNICORN_BIND=f"127.0.0.1:{port}",
               WEB_CONCURRENCY="2", GUNICORN_LOG_LEVEL="warning", REPORTS_PER_HOUR="0")
    # As `make serve` does: with debug off, pages name their hashed static files.
    for args in (["collectstatic", "--no-input", "--verbosity", "0"],
                 ["migrate", "--no-input", "--verbosity", "0"], ["seed_prices"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=180)
    process = subprocess.Popen([str(gunicorn), "--config", "config/gunicorn.py", "config.wsgi"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if pgcluster.wait_for(lambda: _get(port, "/healthz")[0] == 200, 60, 0.2) is None:
            pytest.fail("gunicorn did not become healthy")
        yield port
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        process.wait(30)


def _get(port: int, path: str, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, str | None, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    started = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After"), time.monotonic() - started
    finally:
        conn.close()


def test_a_frozen_database_answers_503_within_6_s_and_recovers_within_3_s(
        frozen_cluster: pgcluster.Cluster, frozen_server: int) -> None:
    workload = json.dumps({"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536})
    partial = "/?requests_per_month=3000000&duration_ms=130&memory_mb=1024"
    pages = [
        ("GET", "/healthz", None, {}),
        ("GET", "/", None, {}),
        ("GET", partial, None, {"HX-Request": "true", "HX-Target": "results"}),
        ("POST", "/api/v1/compare", workload.encode(), {"Content-Type": "application/json"}),
        ("POST", "/api/v1/reports", workload.encode(), {"Content-Type": "application/json"}),
        ("GET", "/methodology/", None, {}),
    ]
    for method, path, body, headers in pages:  # every worker thread keeps a connection
        for _ in range(4):
            _get(frozen_server, path, method, body, headers)
    assert _get(frozen_server, "/healthz")[0] == 200

    frozen_cluster.freeze()
    answers: list[tuple[str, int, str | None, float]] = []
    try:
        # Two rounds at once, as many requests as the server has threads: the first meet
        # their deadline, the later ones the back-off.
        threads = [threading.Thread(target=lambda m=m, p=p, b=b, h=h: answers.append(
            (p, *_get(frozen_server, p, m, b, h)))) for _ in range(2) for m, p, b, h in pages]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        health = _get(frozen_server, "/healthz")
    finally:
        frozen_cluster.thaw()
    thawed = time.monotonic()
    recovered = pgcluster.wait_for(lambda: _get(frozen_server, "/healthz")[0] == 200, 30)

    assert len(answers) == 2 * len(pages)
    for path, status, retry_after, took in answers:
        assert took < 6, f"{path} took {took:.1f} s while the database was frozen"
        assert status in (200, 503), f"{path} answered {status}"
        if status == 503:
            assert retry_after, f"{path}: 503 without Retry-After"
    assert {s for p, s, _, _ in answers if p == "/healthz"} == {503}
    assert health[0] == 503 and health[1] and health[2] < 1  # the back-off: at once
    assert recovered is not None and recovered < 3, f"recovered {time.monotonic() - thawed:.1f} s after the thaw"
    for method, path, body, headers in pages:
        assert _get(frozen_server, path, method, body, headers)[0] in (200, 201)


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u@db:5432/advisor", "-c statement_timeout=3000"),
    ("postgres://u@db:5432/advisor?options=-c%20search_path%3Dx", "-c search_path=x -c statement_timeout=3000"),
    ("postgres://u@db:5432/advisor?options=-c%20statement_timeout%3D900", "-c statement_timeout=900"),
])
def test_every_postgresql_connection_has_both_timeouts(url: str, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env["DATABASE_URL"] = url
    code = ("import json; from config import settings as s; o = s.DATABASES['default']['OPTIONS']; "
            "print(json.dumps([o['connect_timeout'], o['options'], s.DATABASE_QUERY_DEADLINE_MS]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    assert json.loads(result.stdout) == [3, expected, 4000]
