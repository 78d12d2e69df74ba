"""The recommendation's rules (recommend.py) apart from cost: Lambda's hard limits
(blockers) and the reasons from use case, operations, traffic, limits, latency and network.
Each rule is one small function whose docstring names its source; the cost reasons live in
recommend_cost.py and take their place in :data:`REASONS` by weight order on ties.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from advisor.pricing.lambda_ import LambdaFunction, lambda_function_cost
from advisor.pricing.recommend_cost import reason_cost, reason_operations, reason_sustained_volume
from advisor.pricing.recommend_facts import (
    CONCURRENCY_QUOTA,
    CPU_HEAVY_SHARE,
    CPU_HEAVY_VCPUS,
    IDLE_UTILISATION,
    MAX_MEMORY_MB,
    MAX_VCPUS,
    NAT_SHARE,
    NEAR_TIMEOUT_MS,
    P99_RATE,
    SPIKY_PEAK,
    Blocker,
    Facts,
    Reason,
)
from advisor.pricing.recommend_facts import message_params as _p

SEED = "seed post (aws-lambda-notes.ko.md), section 'Use cases'"
SEED_SECURITY = "seed post (aws-lambda-notes.ko.md), section 'Security issue'"
LAMBDA_LIMITS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
LAMBDA_MEMORY = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html"
LAMBDA_VPC = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html"
LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/"
VPC_PRICING = "https://aws.amazon.com/vpc/pricing/"
DEDICATED = "https://aws.amazon.com/ec2/pricing/dedicated-instances/"
APIGW_PRICING = "https://aws.amazon.com/api-gateway/pricing/"


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
