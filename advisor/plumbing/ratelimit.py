"""A sliding-window rate limiter over the configured cache, shared by every process.

Counts are kept per fixed window (``cache.add`` creates a window's counter atomically,
``cache.incr`` counts atomically), but the limit applies to a window that slides: the events
of the current window plus the previous window's count weighted by how much of it still lies
within the last ``window_s`` seconds. A fixed window would let a client spend its whole
allowance in the last second of one window and again in the first second of the next (twice
the limit in two seconds); the sliding estimate refuses the second burst. It errs on the
strict side: after a burst the wait is at most one window plus a ``1/limit`` share of it.

When the cache is down (Redis unreachable) the limiter keeps availability first but does not
fail open: it counts in this process's memory instead (each process then allows the limit on
its own), and says so once in the log until the cache is back.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from advisor.plumbing import cache as app_cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    """One counted event, so that it can be given back (``refund``) when the work fails."""

    key: str
    local: bool


class _LocalCounters:
    """Per-process window counters for while the shared cache is unreachable (bounded)."""

    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> int:
        with self._lock:
            expires, count = self._counts.get(key, (0.0, 0))
            return count if expires > time.time() else 0

    def incr(self, key: str, timeout: float, delta: int = 1) -> int:
        with self._lock:
            now = time.time()
            expires, count = self._counts.pop(key, (0.0, 0))
            if expires <= now:
                expires, count = now + timeout, 0
            count = max(0, count + delta)
            self._counts[key] = (expires, count)
            while len(self._counts) > self.MAX_KEYS:
                self._counts.popitem(last=False)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_counters = _LocalCounters()
_fallback_logged = False


def _key(scope: str, ident: str, window_start: int) -> str:
    digest = hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window_start}"


def _shared_counts(current: str, previous: str, window_s: int) -> tuple[int, int]:
    """Count one event in the shared cache; (events in the current window, previous window)."""
    # Two windows and a second of slack: the previous window's count is still read while the
    # current one runs.
    cache.add(current, 0, timeout=2 * window_s + 1)
    try:
        count = cache.incr(current)
    except ValueError:  # evicted between add and incr: this is the first event again
        cache.set(current, 1, timeout=2 * window_s + 1)
        count = 1
    return count, int(cache.get(previous) or 0)


def _fallback(exc: Exception | None, key: str) -> None:
    global _fallback_logged
    if exc is not None:
        app_cache.failed("rate limit", key, exc)
    if not _fallback_logged:
        _fallback_logged = True
        logger.warning("the cache is unreachable: rate limits are counted in each process "
                       "until it is back")


def hit(scope: str, ident: str, limit: int, window_s: int) -> int | None:
    """Count one event; return the seconds to wait if it is over ``limit`` per window, else None.

    ``limit`` 0 (or less) means no limit. A refused event is not counted, so a client that
    waits the returned seconds gets through.
    """
    return hit_once(scope, ident, limit, window_s)[0]


def hit_once(scope: str, ident: str, limit: int, window_s: int) -> tuple[int | None, Hit | None]:
    """Like ``hit``, and the counted event (None if refused or unlimited) for ``refund``."""
    global _fallback_logged
    if limit <= 0:
        return None, None
    now = time.time()
    window_start = int(now // window_s) * window_s
    current, previous = _key(scope, ident, window_start), _key(scope, ident, window_start - window_s)
    local = True
    if app_cache.available():
        try:
            count, before = _shared_counts(current, previous, window_s)
            local = False
            if _fallback_logged:
                _fallback_logged = False
                logger.warning("the cache is back: rate limits are shared again")
        except Exception as exc:  # any backend error: count in this process instead
            _fallback(exc, current)
    else:
        _fallback(None, current)
    if local:
        count = local_counters.incr(current, 2 * window_s + 1)
        before = local_counters.get(previous)
    elapsed = now - window_start
    weight = 1 - elapsed / window_s
    if before * weight + count <= limit:
        return None, Hit(current, local)
    refund(Hit(current, local))
    return _wait(limit, count - 1, before, elapsed, window_s), None


def _wait(limit: int, count: int, before: int, elapsed: float, window_s: int) -> int:
    """Seconds until one more event fits: ``before`` (previous window) fades out linearly
    during the current window, then ``count`` (this window) does during the next one."""
    room = limit - count - 1
    if room >= 0 and before > 0:
        # before * (1 - (elapsed + t) / window) <= room
        t = window_s * (1 - room / before) - elapsed
        if t < window_s - elapsed:
            return max(1, math.ceil(t))
    # Next window: count * (1 - t2 / window) + 1 <= limit
    t2 = window_s * (1 - (limit - 1) / count) if count > 0 else 0.0
    return max(1, math.ceil(window_s - elapsed + max(0.0, t2)))


def refund(counted: Hit | None) -> None:
    """Give back a counted event (its work failed, so it must not use up the allowance)."""
    if counted is None:
        return
    if counted.local:
        local_counters.incr(counted.key, 1, delta=-1)
        return
    try:
        cache.decr(counted.key)
    except ValueError:  # the window's counter expired meanwhile: nothing to give back
        pass
    except Exception as exc:
        app_cache.failed("rate limit refund", counted.key, exc)


def reset() -> None:
    """Forget the per-process counters and the logged fallback (tests)."""
    global _fallback_logged
    _fallback_logged = False
    local_counters.clear()


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For hop our own proxy added.

    Each trusted proxy appends the address it saw, so with ``TRUSTED_PROXY_COUNT`` = n the
    client is the n-th entry from the right; entries further left come from the client.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = settings.TRUSTED_PROXY_COUNT
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if trusted <= 0 or not hops:
        return _client_network(remote)
    return _client_network(hops[-min(trusted, len(hops))][:64])


def _client_network(address: str) -> str:
    # One IPv6 client usually holds a whole /64, so limits count per /64 (RFC 6177), or any
    # client could step through its own addresses.
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
