"""Chart series: both sides' costs along request volume, and the cheaper side over a grid.

Everything returned is plain Python (lists of floats, dicts) so a snapshot can store it as
JSON and render it forever without the engine. Money is unrounded USD a month.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from advisor.pricing.breakeven import workload_break_even
from advisor.pricing.compare import check_region
from advisor.pricing.ec2 import EC2_ITEMS, build_ec2_model, ec2_item_arrays
from advisor.pricing.grid import cost_grid
from advisor.pricing.lambda_ import LAMBDA_ITEMS, lambda_items
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload, WorkloadError

# The curve spans three decades either side of the workload's volume, inside 1 .. 1e12
# (the break-even search range); with no traffic at all, 1 .. 1e9.
SPAN = 1000.0
FLOOR, CEILING = 1.0, 1e12
NO_TRAFFIC_RANGE = (1.0, 1e9)
# The map's durations: 1 ms to Lambda's 15-minute timeout (AWS Lambda quotas).
MIN_DURATION_MS, MAX_DURATION_MS = 1.0, 900_000.0
# Break-even points the curve carries exactly: a pathological workload can cross thousands
# of times, and a snapshot must stay small; the rest show on the log grid.
MAX_CURVE_POINTS = 50


def volume_range(requests_per_month: float, points: Sequence[float] = ()) -> tuple[float, float]:
    """(low, high) of the volume axis: widened to show every break-even point and the
    workload's own volume, so log spacing never leaves a long straight gap on a chart."""
    r = float(requests_per_month)
    if r <= 0:
        low, high = NO_TRAFFIC_RANGE
    else:
        low, high = max(FLOOR, r / SPAN), min(CEILING, r * SPAN)
    marks = [p for p in (*points, r) if p > 0]
    if marks:
        low, high = min(low, *marks), max(high, *marks)
    return low, high


def _with(axis: np.ndarray, extra: Sequence[float]) -> np.ndarray:
    """The axis plus the exact extra values (positive ones), sorted; an axis point within
    float noise of an extra value gives way to it (no near-duplicate x on a chart)."""
    exact = np.array([x for x in extra if x > 0], dtype=float)
    if exact.size:
        near = np.isclose(axis[:, None], exact[None, :], rtol=1e-9, atol=0).any(axis=1)
        axis = axis[~near]
    return np.unique(np.concatenate([axis, exact]))


def _floats(values: np.ndarray) -> list[float]:
    # A NaN or infinity would make the snapshot invalid JSON: refuse the workload instead.
    out = [float(v) for v in np.ravel(values)]
    if not all(math.isfinite(v) for v in out):
        raise WorkloadError({"__all__": [
            "the inputs are too large to price: a chart value is not a finite number"]})
    return out


def nearest_points(points: Sequence[float], requests_per_month: float,
                   limit: int = MAX_CURVE_POINTS) -> list[float]:
    """At most ``limit`` of ``points``: those nearest the workload's volume on a log scale
    (all of them when there are few), ascending."""
    pts = [float(p) for p in points if p > 0]
    if len(pts) <= limit:
        return sorted(pts)
    centre = math.log(requests_per_month) if requests_per_month > 0 else 0.0
    return sorted(sorted(pts, key=lambda p: abs(math.log(p) - centre))[:limit])


def cost_curve(workload: Workload, sheet: PriceSheet, n: int = 120,
               break_even_points: Sequence[float] | None = None) -> dict[str, Any]:
    """Every line item of both sides at ``n`` log-spaced volumes (plus the workload's own
    volume and the break-even points, exactly: at most ``MAX_CURVE_POINTS`` of them, those
    nearest the workload's volume), all other inputs the workload's.

    ``break_even_points`` may pass compare()'s points to avoid searching again. With "auto"
    the EC2 side re-picks the cheapest type at each volume, as break-even does.
    """
    w = workload
    check_region(w, sheet)
    model = build_ec2_model(w, sheet)
    if break_even_points is None:
        break_even_points = workload_break_even(sheet, w, model)
    low, high = volume_range(w.requests_per_month, break_even_points)
    exact = nearest_points(break_even_points, float(w.requests_per_month))
    x = _with(np.geomspace(low, high, n), [*exact, float(w.requests_per_month)])

    lam, _ = lambda_items(sheet, w, x)
    ec2, peaks = ec2_item_arrays(model, x)
    lam_total = sum((lam[k] for k in LAMBDA_ITEMS), np.zeros_like(x))
    ec2_total = sum((ec2[k] for k in EC2_ITEMS), np.zeros_like(x))
    return {
        "requests_per_month": _floats(x),
        "lambda": {k: _floats(np.broadcast_to(lam[k], x.shape)) for k in LAMBDA_ITEMS},
        "ec2": {k: _floats(np.broadcast_to(ec2[k], x.shape)) for k in EC2_ITEMS},
        "lambda_total": _floats(lam_total),
        "ec2_total": _floats(ec2_total),
        "ec2_instances": [int(p) for p in peaks],
    }


def cheaper_map(workload: Workload, sheet: PriceSheet, n_requests: int = 60,
                n_durations: int = 40,
                break_even_points: Sequence[float] | None = None) -> dict[str, Any]:
    """Lambda total − EC2 total over volume × duration (negative: Lambda is cheaper).

    Volumes span the curve's range (from break-even points too) plus the workload's volume;
    durations span 1 ms .. 900,000 ms plus the workload's duration. ``difference`` is indexed
    [duration][volume], the row-per-y layout heatmaps take.
    """
    w = workload
    check_region(w, sheet)
    if break_even_points is None:
        break_even_points = workload_break_even(sheet, w, build_ec2_model(w, sheet))
    low, high = volume_range(w.requests_per_month, break_even_points)
    r = _with(np.geomspace(low, high, n_requests), [float(w.requests_per_month)])
    d = _with(np.geomspace(MIN_DURATION_MS, MAX_DURATION_MS, n_durations), [float(w.duration_ms)])
    grid = cost_grid(w, sheet, r, d)
    diff = grid.difference.T  # (durations, volumes)
    return {
        "requests_per_month": _floats(r),
        "duration_ms": _floats(d),
        "difference": [_floats(row) for row in diff],
    }
