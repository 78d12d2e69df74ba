"""Every rate a price book holds, with its unit and what an editor must know about it.

A price book is a set of rows keyed by these codes; tiered rates have one row per tier, each
with the tier's upper bound (``None`` for the open last tier). The catalogue is the one place
that says which numbers the engine reads, so the database, the seed fixture, the admin's help
texts and the methodology page all follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it here (xgettext keyword); the
    methodology page and the admin translate descriptions when they render."""
    return message


ARCHITECTURES = ("x86_64", "arm64")
# How instances are bought. Reserved instances (standard, No Upfront) are priced per type from
# the reserved-instance feed; the others are a factor of the on-demand price (``ec2.purchase.*``).
PURCHASE_OPTIONS = ("on_demand", "savings_plan_1y", "savings_plan_3y", "spot")
RESERVED_OPTIONS = ("reserved_1y", "reserved_3y")
ALL_PURCHASE_OPTIONS = PURCHASE_OPTIONS[:1] + RESERVED_OPTIONS + PURCHASE_OPTIONS[1:]


@dataclass(frozen=True)
class RateSpec:
    key: str
    unit: str
    description: str
    tiered: bool = False
    tier_unit: str = ""
    # Per-architecture rows: the description's template with "{arch}" (for translation).
    template: str = ""
    arch: str = ""


def _arch_spec(key: str, unit: str, template: str, arch: str, **extra: object) -> RateSpec:
    return RateSpec(key, unit, template.format(arch=arch), template=template, arch=arch,
                    **extra)  # type: ignore[arg-type]


def _lambda_specs(arch: str) -> list[RateSpec]:
    return [
        _arch_spec(f"lambda.{arch}.requests", "USD per 1M requests",
                   gettext_noop("Lambda request charge ({arch})."), arch),
        _arch_spec(f"lambda.{arch}.duration", "USD per GB-second",
                   gettext_noop("Lambda on-demand duration ({arch}); volume tiers apply to the "
                                "monthly GB-seconds of the architecture."), arch,
                   tiered=True, tier_unit="GB-seconds a month"),
        _arch_spec(f"lambda.{arch}.provisioned", "USD per GB-second",
                   gettext_noop("Provisioned concurrency: each warm environment, while enabled "
                                "({arch})."), arch),
        _arch_spec(f"lambda.{arch}.provisioned_duration", "USD per GB-second",
                   gettext_noop("Duration of requests served by provisioned environments "
                                "({arch})."), arch),
        _arch_spec(f"lambda.{arch}.ephemeral", "USD per GB-second",
                   gettext_noop("Ephemeral storage (/tmp) above the free 512 MB ({arch})."), arch),
    ]


