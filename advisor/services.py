"""One comparison, as every way in (form, API, command line, reports) asks for it.

``snapshot()`` is what screens render and reports store: the contract's result, the curves
and the cheaper-side map for the charts, and a copy of every price row used. Nothing that
renders a snapshot goes back to the engine or the price tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from advisor.cache import cache_get, cache_set, comparison_cache_key
from advisor.models import PriceBook
from advisor.prices import NoPriceBook, book_in_force, price_sheet
from advisor.pricing import series
from advisor.pricing.catalogue import SPEC_BY_KEY
from advisor.pricing.compare import compare
from advisor.pricing.sheet import PriceSheet, PriceSheetError
from advisor.pricing.workload import Workload, WorkloadError, parse_workload

CACHE_SECONDS = 24 * 3600


class ComparisonError(Exception):
    """Input that cannot be compared; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, ms in errors.items() for m in ms))
        self.errors = errors


def parse(data: object) -> Workload:
    try:
        return parse_workload(data)
    except WorkloadError as exc:
        raise ComparisonError(exc.errors) from None


def _priced(data: object, on: dt.date | None) -> tuple[Workload, PriceBook, PriceSheet]:
    workload = parse(data)
    try:
        book = book_in_force(workload.region, on)
    except NoPriceBook as exc:
        raise ComparisonError({"region": [str(exc)]}) from None
    try:
        sheet = price_sheet(book)
    except PriceSheetError as exc:
        # An incomplete book is an editor's mistake, but the user must still get an answer
        # that says what is wrong instead of a server error.
        raise ComparisonError({"region": [f"the price book for {workload.region} is incomplete: "
                                          + "; ".join(exc.problems)]}) from None
    return workload, book, sheet


def run(data: object, on: dt.date | None = None) -> dict[str, Any]:
    """Parse a workload, price it with the book in force, and return the contract's result."""
    workload, _, sheet = _priced(data, on)
    try:
        return compare(workload, sheet).to_contract()
    except WorkloadError as exc:
        raise ComparisonError(exc.errors) from None


def snapshot(data: object, on: dt.date | None = None) -> dict[str, Any]:
    """The result with chart data and the prices used, cached by input and book contents."""
    workload, book, sheet = _priced(data, on)
    key = comparison_cache_key(workload.to_dict(), book.pk, _sheet_fingerprint(sheet))
    cached = cache_get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    try:
        result = compare(workload, sheet).to_contract()
    except WorkloadError as exc:
        raise ComparisonError(exc.errors) from None
    crossings = [p["requests_per_month"] for p in result["break_even"]]
    snap = {
        "result": result,
        "curve": series.cost_curve(workload, sheet, break_even_points=crossings),
        "grid": series.cheaper_map(workload, sheet, break_even_points=crossings),
        "prices": prices_snapshot(book),
    }
    cache_set(key, snap, CACHE_SECONDS)
    return snap


def _sheet_fingerprint(sheet: PriceSheet) -> str:
    # The key must change with any price, even one changed outside the admin's audit trail.
    rows = (sorted(sheet.rates.items()), sorted((k, [(t.upto, t.price) for t in v])
            for k, v in sheet.tiers.items()), sorted(map(repr, sheet.instance_types)))
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:16]


def prices_snapshot(book: PriceBook) -> dict[str, Any]:
    """Every row of the book with its source, date and confidence (a report keeps this)."""
    return {
        "book": {
            "id": book.pk, "name": book.name, "region": book.region,
            "effective_from": book.effective_from.isoformat(), "status": book.status,
            "notes": book.notes,
        },
        "rates": [
            {
                "key": r.key,
                "tier_upto": None if r.tier_upto is None else float(r.tier_upto),
                "price": float(r.price),
                "unit": SPEC_BY_KEY[r.key].unit if r.key in SPEC_BY_KEY else "",
                "source": r.source, "read_on": r.read_on.isoformat(), "confidence": r.confidence,
            }
            for r in book.rates.all()
        ],
        "instance_types": [
            {
                "name": i.name, "vcpu": i.vcpu, "memory_gib": float(i.memory_gib),
                "architecture": i.architecture, "hourly": float(i.hourly),
                "burstable_baseline": None if i.burstable_baseline is None else float(i.burstable_baseline),
                "source": i.source, "read_on": i.read_on.isoformat(), "confidence": i.confidence,
            }
            for i in book.instance_types.all()
        ],
    }
