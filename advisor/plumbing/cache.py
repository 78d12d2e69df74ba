"""The cache as an optimisation only: a failing backend (Redis down) never fails a page.

Every helper logs the backend error and carries on as if the cache were empty. After an error
this process skips the cache for ``CACHE_RETRY_SECONDS``, so a stopped Redis costs one
connection timeout per process and pause, not one per request.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")
_MISSING = object()
# Monotonic time before which this process leaves the cache alone. Per-process on purpose:
# it only saves time; nothing that must be shared between processes lives here.
_skip_until = 0.0


def available() -> bool:
    """False while this process is backing off after a cache error."""
    return time.monotonic() >= _skip_until


def failed(operation: str, key: str, exc: Exception) -> None:
    """Log a cache error and leave the cache alone for ``CACHE_RETRY_SECONDS``."""
    global _skip_until
    _skip_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
    logger.warning("cache %s failed for %s, carrying on without the cache: %r", operation, key, exc)


def reset() -> None:
    """Forget an earlier failure and what this process keeps (tests, or after the operator
    restarted Redis)."""
    global _skip_until
    _skip_until = 0.0
    for local in _process_caches:
        local.clear()


class ProcessCache:
    """A bounded, per-process LRU in front of the shared cache, for values that never change
    under their key (rendered pages keyed by everything they are drawn from). A hit costs no
    round trip to Redis and no unpickling of tens of KB; with Redis down the process still
    keeps its most used pages."""

    def __init__(self, size: int, seconds: float) -> None:
        self.size = size
        self.seconds = seconds
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _process_caches.append(self)

    def get(self, key: str) -> Any:
        """The value kept here, else the shared cache's (kept here from then on), else None."""
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0] > time.monotonic():
                self._items.move_to_end(key)
                return item[1]
        value = cache_get(key)
        if value is not None:
            self._keep(key, value)
        return value

    def set(self, key: str, value: Any, shared: bool = True) -> None:
        """Keep ``value`` here and, unless ``shared`` is false, in the shared cache."""
        self._keep(key, value)
        if shared:
            cache_set(key, value, int(self.seconds))

    def _keep(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self.seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_process_caches: list[ProcessCache] = []


def cache_get(key: str, default: Any = None) -> Any:
    if not available():
        return default
    try:
        return cache.get(key, default)
    except Exception as exc:  # any backend error: the page must not depend on the cache
        failed("get", key, exc)
        return default


def cache_set(key: str, value: Any, timeout: int | None = None) -> bool:
    if not available():
        return False
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        failed("set", key, exc)
        return False
    return True


def cached(key: str, compute: Callable[[], T], timeout: int | None = None) -> T:
    """The cached value for ``key``, computing and storing it on a miss or a cache failure."""
    value = cache_get(key, _MISSING)
    if value is not _MISSING:
        return value  # type: ignore[no-any-return]
    value = compute()
    cache_set(key, value, timeout)
    return value


def comparison_cache_key(normalised_inputs: dict[str, Any], book_id: int, prices_fingerprint: Any) -> str:
    """Key of one comparison: the normalised workload, and the exact price-book contents.

    ``normalised_inputs`` must be the workload after defaults are filled in, so that two
    spellings of the same workload share an entry. ``prices_fingerprint`` must change whenever
    a price of the book changes (``services`` passes a hash of the price sheet).
    """
    canonical = json.dumps(
        {"inputs": normalised_inputs, "book": book_id, "version": prices_fingerprint},
        sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True,
    )
    return "compare:v1:" + hashlib.sha256(canonical.encode()).hexdigest()


@functools.cache
def templates_version(*names: str) -> str:
    """Changes with the named templates (a deploy), so HTML kept in the cache is not reused."""
    from django.template.loader import get_template

    sources = [get_template(name).template.source for name in names]  # type: ignore[attr-defined]
    return hashlib.sha256("".join(sources).encode()).hexdigest()[:12]
