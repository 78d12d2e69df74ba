"""Lambda Managed Instances: Lambda functions on EC2 instances in your account that AWS
provisions, patches, scales and balances.

Billing (AWS Lambda pricing page, "Lambda Managed Instances",
https://aws.amazon.com/lambda/pricing/): the EC2 price of each instance (Savings Plans and
Reserved Instances apply to it), a compute management fee of 15 % of the instance's EC2
*on-demand* price (the fee is not discounted), and the request charge ($0.20 per million in
us-east-1); there is no GB-second duration charge. The always-free Lambda allowance is not
applied here (the pricing page does not extend it to Managed Instances).

Sizing (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html):

- one execution environment serves many requests at once: by default 16 concurrent
  requests per vCPU for Python, 64 for Node.js, 32 for Java and .NET;
- an environment's vCPUs follow its memory at the capacity provider's memory-to-vCPU ratio
  (``ExecutionEnvironmentMemoryGiBPerVCpu``, 2 to 8 GiB per vCPU, 2 by default; AWS Lambda
  API reference, LambdaManagedInstancesCapacityProviderConfig) and a function has at least
  2 GB: ``max(memory_mb, 2 GB)`` rounded up to whole vCPUs at that ratio;
- environments at the busiest hour = max(requests in flight (Little's law: peak requests/s
  × duration) / concurrency per environment, vCPUs the CPU work needs at the target
  utilisation / vCPUs per environment), packed on the instance type where the most fit;
- Lambda launches three instances by default for AZ resiliency and never fewer;
- it scales asynchronously on CPU use and concurrency saturation (traffic doubling within
  five minutes is absorbed), so the fleet follows the traffic profile hour by hour.

Both ceilings are ``ceil(load × coefficient)`` like the EC2 fleet's, so the fleet reuses
:class:`~advisor.pricing.ec2.Ec2Model` (sizing, "auto" type choice and break-even steps).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from advisor.pricing.catalogue import RESERVED_OPTIONS
from advisor.pricing.ec2 import OS_RESERVED_GIB, Ec2Model, fleet_ceil, fleet_frontier
from advisor.pricing.lambda_ import (
    front_door_monthly,
    http_api_units,
    lambda_fixed_items,
    lambda_logs_kinks,
    lambda_logs_monthly,
)
from advisor.pricing.options.base import OptionModel, OptionSpec
from advisor.pricing.profiles import sizing_levels
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload, WorkloadError

NAME = "lambda_managed_instances"
ITEMS = ("instances", "management_fee", "requests", "front_door", "nat_gateway",
         "data_transfer", "public_ipv4", "logs")
PER_VCPU_CONCURRENCY = {"python": 16, "nodejs": 64, "java": 32, "dotnet": 32}
MIN_INSTANCES = 3
MIN_MEMORY_GIB = 2.0
# Managed Instances run on current-generation compute (c), general purpose (m) and memory (r)
# families, not on burstable (t) types.
FAMILIES = ("c", "m", "r")
SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html"


def environment(w: Workload) -> tuple[int, float]:
    """(vCPUs, GiB) of one execution environment."""
    ratio = float(w.managed_instances.memory_gib_per_vcpu)
    gib = max(w.memory_mb / 1024, MIN_MEMORY_GIB)
    vcpus = max(1, math.ceil(gib / ratio - 1e-9))
    return vcpus, vcpus * ratio


def _refuse(w: Workload, message: str) -> WorkloadError:
    field = ("managed_instances.instance_type" if w.managed_instances.instance_type != "auto"
             else "options")
    return WorkloadError({field: [message]})


def eligible(w: Workload, sheet: PriceSheet) -> tuple[np.ndarray, np.ndarray]:
    """(indices into ``sheet.table``, environments per instance) of the types the capacity
    provider may use, cheapest per hour first: the named type, or for "auto" every c, m or r
    type of the function's architecture that can host one environment."""
    table = sheet.table
    env_vcpus, env_gib = environment(w)
    per = np.minimum(np.floor(table.vcpu / env_vcpus),
                     np.floor((table.memory_gib - OS_RESERVED_GIB) / env_gib))
    # Per sheet, not per comparison: a Python pass over the book's hundreds of types.
    family_ok = sheet.derived("lambda_mi.family_ok", lambda: np.array(
        [f[:1] in FAMILIES for f in table.family], dtype=bool))
    named = w.managed_instances.instance_type
    env = f"one execution environment of {env_vcpus} vCPU and {env_gib:g} GiB"
    if named != "auto":
        t = sheet.instance(named)
        if t is None:
            raise _refuse(w, f'"{named}" is not in the {sheet.book.region} price book')
        i = table.types.index(t)
        if not family_ok[i] or t.burstable_baseline is not None or not table.searched[i]:
            # (Current-generation c, m and r types only: a previous-generation m4 is refused
            # with the same message.)
            raise _refuse(w, f"Lambda Managed Instances run on c, m and r types, not {named}")
        if t.architecture != w.architecture:
            raise _refuse(w, f"{named} is {t.architecture}; the function is {w.architecture}")
        if per[i] < 1:
            raise _refuse(w, f"{named} ({t.vcpu} vCPU, {t.memory_gib:g} GiB, "
                          f"{OS_RESERVED_GIB:g} GiB of it for the OS) cannot host {env}")
        if w.ec2.purchase in RESERVED_OPTIONS and t.price_for(w.ec2.purchase) is None:
            raise _refuse(w, f"the price book has no {w.ec2.purchase} rate for {named}")
        return np.array([i]), per[[i]]
    ok = ((table.arm64 == (w.architecture == "arm64")) & family_ok & ~table.burstable
          & table.searched & (per >= 1))
    # A reserved purchase needs the type's own reserved rate (the feed has none for some).
    if w.ec2.purchase in RESERVED_OPTIONS:
        ok &= np.isfinite(table.price(w.ec2.purchase))
    idx = np.nonzero(ok)[0]
    if not idx.size:
        raise _refuse(w, f'"{NAME}": no {w.architecture} c, m or r type in the price book can '
                      f"host {env}; leave it out or lower memory_mb")
    names = sheet.derived("lambda_mi.names", lambda: np.array([t.name for t in table.types]))[idx]
    order = np.lexsort((names, table.hourly[idx]))
    return idx[order], per[idx[order]]


