"""The engine's shortcuts give the general path's figures to the last bit.

A keystroke prices one workload at one or a few volumes many times: those are priced in
Python floats (LambdaCurve, tiered_cost_float, the ranges' axes), a tiered charge over many
volumes by looking up each one's tier, a fixed fleet laid out types × loads, the ranges'
grid one model block at a time. Each is the same operations in the same order as the
general path, so every figure must be equal bit for bit (the sign of a zero included),
not approximately.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from engine_testlib import make_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.pricing import uncertainty as unc
from advisor.pricing.ec2 import build_ec2_model
from advisor.pricing.lambda_ import FLOAT_MAX, LAMBDA_ITEMS, LambdaCurve, lambda_items
from advisor.pricing.network import mean_of
from advisor.pricing.sheet import (
    TierArrays,
    float_maximum,
    float_minimum,
    noise_ceil,
    noise_ceil_float,
    tiered_cost,
    tiered_cost_float,
)
from advisor.pricing.workload import Workload, parse_workload

SHEET = make_sheet()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, 1e300, math.inf, -math.inf, math.nan]


def same(a: Any, b: Any) -> bool:
    """Bit for bit: the same shape, and the same bytes (-0.0 is not 0.0; NaN is NaN)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def tier_by_tier(q: np.ndarray, tiers: TierArrays) -> np.ndarray:
    """A tiered charge as the running sum over every tier, the tiers above a quantity
    included (they add 0.0): the reference of tiered_cost's lookup."""
    total = np.minimum(np.maximum(q - tiers.lower[0], 0.0), tiers.width[0]) * tiers.price[0]
    for lower, width, price in zip(tiers.lower[1:], tiers.width[1:], tiers.price[1:],
                                   strict=True):
        total = total + np.minimum(np.maximum(q - lower, 0.0), width) * price
    return total


def tier_table(bounds: list[float], prices: list[float]) -> TierArrays:
    upper = np.array([*bounds, math.inf])
    lower = np.array([0.0, *bounds])
    return TierArrays(lower, upper - lower, np.array(prices))


TABLES = [
    SHEET.tier_arrays("lambda.x86_64.duration"),
    SHEET.tier_arrays("apigw.rest.requests"),
    SHEET.tier_arrays("transfer.out"),
    tier_table([10.0, 1e3, 1e9, 5e9], [0.5, 0.25, 0.1, 0.0, 0.05]),
]


def test_float_maximum_and_minimum_are_numpys() -> None:
    # numpy picks the second of two equal values (0.0 and -0.0), the builtins the first.
    for a in SPECIAL:
        for b in SPECIAL:
            assert same(float_maximum(a, b), np.maximum(np.array([a]), np.array([b]))[0])
            assert same(float_minimum(a, b), np.minimum(np.array([a]), np.array([b]))[0])


@given(st.floats(0, 1e15) | st.sampled_from([0.0, 1.0, 3.0, 1e11 + 0.05, 2.0 ** 53, math.inf]))
@settings(deadline=None)
def test_noise_ceil_float_is_noise_ceil(x: float) -> None:
    for value in (x, math.nextafter(x, math.inf), math.nextafter(x, 0.0)):
        assert same(noise_ceil_float(value), noise_ceil(value))


@pytest.mark.parametrize("tiers", TABLES)
@given(st.lists(st.floats(0, 1e13) | st.sampled_from([0.0, 6e9, 1.5e10, 333e6, 1e9, 5e9, 10.0]),
                min_size=1, max_size=40))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_tiered_cost_lookup_and_float_are_the_running_sum(tiers: TierArrays,
                                                          quantities: list[float]) -> None:
    q = np.array(quantities)
    q = np.concatenate([q, np.nextafter(q, math.inf), np.nextafter(q, 0.0), tiers.lower])
    expected = tier_by_tier(q, tiers)
    assert same(tiered_cost(q, tiers), expected)
    assert same(tiered_cost(q, tiers, per=1e6), expected / 1e6)
    assert same([tiered_cost_float(x, tiers) for x in q.tolist()], expected)


