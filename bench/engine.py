"""Benchmark the pricing engine: compare() with break-even and the recommendation, the
200 × 200 grid, and the chart series a snapshot adds (cost curve, cheaper-side map).

Run from the repository root: ``.venv/bin/python bench/engine.py``. Goals on the 2-core
reference machine: compare() median <= 5 ms, grid median <= 100 ms, a comparison with three
ranged inputs (uncertainty grid and sensitivity included) median <= 20 ms.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.pricing.compare import compare  # noqa: E402
from advisor.pricing.grid import cheaper_grid  # noqa: E402
from advisor.pricing.series import cheaper_map, cost_curve  # noqa: E402
from advisor.pricing.sheet import BookInfo, InstanceType, PriceSheet, sheet_from_rows  # noqa: E402
from advisor.pricing.uncertainty import cost_band, uncertainty, what_if  # noqa: E402
from advisor.pricing.workload import Workload, parse_workload  # noqa: E402

COMPARE_RUNS = 300
GRID_RUNS = 30


def seeded_sheet() -> PriceSheet:
    """The us-east-1 book of the seed fixture (plain JSON; no database needed)."""
    data = json.loads((ROOT / "fixtures" / "price_books.json").read_text())
    book = next(b for b in data["price_books"] if b["region"] == "us-east-1")
    rates = [(r["key"], None if r["tier_upto"] is None else float(r["tier_upto"]), float(r["price"]))
             for r in book["rates"]]
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


RANGED: dict[str, Workload] = {
    # The goal's case: traffic, duration and memory guessed (memory rebuilds the EC2 model).
    "3 ranges: requests, duration, memory": parse_workload(
        {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
         "front_door": "http_api",
         "ranges": {"requests_per_month": [1e7, 5e7, 3e8], "duration_ms": [60, 120, 400],
                    "memory_mb": [512, 1024, 2048]}}),
    # The dearest three: every one changes the EC2 model (5 × 5 × 5 models).
    "3 ranges: memory, peak to average, CPU share": parse_workload(
        {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
         "front_door": "alb", "traffic": {"peak_to_average": 3}, "ec2": {"cpu_share": 0.5},
         "ranges": {"memory_mb": [512, 1024, 2048], "traffic.peak_to_average": [1.5, 3, 8],
                    "ec2.cpu_share": [0.2, 0.5, 1]}}),
    "all 7 inputs ranged": parse_workload(
        {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
         "traffic": {"peak_to_average": 3}, "ec2": {"cpu_share": 0.5},
         "needs": {"lambda_ops_hours_per_month": 1},
         "ranges": {"requests_per_month": [1e7, 5e7, 3e8], "duration_ms": [60, 120, 400],
                    "memory_mb": [512, 1024, 2048], "traffic.peak_to_average": [1.5, 3, 8],
                    "ec2.cpu_share": [0.2, 0.5, 1], "needs.ops_hours_per_month": [2, 8, 20],
                    "needs.lambda_ops_hours_per_month": [0, 1, 4]}}),
}


def ranged(sheet: PriceSheet) -> None:
    """Comparisons with ranges, each beside the same workload's plain compare() (no
    uncertainty) measured in the same run: the ratio survives a noisy, shared machine."""
    print("\nranged comparisons (compare() incl. break-even, recommendation and uncertainty)")
    for label, w in RANGED.items():
        base, _ = timed(lambda w=w: compare(w, sheet, with_uncertainty=False), COMPARE_RUNS)
        med, worst = timed(lambda w=w: compare(w, sheet), COMPARE_RUNS)
        alone, _ = timed(lambda w=w: uncertainty(sheet, w, 1.0, 1.0), COMPARE_RUNS)
        goal = "  [goal <= 20 ms]" if label.startswith("3 ranges: requests") else ""
        print(f"  {label}: median {med:.2f} ms, max {worst:.2f} ms over {COMPARE_RUNS} runs"
              f"{goal}; uncertainty alone {alone:.2f} ms; plain compare() {base:.2f} ms "
              f"(ranged / plain = {med / base:.1f}x)")
    w = next(iter(WORKLOADS.values()))
    volumes = cost_curve(w, sheet)["requests_per_month"]
    band, _ = timed(lambda: cost_band(sheet, w, volumes), GRID_RUNS)
    cases, _ = timed(lambda: what_if(sheet, w), GRID_RUNS)
    print(f"  snapshot additions (default workload, default spreads): cost_band over "
          f"{len(volumes)} volumes {band:.2f} ms, what_if (5 assumptions) {cases:.2f} ms")


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
        plain, _ = timed(lambda w=w: compare(w, sheet, with_uncertainty=False), COMPARE_RUNS)
        print(f"  the same without uncertainty (default spreads): median {plain:.2f} ms "
              f"(with / without = {med / plain:.1f}x)")
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
    ranged(sheet)


if __name__ == "__main__":
    main()
