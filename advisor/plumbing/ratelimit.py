"""A sliding-window rate limiter over the configured cache, shared by every process.

The promise is exact: at most ``limit`` events in ANY interval of ``window_s`` seconds. Events
are counted in short buckets (``window_s / 60`` seconds, at least 1 s; ``cache.add`` creates a
bucket's counter atomically, ``cache.incr`` counts atomically), and an event is allowed only if
it fits together with every event of the current bucket and the ``N`` buckets before it. Those
``N + 1`` buckets reach back at least ``window_s`` seconds from any moment inside the current
one, so every interval of ``window_s`` seconds that ends with an allowed event had all of its
earlier events counted when that event was allowed. (A weighted two-window estimate let up to
twice the limit through in one interval: it assumed the previous window's events were spread
evenly.) The price of exactness is a bucket's length: a client regains an event at most
``window_s + bucket`` seconds after spending it, never sooner than ``window_s``.

Counting first and checking after (then giving the count back when over the limit) means two
processes racing for the last event may both be refused, never both allowed.

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
from collections.abc import Callable
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


# Seconds since the epoch; tests put a clock of their own here.
clock: Callable[[], float] = time.time

# Buckets per window: the window's events are counted in this many short buckets.
BUCKETS = 60


def buckets_of(window_s: int) -> tuple[int, int]:
    """(bucket length in whole seconds, buckets that together span at least ``window_s``)."""
    size = max(1, window_s // BUCKETS)
    return size, math.ceil(window_s / size)


def _key(scope: str, ident: str, window_s: int, bucket: int) -> str:
    digest = hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window_s}:{bucket}"


def _shared_counts(current: str, earlier: list[str], timeout: int) -> tuple[int, dict[str, int]]:
    """Count one event in the shared cache; (events in the current bucket, earlier buckets)."""
    cache.add(current, 0, timeout=timeout)
    try:
        count = cache.incr(current)
    except ValueError:  # evicted between add and incr: this is the first event again
        cache.set(current, 1, timeout=timeout)
        count = 1
    return count, {k: int(v or 0) for k, v in cache.get_many(earlier).items()}


def _fallback(exc: Exception | None, key: str) -> None:
    global _fallback_logged
    if exc is not None:
        app_cache.failed("rate limit", key, exc)
    if not _fallback_logged:
        _fallback_logged = True
        logger.warning("the cache is unreachable: rate limits are counted in each process "
                       "until it is back")


def hit(scope: str, ident: str, limit: int, window_s: int) -> int | None:
    """Count one event; return the seconds to wait if it would make more than ``limit`` in
    some interval of ``window_s`` seconds, else None.

    ``limit`` 0 (or less) means no limit. A refused event is not counted, so a client that
    waits the returned seconds gets through.
    """
    return hit_once(scope, ident, limit, window_s)[0]


def hit_once(scope: str, ident: str, limit: int, window_s: int) -> tuple[int | None, Hit | None]:
    """Like ``hit``, and the counted event (None if refused or unlimited) for ``refund``."""
    global _fallback_logged
    if limit <= 0:
        return None, None
    now = clock()
    size, span = buckets_of(window_s)
    bucket = int(now // size)
    current = _key(scope, ident, window_s, bucket)
    earlier_keys = [_key(scope, ident, window_s, b) for b in range(bucket - span, bucket)]
    # Kept while a later bucket still counts it, and a bucket's length of slack.
    timeout = (span + 2) * size
    local = True
    if app_cache.available():
        try:
            count, found = _shared_counts(current, earlier_keys, timeout)
            local = False
            if _fallback_logged:
                _fallback_logged = False
                logger.warning("the cache is back: rate limits are shared again")
        except Exception as exc:  # any backend error: count in this process instead
            _fallback(exc, current)
    else:
        _fallback(None, current)
    if local:
        count = local_counters.incr(current, timeout)
        found = {k: local_counters.get(k) for k in earlier_keys}
    earlier = [found.get(k, 0) for k in earlier_keys]
    if sum(earlier) + count <= limit:
        return None, Hit(current, local)
    refund(Hit(current, local))
    return _wait(limit, earlier, count - 1, bucket, span, size, now), None


def _wait(limit: int, earlier: list[int], count: int, bucket: int, span: int, size: int,
          now: float) -> int:
    """Seconds until one more event fits: the oldest buckets leave the span one by one (the
    bucket ``bucket - span + i`` no longer counts from bucket ``bucket + i + 1`` on)."""
    excess = sum(earlier) + count + 1 - limit
    gone = 0
    for i, events in enumerate([*earlier, count]):
        gone += events
        if gone >= excess:
            return max(1, math.ceil((bucket + i + 1) * size - now))
    return max(1, math.ceil((bucket + span + 1) * size - now))  # unreachable while limit >= 1


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
