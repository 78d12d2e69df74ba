"""Benchmark the pricing engine: compare() with break-even and the recommendation, the
200 × 200 grid, and the chart series a snapshot adds (cost curve, cheaper-side map).

Run from the repository root: ``.venv/bin/python bench/engine.py``. Goals on the 2-core
reference machine: compare() median <= 5 ms, grid median <= 100 ms; a four-option comparison
(Lambda, EC2, Lambda Managed Instances, ECS on Fargate: every pair's break-even and the
choice) median <= 10 ms, also given as a ratio to the two-option compare() of the same run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.pricing.compare import compare  # noqa: E402
from advisor.pricing.grid import cheaper_grid  # noqa: E402
from advisor.pricing.series import cheaper_map, cost_curve  # noqa: E402
from advisor.pricing.sheet import BookInfo, InstanceType, PriceSheet, sheet_from_rows  # noqa: E402
from advisor.pricing.workload import Workload, parse_workload  # noqa: E402

COMPARE_RUNS = 300
ALL_OPTIONS = ("lambda", "ec2", "lambda_managed_instances", "fargate")
GRID_RUNS = 30


def seeded_sheet() -> PriceSheet:
    """The us-east-1 book of the seed fixture (plain JSON; no database needed)."""
    data = json.loads((ROOT / "fixtures" / "price_books.json").read_text())
    book = next(b for b in data["price_books"] if b["region"] == "us-east-1")
    options = json.loads((ROOT / "fixtures" / "price_books.options.json").read_text())
    have = {r["key"] for r in book["rates"]}
    extra = [r for r in options["rates_by_region"].get(book["region"], []) if r["key"] not in have]
    rates = [(r["key"], None if r["tier_upto"] is None else float(r["tier_upto"]), float(r["price"]))
             for r in book["rates"] + extra]
    instances = [
        InstanceType(i["name"], int(i["vcpu"]), float(i["memory_gib"]), i["architecture"],
                     float(i["hourly"]),
                     None if i.get("burstable_baseline") is None else float(i["burstable_baseline"]))
        for i in book["instance_types"]
    ]
    info = BookInfo(None, book["name"], book["region"], book["effective_from"])
    return sheet_from_rows(info, rates, instances)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    # Median, not mean: one GC pause or scheduler hiccup must not decide the figure.
    fn()  # warm caches (profiles, imports)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, max(samples) * 1000


WORKLOADS: dict[str, Workload] = {
    "default (fixed fleet, ALB)": parse_workload(
        {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024}),
    "autoscale, business_hours x3, HTTP API": parse_workload(
        {"requests_per_month": 500_000_000, "duration_ms": 200, "memory_mb": 1024,
         "front_door": "http_api", "traffic": {"peak_to_average": 3, "profile": "business_hours"},
         "ec2": {"scaling": "autoscale"}}),
    # compare() also recommends: this one prices provisioned concurrency for its latency
    # budget and searches the break-even again with operations cost.
    "needs: latency budget, cold starts, NAT": parse_workload(
        {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
         "cold_start_rate": 0.02, "init_duration_ms": 800, "lambda_in_vpc_with_internet": True,
         "nat_processed_gb": 500,
         "needs": {"latency_budget_ms": 300, "private_network": True, "ops_hours_per_month": 12}}),
}


def main() -> None:
    sheet = seeded_sheet()
    cpu = platform.processor() or platform.machine()
    print(f"machine: {platform.platform()}; {cpu}; {os.cpu_count()} CPUs; "
          f"Python {platform.python_version()}; numpy {np.__version__}")
    requests = np.geomspace(1e3, 1e11, 200)
    durations = np.geomspace(1, 30_000, 200)
    for label, w in WORKLOADS.items():
        result = compare(w, sheet)
        med, worst = timed(lambda w=w: compare(w, sheet), COMPARE_RUNS)
        print(f"\n{label}")
        print(f"  compare() incl. break-even ({len(result.break_even)} points): "
              f"median {med:.2f} ms, max {worst:.2f} ms over {COMPARE_RUNS} runs  [goal <= 5 ms]")
        gmed, gworst = timed(lambda w=w: cheaper_grid(w, sheet, requests, durations), GRID_RUNS)
        print(f"  cheaper_grid 200 x 200: median {gmed:.1f} ms, max {gworst:.1f} ms "
              f"over {GRID_RUNS} runs  [goal <= 100 ms]")
        points = result.break_even
        cmed, _ = timed(lambda w=w, p=points: cost_curve(w, sheet, break_even_points=p), GRID_RUNS)
        mmed, _ = timed(lambda w=w, p=points: cheaper_map(w, sheet, break_even_points=p), GRID_RUNS)
        fmed, _ = timed(lambda w=w: (cost_curve(w, sheet), cheaper_map(w, sheet)), GRID_RUNS)
        print(f"  snapshot series: cost_curve median {cmed:.2f} ms, cheaper_map 60 x 40 "
              f"{mmed:.2f} ms (given compare's break-even); both searching it again "
              f"{fmed:.2f} ms")
        four = replace(w, options=ALL_OPTIONS)
        pairs = compare(four, sheet).options.pairs  # type: ignore[union-attr]
        omed, oworst = timed(lambda f=four: compare(f, sheet), COMPARE_RUNS)
        print(f"  four options ({sum(len(p[2]) for p in pairs)} crossings over "
              f"{len(pairs)} pairs): median {omed:.2f} ms, max {oworst:.2f} ms over "
              f"{COMPARE_RUNS} runs, {omed / med:.1f} x the two-option compare()  "
              f"[goal <= 10 ms]")


if __name__ == "__main__":
    main()
