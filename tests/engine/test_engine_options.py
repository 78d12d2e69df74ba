"""The options beyond Lambda and EC2: AWS's billing examples to the cent, the option shape,
exact pairwise break-even, and the default options leaving every result as it was."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from engine_testlib import cents, make_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_properties import workloads

from advisor.pricing.choose import pair_break_even
from advisor.pricing.compare import compare
from advisor.pricing.options import prepare, registry
from advisor.pricing.options.fargate import task_charge, task_sizes
from advisor.pricing.options.lambda_managed_instances import bill as lmi_bill
from advisor.pricing.options.lambda_managed_instances import environment
from advisor.pricing.workload import OPTION_NAMES, Workload, WorkloadError, parse_workload

# us-east-1 option rates as the seed file holds them (fixtures/price_books.options.json).
OPTION_RATES = {
    "fargate.x86_64.vcpu_hour": 0.04048, "fargate.x86_64.gb_hour": 0.004445,
    "fargate.arm64.vcpu_hour": 0.03238, "fargate.arm64.gb_hour": 0.00356,
    "fargate.ephemeral_gb_hour": 0.000111, "fargate.spot": 0.30,
    "lambda_mi.requests": 0.20, "lambda_mi.management_fee": 0.15,
}
SHEET = make_sheet(OPTION_RATES)
ALL = list(OPTION_NAMES)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bill(items: dict[str, float]) -> dict[str, Decimal]:
    out = {k: cents(v) for k, v in items.items()}
    out["total"] = sum(out.values(), Decimal(0))
    return out


# ---------- AWS's worked examples ----------

# AWS Fargate pricing page, "Pricing Examples" (https://aws.amazon.com/fargate/pricing/, all
# in US East (N. Virginia), a 30-day month). The page quotes per-second rates rounded from the
# hourly ones the book holds (x86 $0.04048 / 3600 = $0.0000112444 a vCPU-second, which it
# prints as $0.000011244); every line and total comes out the same to the cent.

def test_fargate_aws_example_1_linux_x86_with_extra_storage() -> None:
    """Example 1: 5 ECS tasks run 10 minutes (600 s) a day for 30 days, each 1 vCPU, 2 GB and
    30 GB of ephemeral storage, Linux/X86: vCPU 5 × 1 × $0.000011244 × 600 × 30 = $1.01;
    memory 5 × 2 × $0.000001235 × 600 × 30 = $0.22; storage 5 × (30 - 20) × $0.0000000308 ×
    600 × 30 = $0.03; "Monthly Fargate compute charges = $1.01 + $0.22 + $0.03 = $1.26"."""
    day = task_charge(SHEET, "x86_64", 1, 2, 600, tasks=5, ephemeral_gb=30)
    month = bill({k: v * 30 for k, v in day.items()})
    assert month == {"vcpu": Decimal("1.01"), "memory": Decimal("0.22"),
                     "ephemeral_storage": Decimal("0.03"), "total": Decimal("1.26")}
    assert cents(sum(day.values()) * 30) == Decimal("1.26")


def test_fargate_aws_example_2_graviton() -> None:
    """Example 2, the same on Linux/ARM (Graviton2): vCPU 5 × 1 × $0.0000089944 × 600 × 30 =
    $0.81; memory 5 × 2 × $0.0000009889 × 600 × 30 = $0.18; storage $0.03; $1.02."""
    day = task_charge(SHEET, "arm64", 1, 2, 600, tasks=5, ephemeral_gb=30)
    month = bill({k: v * 30 for k, v in day.items()})
    assert month == {"vcpu": Decimal("0.81"), "memory": Decimal("0.18"),
                     "ephemeral_storage": Decimal("0.03"), "total": Decimal("1.02")}
    assert cents(sum(day.values()) * 30) == Decimal("1.02")


def test_fargate_aws_example_3_quarter_vcpu_for_an_hour() -> None:
    """Example 3: 10 pods of 0.25 vCPU and 1 GB run 1 hour (3,600 s) a day for 30 days (EKS
    on Fargate bills as ECS does): vCPU 10 × 0.25 × $0.000011244 × 3600 × 30 = $3.04;
    memory 10 × 1 × $0.000001235 × 3600 × 30 = $1.33; $4.37."""
    day = task_charge(SHEET, "x86_64", 0.25, 1, 3600, tasks=10)
    month = bill({k: v * 30 for k, v in day.items()})
    assert month == {"vcpu": Decimal("3.04"), "memory": Decimal("1.33"),
                     "ephemeral_storage": Decimal("0.00"), "total": Decimal("4.37")}


def test_fargate_bills_by_the_second_with_a_one_minute_minimum() -> None:
    """AWS Fargate pricing page: rounded up to the second, one-minute minimum (Linux)."""
    short = task_charge(SHEET, "x86_64", 1, 2, 10)
    minute = task_charge(SHEET, "x86_64", 1, 2, 60)
    assert short == minute
    assert task_charge(SHEET, "x86_64", 1, 2, 60.2)["vcpu"] == pytest.approx(
        0.04048 * 61 / 3600)


def test_managed_instances_aws_pricing_page_example() -> None:
    """AWS Lambda pricing page (https://aws.amazon.com/lambda/pricing/), Lambda Managed
    Instances, "Pricing Example: High-throughput API service": 100M requests a month on
    m7g.xlarge ($0.1632 an hour on demand in US East (N. Virginia)) under a 3-year Compute
    Savings Plan at $0.0457 an hour, ~2,000 instance-hours: requests 100 × $0.20 = $20;
    instances 2,000 × $0.0457 = $91.40; management fee 15 % of the on-demand price,
    2,000 × $0.02448 = $48.96; "Total charges = $20 + $91.40 + $48.96 = $160.36"."""
    m7g = next(t for t in SHEET.instance_types if t.name == "m7g.xlarge")
    assert m7g.hourly == 0.1632
    items = lmi_bill(np.float64(2000), m7g.hourly, 0.0457,
                     SHEET.rate("lambda_mi.management_fee"), np.float64(100e6),
                     SHEET.rate("lambda_mi.requests") / 1e6)
    assert bill({k: float(v) for k, v in items.items()}) == {
        "instances": Decimal("91.40"), "management_fee": Decimal("48.96"),
        "requests": Decimal("20.00"), "total": Decimal("160.36")}


# AWS's Lambda Managed Instances pricing calculator (aws-samples, linked from AWS's own
# agent toolkit as "the LMI Pricing Calculator"): github.com/aws-samples/
# sample-aws-lambda-managed-instances @ 6934a8046053ce5e22959d3ee55f8ce0de430f67,
# tools/pricing-calculator/docs/CALCULATOR_METHODOLOGY.md ("Example Calculation": 14
# c7g.xlarge) and tools/pricing-calculator/tests/test-cases.json ("Basic Calculation"):
# 14 × $0.145 × 730 h = $1,481.90 of EC2, a management fee of 15 % of that on-demand cost =
# $222.285, 1M requests × $0.20 per million = $0.20; $1,704.385 in all.
AWS_LMI_EXAMPLE = {"instances": 1481.9, "management_fee": 222.285, "requests": 0.2}


def test_managed_instances_bill_reproduces_aws_calculator_example() -> None:
    """The pricing page's rule as AWS's calculator applies it, unrounded and to the cent."""
    c7g = next(t for t in SHEET.instance_types if t.name == "c7g.xlarge")
    items = lmi_bill(np.float64(14 * 730), c7g.hourly, c7g.hourly,
                 SHEET.rate("lambda_mi.management_fee"), np.float64(1e6),
                 SHEET.rate("lambda_mi.requests") / 1e6)
    got = {k: float(v) for k, v in items.items()}
    assert got == pytest.approx(AWS_LMI_EXAMPLE, rel=1e-12)
    assert sum(got.values()) == pytest.approx(1704.385, rel=1e-12)
    assert cents(sum(got.values())) == Decimal("1704.39")
    # With a Savings Plan the instances cost less; the fee stays on the on-demand price (the
    # calculator's "Compute SP 1yr" case: $1,007.692 of EC2 beside the same $222.285 fee).
    sp = lmi_bill(np.float64(14 * 730), c7g.hourly, c7g.hourly * 0.68, 0.15, np.float64(1e7), 2e-7)
    assert float(sp["instances"]) == pytest.approx(1007.692, rel=1e-12)
    assert float(sp["management_fee"]) == pytest.approx(222.285, rel=1e-12)
    assert float(sp["requests"]) == pytest.approx(2.0, rel=1e-12)


def test_managed_instances_fleet_of_the_aws_example_through_compare() -> None:
    """The same 14 × c7g.xlarge all month, reached by the engine's own sizing: a flat 650
    requests/s of 1 s each is 650 in flight (Little's law); a 512 MB Python function gets
    1 vCPU / 2 GiB environments of 16 requests; a c7g.xlarge (4 vCPU, 8 GiB, 0.5 GiB for the
    OS) holds 3 of them, 48 requests, so ceil(650 / 48) = 14. Instances and fee are AWS's
    figures to the cent; the requests are this workload's (1,708.2M × $0.20 per million)."""
    w = parse_workload({"requests_per_month": 650 * 3600 * 730, "duration_ms": 1000,
                        "memory_mb": 512, "architecture": "arm64", "options": ALL,
                        "ec2": {"cpu_share": 0.01},
                        "managed_instances": {"instance_type": "c7g.xlarge"},
                        "lambda_log_bytes_per_request": 0})
    r = compare(w, SHEET).to_contract()["lambda_managed_instances"]
    assert r["sizing"]["instance_type"] == "c7g.xlarge"
    assert r["sizing"]["environments_per_instance"] == 3
    assert r["sizing"]["peak_instances"] == 14
    assert r["items"]["instances"] == pytest.approx(AWS_LMI_EXAMPLE["instances"], rel=1e-12)
    assert r["items"]["management_fee"] == pytest.approx(AWS_LMI_EXAMPLE["management_fee"],
                                                         rel=1e-12)
    assert cents(r["items"]["requests"]) == Decimal("341.64")


def test_managed_instances_minimum_fleet_on_the_cheapest_type() -> None:
    """A 2,048 MB arm64 function at 10M requests a month: at the default 2 GiB per vCPU an
    environment is 1 vCPU / 2 GiB, so the three instances AWS starts are the cheapest arm64
    c, m or r type that holds one: c7g.large ($0.0725 an hour; 4 GiB less 0.5 for the OS).
    Instances 3 × 730 × $0.0725 = $158.775, fee 15 % = $23.81625, requests $2.00; $184.59.
    With Lambda's default 300 log bytes a
    request the functions add 10M × 300 B = 3 GB of CloudWatch Logs at $0.50 = $1.50."""
    w = parse_workload({"requests_per_month": 10e6, "duration_ms": 100, "memory_mb": 2048,
                        "architecture": "arm64", "options": ALL,
                        "lambda_log_bytes_per_request": 0})
    r = compare(w, SHEET).to_contract()["lambda_managed_instances"]
    assert r["sizing"]["instance_type"] == "c7g.large" and r["sizing"]["peak_instances"] == 3
    assert r["items"] == pytest.approx({
        "instances": 158.775, "management_fee": 23.81625, "requests": 2.0, "front_door": 0.0,
        "nat_gateway": 0.0, "data_transfer": 0.0, "public_ipv4": 0.0, "logs": 0.0},
        rel=1e-12)
    assert r["monthly_usd"] == pytest.approx(184.59125, rel=1e-12)
    logged = compare(replace(w, lambda_log_bytes_per_request=300), SHEET).to_contract()
    assert bill(logged["lambda_managed_instances"]["items"])["logs"] == Decimal("1.50")


def test_managed_instances_memory_per_vcpu_sets_the_environment() -> None:
    """AWS's ExecutionEnvironmentMemoryGiBPerVCpu (2 to 8): 4,096 MB is 2 vCPUs at 2 GiB per
    vCPU, 1 vCPU at 4; 2,048 MB at 8 GiB per vCPU still needs 1 vCPU, so 8 GiB."""
    def env(mb: int, ratio: float) -> tuple[int, float]:
        return environment(parse_workload({"requests_per_month": 1, "duration_ms": 1,
                                           "memory_mb": mb,
                                           "managed_instances": {"memory_gib_per_vcpu": ratio}}))
    assert env(4096, 2) == (2, 4.0)
    assert env(4096, 4) == (1, 4.0)
    assert env(2048, 8) == (1, 8.0)
    assert env(3072, 2) == (2, 4.0)
    with pytest.raises(WorkloadError) as e:
        env(1024, 1)
    assert "managed_instances.memory_gib_per_vcpu" in e.value.errors


def test_managed_instances_named_type_is_checked_by_name() -> None:
    base = {"requests_per_month": 10e6, "duration_ms": 100, "memory_mb": 2048,
            "architecture": "arm64", "options": ALL}
    for name, words in (("x9.huge", "not in the"), ("t4g.large", "c, m and r"),
                        ("m6i.large", "is x86_64; the function is arm64")):
        with pytest.raises(WorkloadError) as e:
            compare(parse_workload({**base, "managed_instances": {"instance_type": name}}),
                    SHEET)
        assert words in e.value.errors["managed_instances.instance_type"][0]
    with pytest.raises(WorkloadError) as e:
        compare(parse_workload({**base, "memory_mb": 10240,
                                "managed_instances": {"instance_type": "c7g.large"}}), SHEET)
    assert "cannot host one execution environment of 5 vCPU and 10 GiB" in \
        e.value.errors["managed_instances.instance_type"][0]


def test_managed_instances_savings_plan_lowers_the_instances_not_the_fee() -> None:
    base = {"requests_per_month": 10e6, "duration_ms": 100, "memory_mb": 2048,
            "architecture": "arm64", "options": ALL}
    od = compare(parse_workload(base), SHEET).to_contract()["lambda_managed_instances"]
    sp = compare(parse_workload({**base, "ec2": {"purchase": "savings_plan_1y"}}),
                 SHEET).to_contract()["lambda_managed_instances"]
    assert sp["items"]["instances"] == pytest.approx(od["items"]["instances"] * 0.72)
    assert sp["items"]["management_fee"] == pytest.approx(od["items"]["management_fee"])


def test_managed_instances_size_by_concurrency_per_vcpu() -> None:
    """Little's law: 1,000 requests/s × 2 s = 2,000 in flight; Python takes 16 per vCPU, so
    a 1-vCPU environment takes 16 and 125 environments are needed; Node.js (64) needs 32."""
    base = {"requests_per_month": 1000 * 730 * 3600, "duration_ms": 2000, "memory_mb": 1769,
            "options": ALL, "ec2": {"cpu_share": 0.01}}
    py = compare(parse_workload(base), SHEET).to_contract()["lambda_managed_instances"]
    node = compare(parse_workload({**base, "managed_instances": {"runtime": "nodejs"}}),
                   SHEET).to_contract()["lambda_managed_instances"]
    assert py["sizing"]["peak_concurrency"] == pytest.approx(2000)
    assert py["sizing"]["environments_for_concurrency"] == 125
    assert node["sizing"]["environments_for_concurrency"] == 32
    assert node["monthly_usd"] < py["monthly_usd"]


def test_managed_instances_environment_is_at_least_one_vcpu_and_two_gb() -> None:
    w = parse_workload({"requests_per_month": 1, "duration_ms": 1, "memory_mb": 512})
    assert environment(w) == (1, 2.0)
    w = parse_workload({"requests_per_month": 1, "duration_ms": 1, "memory_mb": 10240})
    assert environment(w) == (5, 10.0)


def test_fargate_task_sizes_are_the_valid_combinations() -> None:
    sizes = task_sizes()
    assert (0.25, 0.5) in sizes and (16.0, 120.0) in sizes and (4.0, 30.0) in sizes
    assert (0.25, 4.0) not in sizes and (8.0, 18.0) not in sizes
    assert len(sizes) == len(set(sizes))


def test_fargate_counts_tasks_like_the_ec2_fleet() -> None:
    """Same CPU rule and floor as EC2: at the floor, two of the cheapest task that holds one
    request; Spot is the Spot share of that."""
    base = {"requests_per_month": 1000, "duration_ms": 100, "memory_mb": 512, "options": ALL}
    r = compare(parse_workload(base), SHEET).to_contract()["fargate"]
    assert r["sizing"]["peak_tasks"] == 2
    # A task keeps no memory for an OS: 512 MB fits the 0.5 GB task.
    assert (r["sizing"]["task_vcpu"], r["sizing"]["task_memory_gb"]) == (0.25, 0.5)
    hourly = 0.25 * 0.04048 + 0.5 * 0.004445
    assert r["items"]["tasks"] == pytest.approx(2 * 730 * hourly)
    spot = compare(parse_workload({**base, "fargate": {"spot": True}}), SHEET).to_contract()
    assert spot["fargate"]["items"]["tasks"] == pytest.approx(0.30 * r["items"]["tasks"])
    assert r["items"]["load_balancer"] > 0  # an ALB is always in front


# ---------- Contract ----------

def test_default_options_give_exactly_the_two_option_result() -> None:
    data = {"requests_per_month": 3e6, "duration_ms": 120, "memory_mb": 1536}
    plain = compare(parse_workload(data), SHEET).to_contract()
    for order in (["lambda", "ec2"], ["ec2", "lambda"]):
        again = compare(parse_workload({**data, "options": order}), SHEET).to_contract()
        assert json.dumps(again, sort_keys=True) == json.dumps(plain, sort_keys=True)
    assert "options" not in plain["inputs"] and "cheapest" not in plain
    assert "fargate" not in plain and "pairwise_break_even" not in plain


def test_extra_options_add_one_object_each_the_cheapest_and_every_pair() -> None:
    data = {"requests_per_month": 3e8, "duration_ms": 120, "memory_mb": 1536, "options": ALL}
    r = compare(parse_workload(data), SHEET).to_contract()
    assert r["inputs"]["options"] == ALL
    totals = {n: r[n]["monthly_usd"] for n in ALL}
    assert r["cheapest"] == min(totals, key=totals.get)
    assert [p["options"] for p in r["pairwise_break_even"]] == [
        list(p) for p in itertools.combinations(ALL, 2)]
    assert r["pairwise_break_even"][0]["points"] == r["break_even"]
    for name in ("lambda_managed_instances", "fargate"):
        assert r[name]["monthly_usd"] == pytest.approx(sum(r[name]["items"].values()))
    assert r["option_choice"]["choice"] in ALL


def test_options_field_is_checked() -> None:
    for bad in ([], ["lambda", "lambda"], ["app_runner"], "fargate"):
        with pytest.raises(WorkloadError) as e:
            parse_workload({"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128,
                            "options": bad})
        assert "options" in e.value.errors


def test_an_option_the_book_has_no_prices_for_is_refused_by_name() -> None:
    w = parse_workload({"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128,
                        "options": ["lambda", "fargate"]})
    with pytest.raises(WorkloadError) as e:
        compare(w, make_sheet())
    assert "fargate" in e.value.errors["options"][0]


def test_steady_traffic_and_no_server_team_choose_managed_instances() -> None:
    data = {"requests_per_month": 2e9, "duration_ms": 200, "memory_mb": 2048,
            "architecture": "arm64", "managed_instances": {"runtime": "nodejs"},
            "options": ["lambda", "ec2", "lambda_managed_instances"],
            "needs": {"no_server_team": True}}
    choice = compare(parse_workload(data), SHEET).to_contract()["option_choice"]
    assert choice["choice"] == "lambda_managed_instances"
    codes = [r["code"] for r in choice["reasons"]]
    assert "choice_no_server_team" in codes and "choice_steady_managed" in codes


def test_blocked_options_are_left_out_of_the_choice() -> None:
    data = {"requests_per_month": 2e9, "duration_ms": 200, "memory_mb": 2048, "options": ALL,
            "needs": {"gpu": True}}
    # With a GPU need, "auto" searches the GPU families (g5.xlarge: us-east-1, $1.006 an hour).
    from engine_testlib import US_EAST_1_INSTANCES

    from advisor.pricing.sheet import InstanceType
    gpu = InstanceType("g5.xlarge", 4, 16.0, "x86_64", 1.006)  # type: ignore[arg-type]
    sheet = make_sheet(OPTION_RATES, instances=(*US_EAST_1_INSTANCES, gpu))
    result = compare(parse_workload(data), sheet).to_contract()
    assert result["option_choice"]["choice"] == "ec2"
    assert result["ec2"]["instance_type"] == "g5.xlarge"
    # A book without any GPU type searches as before.
    assert compare(parse_workload(data), SHEET).to_contract()["option_choice"]["choice"] == "ec2"


def test_a_new_option_is_one_module() -> None:
    assert list(registry()) == ALL


# ---------- Properties ----------

def models(w: Workload) -> dict[str, object]:
    """Every option that can serve the workload (an option may refuse one, e.g. no instance
    type in the book holds its environment)."""
    out = {}
    for n in ALL:
        try:
            out[n] = prepare(w, SHEET, n)
        except WorkloadError:
            continue
    return out


# Managed Instances' capacity-provider settings drawn beside each workload: AWS's three
# memory-to-vCPU ratios and "auto" or a named type (one of either architecture; a type the
# workload cannot use is refused and that option left out).
MI_SETTINGS = st.tuples(st.sampled_from((2.0, 4.0, 8.0)),
                        st.sampled_from(("auto", "c7g.xlarge", "m6i.large")))


def _with_options(w: Workload, mi: tuple[float, str] = (2.0, "auto")) -> Workload:
    ratio, name = mi
    return replace(w, options=tuple(ALL), managed_instances=replace(
        w.managed_instances, memory_gib_per_vcpu=ratio, instance_type=name))


@FAST
@given(workloads(), MI_SETTINGS)
def test_each_option_total_is_non_negative_and_non_decreasing(w: Workload,
                                                              mi: tuple[float, str]) -> None:
    x = np.geomspace(1, 1e12, 200)
    for name, m in models(_with_options(w, mi)).items():
        t = m.total(x)  # type: ignore[attr-defined]
        assert (t >= 0).all(), name
        assert (np.diff(t) >= -1e-9 * np.abs(t[1:])).all(), name
        items = m.item_arrays(x)  # type: ignore[attr-defined]
        assert np.allclose(sum(items.values()), t, rtol=1e-9), name


@FAST
@given(workloads(), MI_SETTINGS)
def test_at_each_pairwise_break_even_the_totals_agree(w: Workload, mi: tuple[float, str]) -> None:
    """Within 0.1 %, except where a fleet grows by one instance or task right there: then the
    order of the two totals flips across the point (a crossing at the jump)."""
    ms = models(_with_options(w, mi))
    for a, b in itertools.combinations(ms, 2):
        ma, mb = ms[a], ms[b]
        for x in pair_break_even(ma, mb)[:20]:  # type: ignore[arg-type]
            ta, tb = float(ma.total(x)), float(mb.total(x))  # type: ignore[attr-defined]
            if abs(ta - tb) <= 1e-3 * max(ta, tb, 1e-9):
                continue
            after = x * (1 + 1e-9)
            flipped = (ta - tb > 0) != (float(ma.total(after)) - float(mb.total(after)) > 0)  # type: ignore[attr-defined]
            assert flipped, (a, b, x, ta, tb)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads())
def test_options_absent_or_default_leave_the_result_unchanged(w: Workload) -> None:
    """Generated workloads carry no options (the default); naming the default pair, in
    either order through the parser, gives the very same result, with no option keys."""
    plain = compare(w, SHEET, with_break_even=False).to_contract()
    named = parse_workload({**plain["inputs"], "options": ["ec2", "lambda"]})
    assert named == w
    assert compare(named, SHEET, with_break_even=False).to_contract() == plain
    assert "options" not in plain["inputs"]
    assert set(plain) == {"inputs", "price_book", "lambda", "ec2", "break_even", "cheaper",
                          "assumptions", "recommendation", "break_even_bands", "verdict",
                          "uncertainty", "basis"}


def test_an_architecture_without_fargate_prices_is_refused_the_other_priced() -> None:
    x86_only = make_sheet({k: v for k, v in OPTION_RATES.items() if ".arm64." not in k})
    base = {"requests_per_month": 1e6, "duration_ms": 100, "memory_mb": 512,
            "options": ["lambda", "fargate"]}
    assert compare(parse_workload(base), x86_only).to_contract()["fargate"]["monthly_usd"] > 0
    with pytest.raises(WorkloadError) as e:
        compare(parse_workload({**base, "architecture": "arm64"}), x86_only)
    assert "arm64" in e.value.errors["options"][0]
