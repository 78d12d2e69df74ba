"""EC2 "auto" searches the general purpose, compute, memory and burstable families; an HPC or
storage type is priced only when asked for (advisor/pricing/catalogue.py, AUTO_SERIES)."""

from __future__ import annotations

from typing import Any

import pytest

from advisor import services
from advisor.pricing.catalogue import auto_families, series_of

# The CPU-heavy batch preset (advisor/questionnaire/presets.py), in the contract's shape.
CPU_BATCH = {"requests_per_month": 5_000_000, "duration_ms": 20_000, "memory_mb": 3538,
             "architecture": "arm64", "front_door": "none",
             "ec2": {"cpu_share": 1, "load_balancer": "none"}}


@pytest.mark.parametrize(("family", "series"), [
    ("hpc7g", "hpc"), ("c7gn", "c"), ("m7i-flex", "m"), ("t4g", "t"), ("r7iz", "r"),
    ("x2gd", "x"), ("z1d", "z"), ("im4gn", "im"), ("is4gen", "is"), ("u-6tb1", "u"),
    ("mac2", "mac"), ("i4g", "i"), ("d3", "d"), ("inf2", "inf"), ("0.25vcpu", None),
])
def test_the_series_of_a_family(family: str, series: str | None) -> None:
    assert series_of(family) == series


def test_auto_keeps_general_compute_memory_and_burstable() -> None:
    names = ("c7g", "hpc7g", "i4g", "im4gn", "m7g", "mac2", "r8g", "t4g", "u-6tb1", "x2gd", "z1d")
    assert auto_families(names) == {"c7g", "m7g", "r8g", "t4g", "x2gd", "z1d"}


def test_the_cpu_heavy_batch_fleet_is_not_an_hpc_type(price_book: Any) -> None:
    ec2 = services.run(CPU_BATCH)["ec2"]
    assert series_of(ec2["instance_type"].split(".")[0]) in {"c", "m", "r", "t", "x", "z"}
    assert not any(series_of(f) in {"hpc", "i", "im", "is", "d", "u", "mac"}
                   for f in ec2["families_considered"])
    assert {"c7g", "m7g", "t4g"} <= set(ec2["families_considered"])


def test_an_hpc_family_is_priced_when_asked_for(price_book: Any) -> None:
    asked = {**CPU_BATCH, "ec2": {**CPU_BATCH["ec2"], "families": "hpc7g"}}
    ec2 = services.run(asked)["ec2"]
    assert ec2["families_considered"] == ["hpc7g"]
    assert ec2["instance_type"].startswith("hpc7g.")
    named = {**CPU_BATCH, "ec2": {**CPU_BATCH["ec2"], "instance_type": "hpc7g.16xlarge"}}
    assert services.run(named)["ec2"]["instance_type"] == "hpc7g.16xlarge"