def test_mean_of_is_np_mean() -> None:
    rng = np.random.default_rng(1)
    for size in (1, 7, 8, 9, 24, 168, 1000):
        for _ in range(50):
            x = rng.uniform(0, 10, size) * 10.0 ** rng.uniform(-5, 5)
            assert mean_of(x) == float(np.mean(x))


@st.composite
def workloads(draw: st.DrawFn) -> Workload:
    data: dict[str, Any] = {
        "requests_per_month": draw(st.floats(0, 1e12) | st.sampled_from([0.0, -0.0, 1e6])),
        "duration_ms": draw(st.floats(0.5, 30_000)),
        "memory_mb": draw(st.integers(128, 10240)),
        "architecture": draw(st.sampled_from(["x86_64", "arm64"])),
        "ephemeral_storage_mb": draw(st.sampled_from([512, 2048, 10240])),
        "free_tier": draw(st.booleans()),
        "billing_granularity_ms": draw(st.sampled_from([1, 100])),
        "hours_per_month": draw(st.sampled_from([720, 730, 744])),
        "cold_start_rate": draw(st.sampled_from([0, 0.01, 0.5])),
        "init_duration_ms": draw(st.sampled_from([0, 250.5])),
        "front_door": draw(st.sampled_from(["none", "http_api", "rest_api", "alb",
                                            "function_url"])),
        "payload_kb": draw(st.floats(0, 2000)),
        "data_transfer_out_gb": draw(st.sampled_from([0, 50, 5e4])),
        "lambda_log_bytes_per_request": draw(st.sampled_from([0, 300, 1e6])),
        "ec2_log_bytes_per_request": draw(st.sampled_from([0, 200])),
        "lambda_in_vpc_with_internet": draw(st.booleans()),
        "traffic": {"peak_to_average": draw(st.floats(1, 50)),
                    "profile": draw(st.sampled_from(["flat", "business_hours", "spiky"]))},
        "ec2": {"min_instances": draw(st.integers(1, 4)),
                "scaling": draw(st.sampled_from(["fixed", "autoscale"])),
                "cpu_share": draw(st.floats(0.05, 1)),
                "load_balancer": draw(st.sampled_from(["alb", "nlb", "none"]))},
    }
    if draw(st.booleans()):
        data["provisioned_concurrency"] = draw(st.integers(1, 50))
        data["provisioned_share_of_requests"] = draw(st.floats(0, 1))
    return parse_workload(data)


volumes = st.lists(st.floats(0, 1e13) | st.sampled_from([0.0, -0.0, 1e6, 6.7e6, 1e9]),
                   min_size=1, max_size=FLOAT_MAX)


@FAST
@given(workloads(), volumes, st.lists(st.floats(0.5, 30_000), min_size=FLOAT_MAX,
                                      max_size=FLOAT_MAX))
def test_lambda_curve_in_floats_is_the_array_path(w: Workload, x: list[float],
                                                  durations: list[float]) -> None:
    curve = LambdaCurve(SHEET, w)
    few = np.array(x)
    many = np.concatenate([few, np.geomspace(1, 1e12, FLOAT_MAX + 1)])  # the array path
    assert same(curve.total(few), curve.total(many)[:few.size])
    d = np.array(durations[:few.size])
    many_d = np.concatenate([d, np.full(FLOAT_MAX + 1, 120.0)])
    assert same(curve.grid_total(few, d), curve.grid_total(many, many_d)[:few.size])
    assert same(curve.grid_total(few), curve.grid_total(many)[:few.size])
    # The curve prices Lambda with its own copy of the billing rules: its totals must stay
    # lambda_items' (the rules' other home, used by the series, scenarios and options).
    items_at_many, _ = lambda_items(SHEET, w, many)
    summed = sum(np.broadcast_to(items_at_many[k], many.shape) for k in LAMBDA_ITEMS)
    assert np.allclose(curve.grid_total(many), summed, rtol=1e-12, atol=1e-9)
    # compare()'s Lambda column: lambda_items' figures at the workload's own volume.
    r = float(w.requests_per_month)
    items, detail = curve.at(r)
    array_items, cost = lambda_items(SHEET, w, r)
    assert all(same(items[k], array_items[k]) for k in LAMBDA_ITEMS)
    assert same(detail.gb_seconds, cost.gb_seconds)
    assert same(detail.provisioned_gb_seconds, cost.provisioned_gb_seconds)
    assert same(detail.provisioned_environments, cost.provisioned_environments)
    assert same(detail.provisioned_duration, cost.provisioned_duration)


