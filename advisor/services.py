"""One comparison, as every way in (form, API, command line, reports) asks for it.

``snapshot()`` is what screens render and reports store: the contract's result, the curves
and the cheaper-side map for the charts, and a copy of every price row used. Nothing that
renders a snapshot goes back to the engine or the price tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from typing import Any

from django.db.models.signals import post_delete, post_save

from advisor.plumbing.cache import cached, comparison_cache_key
from advisor.pricebook.models import InstanceType, PriceBook, PriceChange, Rate
from advisor.pricebook.prices import (
    NoPriceBook,
    book_in_force,
    price_sheet,
    prices_snapshot,
    regions_with_books,
)
from advisor.pricing import series, uncertainty
from advisor.pricing.compare import compare
from advisor.pricing.option_series import option_curve, option_map
from advisor.pricing.sheet import PriceSheet, PriceSheetError
from advisor.pricing.workload import DEFAULT_OPTIONS, Workload, WorkloadError, parse_workload

CACHE_SECONDS = 24 * 3600
# Reading the book in force is three queries and ~50 rates plus hundreds of instance types
# made into a price sheet (about 45 ms with every current-generation type). A process reuses
# what it read for this long, and forgets it at once when it saves a price row itself; so a
# book published or edited elsewhere is in use everywhere within this many seconds.
BOOK_MEMO_SECONDS = 5.0
_books: dict[tuple[str, dt.date], tuple[float, PriceBook, PriceSheet, str]] = {}
_regions: dict[dt.date, tuple[float, list[str]]] = {}
_books_lock = threading.Lock()


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


def _priced(data: object, on: dt.date | None) -> tuple[Workload, PriceBook, PriceSheet, str]:
    """The workload, the book in force, its price sheet and the sheet's fingerprint."""
    workload = parse(data)
    return (workload, *_book(workload.region, on))


def _book(region: str, on: dt.date | None) -> tuple[PriceBook, PriceSheet, str]:
    key = (region, on or dt.date.today())
    memo = _books.get(key)
    if memo is not None and time.monotonic() - memo[0] < BOOK_MEMO_SECONDS:
        return memo[1], memo[2], memo[3]
    try:
        book = book_in_force(region, on)
    except NoPriceBook as exc:
        # Name the regions that do answer, so the user can pick one.
        known = regions_with_books(on)
        where = f"; regions with a price book: {', '.join(known)}" if known else ""
        raise ComparisonError({"region": [f"{exc}{where}"]}) from None
    try:
        sheet = price_sheet(book)
    except PriceSheetError as exc:
        # An incomplete book is an editor's mistake, but the user must still get an answer
        # that says what is wrong instead of a server error.
        raise ComparisonError({"region": [f"the price book for {region} is incomplete: "
                                          + "; ".join(exc.problems)]}) from None
    fingerprint = _sheet_fingerprint(sheet)
    if memo is not None and memo[1].pk == book.pk and memo[3] == fingerprint:
        # The same prices: keep the sheet already in use, with everything worked out from it
        # since (each fleet's frontier of instance types). The book is the one just read:
        # its rows' sources and notes may have changed without a price changing.
        sheet = memo[2]
    with _books_lock:
        _books[key] = (time.monotonic(), book, sheet, fingerprint)
    return book, sheet, fingerprint


def prices_version(region: str, on: dt.date | None = None) -> str:
    """A string that changes whenever the prices in force for the region change (a cache key
    part for anything computed with today's prices); "none" when no book can price."""
    try:
        book, _, fingerprint = _book(region, on)
    except ComparisonError:
        return "none"
    return f"{book.pk}:{fingerprint}"


def regions(on: dt.date | None = None) -> list[str]:
    """Regions with a published book in force, kept like the books themselves."""
    day = on or dt.date.today()
    memo = _regions.get(day)
    if memo is not None and time.monotonic() - memo[0] < BOOK_MEMO_SECONDS:
        return memo[1]
    found = regions_with_books(on)
    with _books_lock:
        _regions[day] = (time.monotonic(), found)
    return found


def catalogue(region: str, on: dt.date | None = None) -> dict[str, Any]:
    """The region's instance types and families (for the form's suggestions); empty when no
    book can price the region."""
    try:
        _, sheet, _ = _book(region, on)
    except ComparisonError:
        return {"types": [], "families": []}
    return {"types": sheet.instance_types, "families": sheet.families}


def forget_books(**_: Any) -> None:
    """Drop the books this process keeps (a price row was saved or deleted here)."""
    with _books_lock:
        _books.clear()
        _regions.clear()


for _model in (PriceBook, Rate, InstanceType, PriceChange):
    post_save.connect(forget_books, sender=_model, dispatch_uid=f"services.forget.{_model.__name__}")
    post_delete.connect(forget_books, sender=_model, dispatch_uid=f"services.forget-d.{_model.__name__}")


def _compared(workload: Workload, sheet: PriceSheet) -> dict[str, Any]:
    try:
        return compare(workload, sheet).to_contract()
    except WorkloadError as exc:
        raise ComparisonError(exc.errors) from None


def run(data: object, on: dt.date | None = None) -> dict[str, Any]:
    """Parse a workload, price it with the book in force, and return the contract's result."""
    workload, book, sheet, fingerprint = _priced(data, on)
    key = "run:" + comparison_cache_key(workload.to_dict(), book.pk, fingerprint)
    return cached(key, lambda: _compared(workload, sheet), CACHE_SECONDS)


