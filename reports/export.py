"""A report as CSV and as JSON, built only from what the report stored.

The CSV is one table of ``section,name,value,unit`` rows, so a spreadsheet can filter it by
section and a script can read it without knowing the layout of a page. Money is rounded to
cents here, at export time; the stored snapshot stays unrounded.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal
from typing import Any

from django.utils.translation import pgettext

from advisor.questionnaire import numbers, texts
from reports.measured import csv_rows as measured_csv_rows
from reports.models import Report

LAMBDA_ITEMS = ("requests", "compute", "ephemeral_storage", "provisioned_concurrency",
                "front_door", "nat_gateway", "data_transfer", "public_ipv4", "logs")
EC2_ITEMS = ("instances", "storage", "load_balancer", "nat_gateway", "data_transfer",
             "public_ipv4", "logs")
USD_MONTH = "USD/month"
# Cells a spreadsheet would run as a formula (CSV injection); user text only.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cents(value: Any) -> str:
    """Money as the CSV writes it: rounded as on the page (numbers.cents), no grouping."""
    return str(numbers.cents(value))


def number(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value):
        return format(Decimal(repr(value)), "f")  # 0.0000002, not 2e-07
    if value is None:
        return ""
    return str(value)


def text(value: Any) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _ordered(items: dict[str, Any], known: tuple[str, ...]) -> list[str]:
    return [k for k in known if k in items] + sorted(k for k in items if k not in known)


def flat(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """Nested inputs as (dotted name, value) pairs."""
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, inner in value.items():
            rows.extend(flat(f"{prefix}.{key}" if prefix else key, inner))
        return rows
    if isinstance(value, list):  # the options: one cell, space-separated
        return [(prefix, " ".join(str(v) for v in value))]
    return [(prefix, value)]


def _side_rows(section: str, side: dict[str, Any], known: tuple[str, ...]) -> list[list[str]]:
    rows: list[list[str]] = []
    # Scalar facts the engine reports next to the items (instance type, instance-hours ...).
    for key in sorted(side):
        value = side[key]
        if key in ("items", "monthly_usd") or isinstance(value, dict | list):
            continue
        shown = cents(value) if key.endswith("_usd") and value is not None else number(value)
        rows.append([section, key, shown, USD_MONTH if key.endswith("_usd") else ""])
    items = side.get("items", {})
    for key in _ordered(items, known):
        rows.append([section, key, cents(items[key]), USD_MONTH])
    rows.append([section, "total", cents(side["monthly_usd"]), USD_MONTH])
    return rows


def _translated(rows: list[list[str]]) -> list[list[str]]:
    """The header and the unit column in the visitor's language. Sections and names stay the
    contract's identifiers (scripts filter on them) and numbers stay plain (no grouping)."""
    units = {USD_MONTH: pgettext("CSV unit", "USD/month"),
             "USD/hour": pgettext("CSV unit", "USD/hour"),
             "requests/month": pgettext("CSV unit", "requests/month")}
    header = [pgettext("CSV column", "section"), pgettext("CSV column", "name"),
              pgettext("CSV column", "value"), pgettext("CSV column", "unit")]
    return [header] + [[*row[:3], units.get(row[3]) or texts.rate_unit(row[3])]
                       for row in rows[1:]]


def option_rows(result: dict[str, Any]) -> list[list[str]]:
    """The options beyond Lambda and EC2 (only in a result that compared them): each one's
    items and total, the cheapest, every pair's break-even volumes and the choice."""
    if "cheapest" not in result:
        return []
    from advisor.pricing.options import registry

    rows: list[list[str]] = []
    for name, spec in registry().items():
        if name in ("lambda", "ec2") or name not in result:
            continue
        side = {k: v for k, v in result[name].items() if k not in ("sizing", "blockers")}
        rows += _side_rows(name, side, spec.items)
        rows.append(["total", name, cents(result[name]["monthly_usd"]), USD_MONTH])
    rows.append(["total", "cheapest", str(result["cheapest"]), ""])
    for pair in result.get("pairwise_break_even", []):
        a, b = pair["options"]
        for index, point in enumerate(pair["points"], start=1):
            rows.append(["break_even", f"{a}-{b}.{index}",
                         str(round(point["requests_per_month"])), "requests/month"])
    choice = (result.get("option_choice") or {}).get("choice")
    if choice is not None:
        rows.append(["option_choice", "choice", str(choice), ""])
    return rows


