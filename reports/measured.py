"""The measured-usage summary a saved report keeps: plain numbers, never the file.

When "Start from measured usage" reads a file on /, the server picks the summary's known
numbers (``summarise``) and signs them (``sign``); the usage result carries that token in a
hidden field of the "Save and share" form. Saving verifies the signature (``unsign``) and keeps
the summary in the report's snapshot as ``measured``. A client cannot make up a measurement:
a token that was altered, was made with another secret or is older than ``MAX_AGE`` is
ignored, and the report is saved without ``measured`` (the comparison itself never depends on
it). Request IDs, ARNs and account IDs never enter the summary: only the keys below do.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from django.core import signing

logger = logging.getLogger(__name__)

SALT = "reports.measured.v1"
# A page left open for a working day and then saved still keeps its measurement.
MAX_AGE_S = 24 * 3600
# Longest accepted token (characters); the summary of a month of hours compresses to a few KB.
MAX_TOKEN = 32 * 1024
# Hourly counts kept: a month of hours. A longer series is left out (the totals stay).
MAX_HOURS = 31 * 24
# Largest number accepted anywhere in the summary (invocations, dollars, hours).
MAX_NUMBER = 1e15

FORMATS = frozenset({"lambda_report_text", "lambda_report_json", "filter_log_events",
                     "cloudwatch_metrics", "cur2", "cur_legacy", "focus"})
NUMBERS = ("invocations", "span_hours", "billed_duration_ms_mean", "billed_gb_seconds",
           "memory_mb", "cold_starts", "cold_start_rate", "init_duration_ms_mean", "timeouts",
           "busiest_hour_to_mean", "period_seconds", "datapoints", "lambda_requests",
           "lambda_gb_seconds", "api_gateway_requests")
GROUPS = {"duration_ms": ("mean", "p50", "p90", "p99", "max"),
          "max_memory_used_mb": ("p50", "p99", "max"),
          "lines": ("read", "used", "skipped", "malformed")}
SOURCES = frozenset({"lambda", "alb"})
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
INSTANCE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,39}$")
HOUR = re.compile(r"^\d{4}-\d\d-\d\dT\d\d(:00)?(:00)?(Z|[+-]\d\d:\d\d)?$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d[T0-9:.+-Z]*$")


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        return None
    return value


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    """The known plain numbers of an importer result (format, measured, bill totals)."""
    m = result.get("measured") or {}
    out: dict[str, Any] = {}
    if result.get("format") in FORMATS:
        out["format"] = result["format"]
    for key in NUMBERS:
        value = _number(m.get(key))
        if value is not None:
            out[key] = value
    for group, keys in GROUPS.items():
        inner = m.get(group)
        if isinstance(inner, dict):
            kept = {k: inner[k] for k in keys if _number(inner.get(k)) is not None}
            if kept:
                out[group] = kept
    if m.get("source") in SOURCES:
        out["source"] = m["source"]
    if isinstance(m.get("region"), str) and REGION.match(m["region"]):
        out["region"] = m["region"]
    hours = m.get("ec2_instance_hours")
    if isinstance(hours, dict):
        kept = {k: v for k, v in list(hours.items())[:50]
                if isinstance(k, str) and INSTANCE.match(k) and _number(v) is not None}
        if kept:
            out["ec2_instance_hours"] = kept
    series = m.get("hourly_requests")
    if isinstance(series, list) and 0 < len(series) <= MAX_HOURS:
        kept_series = [[h, c] for h, c in (p for p in series if isinstance(p, list | tuple)
                                           and len(p) == 2)
                       if isinstance(h, str) and HOUR.match(h) and _number(c) is not None]
        if len(kept_series) == len(series):
            out["hourly_requests"] = kept_series
    bill = result.get("bill")
    if isinstance(bill, dict):
        totals: dict[str, Any] = {}
        for key in ("billed_usd", "priced_usd"):
            value = bill.get(key)
            if value is None or _number(value) is not None:
                totals[key] = value
        period = bill.get("period")
        if isinstance(period, dict):
            totals["period"] = {k: period[k] for k in ("start", "end")
                                if isinstance(period.get(k), str) and DATE.match(period[k])}
        out["bill"] = totals
    return out


# The measured inputs a summary describes: a report keeps the summary only while the workload
# it saves still has them (a visitor who read a file, then chose a preset, saves no claim that
# the preset was measured).
MEASURED_INPUTS = ("requests_per_month", "duration_ms", "memory_mb")


def _measured_inputs(workload: Any) -> dict[str, float]:
    if not isinstance(workload, dict):
        return {}
    return {k: float(workload[k]) for k in MEASURED_INPUTS
            if isinstance(workload.get(k), int | float) and not isinstance(workload[k], bool)}


def sign(result: dict[str, Any]) -> str:
    """A token of the summary of an importer result, and of the inputs it measured, for the
    save form to send back."""
    return signing.dumps({"summary": summarise(result),
                          "inputs": _measured_inputs(result.get("workload"))},
                         salt=SALT, compress=True)


def unsign(token: str, workload: Any = None) -> dict[str, Any] | None:
    """The summary in a token this server made (within MAX_AGE_S) whose measured inputs the
    saved ``workload`` still has (not checked when ``workload`` is None); None otherwise."""
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:  # SignatureExpired is one too
        logger.info("a measured-usage token was refused (altered, foreign or expired)")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("summary"), dict):
        return None
    measured_inputs = data.get("inputs") or {}
    saved = _measured_inputs(workload)
    differs = sorted(k for k, v in measured_inputs.items()
                     if k not in saved or not math.isclose(saved[k], v, rel_tol=1e-6,
                                                           abs_tol=1e-9))
    if workload is not None and differs:
        logger.info("a measured-usage summary was left out: the saved workload's %s differ "
                    "(%s against %s)", ", ".join(differs),
                    [saved.get(k) for k in differs], [measured_inputs[k] for k in differs])
        return None
    found = data["summary"]
    # Made by this server from the same keys; picked again so an older shape cannot slip in.
    return summarise({"format": found.get("format"), "measured": found,
                      "bill": found.get("bill")})


def csv_rows(measured: dict[str, Any] | None) -> list[list[str]]:
    """``measured`` rows for the report's CSV: every number but the hourly series."""
    if not measured:
        return []
    rows: list[list[str]] = []
    for key, value in measured.items():
        if key == "hourly_requests":
            continue
        if isinstance(value, dict):
            rows += [["measured", f"{key}.{k}", "" if v is None else str(v), ""]
                     for k, v in value.items() if not isinstance(v, dict)]
            if key == "bill" and isinstance(value.get("period"), dict):
                rows += [["measured", f"bill.period.{k}", str(v), ""]
                         for k, v in value["period"].items()]
        else:
            rows.append(["measured", key, str(value), ""])
    return rows
