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
- a function has at least 1 vCPU and 2 GB (2:1, the lowest memory-to-vCPU ratio);
  we give it ``ceil(memory_mb / 1769)`` vCPUs (at least 1, what Lambda gives that memory) and
  ``max(memory_mb, 2 GB × vCPUs)``;
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
from advisor.pricing.ec2 import OS_RESERVED_GIB, Ec2Model, fleet_ceil
from advisor.pricing.lambda_ import front_door_monthly, http_api_units, lambda_fixed_items
from advisor.pricing.network import logs_monthly
from advisor.pricing.options.base import OptionModel, OptionSpec
from advisor.pricing.profiles import sizing_levels
from advisor.pricing.sheet import InstanceType, PriceSheet
from advisor.pricing.workload import Workload, WorkloadError, lambda_vcpus

NAME = "lambda_managed_instances"
ITEMS = ("instances", "management_fee", "requests", "front_door", "nat_gateway",
         "data_transfer", "public_ipv4", "logs")
PER_VCPU_CONCURRENCY = {"python": 16, "nodejs": 64, "java": 32, "dotnet": 32}
MIN_INSTANCES = 3
MIN_MEMORY_GIB_PER_VCPU = 2.0
# Managed Instances run on current-generation compute (c), general purpose (m) and memory (r)
# families, not on burstable (t) types.
FAMILIES = ("c", "m", "r")
SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html"


def environment(w: Workload) -> tuple[int, float]:
    """(vCPUs, GiB) of one execution environment."""
    vcpus = max(1, math.ceil(lambda_vcpus(w.memory_mb) - 1e-9))
    return vcpus, max(w.memory_mb / 1024, MIN_MEMORY_GIB_PER_VCPU * vcpus)


def eligible(w: Workload, sheet: PriceSheet) -> list[tuple[InstanceType, int]]:
    """(type, environments per instance) of every type that can host one environment."""
    env_vcpus, env_gib = environment(w)
    out = []
    for t in sheet.instance_types:
        if t.architecture != w.architecture or t.burstable_baseline is not None:
            continue
        # A reserved purchase needs the type's own reserved rate (the feed has none for some).
        if w.ec2.purchase in RESERVED_OPTIONS and t.price_for(w.ec2.purchase) is None:
            continue
        if not t.name.startswith(FAMILIES):
            continue
        per = min(int(t.vcpu // env_vcpus), int((t.memory_gib - OS_RESERVED_GIB) // env_gib))
        if per >= 1:
            out.append((t, per))
    if not out:
        raise WorkloadError({"options": [
            f'"{NAME}": no {w.architecture} c, m or r type in the price book can host one '
            f"execution environment of {env_vcpus} vCPU and {env_gib:g} GiB; leave it out or "
            "lower memory_mb"]})
    return sorted(out, key=lambda p: (p[0].hourly, p[0].name))


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
    pairs = eligible(w, sheet)
    types = tuple(t for t, _ in pairs)
    per_instance = np.array([n for _, n in pairs], dtype=float)
    e = w.ec2
    hours = float(w.hours_per_month)
    # Instances per (requests/s × ms): concurrency (Little's law) and CPU at the target.
    conc_coef = 1 / 1000 / (per_instance * env_vcpus * per_vcpu)
    vcpu_per_req_ms = min(w.memory_mb / 1769, 6.0) * e.cpu_share / 1000
    cpu_coef = vcpu_per_req_ms / e.target_utilization / (per_instance * env_vcpus)
    coef = np.maximum(conc_coef, cpu_coef)
    fee = sheet.rate("lambda_mi.management_fee")
    hourly = np.array([t.hourly for t in types])
    if e.purchase in RESERVED_OPTIONS:
        # Reserved Instances apply to the instances at each type's own rate.
        instance_price = np.array([t.price_for(e.purchase) for t in types], dtype=float)
        factor = float(np.median(instance_price / hourly))
    else:
        factor = sheet.purchase_factor(e.purchase)
        instance_price = hourly * factor
    per_hour = instance_price + hourly * fee
    order = np.lexsort((coef, per_hour))
    frontier, best = [], np.inf
    for i in order:
        if coef[i] < best:
            frontier.append(int(i))
            best = coef[i]
    levels, share = sizing_levels(w.traffic.profile, w.traffic.peak_to_average, "autoscale")
    fixed = lambda_fixed_items(sheet, w)
    fleet_w = replace(w, ec2=replace(e, min_instances=MIN_INSTANCES, scaling="autoscale",
                                     ebs_gb_per_instance=0))
    # The functions write CloudWatch Logs as Lambda's do (lambda_log_bytes_per_request). The
    # instances sit in the capacity provider's subnets with no public address of their own;
    # the NAT gateways' and a load balancer front door's addresses are Lambda's fixed ones.
    logs_per_request = float(logs_monthly(sheet, 1.0, w.lambda_log_bytes_per_request))
    model = Ec2Model(
        workload=fleet_w, types=types, cpu_coef=cpu_coef, mem_coef=conc_coef, coef=coef,
        instance_price=instance_price,
        per_instance_hour=per_hour, frontier=np.array(frontier, dtype=int), levels=levels,
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
            "instances": h * instance_price[pick[..., 0]],
            "management_fee": h * od * fee,
            "requests": r * request_price + np.zeros(shape),
            "front_door": np.broadcast_to(front_door_monthly(sheet, w, r), shape),
            "nat_gateway": np.full(shape, fixed["nat_gateway"]),
            "data_transfer": np.full(shape, fixed["data_transfer"]),
            "public_ipv4": np.full(shape, fixed["public_ipv4"]),
            "logs": r * logs_per_request + np.zeros(shape),
        }

    def total(r: np.ndarray, d: np.ndarray | None = None) -> np.ndarray:
        return model.total(r, d) + r * request_price + front_door_monthly(sheet, w, r)

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
    kinks = np.array(front_door_kinks(sheet, w), dtype=float)
    return OptionModel(name=NAME, items=ITEMS, item_arrays=arrays, kinks=kinks,
                       spacing=model.step_spacing(), first_step=MIN_INSTANCES, detail=detail,
                       blockers=tuple(blockers), total_fn=total, grid_total=total)


OPTION = OptionSpec(name=NAME, items=ITEMS, prepare=prepare, order=30,
                    rate_keys=("lambda_mi.requests", "lambda_mi.management_fee"))
