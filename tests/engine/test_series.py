"""Chart series: the cost curve along volume and the cheaper-side map."""

from __future__ import annotations

import json

import numpy as np
import pytest

from advisor.pricing.compare import compare
from advisor.pricing.ec2 import EC2_ITEMS
from advisor.pricing.lambda_ import LAMBDA_ITEMS
from advisor.pricing.series import cheaper_map, cost_curve, volume_range
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import parse_workload

WORKLOADS = [
    {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024},
    {"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536, "front_door": "http_api",
     "traffic": {"peak_to_average": 3, "profile": "business_hours"}, "ec2": {"scaling": "autoscale"}},
    {"requests_per_month": 5e9, "duration_ms": 200, "memory_mb": 1769, "architecture": "arm64",
     "front_door": "alb", "lambda_in_vpc_with_internet": True, "nat_processed_gb": 500,
     "data_transfer_out_gb": 2000, "provisioned_concurrency": 10},
    {"requests_per_month": 0, "duration_ms": 50, "memory_mb": 128},
    {"requests_per_month": 1e13, "duration_ms": 1, "memory_mb": 128},
]


@pytest.mark.parametrize("data", WORKLOADS)
def test_curve_shapes_points_and_totals(sheet: PriceSheet, data: dict) -> None:
    w = parse_workload(data)
    c = cost_curve(w, sheet)
    x = c["requests_per_month"]
    assert len(x) >= 120
    assert x == sorted(x) and len(set(x)) == len(x)
    assert set(c["lambda"]) == set(LAMBDA_ITEMS)
    assert set(c["ec2"]) == set(EC2_ITEMS)
    for series in [*c["lambda"].values(), *c["ec2"].values(), c["lambda_total"], c["ec2_total"],
                   c["ec2_instances"]]:
        assert len(series) == len(x)
    for i in range(len(x)):
        assert c["lambda_total"][i] == pytest.approx(sum(v[i] for v in c["lambda"].values()))
        assert c["ec2_total"][i] == pytest.approx(sum(v[i] for v in c["ec2"].values()))
    result = compare(w, sheet)
    for p in result.break_even:
        assert p in x
    if w.requests_per_month > 0:
        i = x.index(float(w.requests_per_month))
        assert c["lambda_total"][i] == pytest.approx(result.lambda_.monthly_usd, rel=1e-12, abs=1e-9)
        assert c["ec2_total"][i] == pytest.approx(result.ec2.monthly_usd, rel=1e-12, abs=1e-9)
        for k in EC2_ITEMS:
            assert c["ec2"][k][i] == pytest.approx(result.ec2.items[k], rel=1e-12, abs=1e-9)
        for k in LAMBDA_ITEMS:
            assert c["lambda"][k][i] == pytest.approx(result.lambda_.items[k], rel=1e-12, abs=1e-9)
        assert c["ec2_instances"][i] == result.ec2.peak_instances
    # Plain JSON, no NaN or infinity.
    json.loads(json.dumps(c, allow_nan=False))
    assert all(type(v) is float for v in x + c["lambda_total"] + c["ec2_total"])


def test_curve_range_is_three_decades_each_side(sheet: PriceSheet) -> None:
    w = parse_workload({"requests_per_month": 1e6, "duration_ms": 100, "memory_mb": 512})
    c = cost_curve(w, sheet, break_even_points=[])
    assert c["requests_per_month"][0] == pytest.approx(1e3)
    assert c["requests_per_month"][-1] == pytest.approx(1e9)
    # 120 log points (an even count: 1e6 falls between two) plus the user's volume.
    assert len(c["requests_per_month"]) == 121
    odd = cost_curve(w, sheet, n=121, break_even_points=[])["requests_per_month"]
    assert len(odd) == 121 and 1e6 in odd  # the middle point gave way to the exact volume
    assert volume_range(0) == (1.0, 1e9)
    assert volume_range(10) == (1.0, 10_000.0)
    assert volume_range(1e11) == (1e8, 1e12)
    # A break-even point outside the span widens it instead of leaving a gap.
    assert volume_range(1e6, [5e10]) == (1e3, 5e10)


def test_curve_ec2_instances_grow_with_volume(sheet: PriceSheet) -> None:
    w = parse_workload({"requests_per_month": 1e9, "duration_ms": 200, "memory_mb": 1769})
    peaks = cost_curve(w, sheet)["ec2_instances"]
    assert peaks[0] == 2  # min_instances
    assert peaks[-1] > peaks[0]


@pytest.mark.parametrize("data", WORKLOADS)
def test_cheaper_map_shapes_and_points(sheet: PriceSheet, data: dict) -> None:
    w = parse_workload(data)
    m = cheaper_map(w, sheet)
    r, d, diff = m["requests_per_month"], m["duration_ms"], m["difference"]
    assert len(r) in (60, 61) and len(d) in (40, 41)
    assert d[0] == pytest.approx(1.0) and d[-1] == pytest.approx(900_000.0)
    assert float(w.duration_ms) in d
    if w.requests_per_month > 0:
        assert float(w.requests_per_month) in r
    assert r == sorted(r) and d == sorted(d)
    assert len(diff) == len(d) and all(len(row) == len(r) for row in diff)
    json.loads(json.dumps(m, allow_nan=False))
    # The cell at the user's point is compare()'s difference.
    if w.requests_per_month > 0:
        result = compare(w, sheet)
        cell = diff[d.index(float(w.duration_ms))][r.index(float(w.requests_per_month))]
        assert cell == pytest.approx(result.lambda_.monthly_usd - result.ec2.monthly_usd,
                                     rel=1e-9, abs=1e-6)


def test_cheaper_map_spans_the_curve_range(sheet: PriceSheet) -> None:
    w = parse_workload({"requests_per_month": 1e6, "duration_ms": 100, "memory_mb": 512})
    c = cost_curve(w, sheet)
    m = cheaper_map(w, sheet)
    assert m["requests_per_month"][0] == pytest.approx(c["requests_per_month"][0])
    assert m["requests_per_month"][-1] == pytest.approx(c["requests_per_month"][-1])
    assert np.all(np.isfinite(np.array(m["difference"])))
