"""Traffic profiles: the 168 hourly weights of a week that an autoscaling EC2 fleet follows.

A weight is the hour's request rate divided by the monthly average, so every profile has
mean exactly 1 and, where feasible, its busiest hour exactly ``peak_to_average``. Hours run
Monday 00:00 .. Sunday 23:00 in the workload's local time. Base shapes (before scaling):

- ``flat``: every hour 1, except one busiest hour (Wednesday 12:00) at 2.
- ``business_hours``: weekdays 08-18 at 1.0 with the busiest hour Tuesday 14:00 at 1.2,
  shoulders (06-08, 18-22) 0.4, nights 0.1; weekends 0.25 by day (08-22) and 0.1 at night.
- ``spiky``: a baseline of 1 with a daily spike at 09:00 (3) and 19:00 (2); Monday 09:00 is
  the week's biggest spike (6).

Scaling a base shape ``s`` to peak ``p``: first the affine map
``w = 1 + (p - 1)(s - mean s) / (max s - mean s)``, which keeps the mean at 1 and puts the
busiest hour at ``p``. When that would push a quiet hour below zero, a "water level" ``t`` is
raised instead: ``w ∝ max(s - t, 0)``, solved so that max/mean = ``p`` (quiet hours go to 0).
A week of hourly averages cannot peak above 168 / (number of busiest hours), i.e. 168 for
these shapes (all traffic in one hour): beyond that the weights are capped there, and the
fleet sizing still uses ``p`` for its busiest hour (see :func:`sizing_levels`).
With ``peak_to_average`` 1 every shape is every hour 1.

``custom``: a measured week (``traffic.hourly_weights``). 168 weights are one week, Monday
00:00 UTC first (the clock AWS's logs and metrics keep); 24 weights are one day, 00:00 UTC
first, repeated for every day. They are normalised to mean 1 on input
(:func:`normalise_weights`), so the busiest hour is ``max(weights)`` × the mean and
``peak_to_average`` is derived from them. At that peak the week is the weights themselves;
at another peak (an uncertainty range, a "what if") the measured week is the base shape and
is stretched or flattened by the same rule as the shapes above. Pricing only depends on
how many hours sit at each level, never on which hour of the week they fall on.

Few distinct levels per shape keep EC2 sizing cheap: it is evaluated once per level (up to
168 for a measured week).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np
import pandas as pd

PROFILES: tuple[str, ...] = ("flat", "business_hours", "spiky")
CUSTOM = "custom"
# A measured shape: one day (repeated for every day of the week) or one week.
WEIGHT_COUNTS: tuple[int, ...] = (24, 168)
DAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS_PER_WEEK = 168


@cache
def _base_shape(profile: str) -> pd.Series:
    index = pd.MultiIndex.from_product([DAYS, range(24)], names=["day", "hour"])
    day = index.get_level_values("day")
    hour = index.get_level_values("hour")
    weekday = day.isin(DAYS[:5])
    if profile == "flat":
        level = np.where((day == "Wed") & (hour == 12), 2.0, 1.0)
    elif profile == "business_hours":
        shoulder = ((hour >= 6) & (hour < 8)) | ((hour >= 18) & (hour < 22))
        office = (hour >= 8) & (hour < 18)
        level = np.select(
            [(day == "Tue") & (hour == 14), weekday & office, weekday & shoulder,
             ~weekday & (hour >= 8) & (hour < 22)],
            [1.2, 1.0, 0.4, 0.25], default=0.1)
    elif profile == "spiky":
        level = np.select([(day == "Mon") & (hour == 9), hour == 9, hour == 19],
                          [6.0, 3.0, 2.0], default=1.0)
    else:
        raise ValueError(f"unknown traffic profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return pd.Series(level, index=index, dtype=float)


def normalise_weights(values: Sequence[float]) -> tuple[float, ...]:
    """Hourly weights scaled to mean 1, as given in length (24 or 168).

    Weights already at mean 1 (an echoed result, a saved report) come back unchanged to the
    last bit, so a workload read back prices exactly as before. Dividing by the largest weight
    first keeps tiny or huge inputs finite. The caller has checked: finite, >= 0, not all 0.
    """
    w = [float(v) for v in values]
    mean = math.fsum(w) / len(w)
    if abs(mean - 1.0) <= 1e-12:
        return tuple(w)
    top = max(w)
    scaled = [v / top for v in w]
    mean = math.fsum(scaled) / len(scaled)
    return tuple(v / mean for v in scaled)


def week_of(weights: Sequence[float]) -> np.ndarray:
    """168 hourly weights from 24 (one day, repeated) or 168 (one week)."""
    w = np.asarray(weights, dtype=float)
    return np.tile(w, HOURS_PER_WEEK // w.size) if w.size == 24 else w


def weights_peak(weights: Sequence[float]) -> float:
    """The busiest hour of normalised weights, × the mean: the derived peak_to_average."""
    return float(max(weights))


def _shape(profile: str, custom: tuple[float, ...]) -> np.ndarray:
    if profile == CUSTOM:
        if len(custom) not in WEIGHT_COUNTS:
            raise ValueError("the custom traffic profile needs 24 or 168 hourly weights")
        return week_of(custom)
    return _base_shape(profile).to_numpy()


def max_peak(profile: str, custom: Sequence[float] = ()) -> float:
    """The largest busiest-hour/mean ratio a week of this shape can carry."""
    s = _shape(profile, tuple(custom))
    return HOURS_PER_WEEK / int((s == s.max()).sum())


@lru_cache(maxsize=256)
def _weights(profile: str, peak_to_average: float, custom: tuple[float, ...] = ()) -> np.ndarray:
    s = _shape(profile, custom)
    p = float(peak_to_average)
    if profile == CUSTOM and math.isclose(p, float(s.max()), rel_tol=1e-12):
        # The measured week at its own peak: the weights as given (normalised on input).
        w = s / s.mean() if abs(s.mean() - 1.0) > 1e-12 else s.copy()
    elif p <= 1.0 or s.max() - s.mean() <= 1e-12 * s.max():
        # Peak 1, or a flat measured week with nothing to stretch (its cap is 1: the fleet
        # sizing still takes p for the busiest hour, see _levels).
        w = np.ones(HOURS_PER_WEEK)
    else:
        top = s == s.max()
        w = 1.0 + (p - 1.0) * (s - s.mean()) / (s.max() - s.mean())
        if w.min() < -1e-12:
            p_cap = HOURS_PER_WEEK / int(top.sum())
            w = np.where(top, p_cap, 0.0) if p >= p_cap else _water_level(s, top, p)
        w = np.clip(w, 0.0, None)
        w[top] = min(p, HOURS_PER_WEEK / int(top.sum()))
        rest = ~top
        if rest.any() and w[rest].sum() > 0:
            # Rescale the quiet hours so the mean is 1 to the last bit, the peak staying put.
            w[rest] *= (HOURS_PER_WEEK - w[top].sum()) / w[rest].sum()
    w.setflags(write=False)
    return w


def _water_level(s: np.ndarray, top: np.ndarray, p: float) -> np.ndarray:
    """Weights ∝ max(s - t, 0) with max/mean = p; max/mean rises monotonically with t.

    Between two adjacent distinct values of ``s`` the hours above ``t`` are fixed, so
    (max s - t) · 168 = p · (sum above - count above · t) is linear in t: solve per segment.
    """
    values = np.unique(s)
    smax = float(values[-1])
    t = float(values[0])
    for lo, hi in zip(values[:-1], values[1:], strict=True):
        above = s > lo
        n, total = int(above.sum()), float(s[above].sum())
        cand = (p * total - HOURS_PER_WEEK * smax) / (p * n - HOURS_PER_WEEK)
        if lo <= cand < hi:
            t = cand
            break
    g = np.maximum(s - t, 0.0)
    return g / g.mean()


def weekly_weights(profile: str, peak_to_average: float,
                   custom: Sequence[float] = ()) -> np.ndarray:
    """168 read-only hourly weights (Mon 00:00 first): mean 1, busiest hour min(p, cap).

    ``custom``: the normalised ``traffic.hourly_weights`` of the profile "custom".
    """
    return _weights(profile, float(peak_to_average), tuple(custom))


def profile_frame(profile: str, peak_to_average: float,
                  custom: Sequence[float] = ()) -> pd.DataFrame:
    """The week as a table (day, hour, weight) for charts and the methodology page."""
    index = pd.MultiIndex.from_product([DAYS, range(24)], names=["day", "hour"])
    base = pd.Series(_shape(profile, tuple(custom)), index=index, dtype=float)
    frame = base.rename("base").reset_index()
    frame["weight"] = weekly_weights(profile, peak_to_average, custom)
    return frame


@lru_cache(maxsize=256)
def _levels(profile: str, peak_to_average: float, scaling: str,
            custom: tuple[float, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    p = float(peak_to_average)
    if scaling == "fixed":
        # A fixed fleet is sized for the busiest hour all month.
        levels, share = np.array([p]), np.array([1.0])
    else:
        w = np.array(weekly_weights(profile, p, custom))
        # If the week cannot carry p (cap above), the busiest hour is still sized for p.
        w[w == w.max()] = max(p, float(w.max()))
        levels, counts = np.unique(w, return_counts=True)
        share = counts / HOURS_PER_WEEK
    levels.setflags(write=False)
    share.setflags(write=False)
    return levels, share


def sizing_levels(profile: str, peak_to_average: float, scaling: str,
                  custom: Sequence[float] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Distinct hourly load levels (× average rate) and the share of hours at each.

    Fixed fleets: one level, ``peak_to_average``, all hours. Autoscale: the profile's weights.
    """
    return _levels(profile, float(peak_to_average), scaling, tuple(custom))