@FAST
@given(workloads(), volumes)
def test_a_fixed_fleets_total_is_every_type_sized(w: Workload, x: list[float]) -> None:
    """Ec2Model.total's one-level layout (types × loads) against instance_hours' (loads ×
    types): the same fleets, the same cheapest one."""
    model = build_ec2_model(w, SHEET)
    r = np.abs(np.array(x))  # -0.0 volumes are the float paths' concern, not the fleet's
    for requests in (r, np.geomspace(1, 1e12, 265)):
        avg = requests / (model.hours * 3600)
        hours, _ = model.instance_hours(avg, w.duration_ms, model.frontier)
        fleet = (hours * model.per_instance_hour[model.frontier]).min(axis=-1)
        expected = fleet + model.fixed_monthly + model.lb_per_avg_rps * avg + model.logs(requests)
        assert same(model.total(requests), expected)


@pytest.mark.parametrize("ranges", [
    {},
    {"requests_per_month": [2e6, 1e7, 5e7], "duration_ms": [60, 120, 400]},
    {"memory_mb": [256, 512, 2048], "traffic.peak_to_average": [1.5, 3, 6],
     "ec2.cpu_share": [0.2, 1, 1], "requests_per_month": [1e6, 1e7, 1e8]},
    {"traffic.peak_to_average": [1, 3, 3]},
])
@pytest.mark.parametrize("front_door", ["http_api", "alb"])
def test_the_grid_prices_each_model_once_with_the_flat_paths_figures(
        ranges: dict[str, list[float]], front_door: str) -> None:
    data = {"requests_per_month": 1e7, "duration_ms": 120, "memory_mb": 512,
            "front_door": front_door, "traffic": {"peak_to_average": 3},
            "ec2": {"cpu_share": 1}, "ranges": ranges}
    w = parse_workload(data)
    found, _ = unc.effective_ranges(w)
    axes = [unc.axis(n, found[n], 1 if n in unc.MODEL_FIELDS else None)
            for n in unc.RANGED_FIELDS if n in found and n not in unc.OPS_FIELDS]
    axes = [a for a in axes if a.nodes.size > 1]
    grid = unc.GridInputs([(a.name, a.nodes) for a in axes])
    flat = {name: np.array(grid[name]) for name in grid}  # the same inputs, as plain arrays
    for side, pricer in unc.PRICERS.items():
        assert same(pricer(SHEET, w, grid), pricer(SHEET, w, flat)), side


@given(st.floats(-50, 50), st.floats(1e-9, 50), st.integers(2, 12))
@settings(deadline=None)
def test_linspace_in_floats_is_numpys(start: float, width: float, num: int) -> None:
    stop = start + width
    assert same(unc._linspace(start, stop, num), np.linspace(start, stop, num))


def cdf_reference(t: np.ndarray, a: float, m: float, b: float) -> np.ndarray:
    """The triangular CDF over an array, as numpy evaluates it."""
    t = np.minimum(np.maximum(t, a), b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rising = (t - a) ** 2 / ((b - a) * (m - a)) if m > a else np.zeros_like(t)
        falling = 1 - (b - t) ** 2 / ((b - a) * (b - m)) if b > m else np.ones_like(t)
        cdf = np.where(t <= m, rising, falling)
    bad = ~np.isfinite(cdf)
    cdf[bad & (t <= m)] = 0.0
    cdf[bad & (t > m)] = 1.0
    return np.minimum(np.maximum(cdf, 0.0), 1.0)


@given(st.floats(-30, 30), st.floats(0, 1), st.floats(1e-300, 30),
       st.lists(st.floats(-40, 70), min_size=1, max_size=20))
@settings(deadline=None)
def test_the_axis_cdf_in_floats_is_numpys(a: float, mode: float, width: float,
                                          points: list[float]) -> None:
    b = a + width
    m = a + mode * (b - a)
    t = np.array([a, m, b, *points])
    assert same([unc._cdf(x, a, m, b) for x in t.tolist()], cdf_reference(t, a, m, b))
