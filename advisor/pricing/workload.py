"""The workload: every input of the comparison contract, its defaults, and a strict parser.

``FIELDS`` is the one table of inputs (name, type, range, choices, default, unit, help) that
the parser, ``Workload.to_dict()`` and any generated form follow. A nested input has a dotted
name (``traffic.peak_to_average``) and its group is listed in ``GROUPS``.

To add a group: define a frozen dataclass with defaults, add a field of that type (with a
default) to :class:`Workload`, register it in ``GROUPS`` and append its ``FieldSpec`` rows
(``<group>.<name>``) to ``FIELDS``; cross-field rules go in ``CHECKS``.

The ``needs`` group ("your situation") feeds the use-case recommendation
(``recommend.py``), not the prices. Its operations-cost defaults (8 hours a month at $75 an
hour) are this project's assumptions, not AWS figures: roughly two hours a week to patch,
scale and watch a small fleet, at a loaded engineer's hourly cost. People should set their
own; the results say which figures they used. Lambda's operations time defaults to 0 on
purpose: the field counts only work Lambda needs beyond what both sides share, and no
published figure supports another number (docs/compare-json.md). Only
``needs.latency_budget_ms`` may be null (no budget).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Literal

Kind = Literal["number", "integer", "boolean", "choice", "string", "list", "weights"]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
# Default decided from other inputs (see ``default_note``).
DERIVED: Any = type("_Derived", (), {"__repr__": lambda self: "DERIVED"})()


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    default: Any
    unit: str = ""
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[Any, ...] = ()
    pattern: str | None = None
    pattern_hint: str = ""
    default_note: str = ""
    nullable: bool = False  # JSON null is a valid value (only needs.latency_budget_ms)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    # Worked out once per field: parsing a workload reads them hundreds of times.
    @functools.cached_property
    def group(self) -> str | None:
        return self.name.split(".", 1)[0] if "." in self.name else None

    @functools.cached_property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def describe(self) -> str:
        """The allowed values in words, e.g. 'an integer between 128 and 10240'."""
        if self.nullable:
            return self._describe() + " or null"
        return self._describe()

    def _describe(self) -> str:
        if self.kind == "boolean":
            return "true or false"
        if self.kind == "list":
            return "a list of one or more of " + ", ".join(json.dumps(c) for c in self.choices)
        if self.kind == "weights":
            return WEIGHTS_ALLOWED
        if self.choices:
            return "one of " + ", ".join(json.dumps(c) for c in self.choices)
        if self.kind == "string":
            return self.pattern_hint or "a string"
        noun = "an integer" if self.kind == "integer" else "a number"
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            if self.exclusive_minimum:
                return f"{noun} greater than {_fmt(lo)} and at most {_fmt(hi)}"
            return f"{noun} between {_fmt(lo)} and {_fmt(hi)}"
        if lo is not None:
            return f"{noun} greater than {_fmt(lo)}" if self.exclusive_minimum \
                else f"{noun} of at least {_fmt(lo)}"
        return noun


def _fmt(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e7:
        return str(int(value))
    text = f"{value:g}"
    return text.replace("e+", "e").replace("e0", "e")


def _number(name: str, default: Any, lo: float | None, hi: float | None, unit: str, help: str,
            *, exclusive: bool = False, integer: bool = False, note: str = "") -> FieldSpec:
    return FieldSpec(name, "integer" if integer else "number", default, unit, help, lo, hi,
                     exclusive, default_note=note)


def _choice(name: str, default: Any, choices: tuple[Any, ...], help: str, unit: str = "") -> FieldSpec:
    return FieldSpec(name, "choice", default, unit, help, choices=choices)


def _bool(name: str, default: bool, help: str) -> FieldSpec:
    return FieldSpec(name, "boolean", default, "", help)


# Lambda writes three platform lines per invocation to CloudWatch Logs by default: START
# (~60 bytes), END (~50) and REPORT (~180 with Init Duration), about 300 bytes with the
# timestamps and request ids (AWS, "Using CloudWatch Logs with Lambda":
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
LAMBDA_PLATFORM_LOG_BYTES = 300

# Upper limits of inputs AWS itself leaves open. They keep every charge a finite number (no
# overflow to infinity) and are far beyond any real workload: 1e9 GB (an exabyte) a month of
# egress or NAT traffic; 100,000 warm environments (100 × the default account concurrency);
# a connection open at most a month (31 days); 1e9 requests on one connection; 1,000 listener
# rules a request (an ALB allows 100 by default); 10,000 instances at the least; and 16,384 GB,
# the largest gp3 volume (16 TiB, Amazon EBS volume types).
MAX_GB_A_MONTH = 1e9

# The compute options one comparison prices (advisor/pricing/options/: one module each).
# Lambda and EC2 are the default pair; the result names the others only when they are asked.
OPTION_NAMES = ("lambda", "ec2", "lambda_managed_instances", "fargate")
DEFAULT_OPTIONS = ("lambda", "ec2")
# Lambda Managed Instances: concurrent requests one execution environment takes per vCPU, by
# runtime (AWS Lambda Managed Instances docs, "multi-concurrency" defaults).
MANAGED_RUNTIMES = ("python", "nodejs", "java", "dotnet")

# What a result's comparative figures count (advisor/pricing/basis.py).
BASES = ("bill", "bill_and_operations")
# traffic.hourly_weights: a measured week or day (advisor/pricing/profiles.py).
WEIGHT_COUNTS = (24, 168)
WEIGHTS_ALLOWED = "24 or 168 numbers ≥ 0, not all zero"
# A peak_to_average sent beside custom weights must be their busiest hour within this share
# (it may be rounded, "3.21" for 3.2147); the weights' own peak is then used.
CUSTOM_PEAK_TOLERANCE = 0.005

USE_CASES = ("http_api", "scheduled_job", "event_processing", "pilot", "unpredictable_traffic",
             "batch")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("region", "string", "us-east-1", "", "AWS region code; it must have a price book.",
              pattern=r"^[a-z]{2}(-[a-z]+)+-\d+$", pattern_hint="an AWS region code such as us-east-1"),
    _choice("basis", "bill", BASES,
            'What every comparison (cheaper, shares, break-even, the choice) counts: "bill" '
            '(the AWS bill) or "bill_and_operations" (the bill plus each option\'s operations '
            "hours × needs.ops_hourly_usd)."),
    FieldSpec("options", "list", DEFAULT_OPTIONS, "",
              "The compute options to compare: Lambda, EC2, Lambda Managed Instances, ECS on "
              "Fargate.", choices=OPTION_NAMES),
    _number("requests_per_month", REQUIRED, 0, 1e13, "requests a month",
            "Invocations (= HTTP requests) a month."),
    _number("duration_ms", REQUIRED, 0, 900000, "ms",
            "Average run time of one invocation as measured.", exclusive=True),
    _number("memory_mb", REQUIRED, 128, 10240, "MB",
            "Lambda memory; CPU share = memory_mb / 1769 vCPU (max 6).", integer=True),
    _choice("architecture", "x86_64", ("x86_64", "arm64"),
            "Lambda price and the EC2 family (Graviton for arm64)."),
    _number("ephemeral_storage_mb", 512, 512, 10240, "MB",
            "Lambda /tmp; the part over 512 MB is billed per GB-second.", integer=True),
    _bool("free_tier", True, "Apply Lambda's always-free allowance (1M requests, 400,000 GB-s)."),
    FieldSpec("billing_granularity_ms", "integer", 1, "ms",
              "Billed duration is rounded up to this; 100 reproduces billing before Dec 2020.",
              choices=(1, 100)),
    _number("hours_per_month", 730, 1, 744, "hours",
            "Hours in a month: AWS's calculator uses 730, some AWS examples 720."),
    _number("cold_start_rate", 0, 0, 1, "share",
            "Share of invocations that start a new environment."),
    _number("init_duration_ms", 0, 0, 10000, "ms", "Billed INIT time of each cold start."),
    _choice("front_door", "none", ("none", "http_api", "rest_api", "alb", "function_url"),
            "What receives the requests in front of Lambda."),
    _number("payload_kb", 10, 0, 10240, "KB", "Request + response size of one call."),
    _number("data_transfer_out_gb", 0, 0, MAX_GB_A_MONTH, "GB a month",
            "Internet egress a month, priced the same on both sides."),
    _number("lambda_log_bytes_per_request", LAMBDA_PLATFORM_LOG_BYTES, 0, 1e7, "bytes",
            "Bytes each invocation writes to CloudWatch Logs: about 300 for Lambda's START, "
            "END and REPORT lines, plus what the code prints."),
    _number("ec2_log_bytes_per_request", 0, 0, 1e7, "bytes",
            "Bytes per request the EC2 fleet ships to CloudWatch Logs (0: logs stay on the "
            "instances)."),
    _number("provisioned_concurrency", 0, 0, 100_000, "environments",
            "Lambda environments kept warm.", integer=True),
    _number("provisioned_hours_per_month", DERIVED, 0, 744, "hours",
            "How long the provisioned environments are kept warm.",
            note="hours_per_month when provisioned_concurrency > 0, else 0"),
    _number("provisioned_share_of_requests", DERIVED, 0, 1, "share",
            "Share of invocations served by warm environments.",
            note="1 when provisioned_concurrency > 0, else 0"),
    _bool("lambda_in_vpc_with_internet", False,
          "Lambda reaches the internet through NAT gateways (one per AZ)."),
    _number("nat_processed_gb", 0, 0, MAX_GB_A_MONTH, "GB a month",
            "GB a month through the NAT gateways, on whichever side uses them."),
    _number("traffic.peak_to_average", 1, 1, 1000, "ratio",
            "Busiest hour's request rate divided by the monthly average."),
    _choice("traffic.profile", "flat", ("flat", "business_hours", "spiky", "custom"),
            "Shape of a week that an autoscaling EC2 fleet follows; custom = the measured "
            "traffic.hourly_weights."),
    FieldSpec("traffic.hourly_weights", "weights", DERIVED, "",
              "A measured shape: 24 numbers (one day from 00:00 UTC, repeated for every day) or "
              "168 (one week from Monday 00:00 UTC), each hour's requests or rate. Normalised "
              "to mean 1 (the result echoes them so); peak_to_average is then their busiest "
              "hour. Required with traffic.profile \"custom\", refused otherwise.",
              default_note='none: required with traffic.profile "custom", refused with the '
                           "other profiles"),
    _number("connections.requests_per_connection", 10, 1, 1e9, "requests",
            "Requests per client connection (load-balancer capacity units)."),
    _number("connections.connection_seconds", 60, 0, 31 * 86_400, "seconds",
            "How long one client connection stays open.", exclusive=True),
    _number("connections.rules_per_request", 1, 0, 1000, "rules",
            "Listener rules evaluated per request (the first 10 are free).", integer=True),
    FieldSpec("ec2.instance_type", "string", "auto", "",
              '"auto" picks the cheapest type that meets the load, or name a type of the price book.',
              pattern=r"^(auto|[a-z][a-z0-9-]*\.[a-z0-9]+)$",
              pattern_hint='"auto" or an instance type name such as m7g.large'),
    _choice("ec2.purchase", "on_demand",
            ("on_demand", "reserved_1y", "reserved_3y", "savings_plan_1y", "savings_plan_3y",
             "spot"),
            "How the instances are bought: reserved = standard reserved instances, no upfront, "
            "at each type's own rate; savings plans and spot are estimated factors."),
    FieldSpec("ec2.families", "string", "", "",
              'Instance families "auto" may choose from, comma-separated (e.g. "t4g,m7g,c7g"); '
              "empty = the general purpose, compute, memory and burstable families.",
              pattern=r"^([a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*)?$",
              pattern_hint='empty or family names separated by commas, such as "t4g,m7g"'),
    _number("ec2.min_instances", 2, 1, 10_000, "instances",
            "Fewest instances (two in two AZs is the usual floor).", integer=True),
    _number("ec2.target_utilization", 0.6, 0.05, 1, "share",
            "Share of each instance's CPU that peak load may use."),
    _choice("ec2.scaling", "fixed", ("fixed", "autoscale"),
            "fixed = sized for the peak all month; autoscale = hour by hour along the profile."),
    _number("ec2.cpu_share", 1, 0, 1, "share", "Share of duration_ms that is CPU work."),
    _choice("ec2.load_balancer", "alb", ("alb", "nlb", "none"), "Load balancer in front of EC2."),
    _number("ec2.ebs_gb_per_instance", 8, 0, 16_384, "GB", "gp3 root volume per instance."),
    _bool("ec2.private_subnets_with_nat", False,
          "Instances reach the internet through NAT gateways (one per AZ)."),
    _bool("ec2.private_subnets", False,
          "Instances sit in private subnets without public IPv4 addresses (always so when "
          "they use NAT gateways)."),
    _number("ec2.availability_zones", 2, 1, 6, "AZs",
            "Availability zones; also the number of NAT gateways on either side.", integer=True),
    # The options groups price only the options named in ``options``.
    _choice("managed_instances.runtime", "python", MANAGED_RUNTIMES,
            "Lambda Managed Instances: the function's runtime; one execution environment takes "
            "16 (Python), 64 (Node.js) or 32 (Java, .NET) concurrent requests per vCPU."),
    FieldSpec("managed_instances.instance_type", "string", "auto", "",
              '"auto" packs the execution environments on the c, m or r type of the '
              "function's architecture that costs least for the load, or name one such type "
              "of the price book.",
              pattern=r"^(auto|[a-z][a-z0-9-]*\.[a-z0-9]+)$",
              pattern_hint='"auto" or an instance type name such as c7g.xlarge'),
    _number("managed_instances.memory_gib_per_vcpu", 2, 2, 8, "GiB per vCPU",
            "Lambda Managed Instances: memory per vCPU of an execution environment (the "
            "capacity provider's ExecutionEnvironmentMemoryGiBPerVCpu, 2 to 8); an environment "
            "has max(memory_mb, 2 GB) rounded up to whole vCPUs at this ratio."),
    _bool("fargate.spot", False,
          "ECS on Fargate: run the tasks on Fargate Spot (interruptible, lower price)."),
    # Operations time of the further options (Lambda's and EC2's are in ``needs``); the
    # methodology page gives the reason for each default.
    _number("managed_instances.ops_hours_per_month", 1, 0, 744, "hours",
            "Engineer time Lambda Managed Instances take a month beyond Lambda's (the capacity "
            "provider: instance types, VPC, scaling limits; AWS patches the instances)."),
    _number("fargate.ops_hours_per_month", 2, 0, 744, "hours",
            "Engineer time ECS on Fargate takes a month beyond Lambda's (container images kept "
            "patched, task definitions, service scaling; AWS runs the servers)."),
    # "Your situation": inputs of the recommendation only; none of them changes a price.
    _choice("needs.use_case", "http_api", USE_CASES,
            "What the code does: an HTTP API, a scheduled job, event processing (S3 uploads, "
            "queues), a pilot, a service with unpredictable traffic, or batch work."),
    _bool("needs.runs_over_15_minutes", False,
          "One run can take longer than Lambda's 15-minute limit."),
    FieldSpec("needs.latency_budget_ms", "number", None, "ms",
              "p99 response time the caller can tolerate; null = no budget.", 0, 900000, True,
              nullable=True),
    _bool("needs.private_network", False,
          "The code must reach resources inside a VPC (a database, internal services)."),
    _bool("needs.dedicated_tenancy", False,
          "Compliance demands single-tenant hardware."),
    _bool("needs.persistent_connections", False,
          "The service holds WebSockets or other long-lived TCP connections."),
    _bool("needs.gpu", False, "The work needs a GPU."),
    _number("needs.task_memory_mb", DERIVED, 1, 1_048_576, "MB",
            "Memory one task really needs, even beyond Lambda's 10,240 MB.", integer=True,
            note="memory_mb"),
    _number("needs.task_vcpus", DERIVED, 0, 512, "vCPUs",
            "vCPUs one task needs at once, even beyond Lambda's 6.", exclusive=True,
            note="memory_mb / 1769, at most 6 (what Lambda gives that memory)"),
    _bool("needs.no_server_team", False,
          "No one on the team can patch, scale and monitor servers."),
    _number("needs.ops_hours_per_month", 8, 0, 744, "hours",
            "Engineer time an EC2 fleet takes a month (patching, scaling, monitoring); "
            "8 is an assumption: set your own."),
    _number("needs.lambda_ops_hours_per_month", 0, 0, 744, "hours",
            "Engineer time the Lambda side takes a month beyond what both sides share."),
    _number("needs.ops_hourly_usd", 75, 0, 10000, "USD an hour",
            "Cost of an hour of engineer time; 75 is an assumption: set your own."),
)

FIELD_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}

# Inputs that may be given as a range, ``"ranges": {name: [low, expected, high]}`` (the
# uncertainty module prices the combinations). They are the guesses that move the answer most:
# traffic, run time, memory, traffic shape, CPU share and operations time.
RANGED_FIELDS: tuple[str, ...] = (
    "requests_per_month", "duration_ms", "memory_mb", "traffic.peak_to_average",
    "ec2.cpu_share", "needs.ops_hours_per_month", "needs.lambda_ops_hours_per_month",
)
Range = tuple[float, float, float]


@dataclass(frozen=True)
class Traffic:
    peak_to_average: float = 1
    profile: str = "flat"
    # The profile "custom": 24 or 168 weights of mean 1 (empty for the other profiles).
    hourly_weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class Connections:
    requests_per_connection: float = 10
    connection_seconds: float = 60
    rules_per_request: int = 1


@dataclass(frozen=True)
class Ec2Options:
    instance_type: str = "auto"
    purchase: str = "on_demand"
    families: str = ""
    min_instances: int = 2
    target_utilization: float = 0.6
    scaling: str = "fixed"
    cpu_share: float = 1
    load_balancer: str = "alb"
    ebs_gb_per_instance: float = 8
    private_subnets_with_nat: bool = False
    private_subnets: bool = False
    availability_zones: int = 2

    @property
    def family_filter(self) -> tuple[str, ...]:
        """The families "auto" may use (empty: all)."""
        return tuple(f for f in self.families.split(",") if f)

    @property
    def public_instances(self) -> bool:
        """Whether each instance holds a public IPv4 address (not in a private subnet)."""
        return not (self.private_subnets or self.private_subnets_with_nat)


@dataclass(frozen=True)
class ManagedInstances:
    runtime: str = "python"
    instance_type: str = "auto"
    memory_gib_per_vcpu: float = 2.0
    ops_hours_per_month: float = 1


@dataclass(frozen=True)
class FargateOptions:
    spot: bool = False
    ops_hours_per_month: float = 2


@dataclass(frozen=True)
class Needs:
    """The situation around the workload (the recommendation's inputs; see FIELDS)."""

    use_case: str = "http_api"
    runs_over_15_minutes: bool = False
    latency_budget_ms: float | None = None
    private_network: bool = False
    dedicated_tenancy: bool = False
    persistent_connections: bool = False
    gpu: bool = False
    task_memory_mb: int | None = None  # None: resolved by Workload to memory_mb
    task_vcpus: float | None = None  # None: resolved by Workload to Lambda's vCPUs
    no_server_team: bool = False
    ops_hours_per_month: float = 8
    lambda_ops_hours_per_month: float = 0
    ops_hourly_usd: float = 75


def lambda_vcpus(memory_mb: float) -> float:
    """Lambda's CPU for a memory size: one vCPU at 1,769 MB, in proportion, at most 6
    (AWS Lambda memory docs)."""
    return min(memory_mb / 1769, 6.0)


@dataclass(frozen=True)
class Workload:
    """Every contract input, defaults filled in. Build it with :func:`parse_workload`.

    Direct construction is for tests and internal use: it is not validated, but the two
    derived defaults (None) are resolved as the contract says.
    """

    requests_per_month: float
    duration_ms: float
    memory_mb: int
    region: str = "us-east-1"
    basis: str = "bill"
    architecture: str = "x86_64"
    ephemeral_storage_mb: int = 512
    free_tier: bool = True
    billing_granularity_ms: int = 1
    hours_per_month: float = 730
    cold_start_rate: float = 0
    init_duration_ms: float = 0
    front_door: str = "none"
    payload_kb: float = 10
    data_transfer_out_gb: float = 0
    lambda_log_bytes_per_request: float = LAMBDA_PLATFORM_LOG_BYTES
    ec2_log_bytes_per_request: float = 0
    provisioned_concurrency: int = 0
    provisioned_hours_per_month: float = None  # type: ignore[assignment]  # resolved below
    provisioned_share_of_requests: float = None  # type: ignore[assignment]  # resolved below
    lambda_in_vpc_with_internet: bool = False
    nat_processed_gb: float = 0
    traffic: Traffic = field(default_factory=Traffic)
    connections: Connections = field(default_factory=Connections)
    ec2: Ec2Options = field(default_factory=Ec2Options)
    needs: Needs = field(default_factory=Needs)
    # (name, (low, expected, high)) per ranged input, in RANGED_FIELDS order; the expected
    # value is the field's own value.
    ranges: tuple[tuple[str, Range], ...] = ()
    options: tuple[str, ...] = DEFAULT_OPTIONS
    managed_instances: ManagedInstances = field(default_factory=ManagedInstances)
    fargate: FargateOptions = field(default_factory=FargateOptions)

    @property
    def extra_options(self) -> tuple[str, ...]:
        """The options asked for beyond the default pair, in the contract's order."""
        return tuple(o for o in OPTION_NAMES if o in self.options and o not in DEFAULT_OPTIONS)

    def __post_init__(self) -> None:
        warm = self.provisioned_concurrency > 0
        if self.provisioned_hours_per_month is None:
            object.__setattr__(self, "provisioned_hours_per_month",
                               self.hours_per_month if warm else 0)
        if self.provisioned_share_of_requests is None:
            object.__setattr__(self, "provisioned_share_of_requests", 1 if warm else 0)
        n = self.needs
        if n.task_memory_mb is None or n.task_vcpus is None:
            object.__setattr__(self, "needs", replace(
                n,
                task_memory_mb=self.memory_mb if n.task_memory_mb is None else n.task_memory_mb,
                task_vcpus=lambda_vcpus(self.memory_mb) if n.task_vcpus is None else n.task_vcpus,
            ))

    def to_dict(self) -> dict[str, Any]:
        """The inputs with every default filled in, in the contract's (nested) shape."""
        top = _TOP_NAMES
        default_options = tuple(self.options) == DEFAULT_OPTIONS
        # asdict() would deep-copy every leaf; the leaves are numbers, strings, booleans and
        # None, so a copy of the containers is the same dict, several times faster (compare()
        # reads it for its assumptions on every keystroke).
        out = {name: _plain(getattr(self, name)) for name in _field_names(type(self)) or ()
               if name in top and not (default_options and name in OPTION_GROUPS)}
        out["ranges"] = {name: list(r) for name, r in self.ranges}
        # Only a custom profile has weights: other inputs read exactly as before they existed.
        if self.traffic.hourly_weights:
            out["traffic"]["hourly_weights"] = list(self.traffic.hourly_weights)
        else:
            out["traffic"].pop("hourly_weights")
        # With the default options the inputs read exactly as before the options existed.
        if default_options:
            out.pop("options")
        else:
            out["options"] = list(self.options)
        return out

    def value(self, name: str) -> Any:
        """The value of a (dotted) contract field."""
        group, _, key = name.rpartition(".")
        return getattr(getattr(self, group), key) if group else getattr(self, key)

    def range_of(self, name: str) -> Range | None:
        return dict(self.ranges).get(name)


# Values _plain returns as they are (by exact type: a subclass takes the general path).
_LEAVES = frozenset({int, float, str, bool, type(None)})


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names in order (None for any other class), read once per class:
    dataclasses.fields() and is_dataclass() were most of to_dict()'s cost."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None


def _plain(value: Any) -> Any:
    """What dataclasses.asdict makes of ``value`` (dataclasses as dicts, tuples and lists
    rebuilt), with the immutable leaves shared instead of deep-copied."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _field_names(kind)  # a dataclass instance (a dataclass itself is no instance)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


GROUPS: dict[str, type] = {"traffic": Traffic, "connections": Connections, "ec2": Ec2Options,
                           "managed_instances": ManagedInstances, "fargate": FargateOptions,
                           "needs": Needs}
# Groups that only matter to an option beyond the default pair.
OPTION_GROUPS = ("managed_instances", "fargate")
# The top-level names of the contract's inputs (fields and groups), for Workload.to_dict.
_TOP_NAMES = frozenset({f.name for f in FIELDS if f.group is None} | set(GROUPS))


class WorkloadError(ValueError):
    """Invalid workload; ``errors`` maps a field path to messages naming the allowed values."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {m}" for k, ms in errors.items() for m in ms))

    def lines(self) -> list[str]:
        """One ``field: message`` line per problem (what the command line prints)."""
        return [f"{k}: {m}" for k, ms in self.errors.items() for m in ms]


