"""From hourly request counts to the contract's traffic inputs: peak-to-average, a measured
hourly profile (24 or 168 weights with mean 1) and the daily range of requests a month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

HOURS_PER_MONTH = 730  # the contract's default month (AWS's calculator)
MAX_PEAK = 1000  # the contract's upper limit of traffic.peak_to_average
RANGE_MIN_DAYS = 3  # whole days needed before the busiest and quietest day mean anything


def traffic(hourly: Mapping[int, float], span_hours: float, total: float) -> dict[str, Any]:
    """``hourly`` maps an hour (hours since the epoch, UTC) to its requests.

    peak_to_average = busiest hour / mean hour of the span (the shape's busiest hour when
    a shape is measured, see below). The profile is measured from the
    whole hours inside the span (the first and last hour are usually partial): by hour of the
    week with 7 days or more, by hour of the day with one day or more; else flat.
    """
    ratio = busiest_hour_ratio(hourly, span_hours, total)
    out: dict[str, Any] = {"peak_to_average": ratio}
    weights = hourly_weights(hourly)
    if weights is not None:
        # With a measured shape the contract takes the shape's own busiest hour as the peak
        # (traffic.hourly_weights: max / mean, within 0.5 %): over more than a week the
        # weights average each hour of the week, so the span's single busiest hour can lie
        # above them; it stays in ``measured`` (the hourly counts).
        ratio = round(min(max(max(weights), 1.0), MAX_PEAK), 4)
        out = {"profile": "custom", "hourly_weights": weights, "peak_to_average": ratio}
    return out


def busiest_hour_ratio(hourly: Mapping[int, float], span_hours: float, total: float) -> float:
    """The span's busiest hour / its mean hour (1 when under an hour), within the contract's
    limits."""
    mean = total / span_hours if span_hours > 0 else 0
    peak = max(hourly.values(), default=0)
    ratio = peak / mean if mean > 0 and span_hours >= 1 else 1.0
    return round(min(max(ratio, 1.0), MAX_PEAK), 4)


def _interior(hourly: Mapping[int, float]) -> range:
    if not hourly:
        return range(0)
    first, last = min(hourly), max(hourly)
    return range(first + 1, last)  # whole hours only


def hourly_weights(hourly: Mapping[int, float]) -> list[float] | None:
    hours = _interior(hourly)
    if len(hours) >= 7 * 24:
        slots, slot_of = 168, _hour_of_week
    elif len(hours) >= 24:
        slots, slot_of = 24, _hour_of_day
    else:
        return None
    sums = [0.0] * slots
    seen = [0] * slots
    for h in hours:
        s = slot_of(h)
        sums[s] += hourly.get(h, 0)
        seen[s] += 1
    means = [sums[i] / seen[i] if seen[i] else 0.0 for i in range(slots)]
    overall = sum(means) / slots
    if overall <= 0:
        return None
    return [round(m / overall, 6) for m in means]


def _hour_of_day(h: int) -> int:
    return h % 24


def _hour_of_week(h: int) -> int:
    # Monday 00:00 UTC is slot 0; 1970-01-01 was a Thursday (3 days after a Monday).
    return (h + 3 * 24) % 168


def daily_range(hourly: Mapping[int, float], expected: float) -> list[float] | None:
    """[quietest whole day, expected, busiest whole day], each a day's requests × 730 / 24;
    None with fewer than RANGE_MIN_DAYS whole UTC days in the span."""
    hours = _interior(hourly)
    if not hours:
        return None
    first_day = -(-hours.start // 24)  # the first midnight at or after the first whole hour
    last_day = hours.stop // 24  # days ending before the last (partial) hour
    days = [sum(hourly.get(d * 24 + i, 0) for i in range(24)) for d in range(first_day, last_day)]
    if len(days) < RANGE_MIN_DAYS:
        return None
    low = min(days) * HOURS_PER_MONTH / 24
    high = max(days) * HOURS_PER_MONTH / 24
    return [round(min(low, expected), 3), expected, round(max(high, expected), 3)]


def hour_label(h: int) -> str:
    return dt.datetime.fromtimestamp(h * 3600, dt.UTC).strftime("%Y-%m-%dT%H:00Z")


def hourly_series(hourly: Mapping[int, float]) -> list[list[Any]]:
    """Every hour of the span, in order, as [ISO hour, requests] (empty hours as 0)."""
    if not hourly:
        return []
    return [[hour_label(h), round(hourly.get(h, 0), 3)]
            for h in range(min(hourly), max(hourly) + 1)]
