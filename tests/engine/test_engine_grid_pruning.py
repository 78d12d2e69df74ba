"""The cheaper-side map of an autoscaled fleet sizes only the types that can be cheapest in each
block of loads: the figures are exactly those of sizing every type in every cell."""

from __future__ import annotations

import random

import numpy as np
import pytest
from engine_testlib import seeded_sheet

from advisor.pricing import ec2
from advisor.pricing.grid import cost_grid
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import parse_workload


@pytest.fixture(scope="module")
def full_sheet() -> PriceSheet:
    # The seed's us-east-1 book: every current-generation type (hundreds).
    return seeded_sheet("us-east-1")


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
