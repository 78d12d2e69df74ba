"""Benchmark the traffic profile "custom" (measured hourly weights) against the built-in
business_hours shape it can reproduce, in the same run.

A built-in profile has 3 to 5 distinct hourly levels; a measured week up to 168, and the
fleet is sized once per level. Three workloads, each autoscaling behind an HTTP API:

- ``business_hours × 3``: the baseline (bench/engine.py's autoscale workload);
- the same week sent as 168 weights (``custom``): should cost what the baseline costs;
- a measured week of 168 distinct weights (seeded gamma draws): the dearest case.

Printed: compare() (break-even, uncertainty on default spreads, recommendation), four
options, the 200 × 200 grid and the page's 60 × 40 map, each as a median and as a ratio to
the baseline. Run from the repository root: ``.venv/bin/python bench/custom_profile.py``.
"""

from __future__ import annotations

import sys
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import ALL_OPTIONS, seeded_sheet, timed  # noqa: E402

from advisor.pricing.compare import compare  # noqa: E402
from advisor.pricing.grid import cheaper_grid  # noqa: E402
from advisor.pricing.profiles import weekly_weights  # noqa: E402
from advisor.pricing.series import cheaper_map  # noqa: E402
from advisor.pricing.workload import Workload, parse_workload  # noqa: E402

RUNS = 60
GRID_RUNS = 10
BASE = {"requests_per_month": 500_000_000, "duration_ms": 200, "memory_mb": 1024,
        "front_door": "http_api", "ec2": {"scaling": "autoscale"}}


def workloads() -> dict[str, Workload]:
    measured = np.random.default_rng(22).gamma(2.0, 1.0, 168).tolist()
    return {
        "business_hours x3 (baseline)": parse_workload(
            {**BASE, "traffic": {"profile": "business_hours", "peak_to_average": 3}}),
        "the same week as 168 weights": parse_workload(
            {**BASE, "traffic": {"profile": "custom", "hourly_weights":
                                 weekly_weights("business_hours", 3).tolist()}}),
        "a measured week, 168 distinct weights": parse_workload(
            {**BASE, "traffic": {"profile": "custom", "hourly_weights": measured}}),
    }


def grid_peak_mb(w: Workload, sheet: object, requests: np.ndarray, durations: np.ndarray) -> float:
    tracemalloc.start()
    cheaper_grid(w, sheet, requests, durations)  # type: ignore[arg-type]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    sheet = seeded_sheet("us-east-1")
    requests = np.geomspace(1e3, 1e11, 200)
    durations = np.geomspace(1, 30_000, 200)
    base: dict[str, float] = {}
    for label, w in workloads().items():
        levels = len(set(weekly_weights(w.traffic.profile, w.traffic.peak_to_average,
                                        w.traffic.hourly_weights).tolist()))
        four = replace(w, options=ALL_OPTIONS)
        figures = {
            "compare()": timed(lambda w=w: compare(w, sheet), RUNS)[0],
            "four options": timed(lambda f=four: compare(f, sheet), RUNS)[0],
            "grid 200 x 200": timed(lambda w=w: cheaper_grid(w, sheet, requests, durations),
                                    GRID_RUNS)[0],
            "map 60 x 40": timed(lambda w=w: cheaper_map(w, sheet), GRID_RUNS)[0],
        }
        print(f"\n{label}: {levels} distinct hourly levels; EC2 ${compare(w, sheet).ec2.monthly_usd:,.2f}")
        for name, ms in figures.items():
            base.setdefault(name, ms)
            print(f"  {name}: median {ms:.2f} ms ({ms / base[name]:.2f} x the baseline)")
        print(f"  grid 200 x 200 peak memory: {grid_peak_mb(w, sheet, requests, durations):.1f} MB")


if __name__ == "__main__":
    main()