def snapshot(data: object, on: dt.date | None = None) -> dict[str, Any]:
    """The result with chart data and the prices used, cached by input and book contents."""
    workload, book, sheet, fingerprint = _priced(data, on)
    key = comparison_cache_key(workload.to_dict(), book.pk, fingerprint)
    return cached(key, lambda: _snapshot(workload, book, sheet, key), CACHE_SECONDS)


def _snapshot(workload: Workload, book: PriceBook, sheet: PriceSheet, key: str) -> dict[str, Any]:
    answer = _answer(workload, book, sheet, key)
    cost = _cost_series(workload, sheet, key, answer)
    grid = _map_series(workload, sheet, key, answer)
    snap = {**answer, **cost, **grid}
    if "options" in cost:
        # Stored reports hold both as "options": {"curve": ..., "map": ...}.
        snap["options"] = {**cost["options"], **grid["options"]}
    return snap


def answer(data: object, on: dt.date | None = None) -> dict[str, Any]:
    """The snapshot without its chart series (the cost curve with its bands, the cheaper-side
    map): what a keystroke's results show at once. ``chart()`` gives each series on its own,
    when its chart comes into view."""
    workload, book, sheet, fingerprint = _priced(data, on)
    return _answer(workload, book, sheet,
                   comparison_cache_key(workload.to_dict(), book.pk, fingerprint))


CHARTS = ("cost", "map")


def chart(data: object, name: str, on: dt.date | None = None) -> dict[str, Any]:
    """The answer plus one chart's series: ``"cost"`` (the cost curve, each side's band, the
    other options' lines) or ``"map"`` (the cheaper-side map)."""
    workload, book, sheet, fingerprint = _priced(data, on)
    key = comparison_cache_key(workload.to_dict(), book.pk, fingerprint)
    series_of = {"cost": _cost_series, "map": _map_series}[name]
    answer = _answer(workload, book, sheet, key)
    return {**answer, **series_of(workload, sheet, key, answer)}


def _answer(workload: Workload, book: PriceBook, sheet: PriceSheet, key: str) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        result = _compared(workload, sheet)
        return {
            "result": result,
            # The instance types the result sized (not the book's hundreds).
            "prices": _prices(book, sheet, {result["ec2"]["instance_type"]}
                              | {c["instance_type"] for c in result["ec2"]["candidates"]}),
            # The answer with each deciding assumption undone (the assumptions strip).
            "what_if": uncertainty.what_if(sheet, workload, result["lambda"]["monthly_usd"],
                                           result["ec2"]["monthly_usd"]),
        }
    return cached("answer:" + key, compute, CACHE_SECONDS)


def _crossings(answer: dict[str, Any]) -> list[float]:
    # The curve and the map mark the result's own break-even volumes.
    return [p["requests_per_month"] for p in answer["result"]["break_even"]]


def _more_options(workload: Workload) -> bool:
    return bool(workload.extra_options) or tuple(workload.options) != DEFAULT_OPTIONS


def _cost_series(workload: Workload, sheet: PriceSheet, key: str,
                 answer: dict[str, Any]) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        curve = series.cost_curve(workload, sheet,
                                  break_even_points=_crossings(answer))
        out: dict[str, Any] = {
            "curve": curve,
            # Each side's low..high bill at each volume of the curve, over the other ranges.
            "band": _band(workload, sheet, curve["requests_per_month"]),
        }
        if _more_options(workload):
            # Every compared option on the same axes (one line / colour each).
            out["options"] = {"curve": option_curve(workload, sheet, curve)}
        return out
    return cached("cost:" + key, compute, CACHE_SECONDS)


def _map_series(workload: Workload, sheet: PriceSheet, key: str,
                answer: dict[str, Any]) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        grid = series.cheaper_map(workload, sheet,
                                  break_even_points=_crossings(answer))
        out: dict[str, Any] = {"grid": grid}
        if _more_options(workload):
            out["options"] = {"map": option_map(workload, sheet, grid)}
        return out
    return cached("map:" + key, compute, CACHE_SECONDS)


def _prices(book: PriceBook, sheet: PriceSheet, names: set[str]) -> dict[str, Any]:
    """prices_snapshot() for these instance types, read from the database once per reading
    of the book (every BOOK_MEMO_SECONDS) and set of types: a keystroke that keeps the
    fleet's types reads nothing. The kept dict is shared: snapshots are only stored."""
    holder: dict[str, Any] = sheet.derived("prices_snapshot", dict)
    entry = holder.get("entry")
    if entry is None or entry[0] is not book:  # the book was read again: sources may be new
        entry = (book, {})
        holder["entry"] = entry  # one assignment: another thread sees the old or the new
    kept: dict[frozenset[str], dict[str, Any]] = entry[1]
    key = frozenset(names)
    found = kept.get(key)
    if found is None:
        found = prices_snapshot(book, names)
        if len(kept) >= 64:
            kept.clear()
        kept[key] = found
    return found


def _band(workload: Workload, sheet: PriceSheet, volumes: list[float]) -> dict[str, Any]:
    try:
        return uncertainty.cost_band(sheet, workload, volumes)
    except WorkloadError:
        return {}


def _sheet_fingerprint(sheet: PriceSheet) -> str:
    # The key must change with any price, even one changed outside the admin's audit trail.
    rows = (sorted(sheet.rates.items()), sorted((k, [(t.upto, t.price) for t in v])
            for k, v in sheet.tiers.items()), sorted(map(repr, sheet.instance_types)))
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:16]