SPECS: tuple[RateSpec, ...] = tuple(
    [s for arch in ARCHITECTURES for s in _lambda_specs(arch)]
    + [
        RateSpec("lambda.free.requests", "requests a month",
                 gettext_noop("Lambda's always-free request allowance, shared by both "
                              "architectures.")),
        RateSpec("lambda.free.gb_seconds", "GB-seconds a month",
                 gettext_noop("Lambda's always-free compute allowance; not applied to "
                              "provisioned usage.")),
        RateSpec("apigw.rest.requests", "USD per 1M requests",
                 gettext_noop("API Gateway REST API requests, tiered by monthly request "
                              "count."),
                 tiered=True, tier_unit="requests a month"),
        RateSpec("apigw.http.requests", "USD per 1M requests",
                 gettext_noop("API Gateway HTTP API requests, tiered by monthly metered "
                              "requests."),
                 tiered=True, tier_unit="requests a month"),
        RateSpec("apigw.http.metering_kb", "KB",
                 gettext_noop("HTTP API requests are metered in increments of this size (a "
                              "513 KB request counts as two).")),
        RateSpec("alb.hourly", "USD per hour",
                 gettext_noop("Application Load Balancer, each hour or part.")),
        RateSpec("alb.lcu_hourly", "USD per LCU-hour", gettext_noop("ALB capacity unit (LCU).")),
        RateSpec("alb.lcu.new_connections_per_s", "new connections a second",
                 gettext_noop("One LCU covers this many new connections a second.")),
        RateSpec("alb.lcu.active_connections_per_min", "active connections a minute",
                 gettext_noop("One LCU covers this many active connections a minute.")),
        RateSpec("alb.lcu.gb_per_hour_ec2", "GB an hour",
                 gettext_noop("One LCU covers this many GB processed an hour for EC2 or IP "
                              "targets.")),
        RateSpec("alb.lcu.gb_per_hour_lambda", "GB an hour",
                 gettext_noop("One LCU covers this many GB processed an hour for Lambda "
                              "targets.")),
        RateSpec("alb.lcu.rule_evaluations_per_s", "rule evaluations a second",
                 gettext_noop("One LCU covers this many rule evaluations a second.")),
        RateSpec("alb.free_rules", "rules",
                 gettext_noop("Listener rules per request that are free.")),
        RateSpec("nlb.hourly", "USD per hour",
                 gettext_noop("Network Load Balancer, each hour or part.")),
        RateSpec("nlb.nlcu_hourly", "USD per NLCU-hour", gettext_noop("NLB capacity unit (NLCU).")),
        RateSpec("nlb.nlcu.new_connections_per_s", "new connections a second",
                 gettext_noop("One NLCU covers this many new TCP connections a second.")),
        RateSpec("nlb.nlcu.active_connections", "active connections",
                 gettext_noop("One NLCU covers this many active TCP connections.")),
        RateSpec("nlb.nlcu.gb_per_hour", "GB an hour",
                 gettext_noop("One NLCU covers this many GB processed an hour.")),
        RateSpec("ec2.purchase.on_demand", "factor of on-demand price", gettext_noop("Always 1.")),
        RateSpec("ec2.purchase.savings_plan_1y", "factor of on-demand price",
                 gettext_noop("1-year Compute Savings Plan, no upfront, as a share of the "
                              "on-demand price.")),
        RateSpec("ec2.purchase.savings_plan_3y", "factor of on-demand price",
                 gettext_noop(
                     # xgettext:no-python-format
                     "3-year Compute Savings Plan, no upfront, as a share of the "
                              "on-demand price. It cannot be below the standard 3-year "
                              "reserved-instance rate with no upfront (about 0.43 of on-demand "
                              "in the reserved-instance feed): the 72 % headline discount "
                              "(0.28) needs payment up front.")),
        RateSpec("ec2.purchase.spot", "factor of on-demand price",
                 gettext_noop("Typical Spot price as a share of the on-demand price.")),
        RateSpec("ebs.gp3.gb_month", "USD per GB-month",
                 gettext_noop("EBS gp3 storage (3,000 IOPS and 125 MB/s included).")),
        RateSpec("nat.hourly", "USD per hour",
                 gettext_noop("NAT gateway, each gateway, each hour.")),
        RateSpec("nat.per_gb", "USD per GB", gettext_noop("Data processed by a NAT gateway.")),
        RateSpec("vpc.public_ipv4_hourly", "USD per address-hour",
                 gettext_noop("Every public IPv4 address, in use or idle, each hour (since "
                              "February 2024): a NAT gateway's Elastic IP, one per enabled AZ "
                              "of an internet-facing load balancer, each instance with a public "
                              "address.")),
        RateSpec("logs.ingestion_per_gb", "USD per GB",
                 gettext_noop("CloudWatch Logs ingestion (standard class) of custom logs, "
                              "per GB: an EC2 fleet's logs (and Lambda's in a book without the "
                              "vended-log tiers).")),
        RateSpec("transfer.free_gb", "GB a month",
                 gettext_noop("Internet egress free each month, across all services.")),
        RateSpec("transfer.out", "USD per GB",
                 gettext_noop("Internet egress beyond the free allowance, tiered by monthly GB."),
                 tiered=True,
                 # Bounds count the month's total egress from zero (AWS: "up to 100 GB free;
                 # next 9.999 TB $0.09 ..."): the free GB are the bottom of the first tier.
                 tier_unit="GB a month in total (the free allowance is the bottom of the first "
                           "tier)"),
    ]
)

SPEC_BY_KEY: dict[str, RateSpec] = {s.key: s for s in SPECS}

# Keys whose value is a constant of AWS's billing rules (capacity-unit definitions, free
# allowances, metering sizes, purchase factors) rather than a regional price; the seeded books
# of every region carry the same value with the same source.
RULE_KEYS: frozenset[str] = frozenset(
    s.key for s in SPECS
    if s.key.startswith(("alb.lcu.", "nlb.nlcu.", "lambda.free.", "ec2.purchase.", "transfer.free"))
    or s.key in ("alb.free_rules", "apigw.http.metering_kb")
)