def bill(instance_hours: np.ndarray, on_demand_hourly: np.ndarray, instance_hourly: np.ndarray,
         fee_share: float, requests: np.ndarray, request_price: float,
         shape: tuple[int, ...] = ()) -> dict[str, np.ndarray]:
    """The three charges of the Lambda pricing page's rule: the instances at their price
    after any Savings Plan or reservation, the management fee on the *on-demand* price of the
    same instance-hours, and the requests (``request_price`` per request)."""
    return {
        "instances": instance_hours * instance_hourly,
        "management_fee": instance_hours * on_demand_hourly * fee_share,
        "requests": requests * request_price + np.zeros(shape),
    }


def front_door_kinks(sheet: PriceSheet, w: Workload) -> list[float]:
    if w.front_door == "rest_api":
        return list(sheet.tier_arrays("apigw.rest.requests").lower[1:])
    if w.front_door == "http_api":
        units = http_api_units(w.payload_kb, sheet.rate("apigw.http.metering_kb"))
        return list(sheet.tier_arrays("apigw.http.requests").lower[1:] / units)
    return []


def prepare(w: Workload, sheet: PriceSheet) -> OptionModel:
    per_vcpu = PER_VCPU_CONCURRENCY[w.managed_instances.runtime]
    env_vcpus, env_gib = environment(w)
    idx, per_instance = eligible(w, sheet)
    types = tuple(sheet.table.types[i] for i in idx)
    e = w.ec2
    hours = float(w.hours_per_month)
    # Instances per (requests/s × ms): concurrency (Little's law) and CPU at the target.
    conc_coef = 1 / 1000 / (per_instance * env_vcpus * per_vcpu)
    vcpu_per_req_ms = min(w.memory_mb / 1769, 6.0) * e.cpu_share / 1000
    cpu_coef = vcpu_per_req_ms / e.target_utilization / (per_instance * env_vcpus)
    coef = np.maximum(conc_coef, cpu_coef)
    fee = sheet.rate("lambda_mi.management_fee")
    hourly = sheet.table.hourly[idx]
    if e.purchase in RESERVED_OPTIONS:
        # Reserved Instances apply to the instances at each type's own rate.
        instance_price = sheet.table.price(e.purchase)[idx]
        factor = float(np.median(instance_price / hourly))
    else:
        factor = sheet.purchase_factor(e.purchase)
        instance_price = hourly * factor
    per_hour = instance_price + hourly * fee
    frontier = fleet_frontier(per_hour, coef)
    levels, share = sizing_levels(w.traffic.profile, w.traffic.peak_to_average, "autoscale",
                                  w.traffic.hourly_weights)
    fixed = lambda_fixed_items(sheet, w)
    fleet_w = replace(w, ec2=replace(e, min_instances=MIN_INSTANCES, scaling="autoscale",
                                     ebs_gb_per_instance=0))
    # The functions write CloudWatch Logs as Lambda's do (lambda_log_bytes_per_request). The
    # instances sit in the capacity provider's subnets with no public address of their own;
    # the NAT gateways' and a load balancer front door's addresses are Lambda's fixed ones.
    # Lambda's own logs: vended, tiered, the free GB first (lambda_.lambda_logs_monthly);
    # kept out of the fleet model, whose logs are linear.
    logs_per_request = 0.0
    model = Ec2Model(
        workload=fleet_w, types=types, cpu_coef=cpu_coef, mem_coef=conc_coef, coef=coef,
        instance_price=instance_price,
        per_instance_hour=per_hour, frontier=frontier, levels=levels,
        level_share=share, purchase_factor=factor, ebs_gb_month=0.0,
        fixed_monthly=fixed["nat_gateway"] + fixed["data_transfer"] + fixed["public_ipv4"],
        lb_fixed=0.0, lb_per_avg_rps=0.0, nat=fixed["nat_gateway"],
        transfer=fixed["data_transfer"], hours=hours, ipv4_per_instance_hour=0.0,
        ipv4_fixed=fixed["public_ipv4"], logs_per_request=logs_per_request)
    request_price = sheet.rate("lambda_mi.requests") / 1e6

    def arrays(r: np.ndarray) -> dict[str, np.ndarray]:
        r = np.asarray(r, dtype=float)
        avg = r / (hours * 3600)
        inst_hours, _ = model.instance_hours(avg, float(w.duration_ms))
        pick = np.argmin(inst_hours * per_hour, axis=-1)[..., None]
        h = np.take_along_axis(inst_hours, pick, axis=-1)[..., 0]
        od = hourly[pick[..., 0]]
        shape = np.shape(h)
        return {
            **bill(h, od, instance_price[pick[..., 0]], fee, r, request_price, shape),
            "front_door": np.broadcast_to(front_door_monthly(sheet, w, r), shape),
            "nat_gateway": np.full(shape, fixed["nat_gateway"]),
            "data_transfer": np.full(shape, fixed["data_transfer"]),
            "public_ipv4": np.full(shape, fixed["public_ipv4"]),
            "logs": lambda_logs_monthly(sheet, w, r) + np.zeros(shape),
        }

    def total(r: np.ndarray, d: np.ndarray | None = None) -> np.ndarray:
        return (model.total(r, d) + r * request_price + front_door_monthly(sheet, w, r)
                + lambda_logs_monthly(sheet, w, r))

    def detail(r: float) -> dict[str, Any]:
        avg = r / (hours * 3600)
        peak_rps = avg * float(levels[-1])
        inst_hours, peaks = model.instance_hours(np.asarray(avg), float(w.duration_ms))
        k = int(np.argmin(inst_hours * per_hour))
        concurrency = peak_rps * w.duration_ms / 1000
        cpu_vcpus = peak_rps * w.duration_ms * vcpu_per_req_ms / e.target_utilization
        return {
            "runtime": w.managed_instances.runtime,
            "concurrency_per_vcpu": per_vcpu,
            "environment_vcpus": env_vcpus,
            "environment_memory_gib": env_gib,
            "memory_gib_per_vcpu": float(w.managed_instances.memory_gib_per_vcpu),
            "peak_rps": peak_rps,
            "peak_concurrency": concurrency,
            "environments_for_concurrency": int(fleet_ceil(np.asarray(
                concurrency / (env_vcpus * per_vcpu)))),
            "environments_for_cpu": int(fleet_ceil(np.asarray(cpu_vcpus / env_vcpus))),
            "instance_type": types[k].name,
            "environments_per_instance": int(per_instance[k]),
            "min_instances": MIN_INSTANCES,
            "peak_instances": int(peaks[k]),
            "instance_hours": float(inst_hours[k]),
            "purchase_factor": float(instance_price[k] / hourly[k]),
            "management_fee_share": fee,
        }

    blockers = []
    if w.needs.runs_over_15_minutes:
        blockers.append(("mi_timeout", {}))
    if w.needs.gpu:
        blockers.append(("mi_gpu", {}))
    if w.needs.dedicated_tenancy:
        blockers.append(("mi_dedicated", {}))
    kinks = np.array(front_door_kinks(sheet, w) + lambda_logs_kinks(sheet, w), dtype=float)
    return OptionModel(name=NAME, items=ITEMS, item_arrays=arrays, kinks=kinks,
                       spacing=model.step_spacing(), first_step=MIN_INSTANCES, detail=detail,
                       blockers=tuple(blockers), total_fn=total, grid_total=total)


OPTION = OptionSpec(name=NAME, items=ITEMS, prepare=prepare, order=30,
                    rate_keys=("lambda_mi.requests", "lambda_mi.management_fee"))
