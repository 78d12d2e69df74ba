"""The cheaper-side map of an autoscaled fleet sizes only the types that can be cheapest in each
block of loads: the figures are exactly those of sizing every type in every cell."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from advisor.pricing import ec2
from advisor.pricing.catalogue import architecture_of
from advisor.pricing.grid import cost_grid
from advisor.pricing.sheet import BookInfo, InstanceType, PriceSheet, sheet_from_rows
from advisor.pricing.workload import parse_workload

ROOT = Path(__file__).resolve().parents[2]


def seeded_sheet() -> PriceSheet:
    """The seed fixture's us-east-1 book: every current-generation type (hundreds)."""
    data = json.loads((ROOT / "fixtures" / "price_books.json").read_text())
    book = next(b for b in data["price_books"] if b["region"] == "us-east-1")
    options = json.loads((ROOT / "fixtures" / "price_books.options.json").read_text())
    have = {r["key"] for r in book["rates"]}
    extra = [r for r in options["rates_by_region"].get("us-east-1", []) if r["key"] not in have]
    rates = [(r["key"], None if r["tier_upto"] is None else float(r["tier_upto"]),
              float(r["price"])) for r in book["rates"] + extra]
    table = book["instance_types"]
    rows = [dict(zip(table["columns"], values, strict=True)) for values in table["rows"]]

    def num(value: str | None) -> float | None:
        return None if value is None else float(value)

    types = [InstanceType(i["name"], int(i["vcpu"]), float(i["memory_gib"]),
                          architecture_of(i["name"]), float(i["hourly"]),  # type: ignore[arg-type]
                          num(i["burstable_baseline"]), num(i["reserved_1y_hourly"]),
                          num(i["reserved_3y_hourly"])) for i in rows]
    return sheet_from_rows(BookInfo(None, book["name"], "us-east-1", book["effective_from"]),
                           rates, types, allow_missing=True)


@pytest.fixture(scope="module")
def full_sheet() -> PriceSheet:
    return seeded_sheet()


def workloads(count: int) -> list[dict[str, object]]:
    rng = random.Random(23)
    out = []
    for _ in range(count):
        out.append({
            "requests_per_month": 10 ** rng.uniform(3, 10), "duration_ms": rng.choice([5, 120, 900]),
            "memory_mb": rng.choice([128, 512, 1769, 4096]),
            "architecture": rng.choice(["x86_64", "arm64"]),
            "traffic": {"peak_to_average": rng.choice([1.5, 3, 8]),
                        "profile": rng.choice(["flat", "business_hours", "spiky"])},
            "ec2": {"scaling": "autoscale", "min_instances": rng.choice([1, 2, 3]),
                    "cpu_share": rng.choice([0.25, 1.0]),
                    "purchase": rng.choice(["on_demand", "reserved_1y"])},
        })
    return out


@pytest.mark.parametrize("data", workloads(8))
def test_pruned_map_is_the_full_map(full_sheet: PriceSheet, data: dict[str, object],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    w = parse_workload(data)
    requests = np.geomspace(1e2, 1e12, 120)
    durations = np.geomspace(1, 900_000, 90)
    monkeypatch.setattr(ec2, "PRUNE_FROM", 10**15)
    full = cost_grid(w, full_sheet, requests, durations).ec2_usd
    monkeypatch.setattr(ec2, "PRUNE_FROM", 1)
    monkeypatch.setattr(ec2, "PRUNE_CELLS", 1)
    monkeypatch.setattr(ec2, "PRUNE_BLOCK", 97)  # many blocks, odd edges
    pruned = cost_grid(w, full_sheet, requests, durations).ec2_usd
    assert np.array_equal(full, pruned)
