"""sheet_from_rows(): complete sheets, clear errors, and the rate snapshot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from engine_testlib import BOOK, US_EAST_1_INSTANCES, US_EAST_1_RATES, make_sheet

from advisor.pricing.catalogue import SPECS
from advisor.pricing.sheet import (
    InstanceType,
    PriceSheet,
    PriceSheetError,
    instances_used,
    rates_used,
    sheet_from_rows,
    tiered_cost,
)

ROOT = Path(__file__).resolve().parents[2]


def problems(rows: list[tuple[str, float | None, float]],
             instances: tuple[InstanceType, ...] = US_EAST_1_INSTANCES) -> str:
    with pytest.raises(PriceSheetError) as err:
        sheet_from_rows(BOOK, rows, instances)
    return "; ".join(err.value.problems)


def test_complete_sheet(sheet: PriceSheet) -> None:
    assert set(sheet.rates) | set(sheet.tiers) == {s.key for s in SPECS}
    assert [t.upto for t in sheet.tiers["apigw.rest.requests"]] == [333e6, 1e9, 20e9, None]
    assert sheet.instance("m7g.large").architecture == "arm64"  # type: ignore[union-attr]


def test_tier_order_does_not_matter() -> None:
    shuffled = list(reversed(US_EAST_1_RATES))
    assert sheet_from_rows(BOOK, shuffled, US_EAST_1_INSTANCES).tiers == make_sheet().tiers


def test_missing_and_unknown_keys_are_named() -> None:
    rows = [r for r in US_EAST_1_RATES if r[0] != "nat.hourly"] + [("nat.hourlyy", None, 1.0)]
    text = problems(rows)
    assert "missing rate key 'nat.hourly'" in text
    assert "unknown rate key 'nat.hourlyy'" in text


def test_bad_tiers() -> None:
    no_open = [r for r in US_EAST_1_RATES if not (r[0] == "transfer.out" and r[1] is None)]
    assert "transfer.out: needs exactly one open last tier" in problems(no_open)
    two_open = [*US_EAST_1_RATES, ("apigw.http.requests", None, 0.5)]
    assert "apigw.http.requests: needs exactly one open last tier" in problems(two_open)
    dup = [*US_EAST_1_RATES, ("apigw.http.requests", 300e6, 0.5)]
    assert "duplicate tier bounds" in problems(dup)
    untiered = [*[r for r in US_EAST_1_RATES if r[0] != "nat.per_gb"], ("nat.per_gb", 5.0, 0.045)]
    assert "nat.per_gb: is not tiered" in problems(untiered)
    negative = [*[r for r in US_EAST_1_RATES if r[0] != "nat.per_gb"], ("nat.per_gb", None, -1.0)]
    assert "nat.per_gb: price must be a finite number >= 0" in problems(negative)


def test_bad_instance_type() -> None:
    bad = (*US_EAST_1_INSTANCES, InstanceType("x1.big", 0, 4, "sparc", 0.1, 2.0))  # type: ignore[arg-type]
    text = problems(list(US_EAST_1_RATES), bad)
    assert "instance type 'x1.big'" in text and "architecture" in text and "baseline" in text


def test_tiered_cost_is_cumulative(sheet: PriceSheet) -> None:
    tiers = sheet.tier_arrays("apigw.rest.requests")
    got = tiered_cost(np.array([0, 333e6, 1e9, 2e9]), tiers, per=1e6)
    assert got == pytest.approx([0, 333 * 3.5, 333 * 3.5 + 667 * 2.8, 333 * 3.5 + 667 * 2.8 + 1000 * 2.38])


def test_rates_used_snapshot_rebuilds_the_sheet(sheet: PriceSheet) -> None:
    rows = rates_used(sheet)
    assert len(rows) == len(US_EAST_1_RATES)
    json.dumps(rows)
    again = sheet_from_rows(BOOK, [(r["key"], r["tier_upto"], r["price"]) for r in rows],  # type: ignore[misc]
                            [InstanceType(**d) for d in instances_used(sheet)])  # type: ignore[arg-type]
    assert again.rates == sheet.rates and again.tiers == sheet.tiers
    assert again.instance_types == sheet.instance_types
    assert next(r for r in rows if r["key"] == "ec2.purchase.spot")["estimate"] is True


def test_no_django_in_the_engine() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+django\b|\bimport_module\(['\"]django", re.M)
    files = sorted((ROOT / "advisor" / "pricing").rglob("*.py"))
    assert files
    offenders = [str(f) for f in files if pattern.search(f.read_text())]
    assert offenders == []
    # And importing the engine does not pull Django in indirectly.
    code = "import sys, advisor.pricing; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
