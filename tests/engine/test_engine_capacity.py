"""The EC2 capacity rule: CPU, burstable baseline, min_instances, memory rule, type choice."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from advisor.pricing.compare import compare
from advisor.pricing.ec2 import InstanceTypeError, build_ec2_model, size_fleet
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Ec2Options, Traffic, Workload

HOURS = 730


def per_month(rps: float) -> float:
    return rps * HOURS * 3600


def workload(rps: float, **kw: object) -> Workload:
    ec2 = kw.pop("ec2", Ec2Options())
    return Workload(requests_per_month=per_month(rps), **{"duration_ms": 100, "memory_mb": 1769,
                                                          **kw}, ec2=ec2)  # type: ignore[arg-type]


def test_cpu_rule_and_burstable_baseline(sheet: PriceSheet) -> None:
    # 10 req/s × 0.1 s × 1 vCPU / 0.5 utilisation = 2 vCPUs; t3.medium may use 2 × 20 % = 0.4.
    w = workload(10, ec2=Ec2Options(instance_type="t3.medium", target_utilization=0.5))
    c = compare(w, sheet, with_break_even=False)
    s = c.ec2.sizing
    assert s.vcpus_needed == pytest.approx(2.0)
    assert s.usable_vcpus_per_instance == pytest.approx(0.4)
    assert s.instances_for_cpu == 5
    assert c.ec2.peak_instances == 5
    assert c.ec2.instance_hours == pytest.approx(5 * HOURS)
    # A non-burstable 2-vCPU type needs one instance for the CPU; the floor of 2 applies.
    m5 = compare(replace(w, ec2=replace(w.ec2, instance_type="m5.large")), sheet, with_break_even=False)
    assert m5.ec2.sizing.instances_for_cpu == 1
    assert m5.ec2.peak_instances == 2


def test_cpu_share_and_lambda_cpu_cap(sheet: PriceSheet) -> None:
    # 10240 MB gives 10240 / 1769 = 5.79 vCPUs (the cap of 6 is never reached); cpu_share halves it.
    w = workload(1, memory_mb=10240, duration_ms=1000,
                 ec2=Ec2Options(instance_type="m6i.xlarge", cpu_share=0.5, target_utilization=1))
    s = compare(w, sheet, with_break_even=False).ec2.sizing
    assert s.cpu_s_per_request == pytest.approx(10240 / 1769 * 0.5)
    assert s.vcpus_needed == pytest.approx(10240 / 1769 * 0.5)


def test_min_instances_floor(sheet: PriceSheet) -> None:
    w = workload(0.001, ec2=Ec2Options(min_instances=3))
    c = compare(w, sheet, with_break_even=False)
    assert c.ec2.peak_instances == 3
    assert c.ec2.instance_hours == pytest.approx(3 * HOURS)
    zero = compare(replace(w, requests_per_month=0), sheet, with_break_even=False)
    assert zero.ec2.peak_instances == 3


def test_memory_rule(sheet: PriceSheet) -> None:
    # 10 req/s × 1 s = 10 requests in flight × 4 GiB = 40 GiB; m5.large offers 8 - 0.5 = 7.5.
    w = workload(10, memory_mb=4096, duration_ms=1000,
                 ec2=Ec2Options(instance_type="m5.large", cpu_share=0.01))
    s = compare(w, sheet, with_break_even=False).ec2.sizing
    assert s.peak_concurrency == pytest.approx(10)
    assert s.instances_for_memory == math.ceil(40 / 7.5) == 6
    assert s.instances_for_cpu == 1
    assert s.peak_instances == 6


def test_type_too_small_for_one_request_is_not_eligible(sheet: PriceSheet) -> None:
    # t3.medium has 4 GiB: 4 - 0.5 < 4 GiB for a 4096 MB request.
    w = workload(1, memory_mb=4096, ec2=Ec2Options(instance_type="t3.medium"))
    with pytest.raises(InstanceTypeError) as err:
        compare(w, sheet)
    assert "ec2.instance_type" in err.value.errors
    auto = compare(replace(w, ec2=Ec2Options()), sheet, with_break_even=False)
    assert sheet.instance(auto.ec2.instance_type).memory_gib - 0.5 >= 4  # type: ignore[union-attr]


def test_named_type_must_exist_and_may_be_of_the_other_architecture(sheet: PriceSheet) -> None:
    # The contract: architecture sets the *default* EC2 family; x86 Lambda against a Graviton
    # fleet is a fair comparison, and the result says the two sides differ.
    c = compare(workload(1, memory_mb=512, ec2=Ec2Options(instance_type="m7g.large")), sheet)
    assert c.ec2.instance_type == "m7g.large"
    assert any("m7g.large is arm64 while the Lambda function is x86_64" in a
               for a in c.assumptions)
    with pytest.raises(InstanceTypeError, match="price book") as err:
        compare(workload(1, memory_mb=512, ec2=Ec2Options(instance_type="z9.huge")), sheet)
    assert list(err.value.errors) == ["ec2.instance_type"]


def test_auto_picks_cheapest_eligible_type_of_the_architecture(sheet: PriceSheet) -> None:
    for arch in ("x86_64", "arm64"):
        for rps in (0.01, 5, 200, 3000):
            w = workload(rps, memory_mb=1024, duration_ms=80, architecture=arch)
            c = compare(w, sheet, with_break_even=False)
            chosen = sheet.instance(c.ec2.instance_type)
            assert chosen is not None and chosen.architecture == arch
            # Brute force: price every eligible type by itself.
            best = min(
                compare(replace(w, ec2=replace(w.ec2, instance_type=t.name)), sheet,
                        with_break_even=False).ec2.monthly_usd
                for t in sheet.instance_types
                if t.architecture == arch and t.memory_gib - 0.5 >= 1
            )
            assert c.ec2.monthly_usd == pytest.approx(best)


def test_arm64_auto_uses_graviton(sheet: PriceSheet) -> None:
    c = compare(workload(50, memory_mb=512, architecture="arm64"), sheet, with_break_even=False)
    assert c.ec2.instance_type.split(".")[0] in ("t4g", "m7g", "c7g")


def test_fixed_fleet_sized_for_peak_all_month(sheet: PriceSheet) -> None:
    w = workload(100, memory_mb=512, traffic=Traffic(peak_to_average=4),
                 ec2=Ec2Options(instance_type="c6i.large"))
    c = compare(w, sheet, with_break_even=False)
    s = c.ec2.sizing
    assert s.peak_rps == pytest.approx(400)
    expected = max(2, math.ceil(400 * 0.1 * (512 / 1769) / 0.6 / 2))
    assert c.ec2.peak_instances == expected
    assert c.ec2.instance_hours == pytest.approx(expected * HOURS)


def test_autoscale_follows_the_profile(sheet: PriceSheet) -> None:
    base = workload(100, memory_mb=1769, traffic=Traffic(peak_to_average=3, profile="business_hours"),
                    ec2=Ec2Options(instance_type="c6i.large"))
    fixed = compare(base, sheet, with_break_even=False)
    auto = compare(replace(base, ec2=replace(base.ec2, scaling="autoscale")), sheet,
                   with_break_even=False)
    assert auto.ec2.peak_instances == fixed.ec2.peak_instances
    assert auto.ec2.instance_hours < fixed.ec2.instance_hours
    # Flat with peak 1: autoscaling changes nothing.
    flat = workload(100, ec2=Ec2Options(scaling="autoscale"))
    assert compare(flat, sheet, with_break_even=False).ec2.instance_hours == pytest.approx(
        compare(replace(flat, ec2=Ec2Options()), sheet, with_break_even=False).ec2.instance_hours)


def test_purchase_factor_and_storage(sheet: PriceSheet) -> None:
    w = workload(0.01, memory_mb=512, ec2=Ec2Options(instance_type="m5.large", purchase="spot",
                                                     ebs_gb_per_instance=20))
    c = compare(w, sheet, with_break_even=False)
    assert c.ec2.items["instances"] == pytest.approx(2 * HOURS * 0.096 * 0.35)
    assert c.ec2.items["storage"] == pytest.approx(2 * 20 * 0.08)
    assert c.ec2.purchase_factor_is_estimate
    assert any("estimate" in a for a in c.assumptions)


def test_nat_and_nlb(sheet: PriceSheet) -> None:
    w = workload(0.01, memory_mb=512, nat_processed_gb=100, lambda_in_vpc_with_internet=True,
                 ec2=Ec2Options(private_subnets_with_nat=True, availability_zones=3,
                                load_balancer="nlb"))
    c = compare(w, sheet, with_break_even=False)
    nat = 3 * 0.045 * HOURS + 100 * 0.045
    assert c.ec2.items["nat_gateway"] == pytest.approx(nat)
    assert c.lambda_.items["nat_gateway"] == pytest.approx(nat)
    assert c.ec2.items["load_balancer"] == pytest.approx(0.0225 * HOURS, rel=1e-3)


def test_size_fleet_vectorised_matches_detail(sheet: PriceSheet) -> None:
    w = workload(37, memory_mb=2048, duration_ms=230)
    model = build_ec2_model(w, sheet)
    detail = size_fleet(model, w.requests_per_month)
    total = float(model.total(np.array([w.requests_per_month]))[0])
    ec2 = compare(w, sheet, with_break_even=False).ec2
    assert detail[0].instance_type == ec2.instance_type
    assert total == pytest.approx(ec2.monthly_usd)
