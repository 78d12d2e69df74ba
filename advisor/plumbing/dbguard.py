"""Fail fast while the database is unreachable, instead of making every request wait for it.

A database that accepts connections but never answers (a hung server, a dead network path)
holds each new connection for the whole connect timeout (``DATABASE_CONNECT_TIMEOUT``, 3 s),
and a sync worker's queued requests wait behind it: seconds for every page. So after one
failed connection this process answers at once, as "database unavailable" (the 503 page or
JSON), for ``DATABASE_RETRY_SECONDS``; meanwhile a background thread of the process tries
to connect every ``DATABASE_RETRY_SECONDS`` (each try bounded by the connect timeout), and the
first success ends the back-off. No request pays for those tries. Should the thread not run,
the back-off simply lapses and the next request tries for itself.

Per process on purpose, like the cache's back-off: it only saves time.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
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
    return float(getattr(settings, "DATABASE_RETRY_SECONDS", 2))


def connect_timeout(alias: str = "default") -> float:
    options = settings.DATABASES.get(alias, {}).get("OPTIONS", {})
    return float(options.get("connect_timeout") or 3)


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
                _down_until[alias] = time.monotonic() + retry_seconds()
            logger.debug("database %r still unreachable: %r", alias, exc)
            continue
        with contextlib.suppress(Exception):  # a probe's connection only had to open
            connection.close()
        with _lock:
            if _probing.get(alias) is me:
                del _probing[alias]
        succeeded(alias)
        return


class GuardedConnectMixin:
    """For a database backend's DatabaseWrapper: new connections go through the guard."""

    alias: str
    Database: Any

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
        from django.db import connections

        wrapper = connections.create_connection(self.alias)
        return super(GuardedConnectMixin, wrapper).get_new_connection(wrapper.get_connection_params())  # type: ignore[misc]