def scenario_rows(table: dict[str, Any] | None) -> list[list[str]]:
    """The saved scenario table: ``scenario`` rows named ``<row>.<column>`` (rows from 1), the
    columns of ``POST /api/v1/scenarios?format=csv``."""
    if not table:
        return []
    from advisor.pricing.scenarios import csv_rows as scenario_csv

    header, lines = scenario_csv(table)
    rows: list[list[str]] = []
    for index, line in enumerate(lines, start=1):
        for column, value in zip(header, line, strict=True):
            money = column.endswith("monthly_usd")
            shown = (cents(value) if money and value is not None else
                     text(number(value)) if not isinstance(value, list) else " ".join(value))
            rows.append(["scenario", f"{index}.{column}", shown, USD_MONTH if money else ""])
    return rows


def csv_rows(report: Report, url: str) -> list[list[str]]:
    snapshot = report.snapshot
    result = snapshot["result"]
    rows: list[list[str]] = [["section", "name", "value", "unit"]]
    rows += [
        ["report", "code", str(report.code), ""],
        ["report", "url", url, ""],
        ["report", "title", text(report.title), ""],
        ["report", "notes", text(report.notes), ""],
        ["report", "created_at", report.created_at.isoformat(), ""],
    ]
    inputs = result["inputs"]
    for name, value in sorted(flat("", inputs), key=lambda row: ("." in row[0], row[0])):
        rows.append(["input", name, text(number(value)), ""])
    rows += _side_rows("lambda", result["lambda"], LAMBDA_ITEMS)
    rows += _side_rows("ec2", result["ec2"], EC2_ITEMS)
    rows += [
        ["total", "lambda", cents(result["lambda"]["monthly_usd"]), USD_MONTH],
        ["total", "ec2", cents(result["ec2"]["monthly_usd"]), USD_MONTH],
        ["total", "difference_lambda_minus_ec2",
         cents(result["lambda"]["monthly_usd"] - result["ec2"]["monthly_usd"]), USD_MONTH],
        ["total", "cheaper", str(result.get("cheaper", "")), ""],
    ]
    # What "cheaper" (and "cheapest") count: the AWS bill, or the bill and operations time.
    if "basis" in result:
        rows.insert(len(rows) - 1, ["total", "basis", str(result["basis"]), ""])
    recommendation = result.get("recommendation") or {}
    for key in ("choice", "confidence"):
        if key in recommendation:
            rows.append(["recommendation", key, number(recommendation[key]), ""])
    for index, point in enumerate(result.get("break_even", []), start=1):
        rows.append(["break_even", str(index), str(round(point["requests_per_month"])),
                     "requests/month"])
    rows += option_rows(result)
    rows += scenario_rows(snapshot.get("scenarios"))
    rows += measured_csv_rows(snapshot.get("measured"))
    book = result.get("price_book") or {}
    for key in ("id", "name", "region", "effective_from"):
        rows.append(["price_book", key, text(number(book.get(key))), ""])
    prices = snapshot.get("prices") or {}
    for rate in prices.get("rates", []):
        tier = rate.get("tier_upto")
        name = rate["key"] if tier is None else f"{rate['key']} (up to {number(tier)})"
        rows.append(["rate", name, number(rate["price"]), rate.get("unit", "")])
    for itype in prices.get("instance_types", []):
        rows.append(["instance_type", itype["name"], number(itype["hourly"]), "USD/hour"])
    return rows


def to_csv(report: Report, url: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    # Headers and units follow the language of the request (docs/glossary-ko.md).
    writer.writerows(_translated(csv_rows(report, url)))
    return out.getvalue()


def to_json(report: Report, url: str) -> dict[str, Any]:
    """The contract's result plus the report's metadata and the prices it used."""
    snapshot = report.snapshot
    return {
        "code": str(report.code),
        "url": url,
        "title": report.title,
        "notes": report.notes,
        "created_at": report.created_at.isoformat(),
        "recomputed_from": str(report.recomputed_from) if report.recomputed_from else None,
        "result": snapshot["result"],
        "prices": snapshot.get("prices"),
        # The scenario table shown when the report was saved (only when there was one).
        **({"scenarios": snapshot["scenarios"]} if snapshot.get("scenarios") else {}),
        # What was read from a usage file on / when the report was saved (never the file).
        **({"measured": snapshot["measured"]} if snapshot.get("measured") else {}),
    }
