"""Creating reports, their rate limit, and comparing a stored report with today's prices."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest

from advisor import services
from advisor.plumbing import ratelimit
from advisor.plumbing.text import storable
from reports.models import Report

logger = logging.getLogger(__name__)

RATE_SCOPE = "reports"
RATE_WINDOW_S = 3600
CENT = 0.01


@contextlib.contextmanager
def allowance(request: HttpRequest) -> Iterator[int | None]:
    """Count one report creation for the client, and give it back if the block fails.

    Yields the seconds to wait when over the limit (None: go ahead). A save that raises (the
    database refused it or is gone) leaves the client's allowance as it was.
    """
    wait, counted = ratelimit.hit_once(
        RATE_SCOPE, ratelimit.client_address(request), settings.REPORTS_PER_HOUR, RATE_WINDOW_S
    )
    try:
        yield wait
    except BaseException:
        ratelimit.refund(counted)
        raise


def create(snapshot: dict[str, Any], title: str = "", notes: str = "",
           recomputed_from: uuid.UUID | None = None) -> Report:
    """Store a snapshot as a new report.

    The snapshot is stored as JSON text, key order and all; every page, export and API answer
    reads it back from that text, so what is shown right after saving is what is shown next
    year.
    """
    # ensure_ascii (the default) escapes every non-ASCII character, lone surrogates included,
    # so the snapshot is always text the database can store.
    text = json.dumps(snapshot, cls=DjangoJSONEncoder, allow_nan=False, separators=(",", ":"))
    if not (storable(title) and storable(notes)):
        # Callers validate with ReportMetaForm; this keeps the driver's error from ever
        # being the first to notice.
        raise ValueError("title and notes must be text a database can store")
    book = snapshot["result"].get("price_book") or {}
    effective = str(book.get("effective_from") or "")
    return Report.objects.create(
        snapshot_json=text,
        title=title,
        notes=notes,
        book_id=book.get("id"),
        book_name=str(book.get("name", ""))[:200],
        book_effective_from=dt.date.fromisoformat(effective) if effective else None,
        region=str(book.get("region", ""))[:32],
        recomputed_from=recomputed_from,
    )


def today(report: Report) -> dict[str, Any]:
    """How today's published prices price the stored inputs.

    Returns ``{"book_changed", "totals_changed", "result", "errors"}``: whether another book
    is in force, whether either total moved by a cent or more (a newer book often repeats the
    old prices), today's contract result; or ``errors`` when today's prices cannot price the
    inputs at all (no book for the region any more, an instance type dropped from the book).
    A failure of our own gives neither result nor errors: nothing to say, and not kept.
    """
    try:
        now = services.run(report.inputs)
    except services.ComparisonError as exc:
        return {"book_changed": False, "totals_changed": False, "result": None,
                "errors": exc.errors}
    except Exception:  # the stored report must show even if today's engine cannot run
        logger.exception("pricing report %s with today's prices failed", report.code)
        return {"book_changed": False, "totals_changed": False, "result": None, "errors": None}
    then = report.result
    return {
        "book_changed": (now.get("price_book") or {}).get("id")
        != (then.get("price_book") or {}).get("id"),
        "totals_changed": any(abs(now[side]["monthly_usd"] - then[side]["monthly_usd"]) >= CENT
                              for side in ("lambda", "ec2")),
        "result": now,
        "errors": None,
    }
