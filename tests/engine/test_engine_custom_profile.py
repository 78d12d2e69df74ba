"""The traffic profile "custom": measured hourly weights that the fleets and the peak follow."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from engine_testlib import make_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.pricing.compare import compare
from advisor.pricing.ec2 import build_ec2_model
from advisor.pricing.grid import cost_grid
from advisor.pricing.lambda_ import lambda_total_fn
from advisor.pricing.profiles import max_peak, normalise_weights, sizing_levels, weekly_weights
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import OPTION_NAMES, Workload, WorkloadError, parse_workload

# The us-east-1 rates of Fargate and Lambda Managed Instances (fixtures/price_books.options.json).
OPTION_SHEET = make_sheet({
    "fargate.x86_64.vcpu_hour": 0.04048, "fargate.x86_64.gb_hour": 0.004445,
    "fargate.arm64.vcpu_hour": 0.03238, "fargate.arm64.gb_hour": 0.00356,
    "fargate.ephemeral_gb_hour": 0.000111, "fargate.spot": 0.30,
    "lambda_mi.requests": 0.20, "lambda_mi.management_fee": 0.15,
})

BASE: dict[str, Any] = {"requests_per_month": 5e8, "duration_ms": 120, "memory_mb": 1024}


def errors_of(traffic: Any, **extra: Any) -> dict[str, list[str]]:
    with pytest.raises(WorkloadError) as err:
        parse_workload({**BASE, "traffic": traffic, **extra})
    return err.value.errors


# --- The contract: what is accepted, what is refused and how it says so ------------------------

@pytest.mark.parametrize(("traffic", "message"), [
    ({"profile": "custom", "hourly_weights": [1] * 23},
     "must be 24 or 168 numbers ≥ 0, not all zero (got 23)"),
    ({"profile": "custom", "hourly_weights": [1] * 167},
     "must be 24 or 168 numbers ≥ 0, not all zero (got 167)"),
    ({"profile": "custom", "hourly_weights": [0] * 168},
     "must be 24 or 168 numbers ≥ 0, not all zero (got all zero)"),
    ({"profile": "custom", "hourly_weights": [1] * 23 + [-0.5]},
     "must be 24 or 168 numbers ≥ 0, not all zero (item 23 is -0.5)"),
    ({"profile": "custom", "hourly_weights": [1] * 23 + ["2"]},
     'must be 24 or 168 numbers ≥ 0, not all zero (item 23 is "2")'),
    ({"profile": "custom", "hourly_weights": [1] * 23 + [True]},
     "must be 24 or 168 numbers ≥ 0, not all zero (item 23 is true)"),
    ({"profile": "custom", "hourly_weights": [1] * 23 + [float("inf")]},
     "must be 24 or 168 numbers ≥ 0, not all zero (item 23 is Infinity)"),
    ({"profile": "custom", "hourly_weights": [1] * 23 + [1e301]},
     "must be 24 or 168 numbers ≥ 0, not all zero (item 23 is 1e+301)"),
    ({"profile": "custom", "hourly_weights": "1,2,3"},
     'must be a list of 24 or 168 numbers ≥ 0, not all zero (got "1,2,3")'),
    ({"profile": "custom"}, 'required with traffic.profile "custom": 24 or 168 numbers ≥ 0, '
                            "not all zero"),
    ({"hourly_weights": [1] * 24}, 'only with traffic.profile "custom" (got profile "flat"); '
                                   'leave it out or set traffic.profile to "custom"'),
    ({"profile": "spiky", "hourly_weights": [1] * 24},
     'only with traffic.profile "custom" (got profile "spiky"); leave it out or set '
     'traffic.profile to "custom"'),
])
def test_bad_weights_name_the_field_and_what_is_allowed(traffic: Any, message: str) -> None:
    assert errors_of(traffic) == {"traffic.hourly_weights": [message]}


def test_a_stated_peak_must_be_the_weights_busiest_hour() -> None:
    weights = [1] * 23 + [3]  # mean 26/24: busiest hour 3 / (26/24) = 2.769...
    assert errors_of({"profile": "custom", "hourly_weights": weights, "peak_to_average": 2}) == {
        "traffic.peak_to_average": [
            'with traffic.profile "custom" it is the busiest hour of traffic.hourly_weights, '
            "2.77 × the mean; leave it out or give 2.77 (got 2)"]}
    # Left out, or given rounded as the message says: the weights' own peak, to the last bit.
    for extra in ({}, {"peak_to_average": 2.77}, {"peak_to_average": 2.769230769230769}):
        w = parse_workload({**BASE, "traffic": {"profile": "custom", "hourly_weights": weights,
                                                **extra}})
        assert w.traffic.peak_to_average == max(w.traffic.hourly_weights)
        assert w.traffic.peak_to_average == pytest.approx(3 / (26 / 24), rel=1e-15)
    # A range's middle is the peak too; its ends stretch the measured shape.
    w = parse_workload({**BASE, "traffic": {"profile": "custom", "hourly_weights": weights},
                        "ranges": {"traffic.peak_to_average": [1.5, 2.77, 6]}})
    assert w.range_of("traffic.peak_to_average") == (1.5, w.traffic.peak_to_average, 6)
    assert errors_of({"profile": "custom", "hourly_weights": weights},
                     ranges={"traffic.peak_to_average": [1, 4, 6]})["traffic.peak_to_average"]


def test_weights_are_normalised_echoed_and_read_back_unchanged() -> None:
    counts = [120, 80, 40, 40, 40, 60, 200, 500, 900, 1000, 1100, 1200,
              1150, 1100, 1050, 1000, 950, 900, 800, 600, 400, 300, 200, 160]
    w = parse_workload({**BASE, "traffic": {"profile": "custom", "hourly_weights": counts}})
    echoed = w.to_dict()["traffic"]
    assert len(echoed["hourly_weights"]) == 24  # one day stays one day
    assert math.fsum(echoed["hourly_weights"]) / 24 == pytest.approx(1, abs=1e-12)
    assert echoed["hourly_weights"] == pytest.approx([c / (sum(counts) / 24) for c in counts])
    assert echoed["peak_to_average"] == max(echoed["hourly_weights"]) == pytest.approx(1200 / (13_890 / 24))
    again = parse_workload({**BASE, "traffic": echoed})
    assert again == w  # bit for bit: a saved report prices as before
    # Other profiles read exactly as before the weights existed.
    assert "hourly_weights" not in parse_workload(BASE).to_dict()["traffic"]


def test_normalising_keeps_tiny_and_huge_weights_finite() -> None:
    tiny = normalise_weights([5e-324] + [0.0] * 23)
    assert tiny[0] == 24 and sum(tiny) == 24
    huge = normalise_weights([1e300] * 168)
    assert huge == (1.0,) * 168


def test_one_day_is_repeated_for_every_day_of_the_week() -> None:
    day = normalise_weights([1, 2, 3, 4] * 6)
    week = weekly_weights("custom", max(day), day)
    assert week.shape == (168,)
    assert np.array_equal(week, np.tile(day, 7))
    assert max_peak("custom", day) == 168 / 42  # the six busiest hours of every day


# --- Prices: the same shape priced as a built-in profile or as weights ----------------------------

def _custom_like(w: Workload) -> Workload:
    weights = weekly_weights(w.traffic.profile, w.traffic.peak_to_average)
    data = w.to_dict()
    data["traffic"] = {"profile": "custom", "hourly_weights": [float(x) for x in weights]}
    return parse_workload(data)


def _totals(w: Workload, sheet: PriceSheet) -> dict[str, float]:
    contract = compare(w, sheet).to_contract()
    return {name: contract[name]["monthly_usd"] for name in w.options}


@pytest.mark.parametrize("peak", [1.5, 3, 8])
@pytest.mark.parametrize("scaling", ["autoscale", "fixed"])
@pytest.mark.parametrize("front_door", ["alb", "http_api"])
def test_business_hours_as_weights_prices_as_business_hours(
        peak: float, scaling: str, front_door: str) -> None:
    sheet = OPTION_SHEET
    w = parse_workload({**BASE, "front_door": front_door, "options": list(OPTION_NAMES),
                        "traffic": {"profile": "business_hours", "peak_to_average": peak},
                        "ec2": {"scaling": scaling}})
    custom = _custom_like(w)
    assert custom.traffic.peak_to_average == pytest.approx(peak, rel=1e-12)
    built_in, measured = _totals(w, sheet), _totals(custom, sheet)
    assert set(built_in) == set(OPTION_NAMES)
    for side, usd in built_in.items():
        assert measured[side] == pytest.approx(usd, abs=0.005), side  # to the cent
    assert compare(custom, sheet).break_even == pytest.approx(compare(w, sheet).break_even,
                                                              rel=1e-9)


@pytest.mark.parametrize("level", [1, 7.5, 1000])
def test_a_flat_measured_week_prices_as_flat(sheet: PriceSheet, level: float) -> None:
    flat = parse_workload({**BASE, "front_door": "alb", "ec2": {"scaling": "autoscale"}})
    custom = parse_workload({**BASE, "front_door": "alb", "ec2": {"scaling": "autoscale"},
                             "traffic": {"profile": "custom", "hourly_weights": [level] * 24}})
    assert custom.traffic.peak_to_average == 1
    assert _totals(custom, sheet) == _totals(flat, sheet)


def test_autoscaled_fleet_follows_the_weights_hour_by_hour(sheet: PriceSheet) -> None:
    """Hand-derived: c7g.large (2 vCPUs, 4 GiB), 1,769 MB (one vCPU a request), 1 s each, CPU
    at 50 %: one instance serves 1 request/s, so an hour at x requests/s needs ceil(x)
    instances, at least 2. 10 requests/s on average (26.28M over 730 hours). The day: 8 hours
    at 100 and 16 at 1,450 (mean 1,000): 1 request/s (2 instances, the floor) and 14.5
    requests/s (15 instances). Per day 8 × 2 + 16 × 15 = 256 instance-hours, so the month
    holds 730 × 256 / 24 = 7,786.67; sized for its busiest hour all month, 15 × 730 = 10,950.
    """
    data = {"requests_per_month": 10 * 730 * 3600, "duration_ms": 1000, "memory_mb": 1769,
            "ec2": {"instance_type": "c7g.large", "target_utilization": 0.5,
                    "scaling": "autoscale", "load_balancer": "none"},
            "traffic": {"profile": "custom", "hourly_weights": [100] * 8 + [1450] * 16}}
    w = parse_workload(data)
    assert w.traffic.peak_to_average == pytest.approx(1.45)
    levels, share = sizing_levels("custom", w.traffic.peak_to_average, "autoscale",
                                  w.traffic.hourly_weights)
    assert levels.tolist() == pytest.approx([0.1, 1.45]) and share.tolist() == pytest.approx([1 / 3, 2 / 3])
    result = compare(w, sheet)
    assert result.ec2.instance_hours == pytest.approx(730 * 256 / 24, rel=1e-12)
    assert result.ec2.peak_instances == 15
    assert result.ec2.items["instances"] == pytest.approx(730 * 256 / 24 * 0.0725, rel=1e-12)
    fixed = compare(replace(w, ec2=replace(w.ec2, scaling="fixed")), sheet)
    assert fixed.ec2.instance_hours == pytest.approx(15 * 730)


def test_ranges_stretch_the_measured_week(sheet: PriceSheet) -> None:
    weights = [1] * 23 + [2]  # peak 48/25
    w = parse_workload({**BASE, "ec2": {"scaling": "autoscale"},
                        "traffic": {"profile": "custom", "hourly_weights": weights},
                        "ranges": {"traffic.peak_to_average": [1, 1.92, 3]}})
    stretched = weekly_weights("custom", 3, w.traffic.hourly_weights)
    assert stretched.max() == pytest.approx(3) and stretched.mean() == pytest.approx(1)
    assert stretched.min() >= 0 and len(set(stretched.tolist())) == 2
    # Half the hours busiest: a week of such hours cannot peak above 2 × the mean.
    half = normalise_weights([1] * 12 + [2] * 12)
    assert weekly_weights("custom", 3, half).max() == pytest.approx(2) == max_peak("custom", half)
    result = compare(w, sheet)
    ec2 = result.uncertainty["ec2"] if isinstance(result.uncertainty, dict) else None
    plain = compare(replace(w, ranges=()), sheet, with_break_even=False).ec2.monthly_usd
    assert result.ec2.monthly_usd == plain
    if ec2 is not None:
        assert ec2["low"] <= plain <= ec2["high"]


def test_the_grid_agrees_with_compare_for_a_measured_week(sheet: PriceSheet) -> None:
    rng = np.random.default_rng(7)
    w = parse_workload({**BASE, "front_door": "alb", "ec2": {"scaling": "autoscale"},
                        "traffic": {"profile": "custom",
                                    "hourly_weights": rng.gamma(2, 1, 168).tolist()}})
    requests, durations = np.geomspace(1e5, 1e10, 5), np.array([10.0, 250.0, 4000.0])
    grid = cost_grid(w, sheet, requests, durations)
    for i, r in enumerate(requests):
        for j, d in enumerate(durations):
            c = compare(replace(w, requests_per_month=r, duration_ms=d), sheet,
                        with_break_even=False)
            assert grid.ec2_usd[i, j] == pytest.approx(c.ec2.monthly_usd, rel=1e-12)
            assert grid.lambda_usd[i, j] == pytest.approx(c.lambda_.monthly_usd, rel=1e-12)


# --- Property: any measured shape gives sane totals and break-even points that hold -------------

WEIGHTS = st.one_of(st.integers(24, 24), st.integers(168, 168)).flatmap(
    lambda n: st.lists(st.one_of(st.just(0.0), st.floats(0, 1e6)), min_size=n, max_size=n)
).filter(lambda ws: any(ws))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weights=WEIGHTS, requests=st.floats(1e3, 1e11), front_door=st.sampled_from(["none", "alb"]),
       scaling=st.sampled_from(["autoscale", "fixed"]))
def test_any_measured_week_gives_sane_totals_and_true_break_even(
        sheet: PriceSheet, weights: list[float], requests: float, front_door: str,
        scaling: str) -> None:
    w = parse_workload({**BASE, "requests_per_month": requests, "front_door": front_door,
                        "ec2": {"scaling": scaling},
                        "traffic": {"profile": "custom", "hourly_weights": weights}})
    assert 1 <= w.traffic.peak_to_average <= 168
    result = compare(w, sheet)
    for usd in (result.lambda_.monthly_usd, result.ec2.monthly_usd,
                *result.ec2.items.values(), *result.lambda_.items.values()):
        assert math.isfinite(usd) and usd >= 0
    lam = lambda_total_fn(sheet, w)
    ec2 = build_ec2_model(w, sheet).total
    assert float(ec2(np.array([requests]))[0]) == pytest.approx(result.ec2.monthly_usd, rel=1e-9)

    def diff(x: np.ndarray) -> np.ndarray:
        return lam(x) - ec2(x)

    points = np.asarray(result.break_even)
    # Each reported point is a crossing: within ±0.1 % the difference takes both signs.
    for x in points:
        window = np.geomspace(x * 0.999, x * 1.001, 801)
        d = diff(window)
        assert d.min() <= 0.01 and d.max() >= -0.01, x
    # Each sign change on a sample of volumes has a reported point between its two ends.
    xs = np.geomspace(1, 1e12, 4001)
    d = diff(xs)
    change = np.flatnonzero(((d[:-1] < -0.01) & (d[1:] > 0.01)) | ((d[:-1] > 0.01) & (d[1:] < -0.01)))
    for i in change:
        assert np.any((points >= xs[i] * (1 - 1e-9)) & (points <= xs[i + 1] * (1 + 1e-9))), xs[i]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weights=WEIGHTS, duration=st.floats(1, 900_000), memory=st.sampled_from([128, 1024, 1769, 10240]),
       floor=st.integers(1, 6), scaling=st.sampled_from(["autoscale", "fixed"]))
def test_pruned_cheapest_fleet_equals_sizing_every_type(
        sheet: PriceSheet, weights: list[float], duration: float, memory: int, floor: int,
        scaling: str) -> None:
    """Many levels take the bounded search (Ec2Model._cheapest_fleet); it must give what
    sizing every frontier type at every level gives, at every volume."""
    w = parse_workload({**BASE, "duration_ms": duration, "memory_mb": memory,
                        "ec2": {"scaling": scaling, "min_instances": floor},
                        "traffic": {"profile": "custom", "hourly_weights": weights}})
    model = build_ec2_model(w, sheet)
    r = np.geomspace(1, 1e12, 2001)
    avg = r / (model.hours * 3600)
    hours, _ = model.instance_hours(avg, duration, model.frontier)
    every = ((hours * model.per_instance_hour[model.frontier]).min(axis=-1) + model.fixed_monthly
             + model.lb_per_avg_rps * avg + model.logs_per_request * r)
    assert model.total(r) == pytest.approx(every, rel=1e-12, abs=1e-9)
