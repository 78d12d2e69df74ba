"""Benchmark the pricing engine: compare() with break-even and the recommendation, the
200 × 200 grid, and the chart series a snapshot adds (cost curve, cheaper-side map).

Run from the repository root: ``.venv/bin/python bench/engine.py [REGION]``. Goals on the
2-core reference machine: compare() median <= 5 ms, grid median <= 100 ms; a comparison with
three ranged inputs (uncertainty grid and sensitivity included) median <= 20 ms; a four-option
comparison (Lambda, EC2, Lambda Managed Instances, ECS on Fargate: every pair's break-even and
the choice) median <= 10 ms, also given as a ratio to the two-option compare() of the same run.
Each compare() is also timed, in the same run, on a baseline sheet holding only the 17 types
the book had before it took every current-generation type: the ratio says what the full
catalogue costs on a shared, noisy machine.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

# One BLAS thread, as the web processes run (advisor/pricing/__init__.py), set before numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# seeded_sheet() lives with the engine tests' helpers, so the benchmarks time the very sheet
# the tests check; appended, so nothing there shadows a module of this directory.
sys.path.append(str(ROOT / "tests" / "engine"))

from engine_testlib import seeded_sheet  # noqa: E402

from advisor.pricing.compare import compare  # noqa: E402
from advisor.pricing.grid import cheaper_grid  # noqa: E402
from advisor.pricing.series import cheaper_map, cost_curve  # noqa: E402
from advisor.pricing.sheet import PriceSheet  # noqa: E402
from advisor.pricing.uncertainty import cost_band, uncertainty, what_if  # noqa: E402
from advisor.pricing.workload import Workload, parse_workload  # noqa: E402

COMPARE_RUNS = 300
ALL_OPTIONS = ("lambda", "ec2", "lambda_managed_instances", "fargate")
GRID_RUNS = 30


# The catalogue before it held every current-generation type.
BASELINE_TYPES = ("t3.micro", "t3.small", "t3.medium", "t3.large", "t4g.micro", "t4g.small",
                  "t4g.medium", "t4g.large", "m5.large", "m6i.large", "m6i.xlarge", "m7g.large",
                  "m7g.xlarge", "c6i.large", "c7g.large", "c7g.xlarge", "r6i.large")


def numpy_floor(w: Workload, sheet: PriceSheet, requests: np.ndarray,
                durations: np.ndarray, instance_type: str) -> np.ndarray:
    """The map's arithmetic at its least, written straight in numpy: Lambda's request and
    GB-second charges (free allowances, the first duration tier) and the fleet of the type
    compare() chose, sized by ceil() at the busiest hour, for every cell; no tiers, no choice
    among types, no load levels, no other line. What any vectorised map costs at least."""
    from advisor.pricing.ec2 import build_ec2_model

    arch = w.architecture
    model = build_ec2_model(w, sheet)
    k = next(i for i, t in enumerate(model.types) if t.name == instance_type)
    coef, peak, price = float(model.coef[k]), float(model.levels[-1]), float(model.per_instance_hour[k])
    hours = float(w.hours_per_month)
    p_req = sheet.rate(f"lambda.{arch}.requests") / 1e6
    p_gbs = float(sheet.tier_arrays(f"lambda.{arch}.duration").price[0])
    free_req, free_gbs = sheet.rate("lambda.free.requests"), sheet.rate("lambda.free.gb_seconds")
    r, d = requests[:, None], durations[None, :]
    lam = np.maximum(r - free_req, 0) * p_req \
        + np.maximum(r * np.ceil(d) * (w.memory_mb / 1024 / 1000) - free_gbs, 0) * p_gbs
    fleet = np.maximum(w.ec2.min_instances, np.ceil(r * d * (peak * coef / (hours * 3600))))
    return lam - fleet * (price * hours)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    # Median, not mean: one GC pause or scheduler hiccup must not decide the figure.
    global LAST_CPU
    fn()  # warm caches (profiles, imports)
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    LAST_CPU = statistics.median(cpu) * 1000
    return statistics.median(samples) * 1000, max(samples) * 1000


# The CPU time of the last timed() call (median, ms): on a machine shared with other work the
# wall clock also counts time the scheduler gave to others, this thread's CPU time does not.
LAST_CPU = 0.0
# Every goal of the run: (what, measured, goal, unit), printed together at the end.
GOALS: list[tuple[str, float, float, str]] = []


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
        w = replace(w, region=sheet.book.region)
        base, _ = timed(lambda w=w: compare(w, sheet, with_uncertainty=False), COMPARE_RUNS)
        med, worst = timed(lambda w=w: compare(w, sheet), COMPARE_RUNS)
        alone, _ = timed(lambda w=w: uncertainty(sheet, w, 1.0, 1.0), COMPARE_RUNS)
        goal = "  [goal <= 20 ms]" if label.startswith("3 ranges: requests") else ""
        print(f"  {label}: median {med:.2f} ms, max {worst:.2f} ms over {COMPARE_RUNS} runs"
              f"{goal}; uncertainty alone {alone:.2f} ms; plain compare() {base:.2f} ms "
              f"(ranged / plain = {med / base:.1f}x)")
    w = replace(next(iter(WORKLOADS.values())), region=sheet.book.region)
    volumes = cost_curve(w, sheet)["requests_per_month"]
    band, _ = timed(lambda: cost_band(sheet, w, volumes), GRID_RUNS)
    cases, _ = timed(lambda: what_if(sheet, w), GRID_RUNS)
    print(f"  snapshot additions (default workload, default spreads): cost_band over "
          f"{len(volumes)} volumes {band:.2f} ms, what_if (5 assumptions) {cases:.2f} ms")


SCENARIO_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
                    "ap-northeast-2", "ap-southeast-1")
SCENARIO_PURCHASES = ("on_demand", "reserved_1y", "reserved_3y", "savings_plan_1y",
                      "savings_plan_3y", "spot")
SCENARIO_RUNS = 15


def scenario_table() -> None:
    """7 regions × 2 architectures × 6 purchase options (84 scenarios, Lambda and EC2) as one
    table, against the same 84 combinations asked one at a time in the same run. The table
    reads each region's sheet once and skips the break-even search; one call at a time reads
    the region's sheet and runs a full compare() each time (what 84 requests to
    /api/v1/compare would cost with nothing kept between them)."""
    from advisor.pricing.scenarios import scenarios
    from advisor.pricing.workload import WorkloadError

    data = {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
            "region": "ap-northeast-2"}
    vary = {"region": list(SCENARIO_REGIONS), "architecture": ["x86_64", "arm64"],
            "ec2.purchase": list(SCENARIO_PURCHASES)}

    def table() -> dict:
        sheets: dict[str, PriceSheet] = {}

        def sheet_for(region: str) -> PriceSheet:
            if region not in sheets:
                sheets[region] = seeded_sheet(region)
            return sheets[region]
        return scenarios(data, vary, sheet_for)

    combos = [(r, a, p) for r in SCENARIO_REGIONS for a in ("x86_64", "arm64")
              for p in SCENARIO_PURCHASES]

    def one_at_a_time(full: bool, sheets: dict[str, PriceSheet] | None = None) -> None:
        for region, arch, purchase in combos:
            w = parse_workload({**data, "region": region, "architecture": arch,
                                "ec2": {"purchase": purchase}})
            sheet = sheets[region] if sheets else seeded_sheet(region)
            with contextlib.suppress(WorkloadError):  # refused, as the table's row is
                compare(w, sheet, with_break_even=full, with_uncertainty=full)

    result = table()
    refused = sum(1 for row in result["scenarios"] if row["refused"])
    loaded = {r: seeded_sheet(r) for r in SCENARIO_REGIONS}
    med, worst = timed(table, SCENARIO_RUNS)
    single, _ = timed(lambda: one_at_a_time(True), SCENARIO_RUNS)
    warm, _ = timed(lambda: one_at_a_time(True, loaded), SCENARIO_RUNS)
    bare, _ = timed(lambda: one_at_a_time(False, loaded), SCENARIO_RUNS)
    load, _ = timed(lambda: seeded_sheet("us-east-1"), SCENARIO_RUNS)
    print(f"\nscenario table, 7 regions x 2 architectures x 6 purchase options "
          f"({result['count']} scenarios, {refused} refused for a missing price)")
    print(f"  table: median {med:.1f} ms, max {worst:.1f} ms over {SCENARIO_RUNS} runs "
          f"[goal <= 250 ms]")
    print(f"  84 single calls (sheet read + full compare() each): median {single:.1f} ms; "
          f"table / single = {med / single:.2f}  [goal <= 0.5]")
    print(f"  84 single full compare() calls, sheets already read: {warm:.1f} ms "
          f"(table / these = {med / warm:.2f}); 84 compare() without break-even or "
          f"uncertainty, sheets read: {bare:.1f} ms; one sheet read {load:.1f} ms")


def main() -> None:
    region = sys.argv[1] if len(sys.argv) > 1 else "us-east-1"
    sheet = seeded_sheet(region)
    baseline = seeded_sheet(region, BASELINE_TYPES)
    cpu = platform.processor() or platform.machine()
    print(f"machine: {platform.platform()}; {cpu}; {os.cpu_count()} CPUs; "
          f"Python {platform.python_version()}; numpy {np.__version__}; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{region}: {len(sheet.instance_types)} instance types; baseline "
          f"{len(baseline.instance_types)}")
    requests = np.geomspace(1e3, 1e11, 200)
    durations = np.geomspace(1, 30_000, 200)
    for label, w in WORKLOADS.items():
        w = replace(w, region=region)
        result = compare(w, sheet)
        med, worst = timed(lambda w=w: compare(w, sheet), COMPARE_RUNS)
        cpu = LAST_CPU
        bmed, _ = timed(lambda w=w: compare(w, baseline), COMPARE_RUNS)
        print(f"\n{label}")
        print(f"  compare() incl. break-even ({len(result.break_even)} points, "
              f"{result.ec2.types_considered} types considered, {len(result.ec2.candidates)} "
              f"on the frontier, chose {result.ec2.instance_type}): median {med:.2f} ms, max "
              f"{worst:.2f} ms over {COMPARE_RUNS} runs, CPU {cpu:.2f} ms  [goal <= 5 ms]; "
              f"baseline (17 types) "
              f"{bmed:.2f} ms, ratio {med / bmed:.2f}")
        GOALS.append((f"compare(), {label}", med, 5.0, "ms"))
        plain, _ = timed(lambda w=w: compare(w, sheet, with_uncertainty=False), COMPARE_RUNS)
        print(f"  the same without uncertainty (default spreads): median {plain:.2f} ms "
              f"(with / without = {med / plain:.1f}x)")
        gmed, gworst = timed(lambda w=w: cheaper_grid(w, sheet, requests, durations), GRID_RUNS)
        gcpu = LAST_CPU
        floor, _ = timed(lambda w=w, t=result.ec2.instance_type: numpy_floor(
            w, sheet, requests, durations, t), GRID_RUNS)
        fcpu = LAST_CPU
        print(f"  cheaper_grid 200 x 200: median {gmed:.1f} ms, max {gworst:.1f} ms "
              f"over {GRID_RUNS} runs  [goal <= 100 ms]; numpy floor (one type, one level, "
              f"two Lambda charges) {floor:.2f} ms: {gmed / floor:.0f} x the floor; in CPU "
              f"time {gcpu:.1f} / {fcpu:.2f} ms = {gcpu / fcpu:.0f} x  [goal <= 20 x]")
        GOALS.append((f"cheaper_grid / floor, {label}", gmed / floor, 20.0, "x"))
        GOALS.append((f"cheaper_grid / floor in CPU time, {label}", gcpu / fcpu, 20.0, "x"))
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
        GOALS.append((f"four options (stretch), {label}", omed, 10.0, "ms"))
    ranged(sheet)
    scenario_table()
    print(f"\ngoals (load average now {os.getloadavg()[0]:.1f})")
    for what, value, goal, unit in GOALS:
        print(f"  {'met ' if value <= goal else 'MISSED'} {what}: {value:.2f} {unit} "
              f"[goal <= {goal:g} {unit}]")


if __name__ == "__main__":
    main()
