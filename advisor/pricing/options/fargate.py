"""Amazon ECS on AWS Fargate: containers billed per vCPU-hour and GB-hour of each task.

Billing (https://aws.amazon.com/fargate/pricing/): each task's vCPU and memory, from the
start of the image pull until the task stops, rounded up to the second with a one-minute
minimum (Linux); 20 GB of ephemeral storage per task is included; x86 and Graviton (arm64)
have their own rates; Fargate Spot runs the same tasks at a lower, varying price.

Sizing, counted like the EC2 fleet (``advisor.pricing.ec2``: the same CPU rule, target
utilisation, memory rule, HA floor ``ec2.min_instances`` and, with ``ec2.scaling``
"autoscale", the hour-by-hour traffic profile): a task size is one of the valid vCPU / memory
combinations (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size),
priced at ``vCPU × vCPU rate + GB × GB rate`` an hour, and the cheapest size for the load is
chosen at each volume, as "auto" does for instance types. A task is not an EC2 instance:
its containers get the whole task memory (the Fargate agent and container runtime run outside
the task's allocation: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html,
"Task CPU and memory"), so the 0.5 GiB an instance keeps for its OS is not taken here; a
128 MB function at low traffic runs on 0.25 vCPU / 0.5 GB tasks. An Application Load Balancer is
always in front. Tasks run for hours at a time here, so per-second billing comes to the same
as hourly and the one-minute minimum never applies (:func:`task_charge` applies both for
short tasks, as in AWS's examples).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from advisor.pricing.ec2 import build_ec2_model, ec2_item_arrays, fleet_ceil
from advisor.pricing.options.base import OptionModel, OptionSpec
from advisor.pricing.sheet import InstanceType, PriceSheet
from advisor.pricing.workload import Workload

NAME = "fargate"
ITEMS = ("tasks", "load_balancer", "nat_gateway", "data_transfer", "public_ipv4", "logs")
FREE_EPHEMERAL_GB = 20
MIN_BILLED_SECONDS = 60
# Largest task (16 vCPU, 120 GB): a bigger one is a limit of Fargate, not a price.
MAX_VCPU, MAX_MEMORY_GB = 16, 120


def task_sizes() -> list[tuple[float, float]]:
    """Every valid (vCPU, memory GB) combination of a Linux Fargate task."""
    sizes = [(0.25, 0.5), (0.25, 1.0), (0.25, 2.0)]
    sizes += [(0.5, float(g)) for g in range(1, 5)]
    sizes += [(1.0, float(g)) for g in range(2, 9)]
    sizes += [(2.0, float(g)) for g in range(4, 17)]
    sizes += [(4.0, float(g)) for g in range(8, 31)]
    sizes += [(8.0, float(g)) for g in range(16, 61, 4)]
    sizes += [(16.0, float(g)) for g in range(32, 121, 8)]
    return sizes


TASK_SIZES = tuple(task_sizes())


def hourly(sheet: PriceSheet, arch: str, vcpu: float, gb: float, spot: bool = False) -> float:
    price = vcpu * sheet.rate(f"fargate.{arch}.vcpu_hour") + gb * sheet.rate(f"fargate.{arch}.gb_hour")
    return price * (sheet.rate("fargate.spot") if spot else 1.0)


def task_charge(sheet: PriceSheet, arch: str, vcpu: float, gb: float, seconds: float,
                tasks: int = 1, ephemeral_gb: float = FREE_EPHEMERAL_GB,
                spot: bool = False) -> dict[str, float]:
    """What ``tasks`` tasks of one size cost for ``seconds`` each: the second rounded up, at
    least a minute (AWS Fargate pricing page)."""
    billed_h = max(MIN_BILLED_SECONDS, math.ceil(seconds - 1e-9)) / 3600 * tasks
    factor = sheet.rate("fargate.spot") if spot else 1.0
    return {
        "vcpu": vcpu * sheet.rate(f"fargate.{arch}.vcpu_hour") * factor * billed_h,
        "memory": gb * sheet.rate(f"fargate.{arch}.gb_hour") * factor * billed_h,
        "ephemeral_storage": max(0.0, ephemeral_gb - FREE_EPHEMERAL_GB)
        * sheet.rate("fargate.ephemeral_gb_hour") * billed_h,
    }


def _name(vcpu: float, gb: float) -> str:
    return f"{vcpu:g}vcpu.{gb:g}gb"


def prepare(w: Workload, sheet: PriceSheet) -> OptionModel:
    spot = w.fargate.spot
    arch = w.architecture
    per_vcpu, per_gb = sheet.rate(f"fargate.{arch}.vcpu_hour"), sheet.rate(f"fargate.{arch}.gb_hour")
    factor = sheet.rate("fargate.spot") if spot else 1.0

    def task_sheet() -> PriceSheet:
        types = tuple(InstanceType(name=_name(v, g), vcpu=v, memory_gib=g,  # type: ignore[arg-type]
                                   architecture=arch,  # type: ignore[arg-type]
                                   hourly=(v * per_vcpu + g * per_gb) * factor)
                      for v, g in TASK_SIZES)
        return replace(sheet, instance_types=types)

    # Tasks are sized like the EC2 fleet, with its public-address switch (a task in a public
    # subnet holds a public IPv4 address) and its log volume; instance families do not apply.
    # (A GPU need is this option's blocker below, not a filter on task sizes.)
    fw = replace(w, ec2=replace(w.ec2, instance_type="auto", purchase="on_demand",
                                ebs_gb_per_instance=0, load_balancer="alb", families=""),
                 needs=replace(w.needs, gpu=False))
    # The task sizes as a sheet of their own, built once per price sheet.
    model = build_ec2_model(fw, sheet.derived(("fargate_tasks", arch, spot), task_sheet),
                            os_reserved_gib=0.0)

    def arrays(r: np.ndarray) -> dict[str, np.ndarray]:
        items, _ = ec2_item_arrays(model, r)
        return {"tasks": items["instances"], "load_balancer": items["load_balancer"],
                "nat_gateway": items["nat_gateway"], "data_transfer": items["data_transfer"],
                "public_ipv4": items["public_ipv4"], "logs": items["logs"]}

    def detail(r: float) -> dict[str, Any]:
        # The size size_fleet() would rank first, computed for that size only (74 sizes).
        avg = r / (model.hours * 3600)
        hours, peaks = model.instance_hours(np.asarray(avg), float(w.duration_ms))
        k = int(np.argmin(hours * model.per_instance_hour))
        t = model.types[k]
        peak_rps = avg * float(model.levels[-1])
        load = peak_rps * float(w.duration_ms)
        cpu_s = w.duration_ms / 1000 * min(w.memory_mb / 1769, 6.0) * w.ec2.cpu_share
        return {
            "task_vcpu": float(t.vcpu), "task_memory_gb": t.memory_gib,
            "task_hourly_usd": t.hourly, "spot": spot,
            "avg_rps": avg, "peak_rps": peak_rps,
            "vcpus_needed": peak_rps * cpu_s / w.ec2.target_utilization,
            "tasks_for_cpu": int(fleet_ceil(np.asarray(load * model.cpu_coef[k]))),
            "tasks_for_memory": int(fleet_ceil(np.asarray(load * model.mem_coef[k]))),
            "peak_concurrency": load / 1000, "min_tasks": int(w.ec2.min_instances),
            "peak_tasks": int(peaks[k]), "task_hours": float(hours[k]),
            "scaling": w.ec2.scaling,
        }

    blockers = []
    if w.needs.gpu:
        blockers.append(("fargate_gpu", {}))
    if w.needs.dedicated_tenancy:
        blockers.append(("fargate_dedicated", {}))
    if (w.needs.task_vcpus or 0) > MAX_VCPU or (w.needs.task_memory_mb or 0) > MAX_MEMORY_GB * 1024:
        blockers.append(("fargate_size", {"task_vcpus": w.needs.task_vcpus,
                                          "task_memory_mb": w.needs.task_memory_mb}))
    return OptionModel(name=NAME, items=ITEMS, item_arrays=arrays, kinks=model.kinks,
                       spacing=model.step_spacing(),
                       first_step=int(w.ec2.min_instances), detail=detail,
                       blockers=tuple(blockers), total_fn=model.total, grid_total=model.total)


OPTION = OptionSpec(name=NAME, items=ITEMS, prepare=prepare, order=40,
                    rate_keys=("fargate.{arch}.vcpu_hour", "fargate.{arch}.gb_hour",
                               "fargate.spot"),
                    shared_keys=("alb.hourly", "alb.lcu_hourly"))
