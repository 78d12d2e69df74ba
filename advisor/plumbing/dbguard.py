"""Fail fast while the database is unreachable, instead of making every request wait for it.

A database that accepts connections but never answers (a hung server, a dead network path)
holds each new connection for the whole connect timeout (``DATABASE_CONNECT_TIMEOUT``, 3 s),
and a sync worker's queued requests wait behind it: seconds for every page. So after one
failed connection this process answers at once, as "database unavailable" (the 503 page or
JSON), for ``DATABASE_RETRY_SECONDS``; meanwhile a background thread of the process tries
to connect every ``DATABASE_RETRY_SECONDS`` (each try bounded by the connect timeout), and the
first success ends the back-off. No request pays for those tries. Should the thread not run,
the back-off simply lapses and the next request tries for itself.

A database that hangs after the connection was made (a frozen server: its kernel still
acknowledges every packet, so neither server-side timeouts nor TCP keepalives ever fire) is
met by a deadline on this side: every call on a connection (query, commit, rollback, health
check) is watched by one watchdog thread per process, which shuts down the connection's
socket when the call has taken ``DATABASE_QUERY_DEADLINE_MS`` (the server's own
``statement_timeout`` plus a second, so a live server always answers first). The call then
fails at once as a lost connection (the 503 page), and the process backs off as above.

Per process on purpose, like the cache's back-off: it only saves time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# Tests turn the background thread off to drive the back-off by hand.
PROBE_IN_BACKGROUND = True

_lock = threading.Lock()
_down_until: dict[str, float] = {}
_probing: dict[str, threading.Thread] = {}


class Unavailable(Exception):
    """Raised (as the driver's OperationalError) instead of connecting during the back-off."""


def retry_seconds() -> float:
    return float(getattr(settings, "DATABASE_RETRY_SECONDS", 1))


def connect_timeout(alias: str = "default") -> float:
    options = settings.DATABASES.get(alias, {}).get("OPTIONS", {})
    return float(options.get("connect_timeout") or 3)


def query_deadline(alias: str = "default") -> float:
    """Seconds a call on an open connection may take before its socket is shut down (0: no
    deadline)."""
    return float(getattr(settings, "DATABASE_QUERY_DEADLINE_MS", 4000)) / 1000


def backing_off(alias: str = "default") -> bool:
    """True while this process answers "unavailable" without trying to connect."""
    with _lock:
        return time.monotonic() < _down_until.get(alias, 0.0)


def failed(alias: str, exc: BaseException, connect: Callable[[], Any]) -> None:
    """A connection attempt failed: back off, and start the background retries."""
    with _lock:
        first = _down_until.get(alias, 0.0) == 0.0
        _down_until[alias] = time.monotonic() + retry_seconds()
        if PROBE_IN_BACKGROUND and not (alias in _probing and _probing[alias].is_alive()):
            thread = threading.Thread(target=_probe, args=(alias, connect), daemon=True,
                                      name=f"database-retry-{alias}")
            _probing[alias] = thread
            thread.start()
    if first:
        logger.error("database %r unreachable (%r): answering 'unavailable' at once and "
                     "retrying every %s s in the background", alias, exc, retry_seconds())


def succeeded(alias: str) -> None:
    with _lock:
        was_down = _down_until.pop(alias, 0.0) != 0.0
    if was_down:
        logger.warning("database %r reachable again", alias)


def reset() -> None:
    """Forget every failure (tests). A running retry thread ends at its next try."""
    with _lock:
        _down_until.clear()
        _probing.clear()
    watchdog.fired = 0


def _probe(alias: str, connect: Callable[[], Any]) -> None:
    # Bounded by the outage: it ends at the first successful connection (or when reset()
    # forgot it); each try is bounded by the connect timeout.
    me = threading.current_thread()
    while True:
        time.sleep(retry_seconds())
        with _lock:
            if _probing.get(alias) is not me:
                return
            # Requests keep failing fast while this try runs; if it never returned, the
            # back-off would still lapse and requests would try for themselves.
            _down_until[alias] = time.monotonic() + retry_seconds() + connect_timeout(alias)
        try:
            connection = connect()
        except Exception as exc:
            with _lock:
                # The next try is one period away; a second period of slack so that a late
                # wake-up of this thread does not let requests through to wait for themselves.
                _down_until[alias] = time.monotonic() + 2 * retry_seconds()
            logger.debug("database %r still unreachable: %r", alias, exc)
            continue
        with contextlib.suppress(Exception):  # a probe's connection only had to open
            connection.close()
        with _lock:
            if _probing.get(alias) is me:
                del _probing[alias]
        succeeded(alias)
        return


class Watchdog:
    """One thread per process that ends database calls which passed their deadline.

    ``watch`` registers a call (its connection's socket and a deadline), ``done`` ends it;
    both take one lock and a dict operation, and wake the thread only when it was idle, so a
    query pays microseconds. Past a deadline the thread shuts the socket down (both ways):
    the driver's blocked read returns at once and it raises its lost-connection error. The
    socket is shut down under the lock that ``done`` takes, so the descriptor still belongs
    to that call's connection (it is closed only after ``done``).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._calls: dict[int, tuple[float, int, Callable[[], None]]] = {}
        self._next = 0
        self._pid = 0
        self.fired = 0  # calls ended by the watchdog since the start (or reset)

    def watch(self, fd: int, deadline: float, on_expiry: Callable[[], None]) -> int:
        with self._cond:
            if self._pid != os.getpid():  # first use in this process (gunicorn forks)
                self._pid = os.getpid()
                self._calls.clear()
                threading.Thread(target=self._run, daemon=True, name="database-watchdog").start()
            self._next += 1
            idle = not self._calls
            self._calls[self._next] = (deadline, fd, on_expiry)
            if idle:
                self._cond.notify()
            return self._next

    def done(self, token: int) -> bool:
        """End a call; False when the watchdog had already cut it off."""
        with self._cond:
            return self._calls.pop(token, None) is not None

    def _run(self) -> None:
        expired: list[Callable[[], None]] = []
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (deadline, fd, on_expiry) in list(self._calls.items()):
                    if deadline <= now:
                        del self._calls[token]
                        _shut_down(fd)
                        self.fired += 1
                        expired.append(on_expiry)
                if expired:
                    self._cond.release()  # the callbacks take other locks
                    try:
                        for callback in expired:
                            with contextlib.suppress(Exception):
                                callback()
                    finally:
                        self._cond.acquire()
                    expired.clear()
                    continue
                nearest = min((d for d, _, _ in self._calls.values()), default=None)
                self._cond.wait(None if nearest is None else max(0.0, nearest - now) + 0.001)


def _shut_down(fd: int) -> None:
    # shutdown() acts on the socket itself, not on this duplicate descriptor: the driver's
    # own descriptor sees the end of the connection.
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


watchdog = Watchdog()


def _after_fork_in_child() -> None:
    # A fork (gunicorn's workers, after preloading the app) copies the lock as it was, maybe
    # held by a thread the child does not have: start the child with its own.
    watchdog._cond = threading.Condition(threading.Lock())
    watchdog._calls.clear()
    watchdog._pid = 0


os.register_at_fork(after_in_child=_after_fork_in_child)


class GuardedConnectMixin:
    """For a database backend's DatabaseWrapper: new connections go through the guard, and
    every call on an open connection is bounded by the watchdog's deadline."""

    alias: str
    Database: Any
    connection: Any
    execute_wrappers: list[Callable[..., Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.execute_wrappers.append(self._watched_execute)

    @contextlib.contextmanager
    def deadline(self) -> Iterator[None]:
        """Bound one call on the open connection by the query deadline."""
        if backing_off(self.alias):
            # The database hung or vanished a moment ago: fail now, not after the deadline.
            from django.db.utils import OperationalError

            raise OperationalError(f"database {self.alias!r} unreachable a moment ago; not "
                                   "waiting on it before the background retry succeeds")
        alias = self.alias
        limit = query_deadline(alias)
        try:
            fd = self.connection.fileno() if limit > 0 else -1
        except Exception:  # no connection, or closed: nothing to wait for
            fd = -1
        if fd < 0:
            yield
            return

        def expired() -> None:
            failed(alias, TimeoutError(f"no answer within {limit:g} s"), self._probe_connect)

        token = watchdog.watch(fd, time.monotonic() + limit, expired)
        try:
            yield
        finally:
            watchdog.done(token)

    def _watched_execute(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                         context: dict[str, Any]) -> Any:
        with self.deadline():
            return execute(sql, params, many, context)

    def _commit(self) -> None:
        with self.deadline():
            return super()._commit()  # type: ignore[misc]

    def _rollback(self) -> None:
        with self.deadline():
            return super()._rollback()  # type: ignore[misc]

    def _set_autocommit(self, autocommit: bool) -> None:
        with self.deadline():
            return super()._set_autocommit(autocommit)  # type: ignore[misc]

    def init_connection_state(self) -> None:
        with self.deadline():
            return super().init_connection_state()  # type: ignore[misc]

    def is_usable(self) -> bool:
        # The health check of a kept connection: while backing off it is given up at once
        # (Django then connects anew, which the guard refuses), else it is watched too.
        if backing_off(self.alias):
            return False
        with self.deadline():
            return bool(super().is_usable())  # type: ignore[misc]

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if backing_off(self.alias):
            raise self.Database.OperationalError(
                f"database {self.alias!r} unreachable a moment ago; not trying again before "
                f"the background retry succeeds")
        try:
            connection = super().get_new_connection(conn_params)  # type: ignore[misc]
        except self.Database.Error as exc:
            failed(self.alias, exc, self._probe_connect)
            raise
        succeeded(self.alias)
        return connection

    def _probe_connect(self) -> Any:
        """A connection made outside the guard by a wrapper of its own (other thread)."""
        wrapper = type(self)(self.settings_dict, alias=self.alias)  # type: ignore[call-arg,attr-defined]
        return super(GuardedConnectMixin, wrapper).get_new_connection(wrapper.get_connection_params())  # type: ignore[misc]
