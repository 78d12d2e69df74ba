"""Scenario tables as every way in asks for them (API, command line, the page, reports).

The engine (``advisor.pricing.scenarios``) asks for each region's price sheet once per table;
here that is the book in force today (or on ``on``), read through the process's book memo
(``services``), so a table of 7 regions reads at most 7 books.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from typing import Any

from advisor import services
from advisor.plumbing.cache import cached
from advisor.pricing import scenarios as engine
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import WorkloadError

CACHE_SECONDS = services.CACHE_SECONDS


def _sheet_for(on: dt.date | None) -> engine.SheetFor:
    def sheet_for(region: str) -> PriceSheet:
        try:
            return services._book(region, on)[1]
        except services.ComparisonError as exc:
            raise WorkloadError(exc.errors) from None
    return sheet_for


def table(data: object, vary: object, on: dt.date | None = None) -> dict[str, Any]:
    """The scenario table (contract JSON); :class:`services.ComparisonError` for bad input."""
    # Every problem at once: the workload's fields and vary's.
    problems: dict[str, list[str]] = {}
    try:
        workload = services.parse(data)
    except services.ComparisonError as exc:
        problems.update(exc.errors)
    try:
        axes = engine.parse_vary(vary)
    except WorkloadError as exc:
        problems.update(exc.errors)
    if problems:
        raise services.ComparisonError(problems)
    regions = {workload.region} | {v for p, vals in axes if p == "region" for v in vals}
    # The key changes with any price of any region the table may read.
    canonical = json.dumps({"data": data, "vary": [[p, list(v)] for p, v in axes],
                            "prices": sorted((r, services.prices_version(r, on))
                                             for r in regions)},
                           sort_keys=True, default=str, ensure_ascii=True)
    key = "scenarios:v1:" + hashlib.sha256(canonical.encode()).hexdigest()
    return cached(key, lambda: _table(data, vary, on), CACHE_SECONDS)


def _table(data: Any, vary: object, on: dt.date | None) -> dict[str, Any]:
    try:
        return engine.scenarios(data, vary, _sheet_for(on))
    except WorkloadError as exc:
        raise services.ComparisonError(exc.errors) from None


def to_csv(result: dict[str, Any]) -> str:
    """The table's rows as CSV (money unrounded, as in the JSON)."""
    header, rows = engine.csv_rows(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(map(str, value))
    return value
