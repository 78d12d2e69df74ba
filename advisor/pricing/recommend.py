"""Which fits the case: a recommendation from cost, platform limits, traffic, operations and
security (issue 5), with the reasons in the workload's own numbers.

How the verdict is reached:

- *Blockers* are hard limits that rule Lambda out whatever the price (runs over 15 minutes,
  more than 10,240 MB or 6 vCPUs per task, a GPU, dedicated tenancy). Any blocker makes the
  choice ``ec2`` with ``high`` confidence.
- Otherwise every *reason* favours ``lambda``, ``ec2`` or ``either`` with a weight 0..3
  (0 = worth knowing, 1 = a nudge, 2 = a clear factor, 3 = decisive). ``net`` = the Lambda
  weights minus the EC2 weights; ``net >= 2`` gives ``lambda``, ``net <= -2`` ``ec2``, else
  ``either``. Confidence comes from the figures when the comparison carries its
  ``uncertainty`` (compare() always prices it): the share of the ranges (or of the default
  spreads) in which the chosen side costs less with operations time included, and how far the
  nearest switch point is (``uncertainty.confidence``: high from 90 % of the range and a flip
  at least × 2 away, medium from 70 %, else low; ``either`` is always low). Without it, from
  the weights: ``|net| >= 5`` high, ``>= 3`` medium, else low, one step lower when the cost
  reason favours the other side.
- The verdict never contradicts its own cost line silently: when the chosen side costs more
  with operations time included, a first reason (``chosen_despite_cost``) says by how much and
  that the other reasons outweigh it; when the choice is ``either`` although one side costs
  clearly less, ``either_despite_cost`` says which.
- Cost ratios ("3.2× cheaper") are stated only when both totals are at least
  ``MIN_RATIO_USD`` a month: $0.40 against $17 is "$16.60 less", not "42.5× cheaper".
- ``tco`` adds operations time (``needs.ops_hours_per_month`` × ``needs.ops_hourly_usd``
  for EC2, ``needs.lambda_ops_hours_per_month`` × the same rate for Lambda) to the totals;
  ``switch_at`` is the request volume nearest the workload's where those two totals cross
  (break-even with operations included; the operations cost does not change with volume),
  or null when they never cross or a blocker decides.

Each rule is one small function whose docstring names its source. Reason texts are English;
each reason also carries ``code`` and ``params`` so a translated template (``MESSAGES``) can
render it again in another language: ``MESSAGES[code].format(**params)``. The English ``text``
says volumes to three significant figures (volumes.py); ``params`` keep every digit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from advisor.pricing.basis import counts_operations, extra_usd, ops_usd
from advisor.pricing.breakeven import workload_break_even
from advisor.pricing.ec2 import Ec2Model, build_ec2_model
from advisor.pricing.lambda_ import LambdaFunction, lambda_function_cost, lambda_total_fn
from advisor.pricing.messages import gettext_noop
from advisor.pricing.uncertainty import confidence as uncertainty_confidence
from advisor.pricing.uncertainty import flip_ratio
from advisor.pricing.volumes import in_words
from advisor.pricing.workload import Workload

if TYPE_CHECKING:
    from advisor.pricing.compare import Comparison
    from advisor.pricing.sheet import PriceSheet


SEED = "seed post (aws-lambda-notes.ko.md), section 'Use cases'"
SEED_SECURITY = "seed post (aws-lambda-notes.ko.md), section 'Security issue'"
LAMBDA_LIMITS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
LAMBDA_MEMORY = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html"
LAMBDA_VPC = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html"
LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/"
VPC_PRICING = "https://aws.amazon.com/vpc/pricing/"
DEDICATED = "https://aws.amazon.com/ec2/pricing/dedicated-instances/"
APIGW_PRICING = "https://aws.amazon.com/api-gateway/pricing/"

# Lambda's hard limits (AWS Lambda quotas and memory docs).
MAX_MEMORY_MB = 10240
MAX_VCPUS = 6.0
TIMEOUT_MS = 900_000
CONCURRENCY_QUOTA = 1000  # default per region; a quota increase can be requested
# Thresholds of this project (documented in the rules below).
NEAR_TIMEOUT_MS = 600_000
IDLE_UTILISATION = 0.10
SPIKY_PEAK = 4.0
STEADY_PEAK = 2.0
CPU_HEAVY_SHARE = 0.7
CPU_HEAVY_VCPUS = 4.0
NAT_SHARE = 0.25
OPS_SHARE = 0.25
COST_SAME = 0.05  # totals within 5 % (or a cent) cost "about the same"
MIN_RATIO_USD = 20.0  # a ratio of two totals is stated only when both are at least this
P99_RATE = 0.01  # cold starts on at least 1 % of calls reach the p99

# Reason and blocker texts: code -> English template over the reason's params.
MESSAGES: dict[str, str] = {
    # Blockers
    "timeout": gettext_noop(
        "One run can take more than 15 minutes; Lambda stops every invocation at 900 seconds."),
    "task_memory": gettext_noop(
        "One task needs {task_memory_mb:,} MB; a Lambda function has at most 10,240 MB."),
    "task_vcpus": gettext_noop(
        "One task needs {task_vcpus:g} vCPUs; a Lambda function gets at most 6 (at 10,240 MB)."),
    "gpu": gettext_noop(
        "Lambda functions have no GPU. The EC2 figures here are for the price book's CPU "
        "types; a GPU instance costs more."),
    "dedicated_tenancy": gettext_noop(
        "Lambda runs only on shared, multi-tenant hardware; single-tenant hardware means EC2 "
        "Dedicated Instances or Dedicated Hosts. The EC2 figures here are for shared tenancy; "
        "dedicated costs more."),
    # Use cases (seed)
    "use_case_scheduled_job": gettext_noop(
        "A scheduled job runs only when its schedule fires: Lambda bills those {requests:,.0f} "
        "runs a month and nothing in between, with no server waiting for the next one."),
    "use_case_event_processing": gettext_noop(
        "Event processing (an S3 upload, a queue message) triggers Lambda directly; there is "
        "no server to keep running between the {requests:,.0f} events a month."),
    "use_case_pilot": gettext_noop(
        "A pilot with {requests:,.0f} requests a month needs no servers set up to test the "
        "market; moving to EC2 later, if traffic grows, is still possible."),
    "use_case_unpredictable_traffic": gettext_noop(
        "With traffic nobody can predict yet, Lambda scales with each request and bills only "
        "what is used, instead of a fleet sized in advance for a guess."),
    "use_case_batch": gettext_noop(
        "Batch work fits either: Lambda for pieces that finish within 15 minutes "
        "({duration_s:,.1f} s each here), EC2 for long or sustained runs."),
    # Operations
    "no_server_team": gettext_noop(
        "No one on the team runs servers: an EC2 fleet needs an operating system, runtime and "
        "web server kept patched, health checks, monitoring and load balancing; Lambda does "
        "that for you."),
    "operations": gettext_noop(
        # xgettext:no-python-format
        "Operations time is {ops_share_pct:.0f}% of EC2's cost of ownership: {ops_hours:g} "
        "hours a month at ${ops_hourly_usd:,.2f} = ${ops_usd:,.2f} for patching, scaling and "
        "monitoring the fleet."),
    # The verdict against the cost line
    "chosen_despite_cost": gettext_noop(
        "{side} is recommended although {other} costs ${usd:,.2f} a month less with operations "
        "time included: the reasons below outweigh the cost."),
    "either_despite_cost": gettext_noop(
        "Either side fits your situation; on cost, {other} is ${usd:,.2f} a month cheaper with "
        "operations time included."),
    "chosen_despite_cost_bill": gettext_noop(
        "{side} is recommended although {other} costs ${usd:,.2f} a month less on the AWS "
        "bill: the reasons below outweigh the cost."),
    "either_despite_cost_bill": gettext_noop(
        "Either side fits your situation; on the AWS bill, {other} is ${usd:,.2f} a month "
        "cheaper."),
    # Cost
    "cost_lambda": gettext_noop(
        "With operations time included, Lambda costs ${lambda_usd:,.2f} a month and EC2 "
        "${ec2_usd:,.2f} (operations: ${lambda_ops_usd:,.2f} and ${ec2_ops_usd:,.2f}); Lambda "
        "is {ratio:,.1f}× cheaper."),
    "cost_ec2": gettext_noop(
        "With operations time included, EC2 costs ${ec2_usd:,.2f} a month and Lambda "
        "${lambda_usd:,.2f} (operations: ${ec2_ops_usd:,.2f} and ${lambda_ops_usd:,.2f}); EC2 "
        "is {ratio:,.1f}× cheaper."),
    "cost_lambda_free": gettext_noop(
        "With operations time included, Lambda costs ${lambda_usd:,.2f} a month and EC2 "
        "${ec2_usd:,.2f} (operations: ${lambda_ops_usd:,.2f} and ${ec2_ops_usd:,.2f})."),
    "cost_ec2_free": gettext_noop(
        "With operations time included, EC2 costs ${ec2_usd:,.2f} a month and Lambda "
        "${lambda_usd:,.2f} (operations: ${ec2_ops_usd:,.2f} and ${lambda_ops_usd:,.2f})."),
    "cost_same": gettext_noop(
        "With operations time included both cost about the same: Lambda ${lambda_usd:,.2f} and "
        "EC2 ${ec2_usd:,.2f} a month."),
    # The same on the AWS bill alone (the "bill" basis).
    "cost_lambda_bill": gettext_noop(
        "On the AWS bill, Lambda costs ${lambda_usd:,.2f} a month and EC2 ${ec2_usd:,.2f}; "
        "Lambda is {ratio:,.1f}× cheaper."),
    "cost_ec2_bill": gettext_noop(
        "On the AWS bill, EC2 costs ${ec2_usd:,.2f} a month and Lambda ${lambda_usd:,.2f}; "
        "EC2 is {ratio:,.1f}× cheaper."),
    "cost_lambda_free_bill": gettext_noop(
        "On the AWS bill, Lambda costs ${lambda_usd:,.2f} a month and EC2 ${ec2_usd:,.2f}."),
    "cost_ec2_free_bill": gettext_noop(
        "On the AWS bill, EC2 costs ${ec2_usd:,.2f} a month and Lambda ${lambda_usd:,.2f}."),
    "cost_same_bill": gettext_noop(
        "On the AWS bill both cost about the same: Lambda ${lambda_usd:,.2f} and EC2 "
        "${ec2_usd:,.2f} a month."),
    # Traffic
    "idle_fleet_tiny": gettext_noop(
        "The smallest fleet allowed ({instances} × {instance_type}) would be less than 0.1% "
        "busy on average at {avg_rps:,.3g} requests a second: you would pay for idle servers."),
    "idle_fleet": gettext_noop(
        "The smallest fleet allowed ({instances} × {instance_type}) would be {utilisation_pct:.1f}% "
        "busy on average at {avg_rps:,.3g} requests a second: you would pay for idle servers."),
    "spiky_fixed": gettext_noop(
        "The busiest hour carries {peak_to_average:g}× the average traffic: a fixed fleet is "
        "sized for it and idles the rest of the month, while Lambda follows each request."),
    "spiky_autoscale": gettext_noop(
        "The busiest hour carries {peak_to_average:g}× the average traffic: autoscaling "
        "follows it hour by hour, but Lambda follows each request with no scaling to tune."),
    "sustained_volume_above": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, above {switch_at:,.0f} requests a month where EC2 "
        "becomes the cheaper side with operations included."),
    "sustained_volume": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, and EC2 is the cheaper side at this volume with "
        "operations included."),
    "sustained_volume_above_bill": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, above {switch_at:,.0f} requests a month where EC2 "
        "becomes the cheaper side on the AWS bill."),
    "sustained_volume_bill": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, and EC2 is the cheaper side at this volume on the "
        "AWS bill."),
    "cpu_heavy": gettext_noop(
        # xgettext:no-python-format
        "{cpu_share_pct:.0f}% of each {duration_ms:,g} ms call is CPU work, keeping "
        "{busy_vcpus:,.1f} vCPUs busy around the clock: Lambda's CPU costs "
        "${lambda_vcpu_hour:,.4f} per vCPU-hour (first price tier), a {instance_type} vCPU "
        "${ec2_vcpu_hour:,.4f}."),
    "concurrency_quota": gettext_noop(
        "The busiest hour keeps {peak_concurrency:,.0f} calls running at once, over Lambda's "
        "default quota of 1,000 per region: it needs a quota increase from AWS."),
    "near_timeout": gettext_noop(
        "One run takes {duration_min:,.1f} minutes, close to Lambda's 15-minute limit: a slow "
        "day would fail where a server would finish."),
    # Latency
    "latency_cold_p99": gettext_noop(
        # xgettext:no-python-format
        "A cold start takes {init_ms:,g} ms INIT + {duration_ms:,g} ms = {cold_ms:,g} ms, over "
        "the {budget_ms:,g} ms p99 budget, and {cold_rate_pct:.1f}% of calls start cold. "
        "Provisioned concurrency for the peak ({environments:,} environments all month) would "
        "add about ${pc_usd:,.2f} a month to Lambda."),
    "latency_cold_rare": gettext_noop(
        # xgettext:no-python-format
        "A cold start takes {init_ms:,g} ms INIT + {duration_ms:,g} ms = {cold_ms:,g} ms, over "
        "the {budget_ms:,g} ms budget; only {cold_rate_pct:.2f}% of calls start cold, so the "
        "p99 may hold but the slowest calls will not. Provisioned concurrency for the peak "
        "({environments:,} environments) would add about ${pc_usd:,.2f} a month."),
    "latency_cold_unknown_rate": gettext_noop(
        "A cold start takes {init_ms:,g} ms INIT + {duration_ms:,g} ms = {cold_ms:,g} ms, over "
        "the {budget_ms:,g} ms budget (the share of cold calls is not given). Provisioned "
        "concurrency for the peak ({environments:,} environments) would add about "
        "${pc_usd:,.2f} a month."),
    "latency_cold_pc_saves": gettext_noop(
        "A cold start ({cold_ms:,g} ms) breaks the {budget_ms:,g} ms budget, but provisioned "
        "concurrency for the peak ({environments:,} environments) would meet it and even lower "
        "the Lambda total by ${pc_saving_usd:,.2f} a month: consider pricing it in."),
    "latency_covered": gettext_noop(
        "A cold start ({cold_ms:,g} ms) would break the {budget_ms:,g} ms budget, but the "
        "{environments:,} provisioned environments serve every call warm; they are priced in "
        "(${pc_usd:,.2f} a month)."),
    "latency_fits": gettext_noop(
        "Even a cold start ({init_ms:,g} ms INIT + {duration_ms:,g} ms) fits the "
        "{budget_ms:,g} ms budget."),
    "latency_too_slow": gettext_noop(
        "A warm run already takes {duration_ms:,g} ms, over the {budget_ms:,g} ms budget, on "
        "either side: the work itself must get faster."),
    "latency_no_cold_data": gettext_noop(
        "No cold starts are modelled (cold-start rate and INIT time are 0): set them to check "
        "the {budget_ms:,g} ms budget against Lambda's cold starts."),
    # Network
    "nat_egress": gettext_noop(
        # xgettext:no-python-format
        "Lambda in a VPC reaches the internet only through NAT gateways: {nat_gb:,g} GB a "
        "month and the gateway hours cost ${nat_usd:,.2f} ({nat_share_pct:.0f}% of Lambda's "
        "total), which EC2 instances in public subnets do not pay."),
    "private_network_nat": gettext_noop(
        "Both sides can reach resources in your VPC: a Lambda function attached to it uses its "
        "subnets and security groups, and its NAT gateways to the internet are priced "
        "(${nat_usd:,.2f} a month)."),
    "private_network": gettext_noop(
        "Both sides can reach resources in your VPC: a Lambda function attached to it uses its "
        "subnets and security groups. If it must also reach the internet it needs NAT "
        "gateways: switch on \"Lambda in a VPC with internet access\" to price them."),
    "persistent_connections": gettext_noop(
        "Lambda cannot hold a connection open between calls: WebSockets need API Gateway "
        "WebSocket APIs (billed per message and connection minute, not priced here), and other "
        "long-lived TCP connections need servers."),
}


def render(code: str, params: Mapping[str, Any]) -> str:
    """The English text of a reason or blocker (a translation layer formats its own), with
    volumes to three significant figures (volumes.py); ``params`` keep the full values."""
    return MESSAGES[code].format(**in_words(params))


class _Message:
    """What a reason and a blocker share: a message code with its numbers, rendered as text."""

    code: str
    params: Mapping[str, Any]

    @property
    def text(self) -> str:
        return render(self.code, self.params)

    def to_dict(self) -> dict[str, Any]:
        # The own fields first, then the English text, then what re-renders it elsewhere.
        own = {f.name: getattr(self, f.name) for f in fields(self)  # type: ignore[arg-type]
               if f.name not in ("code", "params")}
        return {**own, "text": self.text, "code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Reason(_Message):
    factor: str
    favours: str  # "lambda", "ec2" or "either"
    weight: int  # 0..3
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocker(_Message):
    factor: str
    rules_out: str  # the side that cannot serve the workload
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    choice: str  # "lambda", "ec2" or "either"
    confidence: str  # "low", "medium" or "high"
    reasons: tuple[Reason, ...]
    blockers: tuple[Blocker, ...]
    switch_at: float | None
    switch_to: str | None  # the side that becomes cheaper beyond switch_at
    switch_points: tuple[float, ...]  # every crossing with operations included
    tco: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "choice": self.choice, "confidence": self.confidence,
            "reasons": [r.to_dict() for r in self.reasons],
            "blockers": [b.to_dict() for b in self.blockers],
            "switch_at": self.switch_at, "switch_to": self.switch_to,
            "switch_points": list(self.switch_points), "tco": dict(self.tco),
        }


@dataclass(frozen=True)
class Facts:
    """What the rules look at, computed once."""

    w: Workload
    c: Comparison
    sheet: PriceSheet
    model: Ec2Model
    lambda_ops_usd: float  # the operations cost, whatever the basis
    ec2_ops_usd: float
    tco_lambda: float  # the totals on the result's basis (basis.py)
    tco_ec2: float
    avg_rps: float
    steady: bool
    switch_points: tuple[float, ...]
    with_ops: bool = False  # the basis counts operations time

    @property
    def requests(self) -> float:
        return float(self.w.requests_per_month)

    def code(self, code: str) -> str:
        """A cost-line code on the basis: the bill-only wording ends in "_bill"."""
        return code if self.with_ops else f"{code}_bill"


def _p(**params: Any) -> Mapping[str, Any]:
    # Plain floats/ints/strings only, so the dict goes straight into JSON.
    return MappingProxyType({k: (float(v) if isinstance(v, np.floating) else v)
                             for k, v in params.items()})


# --- Blockers: hard limits (AWS Lambda quotas) -----------------------------------------------

def blocker_timeout(f: Facts) -> Blocker | None:
    """Runs over 15 minutes: Lambda's timeout is at most 900 seconds (AWS Lambda quotas,
    gettingstarted-limits)."""
    if f.w.needs.runs_over_15_minutes:
        return Blocker("timeout", "lambda", "timeout", _p())
    return None


def blocker_task_memory(f: Facts) -> Blocker | None:
    """More than 10,240 MB for one task: Lambda's memory ranges 128..10,240 MB (AWS Lambda
    quotas)."""
    need = f.w.needs.task_memory_mb
    if need is not None and need > MAX_MEMORY_MB:
        return Blocker("task_memory", "lambda", "task_memory", _p(task_memory_mb=int(need)))
    return None


def blocker_task_vcpus(f: Facts) -> Blocker | None:
    """More than 6 vCPUs for one task: Lambda's CPU grows with memory up to 6 vCPUs at
    10,240 MB (AWS Lambda memory docs, configuration-memory)."""
    need = f.w.needs.task_vcpus
    if need is not None and need > MAX_VCPUS + 1e-9:
        return Blocker("task_vcpus", "lambda", "task_vcpus", _p(task_vcpus=float(need)))
    return None


def blocker_gpu(f: Facts) -> Blocker | None:
    """A GPU: Lambda's only compute setting is memory (with CPU in proportion); there are no
    GPUs (AWS Lambda memory docs)."""
    if f.w.needs.gpu:
        return Blocker("gpu", "lambda", "gpu", _p())
    return None


def blocker_dedicated(f: Facts) -> Blocker | None:
    """Dedicated tenancy: single-tenant hardware exists only as EC2 Dedicated Instances or
    Hosts (EC2 dedicated pricing page); the seed's security section sends very sensitive
    systems to EC2 for the same reason. Dedicated tenancy is not priced here."""
    if f.w.needs.dedicated_tenancy:
        return Blocker("dedicated_tenancy", "lambda", "dedicated_tenancy", _p())
    return None


BLOCKERS: tuple[Callable[[Facts], Blocker | None], ...] = (
    blocker_timeout, blocker_task_memory, blocker_task_vcpus, blocker_gpu, blocker_dedicated)


# --- Reasons ----------------------------------------------------------------------------------

def reason_use_case(f: Facts) -> Reason | None:
    """Scheduled jobs, S3-upload (event) triggers, pilots and new services with unpredictable
    users suit Lambda (the seed's use cases); batch work suits either (Lambda's 15-minute
    limit, AWS Lambda quotas)."""
    case = f.w.needs.use_case
    if case in ("scheduled_job", "event_processing", "pilot", "unpredictable_traffic"):
        return Reason("use_case", "lambda", 2, f"use_case_{case}", _p(requests=f.requests))
    if case == "batch":
        return Reason("use_case", "either", 0, "use_case_batch",
                      _p(duration_s=f.w.duration_ms / 1000))
    return None


def reason_no_server_team(f: Facts) -> Reason | None:
    """No one to run servers: EC2 needs an OS, runtime, web server, health checks, monitoring
    and load balancing; Lambda removes that work (the seed's use-case section)."""
    if f.w.needs.no_server_team:
        return Reason("operations", "lambda", 3, "no_server_team", _p())
    return None


def reason_operations(f: Facts) -> Reason | None:
    """Operations time is a large part of EC2's cost of ownership (at least a quarter): the
    seed's list of what EC2 demands, priced with the user's hours and rate."""
    extra = f.ec2_ops_usd - f.lambda_ops_usd
    owned = f.c.ec2.monthly_usd + f.ec2_ops_usd  # EC2's cost of ownership on any basis
    if extra <= 0 or owned <= 0 or f.ec2_ops_usd / owned < OPS_SHARE:
        return None
    n = f.w.needs
    return Reason("operations", "lambda", 1, "operations", _p(
        ops_share_pct=100 * f.ec2_ops_usd / owned, ops_hours=n.ops_hours_per_month,
        ops_hourly_usd=n.ops_hourly_usd, ops_usd=f.ec2_ops_usd))


def reason_cost(f: Facts) -> Reason:
    """The cheaper side with operations time included (the cost figures: both totals from
    the price book, plus the user's operations hours × rate). Weight by the ratio: 3 from
    3×, 2 from 1.5×, else 1; within 5 % (or a cent) it is a draw."""
    lam, ec2 = f.tco_lambda, f.tco_ec2
    params = dict(lambda_usd=lam, ec2_usd=ec2, lambda_ops_usd=f.lambda_ops_usd,
                  ec2_ops_usd=f.ec2_ops_usd)
    high, low = max(lam, ec2), min(lam, ec2)
    if high - low <= max(0.01, COST_SAME * high):
        return Reason("cost", "either", 0, f.code("cost_same"), _p(**params))
    side = "lambda" if lam < ec2 else "ec2"
    if low < 0.01:  # one side (nearly) free: a ratio would say nothing
        return Reason("cost", side, 3, f.code(f"cost_{side}_free"), _p(**params))
    ratio = high / low
    weight = 3 if ratio >= 3 else (2 if ratio >= 1.5 else 1)
    if low < MIN_RATIO_USD:  # small totals: the ratio weighs, the text gives dollars only
        return Reason("cost", side, weight, f.code(f"cost_{side}_free"), _p(**params))
    return Reason("cost", side, weight, f.code(f"cost_{side}"), _p(**params, ratio=ratio))


def reason_idle_fleet(f: Facts) -> Reason | None:
    """Low utilisation of the smallest (highly available) fleet: a rarely called service
    leaves servers idle (the seed: Lambda suits rarely used services). Counted when the
    fleet is at its minimum and under 10 % busy on average (the EC2 capacity rule)."""
    s = f.c.ec2.sizing
    if s.peak_instances > s.min_instances:
        return None
    capacity = s.peak_instances * s.usable_vcpus_per_instance
    util = f.avg_rps * s.cpu_s_per_request / capacity if capacity > 0 else 0.0
    if util >= IDLE_UTILISATION:
        return None
    code = "idle_fleet_tiny" if util < 0.001 else "idle_fleet"
    return Reason("utilisation", "lambda", 2, code, _p(
        instances=s.peak_instances, instance_type=s.instance_type, utilisation_pct=100 * util,
        avg_rps=f.avg_rps))


def reason_spiky(f: Facts) -> Reason | None:
    """Spiky traffic (the 'spiky' profile or a busiest hour 4× the average or more): a fleet
    is sized for peaks, Lambda scales per request (the seed: no need to provision for peak
    traffic in advance). Weaker when the fleet autoscales. Unknown traffic is the
    'unpredictable_traffic' use case."""
    t = f.w.traffic
    if f.w.needs.use_case == "unpredictable_traffic":
        return None
    if t.profile != "spiky" and t.peak_to_average < SPIKY_PEAK:
        return None
    if f.w.ec2.scaling == "autoscale":
        return Reason("traffic", "lambda", 1, "spiky_autoscale", _p(peak_to_average=t.peak_to_average))
    return Reason("traffic", "lambda", 2, "spiky_fixed", _p(peak_to_average=t.peak_to_average))


def reason_sustained_volume(f: Facts) -> Reason | None:
    """Sustained traffic above the break-even point favours EC2 (the cost figures: steady
    = busiest hour at most 2× the average, not 'spiky'; EC2 cheaper with operations
    included). Pilots and unpredictable traffic are not 'sustained'."""
    if not f.steady or f.requests <= 0 or f.tco_ec2 >= f.tco_lambda:
        return None
    if f.w.needs.use_case in ("pilot", "unpredictable_traffic"):
        return None
    below = [p for p in f.switch_points if p < f.requests]
    params = dict(peak_to_average=f.w.traffic.peak_to_average, avg_rps=f.avg_rps)
    if below:
        return Reason("traffic", "ec2", 2, f.code("sustained_volume_above"),
                      _p(**params, switch_at=max(below)))
    return Reason("traffic", "ec2", 2, f.code("sustained_volume"), _p(**params))


def reason_cpu_heavy(f: Facts) -> Reason | None:
    """Sustained CPU-heavy work favours EC2: Lambda bills CPU by the GB-second (1,769 MB = one
    vCPU, AWS Lambda memory docs and pricing page) at a higher price per vCPU-hour than an
    instance. Counted when ec2.cpu_share >= 0.7, traffic is steady and at least 4 vCPUs are
    busy on average (more than two 2-vCPU instances, the smallest highly available fleet,
    could carry)."""
    w, s = f.w, f.c.ec2.sizing
    busy = f.avg_rps * s.cpu_s_per_request
    if w.ec2.cpu_share < CPU_HEAVY_SHARE or not f.steady or busy < CPU_HEAVY_VCPUS:
        return None
    first_tier = float(f.sheet.tier_arrays(f"lambda.{w.architecture}.duration").price[0])
    lambda_vcpu_hour = 1769 / 1024 * 3600 * first_tier
    t = f.sheet.instance(f.c.ec2.instance_type)
    if t is None:
        return None
    ec2_vcpu_hour = t.hourly * f.c.ec2.sizing.purchase_factor / t.usable_vcpus
    return Reason("cpu", "ec2", 2, "cpu_heavy", _p(
        cpu_share_pct=100 * w.ec2.cpu_share, duration_ms=w.duration_ms, busy_vcpus=busy,
        lambda_vcpu_hour=lambda_vcpu_hour, instance_type=t.name, ec2_vcpu_hour=ec2_vcpu_hour))


def reason_concurrency(f: Facts) -> Reason | None:
    """Peak concurrency over 1,000: Lambda's default concurrency quota per region (AWS Lambda
    quotas); it can be raised on request, so it is a nudge, not a blocker."""
    peak = f.c.ec2.sizing.peak_concurrency
    if peak <= CONCURRENCY_QUOTA:
        return None
    return Reason("limits", "ec2", 1, "concurrency_quota", _p(peak_concurrency=peak))


def reason_near_timeout(f: Facts) -> Reason | None:
    """Runs of 10 minutes or more sit close to Lambda's 15-minute timeout (AWS Lambda
    quotas): little headroom for a slow day."""
    if f.w.needs.runs_over_15_minutes or f.w.duration_ms < NEAR_TIMEOUT_MS:
        return None
    return Reason("limits", "ec2", 1, "near_timeout", _p(duration_min=f.w.duration_ms / 60000))


def provisioned_for_peak(f: Facts) -> tuple[int, float]:
    """(environments, added Lambda USD a month) to keep the peak concurrency warm all month,
    serving every call (AWS Lambda pricing: provisioned concurrency)."""
    w = f.w
    envs = max(1, math.ceil(f.c.ec2.sizing.peak_concurrency - 1e-9))
    fn = LambdaFunction.from_workload(w)
    warm = replace(fn, provisioned_concurrency=envs, provisioned_hours=w.hours_per_month,
                   provisioned_share=1.0)
    r = f.requests
    added = float(lambda_function_cost(f.sheet, warm, r).total
                  - lambda_function_cost(f.sheet, fn, r).total)
    return envs, added


def reason_latency(f: Facts) -> Reason | None:
    """A p99 latency budget that cold starts would break favours EC2 unless provisioned
    concurrency (priced with the sheet, AWS Lambda pricing) keeps calls warm. Cold starts
    reach the p99 when at least 1 % of calls start cold; INIT can last up to 10 s (AWS
    Lambda INIT billing blog, reference)."""
    w, budget = f.w, f.w.needs.latency_budget_ms
    if budget is None:
        return None
    if w.duration_ms > budget:
        return Reason("latency", "either", 0, "latency_too_slow",
                      _p(duration_ms=w.duration_ms, budget_ms=budget))
    if w.cold_start_rate <= 0 and w.init_duration_ms <= 0:
        return Reason("latency", "either", 0, "latency_no_cold_data", _p(budget_ms=budget))
    cold_ms = w.init_duration_ms + w.duration_ms
    if cold_ms <= budget:
        return Reason("latency", "either", 0, "latency_fits", _p(
            init_ms=w.init_duration_ms, duration_ms=w.duration_ms, budget_ms=budget))
    if w.provisioned_concurrency > 0 and w.provisioned_share_of_requests >= 1:
        pc_usd = float(f.c.lambda_.items["provisioned_concurrency"])
        return Reason("latency", "either", 0, "latency_covered", _p(
            cold_ms=cold_ms, budget_ms=budget, environments=w.provisioned_concurrency,
            pc_usd=pc_usd))
    envs, added = provisioned_for_peak(f)
    if added <= 0:
        return Reason("latency", "either", 0, "latency_cold_pc_saves", _p(
            cold_ms=cold_ms, budget_ms=budget, environments=envs, pc_saving_usd=-added))
    params = dict(init_ms=w.init_duration_ms, duration_ms=w.duration_ms, cold_ms=cold_ms,
                  budget_ms=budget, environments=envs, pc_usd=added)
    rate = w.cold_start_rate
    if rate >= P99_RATE:
        return Reason("latency", "ec2", 3, "latency_cold_p99",
                      _p(**params, cold_rate_pct=100 * rate))
    if rate > 0:
        return Reason("latency", "ec2", 1, "latency_cold_rare",
                      _p(**params, cold_rate_pct=100 * rate))
    return Reason("latency", "ec2", 2, "latency_cold_unknown_rate", _p(**params))


def reason_nat_egress(f: Facts) -> Reason | None:
    """Heavy NAT egress: Lambda in a VPC reaches the internet only through NAT gateways,
    billed per hour and per GB processed (AWS VPC pricing; Lambda VPC docs). Counted when
    only the Lambda side pays NAT and it is at least a quarter of Lambda's total (weight 2
    from half)."""
    w = f.w
    if not w.lambda_in_vpc_with_internet or w.ec2.private_subnets_with_nat:
        return None
    nat = float(f.c.lambda_.items["nat_gateway"])
    total = f.c.lambda_.monthly_usd
    if total <= 0 or nat / total < NAT_SHARE:
        return None
    share = nat / total
    return Reason("network", "ec2", 2 if share >= 0.5 else 1, "nat_egress", _p(
        nat_gb=w.nat_processed_gb, nat_usd=nat, nat_share_pct=100 * share))


def reason_private_network(f: Facts) -> Reason | None:
    """Reaching a VPC works on both sides today: a function attached to a VPC uses its
    subnets and security groups, and needs NAT gateways for the internet (AWS Lambda VPC
    docs; the NAT cost is priced). The seed's 2020 claim that a VPC brings cold-start
    trouble predates AWS's 2019 VPC networking change and is not repeated."""
    w = f.w
    if not w.needs.private_network:
        return None
    if w.lambda_in_vpc_with_internet:
        return Reason("network", "either", 0, "private_network_nat",
                      _p(nat_usd=float(f.c.lambda_.items["nat_gateway"])))
    return Reason("network", "either", 0, "private_network", _p())


def reason_persistent_connections(f: Facts) -> Reason | None:
    """WebSockets or long-lived TCP: an invocation cannot keep a connection between calls
    (AWS Lambda quotas: at most 15 minutes per invocation); AWS API Gateway WebSocket APIs
    (priced per message and connection minute, API Gateway pricing) can front Lambda, plain
    long-lived TCP cannot."""
    if not f.w.needs.persistent_connections:
        return None
    return Reason("connections", "ec2", 2, "persistent_connections", _p())


REASONS: tuple[Callable[[Facts], Reason | None], ...] = (
    reason_use_case, reason_no_server_team, reason_operations, reason_cost, reason_idle_fleet,
    reason_spiky, reason_sustained_volume, reason_cpu_heavy, reason_concurrency,
    reason_near_timeout, reason_latency, reason_nat_egress, reason_private_network,
    reason_persistent_connections,
)


# --- The verdict ------------------------------------------------------------------------------

def switch_points(c: Comparison, sheet: PriceSheet, model: Ec2Model, lambda_ops: float,
                  ec2_ops: float) -> tuple[float, ...]:
    """Break-even volumes with these operations costs (a constant on each side; 0 on the
    bill alone). compare()'s own points are on the workload's basis already."""
    w = c.workload
    if lambda_ops == ec2_ops or (lambda_ops == extra_usd(w, "lambda")
                                 and ec2_ops == extra_usd(w, "ec2")):
        return c.break_even
    return tuple(workload_break_even(sheet, c.workload, model, lambda_extra=lambda_ops,
                                     ec2_extra=ec2_ops))


def _nearest_switch(f: Facts) -> tuple[float | None, str | None]:
    if not f.switch_points:
        return None, None
    r = f.requests
    # Nearest on a log scale; with no traffic, the first crossing.
    at = min(f.switch_points, key=lambda p: abs(math.log(p / r))) if r > 0 \
        else f.switch_points[0]
    # No crossing lies between the workload's volume and the nearest one, so crossing it
    # hands the cheaper side (operations included) to the other side.
    if f.tco_lambda != f.tco_ec2:
        return float(at), ("ec2" if f.tco_lambda < f.tco_ec2 else "lambda")
    beyond = np.array([at * (1 + 1e-7) if at > r else at / (1 + 1e-7)])
    lam = lambda_total_fn(f.sheet, f.w)(beyond) + (f.lambda_ops_usd if f.with_ops else 0.0)
    ec2 = f.model.total(beyond) + (f.ec2_ops_usd if f.with_ops else 0.0)
    return float(at), ("lambda" if float(lam[0]) < float(ec2[0]) else "ec2")


_LEVELS = ("low", "medium", "high")


def recommend(comparison: Comparison, workload: Workload, sheet: PriceSheet, *,
              model: Ec2Model | None = None, with_switch: bool = True) -> Recommendation:
    """The use-case recommendation for a priced comparison (see the module docstring)."""
    w, c = workload, comparison
    model = model or build_ec2_model(w, sheet)
    lambda_ops, ec2_ops = ops_usd(w, "lambda"), ops_usd(w, "ec2")
    with_ops = counts_operations(w)
    r = float(w.requests_per_month)
    # compare() prices break-even on the basis already; the switch point is its nearest.
    points = switch_points(c, sheet, model, lambda_ops if with_ops else 0.0,
                           ec2_ops if with_ops else 0.0) if with_switch else ()
    f = Facts(
        w=w, c=c, sheet=sheet, model=model, lambda_ops_usd=lambda_ops, ec2_ops_usd=ec2_ops,
        tco_lambda=c.lambda_.monthly_usd + extra_usd(w, "lambda"),
        tco_ec2=c.ec2.monthly_usd + extra_usd(w, "ec2"),
        avg_rps=r / (w.hours_per_month * 3600),
        steady=w.traffic.peak_to_average <= STEADY_PEAK and w.traffic.profile != "spiky",
        switch_points=tuple(points), with_ops=with_ops,
    )
    blockers = tuple(b for b in (rule(f) for rule in BLOCKERS) if b is not None)
    found = [x for x in (rule(f) for rule in REASONS) if x is not None]
    reasons = tuple(sorted(found, key=lambda x: -x.weight))  # stable: rule order on ties
    tco = {"lambda": f.tco_lambda, "ec2": f.tco_ec2, "lambda_ops": lambda_ops, "ec2_ops": ec2_ops}

    choice, confidence = verdict(reasons, blockers)
    # A blocker holds whatever the price: no volume changes the answer.
    at, to = (None, None) if blockers else _nearest_switch(f)
    figures = c.uncertainty
    if figures is not None and not blockers:
        share = figures["share_cheaper"]
        agree = share.get(choice, 0.0) + share.get("tie", 0.0) / 2 if choice in SIDES else 0.0
        confidence = "low" if choice not in SIDES else uncertainty_confidence(
            agree, flip_ratio(r, at))
    note = None if blockers else cost_note(choice, f)
    if note is not None:
        reasons = (note, *reasons)
    return Recommendation(choice, confidence, reasons, blockers, at, to, f.switch_points,
                          MappingProxyType(tco))


SIDES = ("lambda", "ec2")


def cost_note(choice: str, f: Facts) -> Reason | None:
    """The reason a choice stands beside a cost line that favours the other side (see the
    module docstring), or None when the two agree."""
    lam, ec2 = f.tco_lambda, f.tco_ec2
    cheaper = "tie" if abs(lam - ec2) <= 0.01 else ("lambda" if lam < ec2 else "ec2")
    usd = abs(lam - ec2)
    # Product names (not translated), so the sentence reads the same in every language.
    names = {"lambda": "Lambda", "ec2": "EC2"}
    if choice in SIDES and cheaper in SIDES and cheaper != choice:
        return Reason("verdict", cheaper, 0, f.code("chosen_despite_cost"),
                      _p(side=names[choice], other=names[cheaper], usd=usd))
    if choice == "either" and cheaper in SIDES and usd > max(0.01, COST_SAME * max(lam, ec2)):
        return Reason("verdict", cheaper, 0, f.code("either_despite_cost"),
                      _p(other=names[cheaper], usd=usd))
    return None


def verdict(reasons: tuple[Reason, ...], blockers: tuple[Blocker, ...]) -> tuple[str, str]:
    """(choice, confidence) from the weights, as the module docstring describes."""
    if blockers:
        ruled_out = {b.rules_out for b in blockers}
        return ("ec2" if ruled_out == {"lambda"} else "either"), "high"
    net = sum(x.weight if x.favours == "lambda" else -x.weight if x.favours == "ec2" else 0
              for x in reasons)
    choice = "lambda" if net >= 2 else ("ec2" if net <= -2 else "either")
    level = 0 if choice == "either" else (2 if abs(net) >= 5 else 1 if abs(net) >= 3 else 0)
    cost = next((x for x in reasons if x.factor == "cost"), None)
    if choice != "either" and cost is not None and cost.favours not in (choice, "either"):
        level = max(0, level - 1)
    return choice, _LEVELS[level]

