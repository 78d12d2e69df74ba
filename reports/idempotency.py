"""``Idempotency-Key`` on ``POST /api/v1/reports``: a retried request creates no second report.

A client that lost the answer to a creation (a cut connection, a timeout) sends the same
request again with the same key and gets the first answer back: the same status (201), the
same body (the first report's code and URL) and ``Idempotent-Replayed: true``. Keys are kept
in the shared cache (Redis) for a day, per client address (so one client cannot learn the code
of another's report by guessing keys), with a fingerprint of the request body:

* the same key with a different body is refused with 422 (a new report needs a new key);
* the same key while the first request is still running is refused with 409 (try again);
* a request that fails (invalid input, 429, the database down) keeps nothing, so the client
  can correct it and retry with the same key.

The cache being unreachable must not stop reports from being created (availability first):
the key is then not honoured, and the cache helpers log it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from advisor.plumbing import cache as app_cache
from advisor.plumbing import ratelimit

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEEP_SECONDS = 24 * 3600
# A creation takes milliseconds; a claim older than this belongs to a request that died.
PENDING_SECONDS = 60
MAX_LENGTH = 255


class InvalidKey(ValueError):
    pass


@dataclass
class Claim:
    """The outcome of presenting a key: go ahead (``owned``), replay ``done``, or a conflict."""

    cache_key: str | None = None
    fingerprint: str = ""
    owned: bool = False
    done: dict[str, Any] | None = None
    conflict: str | None = None  # "different-body" or "in-progress"


def key_of(request: HttpRequest) -> str | None:
    """The request's Idempotency-Key, None without one; InvalidKey when malformed."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not 1 <= len(value) <= MAX_LENGTH or not all("\x21" <= c <= "\x7e" for c in value):
        raise InvalidKey(value)
    return value


def fingerprint(data: Any) -> str:
    """The same for two bodies that mean the same JSON (spacing and key order aside)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(request: HttpRequest, key: str, body_fingerprint: str) -> Claim:
    scoped = f"{ratelimit.client_address(request)}\n{key}"
    cache_key = "idempotency:v1:" + hashlib.sha256(scoped.encode("utf-8", "replace")).hexdigest()
    if not app_cache.available():
        return Claim()
    pending = {"state": "pending", "fingerprint": body_fingerprint}
    try:
        for _ in range(2):  # a second try only if the entry expired between add and get
            if cache.add(cache_key, pending, PENDING_SECONDS):
                return Claim(cache_key, body_fingerprint, owned=True)
            entry = cache.get(cache_key)
            if entry is None:
                continue
            if entry.get("fingerprint") != body_fingerprint:
                return Claim(cache_key, body_fingerprint, conflict="different-body")
            if entry.get("state") == "done":
                return Claim(cache_key, body_fingerprint, done=entry)
            return Claim(cache_key, body_fingerprint, conflict="in-progress")
    except Exception as exc:  # the cache is down: create the report without the guarantee
        app_cache.failed("idempotency claim", cache_key, exc)
    return Claim()


def finish(claimed: Claim, status: int, body: dict[str, Any]) -> None:
    """Keep the answer of a successful creation for a day."""
    if not claimed.owned or claimed.cache_key is None:
        return
    app_cache.cache_set(claimed.cache_key, {"state": "done", "fingerprint": claimed.fingerprint,
                                            "status": status, "body": body}, KEEP_SECONDS)


def release(claimed: Claim) -> None:
    """Forget a claim whose request failed, so that the key can be used again."""
    if not claimed.owned or claimed.cache_key is None:
        return
    try:
        cache.delete(claimed.cache_key)
    except Exception as exc:
        app_cache.failed("idempotency release", claimed.cache_key, exc)
