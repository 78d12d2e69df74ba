"""The cheaper-side map is priced fast (sorted loads, each instance type sized only where it can
be the cheapest; Lambda's items summed in their own shapes), and must still be, cell by cell,
what pricing that cell alone gives: compare()'s two totals at the cell's volume and duration,
and the straightforward sizing of every frontier type at every load level, to the cent."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any
from unittest import mock

import numpy as np
from engine_testlib import seeded_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.pricing import ec2
from advisor.pricing.compare import compare
from advisor.pricing.ec2 import build_ec2_model
from advisor.pricing.grid import cost_grid
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload, WorkloadError, parse_workload

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
           "ap-northeast-2", "ap-southeast-1")
CENT = 0.005  # "to the cent": less than half a cent apart


@functools.cache
def region_sheet(region: str) -> PriceSheet:
    # Hypothesis draws the same few regions for every example: each sheet is built once.
    return seeded_sheet(region)


# A measured week: quiet nights, busy days, one spike (168 levels: the many-level search).
WEEK = [0.2] * 7 + [1.5] * 12 + [0.6] * 5
WEEK = (WEEK * 7)[:167] + [6.0]

WORKLOADS = st.fixed_dictionaries({
    "requests_per_month": st.just(50_000_000),
    "duration_ms": st.just(120),
    "memory_mb": st.sampled_from([128, 512, 1024, 1769, 4096]),
    "architecture": st.sampled_from(["x86_64", "arm64"]),
    "front_door": st.sampled_from(["none", "alb", "http_api", "rest_api"]),
    "free_tier": st.booleans(),
    "ephemeral_storage_mb": st.sampled_from([512, 2048]),
    "cold_start_rate": st.sampled_from([0, 0.05]),
    "init_duration_ms": st.sampled_from([0, 700]),
    "traffic": st.one_of(
        st.fixed_dictionaries({
            "peak_to_average": st.sampled_from([1, 1.5, 3, 8]),
            "profile": st.sampled_from(["flat", "business_hours", "spiky"])}),
        st.just({"profile": "custom", "hourly_weights": WEEK})),
    "ec2": st.fixed_dictionaries({
        "scaling": st.sampled_from(["fixed", "autoscale"]),
        "min_instances": st.integers(1, 3),
        "cpu_share": st.sampled_from([0.25, 0.5, 1.0]),
        "purchase": st.sampled_from(["on_demand", "reserved_1y", "savings_plan_1y"]),
        "load_balancer": st.sampled_from(["alb", "nlb", "none"]),
    }),
})


def _workload(data: dict[str, Any], region: str) -> Workload | None:
    try:
        return parse_workload({**data, "region": region})
    except WorkloadError:  # a combination the contract refuses is not a map
        return None


def _every_type(w: Workload, sheet: PriceSheet, requests: np.ndarray,
                durations: np.ndarray) -> np.ndarray:
    """EC2's map the straightforward way: every frontier type at every load level in every
    cell, the cheapest kept (what Ec2Model.total did before it pruned)."""
    model = build_ec2_model(w, sheet)
    avg = requests[:, None] / (model.hours * 3600)
    hours, _ = model.instance_hours(avg, durations[None, :], model.frontier)
    fleet = (hours * model.per_instance_hour[model.frontier]).min(axis=-1)
    return fleet + model.fixed_monthly + model.lb_per_avg_rps * avg + model.logs(requests[:, None])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=WORKLOADS, region=st.sampled_from(REGIONS),
       low=st.floats(1e2, 1e6), decades=st.floats(2, 8),
       cells=st.lists(st.tuples(st.integers(0, 69), st.integers(0, 59)), min_size=4,
                      max_size=8),
       forced=st.booleans())
def test_map_cells_are_each_cell_priced_alone(data: dict[str, Any], region: str, low: float,
                                              decades: float, cells: list[tuple[int, int]],
                                              forced: bool) -> None:
    w = _workload(data, region)
    if w is None:
        return
    sheet = region_sheet(region)
    requests = np.geomspace(low, low * 10 ** decades, 70)
    durations = np.geomspace(1, 900_000, 60)
    if forced:  # the pruned path whatever the map's size and the frontier's
        with mock.patch.object(ec2, "PRUNE_FROM", 1), mock.patch.object(ec2, "PRUNE_CELLS", 1):
            grid = cost_grid(w, sheet, requests, durations)
    else:
        grid = cost_grid(w, sheet, requests, durations)

    every = _every_type(w, sheet, requests, durations)
    assert np.all(np.abs(grid.ec2_usd - every) < CENT)

    for i, j in cells:
        alone = compare(replace(w, requests_per_month=float(requests[i]),
                                duration_ms=float(durations[j])), sheet,
                        with_break_even=False, with_uncertainty=False)
        assert abs(grid.lambda_usd[i, j] - alone.lambda_.monthly_usd) < CENT, (i, j)
        assert abs(grid.ec2_usd[i, j] - alone.ec2.monthly_usd) < CENT, (i, j)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=WORKLOADS, region=st.sampled_from(REGIONS), block=st.integers(1, 200))
def test_pruned_map_is_the_full_map_bit_for_bit(data: dict[str, Any], region: str,
                                                block: int) -> None:
    """Any block size (odd edges, one block, a block a load) gives the very same figures."""
    w = _workload(data, region)
    if w is None:
        return
    sheet = region_sheet(region)
    requests = np.geomspace(1e2, 1e12, 90)
    durations = np.geomspace(1, 900_000, 50)
    with mock.patch.object(ec2, "PRUNE_FROM", 10**15):
        full = cost_grid(w, sheet, requests, durations).ec2_usd
    with mock.patch.object(ec2, "PRUNE_FROM", 1), mock.patch.object(ec2, "PRUNE_CELLS", 1), \
            mock.patch.object(ec2, "PRUNE_BLOCK", block):
        pruned = cost_grid(w, sheet, requests, durations).ec2_usd
    assert np.array_equal(full, pruned)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 2**38 - 2), offset=st.sampled_from(
           [0.0, 1e-15, -1e-15, 1e-12, -1e-12, 1e-13, 2e-12, 0.5, 0.999999]),
       ulps=st.integers(-3, 3))
def test_quick_ceil_is_noise_ceil(n: int, offset: float, ulps: int) -> None:
    """The sizing's one-pass round-up (ceil of y × (1 - NOISE_REL)) below QUICK_CEIL_BELOW
    is noise_ceil, on values at and around integers and their noise allowance."""
    from advisor.pricing.sheet import NOISE_REL, noise_ceil

    y = n + offset * max(n, 1)
    for _ in range(abs(ulps)):
        y = float(np.nextafter(y, np.inf if ulps > 0 else -np.inf))
    y = max(y, 0.0)
    if not y < ec2.QUICK_CEIL_BELOW:
        return
    quick = np.ceil(np.array([y]) * (1 - NOISE_REL))
    assert quick[0] == noise_ceil(np.array([y]))[0], y
