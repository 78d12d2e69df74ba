"""The Django side of measured usage: read a file with the pure importer (``advisor.usage``)
and price a cost file's lines with the price book in force, so the user sees their own bill
reproduced line by line (``priced_usd`` = our price × the same amount) before trusting the
comparison. Nothing here stores the file: it is streamed through and forgotten.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import IO, Any

from advisor import services
from advisor.pricing.sheet import MissingPrice, PriceSheet, tiered_cost
from advisor.usage import Params, UsageError, read_usage

logger = logging.getLogger(__name__)

# A line whose price-book figure differs from the billed amount by more than this is named.
APART_SHARE = 0.02


def read(stream: IO[bytes], params: Params, *, limit: int | None = None,
         gzipped: bool = False, on: dt.date | None = None) -> dict[str, Any]:
    """The importer's result, with a cost file's bill priced (raises UsageError)."""
    result = read_usage(stream, params, limit=limit, gzipped=gzipped)
    if result.get("bill"):
        price_bill(result, params, on)
    return result


def price_bill(result: dict[str, Any], params: Params, on: dt.date | None = None) -> None:
    bill = result["bill"]
    sheets: dict[str, PriceSheet | None] = {}
    free_requests = free_gb_s = 0.0
    for line in bill["lines"]:
        region = line["region"]
        if region not in sheets:
            try:
                _, sheet, _ = services._book(region, on)
            except services.ComparisonError:
                sheet = None
            sheets[region] = sheet
        sheet = sheets[region]
        if sheet is None:
            line["priced_usd"] = None
            continue
        amount = line["amount"]
        key = line["rate_key"]
        if params.free_tier and key.startswith("lambda.") and key.endswith(".requests"):
            allowance = sheet.rates.get("lambda.free.requests", 0) - free_requests
            used = min(max(allowance, 0), amount)
            free_requests += used
            amount -= used
        elif params.free_tier and key.startswith("lambda.") and key.endswith(".duration"):
            allowance = sheet.rates.get("lambda.free.gb_seconds", 0) - free_gb_s
            used = min(max(allowance, 0), amount)
            free_gb_s += used
            amount -= used
        line["priced_usd"] = _price(sheet, key, amount, line["per"])
    priced = [x for x in bill["lines"] if x["priced_usd"] is not None]
    bill["priced_usd"] = round(sum(x["priced_usd"] for x in priced), 6) if priced else None
    bill["billed_usd_of_priced_lines"] = round(sum(x["billed_usd"] for x in priced), 6)
    for line in priced:
        billed, ours = line["billed_usd"], line["priced_usd"]
        base = max(abs(billed), abs(ours))
        if base >= 0.0001 and abs(billed - ours) > APART_SHARE * base:
            result["warnings"].append(
                f"{line['product_code']} {line['usage_type']} ({line['region']}): billed "
                f"${billed:,.4f}, our price book gives ${ours:,.4f} "
                f"({(ours - billed) / base * 100:+.1f} %)")


def _price(sheet: PriceSheet, key: str, amount: float, per: float) -> float | None:
    try:
        if key.startswith("instance:"):
            instance = sheet.instance(key.split(":", 1)[1])
            return None if instance is None else round(instance.hourly * amount, 6)
        if key in sheet.tiers:
            return round(float(tiered_cost(amount, sheet.tier_arrays(key), per)), 6)
        return round(sheet.rate(key) * amount / per, 6)
    except MissingPrice:
        return None


def usage_error_status(exc: UsageError) -> int:
    return 413 if exc.kind == "too_large" else 400