def _show(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """Return the converted value, or an error message naming the allowed values."""
    given = value

    def bad(prefix: str = "must be ") -> tuple[None, str]:
        # Only a refused value pays for the words (every field of every request is checked).
        return None, f"{prefix}{spec.describe()} (got {_show(given)})"

    if value is None and spec.nullable:
        return None, None
    if spec.kind == "weights":
        return _check_weights(value)
    if spec.kind == "boolean":
        return (value, None) if isinstance(value, bool) else bad()
    if spec.kind == "list":
        if (not isinstance(value, list | tuple) or not value
                or any(not isinstance(v, str) or v not in spec.choices for v in value)):
            return bad()
        if len(set(value)) != len(value):
            return None, f"must name each option once (got {_show(given)})"
        # One order whatever the caller's: the contract's.
        return tuple(c for c in spec.choices if c in value), None
    if spec.kind in ("string", "choice"):
        if not isinstance(value, str):
            return bad()
        if spec.choices and value not in spec.choices:
            return bad()
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            return bad()
        return value, None
    # Numbers. JSON true/false decode to bool, a subclass of int: never a number here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return bad()
    # Python's json accepts NaN/Infinity; a huge int would overflow float arithmetic later.
    if isinstance(value, float) and not math.isfinite(value) or abs(value) > 1e300:
        return bad("must be a finite number: ")
    # JSON has one number type: 1024.0 is an integer, 1024.5 is not.
    if spec.kind == "integer" and isinstance(value, float):
        if not value.is_integer():
            return bad()
        value = int(value)
    if spec.choices:
        return (value, None) if value in spec.choices else bad()
    lo, hi = spec.minimum, spec.maximum
    too_low = lo is not None and (value <= lo if spec.exclusive_minimum else value < lo)
    too_high = hi is not None and value > hi
    if too_low or too_high:
        return bad()
    return value, None


def _check_weights(value: Any) -> tuple[Any, str | None]:
    """``traffic.hourly_weights``: 24 or 168 finite numbers >= 0, not all zero; returned
    normalised to mean 1."""
    from advisor.pricing.profiles import normalise_weights  # profiles imports numpy

    if not isinstance(value, list | tuple):
        return None, f"must be a list of {WEIGHTS_ALLOWED} (got {_show(value)})"
    if len(value) not in WEIGHT_COUNTS:
        return None, f"must be {WEIGHTS_ALLOWED} (got {len(value)})"
    for i, v in enumerate(value):
        bad = (isinstance(v, bool) or not isinstance(v, int | float)
               or isinstance(v, float) and not math.isfinite(v) or abs(v) > 1e300 or v < 0)
        if bad:
            return None, f"must be {WEIGHTS_ALLOWED} (item {i} is {_show(v)})"
    if not any(value):
        return None, f"must be {WEIGHTS_ALLOWED} (got all zero)"
    return normalise_weights(value), None


def _check_custom_profile(values: dict[str, Any], stated_peak: bool,
                          ranges: dict[str, Range], errors: dict[str, list[str]]) -> None:
    """Weights go with the profile "custom" and only with it; its peak_to_average is the
    weights' busiest hour (a stated one must agree, see CUSTOM_PEAK_TOLERANCE)."""
    name, peak_name = "traffic.hourly_weights", "traffic.peak_to_average"
    weights, profile = values[name], values["traffic.profile"]
    if name in errors or "traffic.profile" in errors:
        values[name] = ()
        return
    if profile != "custom":
        if weights is not DERIVED:
            errors.setdefault(name, []).append(
                f'only with traffic.profile "custom" (got profile {_show(profile)}); leave it '
                'out or set traffic.profile to "custom"')
        values[name] = ()
        return
    if weights is DERIVED:
        errors.setdefault(name, []).append(
            f'required with traffic.profile "custom": {WEIGHTS_ALLOWED}')
        values[name] = ()
        return
    peak = max(weights)
    if stated_peak and peak_name not in errors:
        stated = values[peak_name]
        if abs(stated - peak) > CUSTOM_PEAK_TOLERANCE * peak:
            errors.setdefault(peak_name, []).append(
                f'with traffic.profile "custom" it is the busiest hour of '
                f"traffic.hourly_weights, {round(peak, 2):g} × the mean; leave it out or give "
                f"{round(peak, 2):g} (got {_show(stated)})")
            return
    values[peak_name] = peak
    if peak_name in ranges:
        low, _expected, high = ranges[peak_name]
        ranges[peak_name] = (min(low, peak), peak, max(high, peak))


def _check_provisioned(values: dict[str, Any]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    warm = values["provisioned_concurrency"] > 0
    share = values["provisioned_share_of_requests"]
    if not warm and share > 0:
        problems.append(("provisioned_share_of_requests",
                         f"must be 0 when provisioned_concurrency is 0 (got {_show(share)})"))
    hours, month = values["provisioned_hours_per_month"], values["hours_per_month"]
    if hours > month:
        problems.append(("provisioned_hours_per_month",
                         f"must be between 0 and hours_per_month ({_fmt(month)}) "
                         f"(got {_show(hours)})"))
    return problems


# Cross-field rules: each takes the flat dotted-name -> value map (defaults resolved) and
# returns (field, message) pairs.
CHECKS: list[Callable[[dict[str, Any]], list[tuple[str, str]]]] = [_check_provisioned]


def _resolve_derived(values: dict[str, Any]) -> None:
    warm = values.get("provisioned_concurrency", 0) > 0
    if values.get("provisioned_hours_per_month") is DERIVED:
        values["provisioned_hours_per_month"] = values.get("hours_per_month", 730) if warm else 0
    if values.get("provisioned_share_of_requests") is DERIVED:
        values["provisioned_share_of_requests"] = 1 if warm else 0
    memory = values.get("memory_mb", 128)
    if values.get("needs.task_memory_mb") is DERIVED:
        values["needs.task_memory_mb"] = memory
    if values.get("needs.task_vcpus") is DERIVED:
        values["needs.task_vcpus"] = lambda_vcpus(memory)
    if values.get("traffic.hourly_weights") is DERIVED:
        values["traffic.hourly_weights"] = ()


def parse_workload(data: object) -> Workload:
    """Validate a JSON-decoded object against the contract and build a :class:`Workload`.

    Raises :class:`WorkloadError` listing every problem at once.
    """
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if not isinstance(data, Mapping):
        raise WorkloadError({"__all__": [f"must be a JSON object with the workload fields (got {_show(data)})"]})

    # Unknown fields are errors, not ignored: a typo must not silently fall back to a default.
    top_names = [f.name for f in FIELDS if f.group is None]
    allowed_top = top_names + list(GROUPS) + ["ranges"]
    # The allowed names are listed once, at the first unknown field: repeated for each of
    # thousands of unknown names they made a small request answer megabytes.
    listed = False
    for key in data:
        if key not in allowed_top:
            add(str(key), "unknown field" if listed
                else "unknown field; allowed fields: " + ", ".join(allowed_top))
            listed = True

    sources: dict[str | None, Mapping[str, Any]] = {None: data}
    for group in GROUPS:
        names = [f.key for f in FIELDS if f.group == group]
        raw = data.get(group, {})
        if not isinstance(raw, Mapping):
            add(group, f"must be an object with the fields {', '.join(names)} (got {_show(raw)})")
            raw = {}
        listed = False
        for key in raw:
            if key not in names:
                add(f"{group}.{key}", "unknown field" if listed
                    else f"unknown field; allowed fields in {group}: " + ", ".join(names))
                listed = True
        sources[group] = raw

    ranges = _parse_ranges(data.get("ranges", {}), add)
    values: dict[str, Any] = {}
    for spec in FIELDS:
        src = sources[spec.group]
        if spec.key not in src and spec.name in ranges:
            # A ranged input may be given by its range alone: the expected value is its value.
            values[spec.name] = ranges[spec.name][1]
            continue
        if spec.key not in src:
            if spec.required:
                add(spec.name, f"required: {spec.describe()}")
            values[spec.name] = spec.default
            continue
        value, message = _check(spec, src[spec.key])
        if message:
            add(spec.name, message)
            values[spec.name] = spec.default
        else:
            values[spec.name] = value

    traffic = sources["traffic"]
    _check_custom_profile(values, "peak_to_average" in traffic or "traffic.peak_to_average" in ranges,
                          ranges, errors)
    for name, (_low, expected, _high) in ranges.items():
        if name not in errors and values[name] != expected:
            add(f"ranges.{name}", f"the middle (expected) value must equal {name} "
                f"({_show(values[name])}), or leave {name} out (got {_show(expected)})")
    # Cross-field rules only make sense once every field on its own is valid.
    if not errors:
        _resolve_derived(values)
        for check in CHECKS:
            for path, message in check(values):
                add(path, message)
    if errors:
        raise WorkloadError(errors)

    top = {name: values[name] for name in top_names}
    for group, cls in GROUPS.items():
        top[group] = cls(**{f.key: values[f.name] for f in FIELDS if f.group == group})
    top["ranges"] = tuple((name, ranges[name]) for name in RANGED_FIELDS if name in ranges)
    return Workload(**top)


def _parse_ranges(raw: object, add: Callable[[str, str], None]) -> dict[str, Range]:
    """``ranges``: an object of ranged input -> [low, expected, high], each value within the
    input's own limits and low <= expected <= high."""
    if not isinstance(raw, Mapping):
        add("ranges", "must be an object of input name -> [low, expected, high], e.g. "
            '{"requests_per_month": [2000000, 5000000, 20000000]} (got ' + _show(raw) + ")")
        return {}
    out: dict[str, Range] = {}
    listed = False
    for name, triple in raw.items():
        path = f"ranges.{name}"
        if name not in RANGED_FIELDS:
            add(path, "unknown field" if listed else "unknown field; inputs that may be given "
                "as a range: " + ", ".join(RANGED_FIELDS))
            listed = True
            continue
        spec = FIELD_BY_NAME[name]
        if not isinstance(triple, list | tuple) or len(triple) != 3:
            add(path, f"must be a list [low, expected, high] of three values, each "
                f"{spec.describe()} (got {_show(triple)})")
            continue
        checked = []
        for part, value in zip(("low", "expected", "high"), triple, strict=True):
            converted, message = _check(spec, value)
            if message:
                add(path, f"{part}: {message}")
            checked.append(converted)
        if any(c is None for c in checked):
            continue
        low, expected, high = checked
        if not low <= expected <= high:
            add(path, f"must be in order low <= expected <= high (got {_show(list(triple))})")
            continue
        out[name] = (low, expected, high)
    return out


def field_table() -> list[dict[str, Any]]:
    """FIELDS as plain dicts (for a generated form or the methodology page)."""
    rows = []
    for f in FIELDS:
        default = None if f.default is REQUIRED or f.default is DERIVED else f.default
        if isinstance(default, tuple):
            default = list(default)
        rows.append({"name": f.name, "type": f.kind, "required": f.required, "default": default,
                     "default_note": f.default_note, "minimum": f.minimum, "maximum": f.maximum,
                     "exclusive_minimum": f.exclusive_minimum, "choices": list(f.choices),
                     "nullable": f.nullable, "unit": f.unit, "help": f.help,
                     "allowed": f.describe()})
    return rows