# --- instance types --------------------------------------------------------------------------

# "m7g.xlarge" -> family "m7g"; Graviton (arm64) families have a "g" right after the generation
# digit: t4g, m7g, c7gn, r8g, x2gd, im4gn, is4gen (AWS Graviton instance types:
# https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html lists them;
# the pricing feeds carry no architecture field).
_GRAVITON = re.compile(r"^[a-z]+\d+g")


def family_of(name: str) -> str:
    return name.split(".", 1)[0]


# The series "auto" searches unless ``ec2.families`` names others: general purpose (m, and the
# burstable t), compute optimised (c) and memory optimised (r, x, z): the types a web or API
# backend runs on. Storage optimised (i, d, h, im, is), HPC (hpc), Mac and high-memory (u-)
# types are priced only when named or listed. The series is the letters before the generation
# digit (AWS, "Amazon EC2 instance type naming conventions":
# https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html).
AUTO_SERIES: frozenset[str] = frozenset({"m", "t", "c", "r", "x", "z"})


_SERIES = re.compile(r"^([a-z]+)[-\d]")


def series_of(family: str) -> str | None:
    """"hpc7g" -> "hpc", "c7gn" -> "c", "u-6tb1" -> "u"; None for a name that is not an EC2
    family (the Fargate task sizes priced like a fleet, "0.25vcpu")."""
    match = _SERIES.match(family)
    return match.group(1) if match else None


def auto_families(family_names: tuple[str, ...]) -> frozenset[str]:
    """The families among ``family_names`` that "auto" searches by default (a name that is not
    an EC2 family is kept)."""
    return frozenset(f for f in family_names if series_of(f) in AUTO_SERIES or series_of(f) is None)


def architecture_of(name: str) -> str:
    """arm64 for the Graviton families (a ``g`` after the generation digit), else x86_64."""
    return "arm64" if _GRAVITON.match(family_of(name)) else "x86_64"


# Previous-generation families (AWS, "Previous generation instances":
# https://docs.aws.amazon.com/ec2/latest/instancetypes/pg.html); the catalogue keeps the
# current generation only.
PREVIOUS_GENERATION: frozenset[str] = frozenset({
    "a1", "c1", "c3", "c4", "d2", "g2", "g3", "g3s", "i2", "i3", "m1", "m2", "m3", "m4",
    "p2", "p3", "p3dn", "r3", "r4", "t1", "t2", "x1", "x1e",
})
# Accelerated computing (GPU, machine-learning chips, FPGA, media): the feed's "Instance
# Family" categories. A Lambda function has none of these.
ACCELERATED_CATEGORIES: frozenset[str] = frozenset({
    "GPU instance", "Machine Learning ASIC Instances", "FPGA Instances",
    "Media Accelerator Instances",
})
# The same by family name (the books keep no category): GPU (g, gr, p), ML chips (dl, inf,
# trn), FPGA (f), media (vt) (AWS, "Accelerated computing instances":
# https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html).
_GPU = re.compile(r"^(g|gr|p)\d")
_ACCELERATED = re.compile(r"^(g|gr|p|dl|inf|trn|f|vt)\d")


def is_gpu(name: str) -> bool:
    """A GPU type (g, gr and p families): what "auto" searches when the work needs a GPU."""
    return bool(_GPU.match(family_of(name)))


def is_searched(name: str) -> bool:
    """Whether "auto" considers the type by default: current generation, no accelerator.
    Previous-generation and accelerated types are priced when named or their family listed."""
    family = family_of(name)
    return family not in PREVIOUS_GENERATION and not _ACCELERATED.match(family)

