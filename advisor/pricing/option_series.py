"""Chart series for the options beyond Lambda and EC2: each option's total along the cost
curve's volumes, and which compared option is cheapest over the map's volumes × durations.

Plain Python values (a snapshot stores them as JSON), computed on the same axes as
``series.cost_curve`` and ``series.cheaper_map`` so the charts overlay them exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from advisor.pricing.options import prepare, registry
from advisor.pricing.series import _floats
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload


def option_series(workload: Workload, sheet: PriceSheet, curve: Mapping[str, Any],
                  grid: Mapping[str, Any]) -> dict[str, Any]:
    """``{"curve": {option: totals}, "map": {"options": [...], "cheapest": [[index]]}}`` for
    every compared option; the curve holds the options beyond Lambda and EC2 only (the
    curve already has those two)."""
    return {"curve": option_curve(workload, sheet, curve), "map": option_map(workload, sheet, grid)}


def option_curve(workload: Workload, sheet: PriceSheet,
                 curve: Mapping[str, Any]) -> dict[str, list[float]]:
    """Each option beyond Lambda and EC2: its total at each volume of the cost curve."""
    x = np.asarray(curve["requests_per_month"], dtype=float)
    return {n: _floats(prepare(workload, sheet, n).total(x)) for n in workload.extra_options}


def option_map(workload: Workload, sheet: PriceSheet, grid: Mapping[str, Any]) -> dict[str, Any]:
    """Which compared option is cheapest in each cell of the map, and that lowest total."""
    names = [n for n in registry() if n in workload.options]
    r = np.asarray(grid["requests_per_month"], dtype=float)
    d = np.asarray(grid["duration_ms"], dtype=float)
    totals = []
    for n in names:
        fn = prepare(workload, sheet, n).grid_total
        assert fn is not None, n
        totals.append(np.broadcast_to(fn(r[None, :], d[:, None]), (d.size, r.size)))
    stack = np.stack(totals)  # (options, durations, volumes)
    return {"options": names,
            "cheapest": np.argmin(stack, axis=0).astype(int).tolist(),
            "lowest": [_floats(row) for row in stack.min(axis=0)]}
