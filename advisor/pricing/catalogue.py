"""Every rate a price book holds, with its unit and what an editor must know about it.

A price book is a set of rows keyed by these codes; tiered rates have one row per tier, each
with the tier's upper bound (``None`` for the open last tier). The catalogue is the one place
that says which numbers the engine reads, so the database, the seed fixture, the admin's help
texts and the methodology page all follow it.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it here (xgettext keyword); the
    methodology page and the admin translate descriptions when they render."""
    return message


ARCHITECTURES = ("x86_64", "arm64")
PURCHASE_OPTIONS = ("on_demand", "savings_plan_1y", "savings_plan_3y", "spot")


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
                 gettext_noop("3-year Compute Savings Plan, no upfront, as a share of the "
                              "on-demand price.")),
        RateSpec("ec2.purchase.spot", "factor of on-demand price",
                 gettext_noop("Typical Spot price as a share of the on-demand price.")),
        RateSpec("ebs.gp3.gb_month", "USD per GB-month",
                 gettext_noop("EBS gp3 storage (3,000 IOPS and 125 MB/s included).")),
        RateSpec("nat.hourly", "USD per hour",
                 gettext_noop("NAT gateway, each gateway, each hour.")),
        RateSpec("nat.per_gb", "USD per GB", gettext_noop("Data processed by a NAT gateway.")),
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


# Rates of the compute options beyond Lambda and EC2 (Lambda Managed Instances, ECS on
# Fargate). They are optional: a book without them still prices Lambda and EC2, and asking
# for an option whose rates the book lacks is refused naming the option. They are kept out of
# SPECS so that a book's required keys, and the rate key's choices, stay as they are.
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

ALL_SPECS: tuple[RateSpec, ...] = SPECS + OPTION_SPECS
SPEC_BY_KEY.update({s.key: s for s in OPTION_SPECS})