# Burstable baselines: the share of each vCPU a t-type can use all month without spending
# credits (AWS, "Key concepts and definitions for burstable performance instances", baseline
# utilization per vCPU: https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_burst-perf
# and https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html).
# t3, t3a and t4g share the same baselines per size.
BURSTABLE_BASELINE_SOURCE = (
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html "
    "(baseline utilization per vCPU)"
)
BURSTABLE_BASELINES: dict[str, float] = {
    "nano": 0.05, "micro": 0.10, "small": 0.20, "medium": 0.20, "large": 0.30,
    "xlarge": 0.40, "2xlarge": 0.40,
}
# t2 (previous generation) differs from xlarge up: 54 and 81.6 credits an hour over 4 and 8
# vCPUs are 22.5 % and 17 % per vCPU (same AWS page, "baseline utilization per vCPU").
T2_BASELINES: dict[str, float] = {**BURSTABLE_BASELINES, "xlarge": 0.225, "2xlarge": 0.17}
BURSTABLE_FAMILIES = ("t2", "t3", "t3a", "t4g")


def burstable_baseline(name: str) -> float | None:
    """The baseline share of each vCPU for a t2/t3/t3a/t4g type, None for fixed performance."""
    family, _, size = name.partition(".")
    if family not in BURSTABLE_FAMILIES:
        return None
    return (T2_BASELINES if family == "t2" else BURSTABLE_BASELINES).get(size)

# Rates of the compute options beyond Lambda and EC2 (Lambda Managed Instances, ECS on
# Fargate). They are optional: a book without them still prices Lambda and EC2, and asking
# for an option whose rates the book lacks is refused naming the option. They are kept out of
# SPECS so that a book's required keys stay as they are (a rate's key may be any of ALL_SPECS).
def _fargate_specs(arch: str) -> list[RateSpec]:
    return [
        _arch_spec(f"fargate.{arch}.vcpu_hour", "USD per vCPU-hour",
                   gettext_noop("ECS on Fargate, Linux ({arch}): each vCPU of a task, per hour, "
                                "billed by the second with a one-minute minimum."), arch),
        _arch_spec(f"fargate.{arch}.gb_hour", "USD per GB-hour",
                   gettext_noop("ECS on Fargate, Linux ({arch}): each GB of task memory, per "
                                "hour, billed by the second with a one-minute minimum."), arch),
    ]


OPTION_SPECS: tuple[RateSpec, ...] = tuple(
    [s for arch in ARCHITECTURES for s in _fargate_specs(arch)]
    + [
        RateSpec("fargate.ephemeral_gb_hour", "USD per GB-hour",
                 gettext_noop("Fargate ephemeral storage configured above the free 20 GB of "
                              "each task.")),
        RateSpec("fargate.spot", "factor of on-demand price",
                 gettext_noop("Fargate Spot price as a share of the Fargate on-demand price.")),
        RateSpec("lambda_mi.requests", "USD per 1M requests",
                 gettext_noop("Lambda Managed Instances request charge.")),
        RateSpec("lambda_mi.management_fee", "factor of on-demand price",
                 gettext_noop("Lambda Managed Instances compute management fee, as a share of "
                              "the EC2 on-demand price of each instance (Savings Plans and "
                              "Reserved Instances lower the instance price, not the fee).")),
    ]
)

# CloudWatch Logs as AWS bills each writer (https://aws.amazon.com/cloudwatch/pricing/, and the
# ``cloudwatch`` pricing-page feed): Lambda's logs are "vended" logs since May 2025, tiered by
# the month's volume (first 10 TB, next 20 TB, next 20 TB, over 50 TB; a TB is 1,024 GB, as the
# feed's own "IA Vended ingested logs from 0 upto 10240" rows show), and the always-free 5 GB.
# Optional like the option rates: a book without them prices Lambda's logs at the flat
# ``logs.ingestion_per_gb`` and counts no free log GB.
LOG_SPECS: tuple[RateSpec, ...] = (
    RateSpec("logs.vended_per_gb", "USD per GB",
             gettext_noop("CloudWatch Logs ingestion of vended logs (Lambda's logs), tiered by "
                          "the month's GB (first 10 TB, next 20 TB, next 20 TB, over 50 TB; "
                          "1 TB = 1,024 GB)."),
             tiered=True, tier_unit="GB a month"),
    RateSpec("logs.free_gb", "GB a month",
             gettext_noop("CloudWatch Logs always-free tier: GB of log data a month (ingestion, "
                          "archive storage and Logs Insights scans together), counted when the "
                          "workload applies the free tier.")),
)

ALL_SPECS: tuple[RateSpec, ...] = SPECS + OPTION_SPECS + LOG_SPECS
SPEC_BY_KEY.update({s.key: s for s in OPTION_SPECS + LOG_SPECS})
