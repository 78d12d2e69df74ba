"""Edges the review found: input limits and finite money, tiny durations, egress tiers
counted from zero, and whole-instance rounding at huge fleets."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from engine_testlib import make_sheet

from advisor.pricing.compare import compare
from advisor.pricing.ec2 import fleet_ceil
from advisor.pricing.lambda_ import billed_ms, http_api_units
from advisor.pricing.network import transfer_monthly
from advisor.pricing.series import MAX_CURVE_POINTS, cheaper_map, cost_curve, nearest_points
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import (
    FIELDS,
    Ec2Options,
    Workload,
    WorkloadError,
    parse_workload,
)

MINIMAL = {"requests_per_month": 5e6, "duration_ms": 120, "memory_mb": 1536}


# --- 2. Every numeric input is bounded, and money is always finite --------------------------

def test_every_numeric_input_has_a_maximum() -> None:
    open_ended = [f.name for f in FIELDS
                  if f.kind in ("number", "integer") and not f.choices and f.maximum is None]
    assert open_ended == []


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("ec2.min_instances", 1e300, "must be an integer between 1 and 10000 (got 1e+300)"),
    ("ec2.ebs_gb_per_instance", 1e9, "must be a number between 0 and 16384 (got 1000000000.0)"),
    ("provisioned_concurrency", 100_001, "must be an integer between 0 and 100000 (got 100001)"),
    ("data_transfer_out_gb", 2e9, "must be a number between 0 and 1e9 (got 2000000000.0)"),
    ("nat_processed_gb", 2e9, "must be a number between 0 and 1e9 (got 2000000000.0)"),
    ("connections.connection_seconds", 1e7,
     "must be a number greater than 0 and at most 2678400 (got 10000000.0)"),
    ("connections.requests_per_connection", 1e10,
     "must be a number between 1 and 1e9 (got 10000000000.0)"),
    ("connections.rules_per_request", 1001, "must be an integer between 0 and 1000 (got 1001)"),
])
def test_limits_name_the_field_and_range(field: str, value: float, expected: str) -> None:
    data: dict = dict(MINIMAL)
    if "." in field:
        group, key = field.split(".")
        data[group] = {key: value}
    else:
        data[field] = value
    with pytest.raises(WorkloadError) as err:
        parse_workload(data)
    assert err.value.errors == {field: [expected]}


def test_largest_inputs_give_finite_json(sheet: PriceSheet) -> None:
    w = parse_workload({
        "requests_per_month": 1e13, "duration_ms": 900000, "memory_mb": 10240,
        "ephemeral_storage_mb": 10240, "payload_kb": 10240, "data_transfer_out_gb": 1e9,
        "provisioned_concurrency": 100_000, "nat_processed_gb": 1e9, "front_door": "alb",
        "lambda_in_vpc_with_internet": True,
        "traffic": {"peak_to_average": 1000, "profile": "spiky"},
        "connections": {"requests_per_connection": 1, "connection_seconds": 31 * 86400,
                        "rules_per_request": 1000},
        "ec2": {"min_instances": 10_000, "ebs_gb_per_instance": 16_384, "scaling": "autoscale",
                "private_subnets_with_nat": True, "availability_zones": 6}})
    out = compare(w, sheet).to_contract()
    json.dumps(out, allow_nan=False)
    json.dumps(cost_curve(w, sheet), allow_nan=False)
    json.dumps(cheaper_map(w, sheet), allow_nan=False)


def test_storage_cannot_overflow(sheet: PriceSheet) -> None:
    # Unvalidated (direct) construction: GB × rate × instance-hours, no huge intermediate.
    w = Workload(**MINIMAL, ec2=Ec2Options(min_instances=10**300, ebs_gb_per_instance=1e9))
    c = compare(w, sheet, with_break_even=False)
    assert math.isfinite(c.ec2.items["storage"]) and math.isfinite(c.ec2.monthly_usd)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow is the point
def test_non_finite_money_is_refused_not_emitted(sheet: PriceSheet) -> None:
    w = Workload(**MINIMAL, ec2=Ec2Options(min_instances=10**305, ebs_gb_per_instance=1e9))
    with pytest.raises(WorkloadError) as err:
        compare(w, sheet)
    assert list(err.value.errors) == ["__all__"]
    assert "too large" in err.value.errors["__all__"][0]
    with pytest.raises(WorkloadError):
        cost_curve(w, sheet, break_even_points=[])


# --- 3. Any positive duration bills at least one step ---------------------------------------

@pytest.mark.parametrize("duration", [1e-300, 1e-12, 1e-10, 1e-9, 1.5e-9, 0.3, 1.0])
def test_tiny_durations_bill_one_step(duration: float) -> None:
    assert billed_ms(duration, 1) == 1.0
    assert billed_ms(duration, 100) == 100.0


def test_rounding_up_ignores_only_float_noise() -> None:
    assert billed_ms(120.00000000001, 1) == 120.0
    assert billed_ms(120.001, 1) == 121.0
    assert billed_ms(300.0, 100) == 300.0
    assert billed_ms(300.5, 100) == 400.0
    zero = float(billed_ms(0.0, 1))
    assert zero == 0.0 and math.copysign(1, zero) == 1  # never -0.0
    assert http_api_units(0, 512) == 1 and http_api_units(512, 512) == 1
    assert http_api_units(512.5, 512) == 2


def test_compare_bills_a_tiny_duration(sheet: PriceSheet) -> None:
    w = parse_workload({"requests_per_month": 1e9, "duration_ms": 1e-10, "memory_mb": 1024,
                        "free_tier": False})
    c = compare(w, sheet, with_break_even=False)
    assert c.lambda_.billed_duration_ms == 1.0
    assert c.lambda_.items["compute"] == pytest.approx(1e9 * 0.001 * 0.0000166667)


# --- 4. Egress tiers count the month's total GB from zero -----------------------------------

@pytest.mark.parametrize(("gb", "usd"), [
    (0, 0.0),
    (100, 0.0),                                      # all free
    (1100, 1000 * 0.09),
    (10_240, (10_240 - 100) * 0.09),                 # the first tier ends at 10 TB in total
    (20_000, (10_240 - 100) * 0.09 + (20_000 - 10_240) * 0.085),
    (200_000, 10_140 * 0.09 + 40_960 * 0.085 + 102_400 * 0.07 + 46_400 * 0.05),
])
def test_transfer_tiers_count_from_zero(sheet: PriceSheet, gb: float, usd: float) -> None:
    assert transfer_monthly(sheet, gb) == pytest.approx(usd, abs=1e-9)


def test_free_allowance_larger_than_a_tier() -> None:
    sheet = make_sheet({"transfer.free_gb": 20_000.0})
    assert transfer_monthly(sheet, 15_000) == 0.0
    assert transfer_monthly(sheet, 30_000) == pytest.approx(10_000 * 0.085)


# --- 5. Whole instances at any size ---------------------------------------------------------

def test_fleet_ceil_is_exact_for_integers_and_halves() -> None:
    ints = np.array([0.0, 1.0, 2.0, 1e11, 1e12, 1e15, 2.0**53])
    assert np.array_equal(fleet_ceil(ints), ints)
    # Before (ceil of x × (1 - 1e-12)), 1e12 + 1 instances came out as 1e12.
    assert fleet_ceil(np.array([1e12 + 1]))[0] == 1e12 + 1
    halves = np.array([0.5, 1e6 + 0.5, 1e11 + 0.5, 4e11 + 0.5])
    assert np.array_equal(fleet_ceil(halves), np.ceil(halves))
    # Float noise just above an integer is that integer.
    assert fleet_ceil(np.array([3 * (1 + 4e-16), 1e6 * (1 + 1e-15)])).tolist() == [3.0, 1e6]


# --- Snapshot size: the curve carries at most MAX_CURVE_POINTS break-even points ------------

def test_curve_keeps_the_break_even_points_nearest_the_volume() -> None:
    # The finely balanced case of test_engine_breakeven: no logs, no addresses (see there).
    sheet = make_sheet({"vpc.public_ipv4_hourly": 0.0})
    w = parse_workload({"requests_per_month": 1e11, "duration_ms": 120, "memory_mb": 1536,
                        "front_door": "alb", "provisioned_concurrency": 3,
                        "lambda_in_vpc_with_internet": True, "data_transfer_out_gb": 500,
                        "lambda_log_bytes_per_request": 0, "ec2": {"private_subnets": True}})
    points = compare(w, sheet).break_even
    assert len(points) > 3000  # the contract keeps every one
    curve = cost_curve(w, sheet, break_even_points=points)
    x = curve["requests_per_month"]
    kept = [p for p in points if p in x]
    assert MAX_CURVE_POINTS <= len(kept) <= MAX_CURVE_POINTS + 1
    assert len(x) <= 120 + MAX_CURVE_POINTS + 2
    assert x[0] <= points[0] and x[-1] >= points[-1]  # the axis still spans all of them
    chosen = nearest_points(points, 1e11)
    assert set(chosen) <= set(kept)
    far = max(abs(math.log(p / 1e11)) for p in chosen)
    assert all(abs(math.log(p / 1e11)) >= far for p in points if p not in chosen)
    assert nearest_points([3.0, 1.0, 2.0], 5) == [1.0, 2.0, 3.0]
