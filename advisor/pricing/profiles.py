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

Few distinct levels per shape keep EC2 sizing cheap: it is evaluated once per level.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import pandas as pd

PROFILES: tuple[str, ...] = ("flat", "business_hours", "spiky")
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


def max_peak(profile: str) -> float:
    """The largest busiest-hour/mean ratio a week of this shape can carry."""
    s = _base_shape(profile).to_numpy()
    return HOURS_PER_WEEK / int((s == s.max()).sum())


@lru_cache(maxsize=256)
def _weights(profile: str, peak_to_average: float) -> np.ndarray:
    s = _base_shape(profile).to_numpy()
    p = float(peak_to_average)
    if p <= 1.0:
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


def weekly_weights(profile: str, peak_to_average: float) -> np.ndarray:
    """168 read-only hourly weights (Mon 00:00 first): mean 1, busiest hour min(p, cap)."""
    return _weights(profile, float(peak_to_average))


def profile_frame(profile: str, peak_to_average: float) -> pd.DataFrame:
    """The week as a table (day, hour, weight) for charts and the methodology page."""
    frame = _base_shape(profile).rename("base").reset_index()
    frame["weight"] = weekly_weights(profile, peak_to_average)
    return frame


@lru_cache(maxsize=256)
def _levels(profile: str, peak_to_average: float, scaling: str) -> tuple[np.ndarray, np.ndarray]:
    p = float(peak_to_average)
    if scaling == "fixed":
        # A fixed fleet is sized for the busiest hour all month.
        levels, share = np.array([p]), np.array([1.0])
    else:
        w = np.array(weekly_weights(profile, p))
        # If the week cannot carry p (cap above), the busiest hour is still sized for p.
        w[w == w.max()] = max(p, float(w.max()))
        levels, counts = np.unique(w, return_counts=True)
        share = counts / HOURS_PER_WEEK
    levels.setflags(write=False)
    share.setflags(write=False)
    return levels, share


def sizing_levels(profile: str, peak_to_average: float, scaling: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct hourly load levels (× average rate) and the share of hours at each.

    Fixed fleets: one level, ``peak_to_average``, all hours. Autoscale: the profile's weights.
    """
    return _levels(profile, float(peak_to_average), scaling)
