"""A hung or unreachable database: after one failed connection a process answers at once for
a short back-off and retries in the background (advisor/plumbing/dbguard.py)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
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
