"""The instance catalogue's rules: architecture from the family name, burstable baselines."""

from __future__ import annotations

import pytest

from advisor.pricing.catalogue import architecture_of, burstable_baseline, family_of


@pytest.mark.parametrize("name", [
    "t4g.micro", "m7g.xlarge", "m6gd.large", "c7gn.large", "c8g.large", "r8g.2xlarge",
    "x2gd.large", "im4gn.large", "is4gen.xlarge", "i4g.large", "hpc7g.4xlarge", "m7gd.medium",
])
def test_graviton_families_have_a_g_after_the_generation_digit(name: str) -> None:
    assert architecture_of(name) == "arm64"


@pytest.mark.parametrize("name", [
    "t3.micro", "t3a.small", "m7i-flex.large", "c7i.large", "m5zn.large", "c5n.large",
    "r7iz.large", "u-6tb1.metal", "x2iedn.xlarge", "z1d.large", "m6idn.large", "d3en.xlarge",
])
def test_other_families_are_x86(name: str) -> None:
    assert architecture_of(name) == "x86_64"


def test_family_and_burstable_baselines() -> None:
    assert family_of("m7i-flex.2xlarge") == "m7i-flex"
    # AWS's baseline utilization per vCPU: the same for t3, t3a and t4g of a size.
    assert [burstable_baseline(f"t3.{s}") for s in ("nano", "micro", "small", "medium", "large",
                                                     "xlarge", "2xlarge")] == \
        [0.05, 0.10, 0.20, 0.20, 0.30, 0.40, 0.40]
    assert burstable_baseline("t4g.large") == burstable_baseline("t3a.large") == 0.30
    assert burstable_baseline("m7g.large") is None
