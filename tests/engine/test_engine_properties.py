"""Hypothesis properties: never negative, monotone, break-even points are real crossings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from engine_testlib import make_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.pricing.compare import compare
from advisor.pricing.ec2 import build_ec2_model
from advisor.pricing.lambda_ import lambda_total_fn
from advisor.pricing.workload import Workload, parse_workload

SHEET = make_sheet()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def workloads(draw: st.DrawFn) -> Workload:
    data: dict[str, Any] = {
        "requests_per_month": draw(st.floats(0, 1e11)),
        "duration_ms": draw(st.floats(0.5, 30_000)),
        "memory_mb": draw(st.integers(128, 10240)),
        "architecture": draw(st.sampled_from(["x86_64", "arm64"])),
        "ephemeral_storage_mb": draw(st.integers(512, 10240)),
        "free_tier": draw(st.booleans()),
        "billing_granularity_ms": draw(st.sampled_from([1, 100])),
        "hours_per_month": draw(st.sampled_from([720, 730, 744])),
        "cold_start_rate": draw(st.floats(0, 0.05)),
        "init_duration_ms": draw(st.floats(0, 3000)),
        "front_door": draw(st.sampled_from(["none", "http_api", "rest_api", "alb", "function_url"])),
        "payload_kb": draw(st.floats(0, 2000)),
        "data_transfer_out_gb": draw(st.floats(0, 1e5)),
        "lambda_in_vpc_with_internet": draw(st.booleans()),
        "nat_processed_gb": draw(st.floats(0, 1e4)),
        "traffic": {"peak_to_average": draw(st.floats(1, 50)),
                    "profile": draw(st.sampled_from(["flat", "business_hours", "spiky"]))},
        "connections": {"requests_per_connection": draw(st.floats(1, 100)),
                        "connection_seconds": draw(st.floats(0.1, 600)),
                        "rules_per_request": draw(st.integers(0, 30))},
        "ec2": {"purchase": draw(st.sampled_from(["on_demand", "savings_plan_1y", "savings_plan_3y", "spot"])),
                "min_instances": draw(st.integers(1, 4)),
                "target_utilization": draw(st.floats(0.05, 1)),
                "scaling": draw(st.sampled_from(["fixed", "autoscale"])),
                "cpu_share": draw(st.floats(0, 1)),
                "load_balancer": draw(st.sampled_from(["alb", "nlb", "none"])),
                "ebs_gb_per_instance": draw(st.floats(0, 100)),
                "private_subnets_with_nat": draw(st.booleans()),
                "availability_zones": draw(st.integers(1, 6))},
    }
    if draw(st.booleans()):
        data["provisioned_concurrency"] = draw(st.integers(1, 50))
        data["provisioned_share_of_requests"] = draw(st.floats(0, 1))
    return parse_workload(data)


@FAST
@given(workloads())
def test_totals_and_lines_never_negative(w: Workload) -> None:
    c = compare(w, SHEET, with_break_even=False)
    assert all(v >= 0 for v in c.lambda_.items.values())
    assert all(v >= 0 for v in c.ec2.items.values())
    assert c.lambda_.monthly_usd >= 0 and c.ec2.monthly_usd >= 0
    assert c.ec2.peak_instances >= w.ec2.min_instances


@FAST
@given(workloads())
def test_free_tier_only_lowers_lines_and_never_below_zero(w: Workload) -> None:
    on = compare(replace(w, free_tier=True), SHEET, with_break_even=False).lambda_.items
    off = compare(replace(w, free_tier=False), SHEET, with_break_even=False).lambda_.items
    for key in on:
        assert 0 <= on[key] <= off[key] + 1e-9


@FAST
@given(workloads(), st.floats(1.0, 100.0))
def test_monotone_in_requests_duration_memory(w: Workload, factor: float) -> None:
    base = compare(w, SHEET, with_break_even=False)
    more_requests = replace(w, requests_per_month=w.requests_per_month * factor)
    longer = replace(w, duration_ms=min(900_000, w.duration_ms * factor))
    bigger = replace(w, memory_mb=min(10240, int(w.memory_mb * factor)))
    for variant in (more_requests, longer, bigger):
        c = compare(variant, SHEET, with_break_even=False)
        assert c.lambda_.monthly_usd >= base.lambda_.monthly_usd - 1e-9
        assert c.ec2.monthly_usd >= base.ec2.monthly_usd - 1e-9


@FAST
@given(workloads())
def test_vectorised_totals_are_monotone_in_requests(w: Workload) -> None:
    x = np.geomspace(1, 1e12, 3000)
    lam = lambda_total_fn(SHEET, w)(x)
    ec2 = build_ec2_model(w, SHEET).total(x)
    assert np.all(np.diff(lam) >= -1e-9 * lam[1:])
    assert np.all(np.diff(ec2) >= -1e-9 * ec2[1:])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads())
def test_break_even_points_are_crossings(w: Workload) -> None:
    c = compare(w, SHEET)
    lam, ec2 = lambda_total_fn(SHEET, w), build_ec2_model(w, SHEET).total
    points = list(c.break_even)
    assert points == sorted(points)
    for x in points:
        assert 1 <= x <= 1e12
        window = np.geomspace(x * 0.999, x * 1.001, 2001)
        d = lam(window) - ec2(window)
        at = float(lam(np.array([x]))[0] - ec2(np.array([x]))[0])
        assert (d.min() <= 0 <= d.max()) or abs(at) <= 0.01


# Found by test_break_even_points_are_crossings: at 1.63 billion requests this fixed fleet's
# added instance lifts EC2 to within 1.4 cents of Lambda's total without crossing it, and the
# search reports two crossings 281 requests apart there. Known and left: kept here, strict, so
# that the fix shows.
@pytest.mark.xfail(strict=True, reason="a jump that nearly reaches the other total is taken "
                                       "for two crossings")
def test_a_jump_that_nearly_reaches_the_other_total_is_not_a_crossing() -> None:
    w = parse_workload({
        "requests_per_month": 0, "duration_ms": 18921, "memory_mb": 139, "architecture": "arm64",
        "ephemeral_storage_mb": 3194, "free_tier": False, "hours_per_month": 720,
        "front_door": "alb", "payload_kb": 0, "lambda_log_bytes_per_request": 300,
        "ec2_log_bytes_per_request": 0, "provisioned_concurrency": 1,
        "provisioned_hours_per_month": 720, "provisioned_share_of_requests": 0.75,
        "basis": "bill", "traffic": {"peak_to_average": 1},
        "ec2": {"purchase": "savings_plan_3y", "target_utilization": 0.28332139811260343,
                "cpu_share": 0.890625, "ebs_gb_per_instance": 51,
                "private_subnets_with_nat": True, "availability_zones": 1}})
    lam, ec2 = lambda_total_fn(SHEET, w), build_ec2_model(w, SHEET).total
    near = [x for x in compare(w, SHEET).break_even if 1.6e9 < x < 1.7e9]
    for x in near:
        window = np.geomspace(x * 0.999, x * 1.001, 2001)
        d = lam(window) - ec2(window)
        assert d.min() <= 0 <= d.max(), (x, d.min())
