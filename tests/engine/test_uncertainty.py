"""Ranges, sensitivity, flips as bands and the headline: the engine's honest answer."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.pricing.compare import compare
from advisor.pricing.flips import bands
from advisor.pricing.recommend import MIN_RATIO_USD
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.uncertainty import (
    DEFAULT_SPREADS,
    PRICERS,
    axis,
    what_if,
    with_values,
)
from advisor.pricing.verdict import headline
from advisor.pricing.workload import WorkloadError, parse_workload

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
BASE = {"requests_per_month": 5_000_000, "duration_ms": 120, "memory_mb": 512}


def triple(lo: float, hi: float, integer: bool = False) -> st.SearchStrategy[list[float]]:
    value = st.integers(int(lo), int(hi)) if integer else st.floats(lo, hi, allow_nan=False)
    return st.lists(value, min_size=3, max_size=3).map(sorted)


RANGES = st.fixed_dictionaries({}, optional={
    "requests_per_month": triple(0, 5e9),
    "duration_ms": triple(1, 5000),
    "memory_mb": triple(128, 4096, integer=True),
    "traffic.peak_to_average": triple(1, 20),
    "ec2.cpu_share": triple(0, 1),
    "needs.ops_hours_per_month": triple(0, 40),
    "needs.lambda_ops_hours_per_month": triple(0, 10),
})


def ranged_workload(ranges: dict[str, list[float]], front_door: str, use_case: str) -> dict[str, Any]:
    data: dict[str, Any] = {**BASE, "front_door": front_door,
                            "needs": {"use_case": use_case}, "ranges": ranges}
    for name, (_, expected, _) in ranges.items():
        group, _, key = name.rpartition(".")
        if group:
            data.setdefault(group, {})[key] = expected
        else:
            data[key] = expected
    return data


@SETTINGS
@given(ranges=RANGES, front_door=st.sampled_from(["none", "http_api", "alb"]),
       use_case=st.sampled_from(["http_api", "pilot", "batch"]))
def test_ranges_hold_the_expected_result_and_shares_sum_to_one(
        sheet: PriceSheet, ranges: dict[str, list[float]], front_door: str, use_case: str) -> None:
    c = compare(parse_workload(ranged_workload(ranges, front_door, use_case)), sheet,
                with_break_even=False)
    u = c.uncertainty
    assert u is not None
    assert u["basis"] == ("ranges" if ranges else "default_spreads")
    plain = {"lambda": c.lambda_.monthly_usd, "ec2": c.ec2.monthly_usd}
    tco = c.recommendation.tco
    for side in ("lambda", "ec2"):
        span = u[side]
        assert span["low"] <= span["expected"] <= span["high"]
        assert span["expected"] == plain[side]
        ops = u["with_operations"][side]
        assert ops["low"] <= ops["expected"] <= ops["high"]
        assert ops["expected"] == pytest.approx(plain[side] + tco[f"{side}_ops"])
    assert "share_cheaper_bill" not in u  # one share, on the result's basis
    for key in ("share_cheaper",):
        shares = u[key]
        assert set(shares) == {"lambda", "ec2", "tie"}
        assert all(0.0 <= v <= 1.0 for v in shares.values())
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9)
    swings = [abs(s["high"] - s["low"]) for s in u["sensitivity"]]
    assert swings == sorted(swings, reverse=True)


@SETTINGS
@given(ranges=RANGES)
def test_a_range_of_zero_width_gives_the_plain_result(sheet: PriceSheet,
                                                       ranges: dict[str, list[float]]) -> None:
    flat = {name: [r[1]] * 3 for name, r in ranges.items()}
    if not flat:
        flat = {"duration_ms": [120, 120, 120]}
    c = compare(parse_workload(ranged_workload(flat, "none", "http_api")), sheet,
                with_break_even=False)
    u = c.uncertainty
    tco = c.recommendation.tco
    for side, plain in (("lambda", c.lambda_.monthly_usd), ("ec2", c.ec2.monthly_usd)):
        assert u[side] == {"low": plain, "expected": plain, "high": plain}
        assert u["with_operations"][side]["low"] == u["with_operations"][side]["high"]
    diff = tco["lambda"] - tco["ec2"]
    side = "tie" if abs(diff) <= 0.01 else ("lambda" if diff < 0 else "ec2")
    assert u["share_cheaper"][side] == 1.0 and side == c.cheaper
    assert u["sensitivity"] == []


def test_default_spreads_when_no_range_is_given(sheet: PriceSheet) -> None:
    u = compare(parse_workload(BASE), sheet).uncertainty
    assert u["basis"] == "default_spreads"
    assert u["ranges"]["requests_per_month"] == [2_500_000, 5_000_000, 10_000_000]
    assert u["ranges"]["duration_ms"] == [90, 120, 180]
    # Peak-to-average and CPU share are clipped to their allowed ranges (1.., ..1).
    assert u["ranges"]["traffic.peak_to_average"] == [1, 1, 1.5]
    assert u["ranges"]["ec2.cpu_share"] == [0.5, 1, 1]
    assert "memory_mb" not in u["ranges"]  # a setting, not a guess
    assert set(DEFAULT_SPREADS) <= set(u["ranges"])
    # On the bill alone operations hours move nothing; counted, they do.
    fields = {s["field"] for s in u["sensitivity"]}
    assert fields >= {"requests_per_month", "duration_ms"}
    assert "needs.ops_hours_per_month" not in fields
    u = compare(parse_workload({**BASE, "basis": "bill_and_operations"}), sheet).uncertainty
    assert {s["field"] for s in u["sensitivity"]} >= {"requests_per_month", "duration_ms",
                                                        "needs.ops_hours_per_month"}


@pytest.mark.parametrize("changes", [
    {}, {"memory_mb": 2048}, {"traffic.peak_to_average": 4.5}, {"ec2.cpu_share": 0.3},
    {"memory_mb": 1024, "traffic.peak_to_average": 2, "ec2.cpu_share": 0.5,
     "requests_per_month": 3e8, "duration_ms": 40},
])
@pytest.mark.parametrize("front_door", ["none", "alb", "rest_api"])
def test_vectorised_pricers_match_compare(sheet: PriceSheet, changes: dict[str, Any],
                                          front_door: str) -> None:
    w = parse_workload({**BASE, "front_door": front_door, "ec2": {"scaling": "autoscale"},
                        "traffic": {"profile": "business_hours"}})
    variant = with_values(w, changes)
    c = compare(variant, sheet, with_break_even=False, with_uncertainty=False)
    inputs = {k: np.array([float(v), float(v)]) for k, v in changes.items()}
    lam = PRICERS["lambda"](sheet, w, inputs)
    ec2 = PRICERS["ec2"](sheet, w, inputs)
    assert lam[0] == pytest.approx(c.lambda_.monthly_usd, rel=1e-12)
    assert ec2[0] == pytest.approx(c.ec2.monthly_usd, rel=1e-12)


def test_shares_follow_the_triangular_weighting(sheet: PriceSheet) -> None:
    """Only EC2's operations hours are ranged: Lambda is cheaper (with operations) when
    75 × hours exceeds the bill difference, a known triangular probability."""
    data = {**BASE, "requests_per_month": 5e7, "duration_ms": 300, "basis": "bill_and_operations",
            "ec2": {"cpu_share": 0.1}, "needs": {"ops_hours_per_month": 8},
            "ranges": {"needs.ops_hours_per_month": [0, 8, 16]}}
    c = compare(parse_workload(data), sheet, with_break_even=False)
    h = (c.lambda_.monthly_usd - c.ec2.monthly_usd) / 75  # hours where the two totals meet
    assert 0 < h < 8
    # Triangular(0, 8, 16): P(X > h) = 1 - h² / (16 · 8) for h below the mode.
    assert c.uncertainty["share_cheaper"]["lambda"] == pytest.approx(1 - h * h / 128, abs=0.04)
    bill = compare(parse_workload({**data, "basis": "bill"}), sheet, with_break_even=False)
    assert bill.uncertainty["share_cheaper"]["ec2"] == 1.0


def test_axis_weights_sum_to_one_and_hold_the_ends() -> None:
    a = axis("requests_per_month", (1e6, 5e6, 5e7))
    assert a.nodes[0] == 1e6 and a.nodes[-1] == 5e7 and a.nodes[a.expected] == 5e6
    assert a.weights.sum() == pytest.approx(1.0)
    assert np.all(np.diff(a.nodes) > 0)
    m = axis("memory_mb", (512, 512, 520))
    assert list(m.nodes) == sorted(set(m.nodes)) and all(float(x).is_integer() for x in m.nodes)


def test_sensitivity_puts_the_largest_swing_first_with_the_right_sign(sheet: PriceSheet) -> None:
    w = parse_workload({**BASE, "basis": "bill_and_operations",
                        "ranges": {"requests_per_month": [1e6, 5e6, 5e8],
                                   "needs.ops_hours_per_month": [7, 8, 9]}})
    u = compare(w, sheet, with_break_even=False).uncertainty
    first, second = u["sensitivity"]
    assert first["field"] == "requests_per_month" and second["field"] == "needs.ops_hours_per_month"
    # More EC2 hours make EC2 dearer: the difference EC2 minus Lambda grows by 2 × $75.
    assert second["high"] - second["low"] == pytest.approx(150)
    assert first["values"] == [1e6, 5e8]


def test_a_memory_range_no_type_can_serve_names_the_range(sheet: PriceSheet) -> None:
    w = parse_workload({**BASE, "ec2": {"instance_type": "t4g.small"}, "architecture": "arm64",
                        "ranges": {"memory_mb": [512, 512, 10240]}})
    with pytest.raises(WorkloadError) as err:
        compare(w, sheet)
    assert "ranges.memory_mb" in err.value.errors


# --- Contract parsing ---------------------------------------------------------------------------

def errors(data: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(WorkloadError) as err:
        parse_workload(data)
    return err.value.errors


def test_ranges_are_parsed_and_round_trip() -> None:
    w = parse_workload({"duration_ms": 120, "memory_mb": 512,
                        "ranges": {"requests_per_month": [2e6, 5e6, 2e7]}})
    assert w.requests_per_month == 5e6  # the range alone gives the value
    assert w.to_dict()["ranges"] == {"requests_per_month": [2e6, 5e6, 2e7]}
    assert parse_workload(w.to_dict()) == w


@pytest.mark.parametrize("ranges, field, words", [
    ({"payload_kb": [1, 2, 3]}, "ranges.payload_kb", "unknown field"),
    ({"duration_ms": [1, 2]}, "ranges.duration_ms", "[low, expected, high]"),
    ({"duration_ms": [300, 120, 100]}, "ranges.duration_ms", "must be in order"),
    ({"memory_mb": [64, 512, 1024]}, "ranges.memory_mb", "low: must be an integer between 128"),
    ({"ec2.cpu_share": [0.1, 1, 2]}, "ranges.ec2.cpu_share", "high: must be a number between 0 and 1"),
    ({"duration_ms": [100, 150, 200]}, "ranges.duration_ms", "must equal duration_ms"),
])
def test_bad_ranges_name_the_field_and_the_rule(ranges: dict[str, Any], field: str,
                                                words: str) -> None:
    found = errors({**BASE, "duration_ms": 120, "ranges": ranges})
    assert any(words in m for m in found[field]), found


def test_ranges_must_be_an_object() -> None:
    assert "ranges" in errors({**BASE, "ranges": [1, 2, 3]})


# --- Flips as bands -----------------------------------------------------------------------------

def test_crossings_close_together_are_one_band() -> None:
    points = [1e6, 1.2e6, 1.3e6, 1e7, 1e9, 1.4e9]

    def difference(x: np.ndarray) -> np.ndarray:  # Lambda minus EC2: EC2 cheaper past 1.3e6
        return np.where(x < 1e7, 1.0, np.where(x < 1e9, -1.0, 1.0))

    assert bands(points, difference) == [
        {"from": 1e6, "to": 1.3e6, "crossings": 3, "above": "ec2"},
        {"from": 1e7, "to": 1e7, "crossings": 1, "above": "lambda"},
        {"from": 1e9, "to": 1.4e9, "crossings": 2, "above": "ec2"},
    ]


def test_bands_cover_every_crossing_and_name_the_side_above(sheet: PriceSheet) -> None:
    c = compare(parse_workload({**BASE, "front_door": "http_api",
                                "traffic": {"peak_to_average": 3}}), sheet)
    out = c.to_contract()
    assert sum(b["crossings"] for b in out["break_even_bands"]) == len(out["break_even"])
    for b in out["break_even_bands"]:
        above = compare(replace(c.workload, requests_per_month=b["to"] * 1.001), sheet,
                        with_break_even=False, with_uncertainty=False)
        assert above.cheaper in (b["above"], "tie")


# --- The headline -------------------------------------------------------------------------------

def _w(basis: str = "bill", ec2_hours: float = 8, lambda_hours: float = 0) -> Any:
    return parse_workload({**BASE, "basis": basis, "needs": {
        "ops_hours_per_month": ec2_hours, "lambda_ops_hours_per_month": lambda_hours}})


def test_headline_says_what_the_other_basis_would_in_one_labelled_sentence() -> None:
    v = headline(_w(), {"lambda": 100.0, "ec2": 72.57})
    assert v["text"] == ("EC2 is $27.43 a month cheaper than Lambda on the AWS bill. Counting 8 "
                         "engineer hours a month at $75.00 for the fleet, Lambda would cost "
                         "$572.57 a month less than EC2 in all.")
    assert (v["basis"], v["cheaper"], v["runner_up"]) == ("bill", "ec2", "lambda")
    assert v["difference_usd"] == pytest.approx(27.43)
    assert v["other_basis"]["cheaper"] == "lambda"
    ops = headline(_w("bill_and_operations"), {"lambda": 100.0, "ec2": 72.57})
    assert ops["text"] == ("Counting 8 engineer hours a month at $75.00 for the fleet, Lambda is "
                           "$572.57 a month cheaper than EC2 in all. On the AWS bill alone, EC2 "
                           "would cost $27.43 a month less than Lambda.")


@pytest.mark.parametrize("basis, bills, hours, code, other", [
    ("bill", (1.0, 50.0), (0, 0), "cheaper_bill", None),
    ("bill", (1.0, 50.0), (8, 0), "cheaper_bill", "other_ops"),
    ("bill", (50.0, 50.0), (0, 0), "tie_bill", None),
    ("bill", (50.0, 50.0), (8, 0), "tie_bill", "other_ops"),
    ("bill", (650.0, 50.0), (8, 0), "cheaper_bill", "other_ops_tie"),
    ("bill_and_operations", (650.0, 50.0), (8, 0), "tie_ops", "other_bill"),
    ("bill_and_operations", (1.0, 50.0), (8, 2), "cheaper_ops", "other_bill"),
])
def test_headline_codes(basis: str, bills: tuple[float, float], hours: tuple[float, float],
                        code: str, other: str | None) -> None:
    v = headline(_w(basis, *hours), {"lambda": bills[0], "ec2": bills[1]})
    assert v["code"] == code and v["text"]
    assert (v["other_basis"] or {}).get("code") == other


# --- No unexplained contradiction ---------------------------------------------------------------

def assert_consistent(c: Any) -> None:
    """The headline, the recommendation's choice and the cost lines agree on the result's
    basis, or the text says why they do not."""
    out = c.to_contract()
    v, rec, u = out["verdict"], out["recommendation"], out["uncertainty"]
    assert v["basis"] == out["basis"] == u["cost_basis"]
    tco = rec["tco"]
    diff = tco["lambda"] - tco["ec2"]
    overall = "tie" if abs(diff) <= 0.01 else ("lambda" if diff < 0 else "ec2")
    assert v["cheaper"] == out["cheaper"] == overall
    codes = [r["code"] for r in rec["reasons"]]
    if rec["blockers"]:
        return
    choice = rec["choice"]
    if choice in ("lambda", "ec2") and overall in ("lambda", "ec2") and overall != choice:
        assert codes[0].startswith("chosen_despite_cost")
        assert rec["confidence"] != "high"
    if rec["confidence"] == "high":
        assert u["share_cheaper"][choice] + u["share_cheaper"]["tie"] / 2 >= 0.9
    for r in rec["reasons"]:
        if "ratio" in r["params"]:
            assert min(tco["lambda"], tco["ec2"]) >= MIN_RATIO_USD
            assert "×" in r["text"]
        if r["code"].startswith("cost_"):
            assert "×" not in r["text"] or "ratio" in r["params"]


@SETTINGS
@given(requests=st.floats(0, 3e9), duration=st.floats(1, 20000),
       memory=st.integers(128, 4096), peak=st.floats(1, 12),
       cpu=st.floats(0, 1), ops=st.floats(0, 40), lambda_ops=st.floats(0, 10),
       front_door=st.sampled_from(["none", "http_api", "rest_api", "alb", "function_url"]),
       use_case=st.sampled_from(["http_api", "scheduled_job", "event_processing", "pilot",
                                 "unpredictable_traffic", "batch"]),
       team=st.booleans(), basis=st.sampled_from(["bill", "bill_and_operations"]))
def test_no_unexplained_contradiction_for_generated_workloads(
        sheet: PriceSheet, requests: float, duration: float, memory: int, peak: float,
        cpu: float, ops: float, lambda_ops: float, front_door: str, use_case: str,
        team: bool, basis: str) -> None:
    w = parse_workload({
        "requests_per_month": requests, "duration_ms": duration, "memory_mb": memory,
        "basis": basis,
        "front_door": front_door, "traffic": {"peak_to_average": peak},
        "ec2": {"cpu_share": cpu},
        "needs": {"use_case": use_case, "no_server_team": team, "ops_hours_per_month": ops,
                  "lambda_ops_hours_per_month": lambda_ops}})
    assert_consistent(compare(w, sheet))


def test_small_totals_state_no_ratio(sheet: PriceSheet) -> None:
    c = compare(parse_workload({"requests_per_month": 1e6, "duration_ms": 100, "memory_mb": 128,
                                "needs": {"ops_hours_per_month": 0}}), sheet)
    cost = next(r for r in c.recommendation.reasons if r.factor == "cost")
    assert "ratio" not in cost.params and "×" not in cost.text
    assert math.isfinite(c.lambda_.monthly_usd)


@pytest.mark.parametrize("front_door", ["none", "alb", "http_api"])
def test_what_if_reuses_only_the_sides_an_assumption_cannot_change(
        sheet: PriceSheet, front_door: str) -> None:
    w = parse_workload({**BASE, "front_door": front_door, "traffic": {"peak_to_average": 3},
                        "ec2": {"cpu_share": 0.4}})
    c = compare(w, sheet, with_break_even=False, with_uncertainty=False)
    quick = what_if(sheet, w, c.lambda_.monthly_usd, c.ec2.monthly_usd)
    again = what_if(sheet, w)  # every side priced again gives the same figures
    for a, b in zip(quick, again, strict=True):
        assert a == {k: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v
                     for k, v in b.items()}
    ops = quick[0]
    assert ops["assumption"] == "operations" and ops["ec2_ops_usd"] == 0
    assert ops["lambda_usd"] == c.lambda_.monthly_usd


def test_a_choice_against_the_cost_line_says_so_first_with_the_figures(sheet: PriceSheet) -> None:
    w = parse_workload({"requests_per_month": 2e8, "duration_ms": 1000, "memory_mb": 512,
                        "traffic": {"peak_to_average": 1.5}, "ec2": {"cpu_share": 0.2},
                        "needs": {"no_server_team": True, "use_case": "pilot",
                                  "ops_hours_per_month": 0}})
    rec = compare(w, sheet).recommendation
    first = rec.reasons[0]
    assert rec.choice == "lambda" and first.code == "chosen_despite_cost_bill"
    assert first.text.startswith("Lambda is recommended although EC2 costs $")
    assert "on the AWS bill" in first.text
    assert rec.confidence == "low"
