"""A fixed-window rate limiter over the configured cache, shared by every process.

With Redis the counters are shared across gunicorn processes and machines: ``cache.add``
creates a window's counter atomically and ``cache.incr`` counts atomically. When the cache is
down the limiter fails open (logs and allows), and like every cache use in this process it
then leaves the cache alone for a few seconds: a limit is a protection, not a dependency.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from advisor.plumbing import cache as app_cache

logger = logging.getLogger(__name__)


def hit(scope: str, ident: str, limit: int, window_s: int) -> int | None:
    """Count one event; return the seconds to wait if it is over ``limit`` per window, else None.

    ``limit`` 0 (or less) means no limit.
    """
    if limit <= 0 or not app_cache.available():
        return None
    now = time.time()
    window_start = int(now // window_s) * window_s
    digest = hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window_start}"
    try:
        # A second of slack so the key never expires before its window ends.
        cache.add(key, 0, timeout=window_s + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr: this is the first event again
            cache.set(key, 1, timeout=window_s + 1)
            count = 1
    except Exception as exc:  # any backend error: fail open, and back off like every cache use
        app_cache.failed("rate limit", key, exc)
        return None
    if count > limit:
        return max(1, math.ceil(window_start + window_s - now))
    return None


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
