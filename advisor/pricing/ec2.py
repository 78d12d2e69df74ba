"""The EC2 fleet's monthly cost, vectorised over request volume (and duration, for the grid).

Capacity rule (the contract's, fixed so results can be checked)::

    avg_rps       = requests_per_month / (hours_per_month * 3600)
    peak_rps      = avg_rps * peak_to_average       (per hour of the profile when autoscaling)
    cpu_s_per_req = duration_ms / 1000 * min(memory_mb / 1769, 6) * cpu_share
    vcpus_needed  = peak_rps * cpu_s_per_req / target_utilization
    usable_vcpus  = vcpu * burstable baseline (t-types) else vcpu
    instances     = max(min_instances, ceil(vcpus_needed / usable_vcpus), instances_for_memory)

Memory rule (ours): by Little's law ``peak_rps × duration_s`` requests are in flight at the
peak; each needs the function's ``memory_mb``; each instance keeps 0.5 GiB for the OS, so
``instances_for_memory = ceil(peak_concurrency × memory_mb / 1024 / (memory_gib - 0.5))``.
A type is eligible only if one request fits (``memory_gib - 0.5 >= memory_mb / 1024``) and
its architecture is the workload's.

Because both ceilings are ``ceil(rate × coefficient)``, a type's fleet at load ``x`` (requests/s
× ms) is ``max(min_instances, ceil(x × c_k))`` with ``c_k`` the larger coefficient: sizing many
volumes, durations and types at once is one broadcast expression.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from advisor.pricing.network import load_balancer_monthly, nat_monthly, transfer_monthly
from advisor.pricing.profiles import sizing_levels, weekly_weights
from advisor.pricing.sheet import InstanceType, PriceSheet, noise_ceil
from advisor.pricing.workload import Workload, WorkloadError

OS_RESERVED_GIB = 0.5
LAMBDA_MB_PER_VCPU = 1769.0
LAMBDA_MAX_VCPU = 6.0
EC2_ITEMS = ("instances", "storage", "load_balancer", "nat_gateway", "data_transfer")


class InstanceTypeError(WorkloadError):
    """No usable instance type: shown against the field ``ec2.instance_type``."""

    def __init__(self, message: str) -> None:
        super().__init__({"ec2.instance_type": [message]})


def fleet_ceil(x: np.ndarray) -> np.ndarray:
    # ceil() of a value that float noise pushed just above an integer must not add an instance.
    return noise_ceil(x)


def eligible_types(w: Workload, sheet: PriceSheet) -> tuple[InstanceType, ...]:
    """Types the fleet may use: the named one, or for "auto" every type that fits."""
    need_gib = w.memory_mb / 1024

    def fits(it: InstanceType) -> bool:
        return it.memory_gib - OS_RESERVED_GIB >= need_gib

    name = w.ec2.instance_type
    if name != "auto":
        it = sheet.instance(name)
        if it is None:
            known = ", ".join(sorted(t.name for t in sheet.instance_types))
            raise InstanceTypeError(f'must be "auto" or a type in the price book: {known} (got "{name}")')
        if it.architecture != w.architecture:
            raise InstanceTypeError(
                f"{name} is {it.architecture}; the workload's architecture is {w.architecture}")
        if not fits(it):
            raise InstanceTypeError(
                f"{name} has {it.memory_gib:g} GiB; one request needs {need_gib:g} GiB "
                f"plus {OS_RESERVED_GIB} GiB for the OS")
        return (it,)
    types = tuple(t for t in sheet.instance_types if t.architecture == w.architecture and fits(t))
    if not types:
        raise InstanceTypeError(
            f"no {w.architecture} type in the price book has {need_gib + OS_RESERVED_GIB:g} GiB "
            "(memory_mb plus 0.5 GiB for the OS)")
    return types


@dataclass(frozen=True)
class Ec2Model:
    """Everything about the fleet that does not depend on volume or duration, as arrays."""

    workload: Workload
    types: tuple[InstanceType, ...]      # eligible types, cheapest per hour first
    cpu_coef: np.ndarray                 # instances for CPU per (req/s × ms), per type
    mem_coef: np.ndarray                 # instances for memory per (req/s × ms), per type
    coef: np.ndarray                     # the larger of the two
    per_instance_hour: np.ndarray        # instance (after purchase factor) + EBS, per hour
    frontier: np.ndarray                 # indices of types no other type dominates
    levels: np.ndarray                   # hourly load levels (× average rate)
    level_share: np.ndarray              # share of hours at each level
    purchase_factor: float
    ebs_gb_month: float
    fixed_monthly: float                 # LB hours + NAT + egress
    lb_fixed: float
    lb_per_avg_rps: float
    nat: float
    transfer: float
    hours: float

    def instance_hours(self, avg_rps: np.ndarray, duration_ms: np.ndarray | float,
                       idx: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(instance-hours a month, peak instances), shape ``broadcast(avg_rps, d) + (k,)``."""
        coef = self.coef if idx is None else self.coef[idx]
        load = (np.asarray(avg_rps, dtype=float) * np.asarray(duration_ms, dtype=float))[..., None, None]
        x = load * coef[:, None] * self.levels
        n = np.maximum(self.workload.ec2.min_instances, fleet_ceil(x))
        return (n @ self.level_share) * self.hours, n[..., -1]

    def total(self, requests: np.ndarray | float, duration_ms: np.ndarray | float | None = None) -> np.ndarray:
        """EC2 monthly total; with "auto" the cheapest type at each volume and duration."""
        d = self.workload.duration_ms if duration_ms is None else duration_ms
        avg = np.asarray(requests, dtype=float) / (self.hours * 3600)
        hours, _ = self.instance_hours(avg, d, self.frontier)
        fleet = (hours * self.per_instance_hour[self.frontier]).min(axis=-1)
        return fleet + self.fixed_monthly + self.lb_per_avg_rps * avg

    def step_spacing(self) -> np.ndarray:
        """Where :meth:`total` (at the workload's duration) can jump, as spacings in requests
        a month: it jumps only just after ``n × s`` for a spacing ``s`` and an integer
        ``n >= min_instances`` (a fleet of a frontier type at one load level grows from n to
        n + 1 instances there), and is linear in between (the load balancer's capacity units).
        """
        # instances = ceil(requests / (hours × 3600) × duration × coef × level)
        per_request = (self.workload.duration_ms / (self.hours * 3600)
                       * self.coef[self.frontier][:, None] * self.levels[None, :]).ravel()
        per_request = per_request[per_request > 0]  # a quiet hour at level 0 never steps
        return np.unique(1.0 / per_request)


def build_ec2_model(w: Workload, sheet: PriceSheet) -> Ec2Model:
    types = sorted(eligible_types(w, sheet), key=lambda t: (t.hourly, t.name))
    e = w.ec2
    factor = sheet.purchase_factor(e.purchase)
    hours = float(w.hours_per_month)
    vcpu_per_req_ms = min(w.memory_mb / LAMBDA_MB_PER_VCPU, LAMBDA_MAX_VCPU) * e.cpu_share / 1000
    usable = np.array([t.usable_vcpus for t in types])
    cpu_coef = vcpu_per_req_ms / e.target_utilization / usable
    room = np.array([t.memory_gib - OS_RESERVED_GIB for t in types])
    mem_coef = (w.memory_mb / 1024) / 1000 / room
    coef = np.maximum(cpu_coef, mem_coef)
    # gp3 is billed per GB-month, pro rata for the hours each instance exists.
    ebs_hourly = e.ebs_gb_per_instance * (sheet.rate("ebs.gp3.gb_month") / hours)
    per_hour = np.array([t.hourly for t in types]) * factor + ebs_hourly

    # A type no cheaper per hour and no smaller per request than another can never win.
    order = np.lexsort((coef, per_hour))
    frontier, best = [], np.inf
    for i in order:
        if coef[i] < best:
            frontier.append(int(i))
            best = coef[i]

    levels, share = sizing_levels(w.traffic.profile, w.traffic.peak_to_average, e.scaling)
    weights = weekly_weights(w.traffic.profile, w.traffic.peak_to_average)
    lb_fixed = float(load_balancer_monthly(sheet, e.load_balancer, 0.0, hours, w.connections,
                                           w.payload_kb, "ec2", weights))
    lb_per_rps = float(load_balancer_monthly(sheet, e.load_balancer, 1.0, hours, w.connections,
                                             w.payload_kb, "ec2", weights)) - lb_fixed
    nat = (nat_monthly(sheet, e.availability_zones, hours, w.nat_processed_gb)
           if e.private_subnets_with_nat else 0.0)
    transfer = transfer_monthly(sheet, w.data_transfer_out_gb)
    return Ec2Model(
        workload=w, types=tuple(types), cpu_coef=cpu_coef, mem_coef=mem_coef, coef=coef,
        per_instance_hour=per_hour, frontier=np.array(frontier, dtype=int), levels=levels,
        level_share=share, purchase_factor=factor,
        ebs_gb_month=sheet.rate("ebs.gp3.gb_month"), fixed_monthly=lb_fixed + nat + transfer,
        lb_fixed=lb_fixed, lb_per_avg_rps=lb_per_rps, nat=nat, transfer=transfer, hours=hours,
    )


@dataclass(frozen=True)
class Ec2Sizing:
    """How the fleet of one type was sized at one volume (the busiest hour)."""

    instance_type: str
    avg_rps: float
    peak_rps: float
    cpu_s_per_request: float
    vcpus_needed: float
    usable_vcpus_per_instance: float
    instances_for_cpu: int
    peak_concurrency: float
    memory_gib_per_request: float
    usable_memory_gib_per_instance: float
    instances_for_memory: int
    min_instances: int
    peak_instances: int
    instance_hours: float
    hours_per_month: float
    scaling: str
    purchase_factor: float
    monthly_usd: float


def size_fleet(model: Ec2Model, requests: float) -> list[Ec2Sizing]:
    """Sizing detail of every eligible type at ``requests`` a month, cheapest first."""
    w = model.workload
    avg = requests / (model.hours * 3600)
    peak_rps = avg * float(model.levels[-1])
    d = float(w.duration_ms)
    hours, peaks = model.instance_hours(np.asarray(avg), d)
    cpu_s = d / 1000 * min(w.memory_mb / LAMBDA_MB_PER_VCPU, LAMBDA_MAX_VCPU) * w.ec2.cpu_share
    out = []
    for k, t in enumerate(model.types):
        fleet = float(hours[k] * model.per_instance_hour[k])
        out.append(Ec2Sizing(
            instance_type=t.name, avg_rps=avg, peak_rps=peak_rps, cpu_s_per_request=cpu_s,
            vcpus_needed=peak_rps * cpu_s / w.ec2.target_utilization,
            usable_vcpus_per_instance=t.usable_vcpus,
            instances_for_cpu=int(fleet_ceil(np.asarray(peak_rps * d * model.cpu_coef[k]))),
            peak_concurrency=peak_rps * d / 1000, memory_gib_per_request=w.memory_mb / 1024,
            usable_memory_gib_per_instance=t.memory_gib - OS_RESERVED_GIB,
            instances_for_memory=int(fleet_ceil(np.asarray(peak_rps * d * model.mem_coef[k]))),
            min_instances=w.ec2.min_instances, peak_instances=int(peaks[k]),
            instance_hours=float(hours[k]), hours_per_month=model.hours, scaling=w.ec2.scaling,
            purchase_factor=model.purchase_factor, monthly_usd=fleet,
        ))
    # Stable sort: ties keep the cheaper-per-hour type (then the name) first.
    return sorted(out, key=lambda s: s.monthly_usd)


def ec2_items(model: Ec2Model, sizing: Ec2Sizing, requests: float) -> dict[str, float]:
    """The contract's EC2 line items for one sized fleet."""
    w = model.workload
    t = next(t for t in model.types if t.name == sizing.instance_type)
    avg = requests / (model.hours * 3600)
    return {
        "instances": sizing.instance_hours * t.hourly * model.purchase_factor,
        # GB × rate per GB-hour × instance-hours: each factor bounded, no huge intermediate.
        "storage": w.ec2.ebs_gb_per_instance * (model.ebs_gb_month / model.hours)
        * sizing.instance_hours,
        "load_balancer": model.lb_fixed + model.lb_per_avg_rps * avg,
        "nat_gateway": model.nat,
        "data_transfer": model.transfer,
    }


def ec2_item_arrays(
    model: Ec2Model, requests: np.ndarray | float,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The contract's EC2 items at many volumes at once, and the peak instances at each.

    At each volume the type is the one :func:`size_fleet` ranks first (cheapest fleet, ties to
    the type cheaper per hour), so the items at the workload's own volume are compare()'s.
    """
    w = model.workload
    r = np.asarray(requests, dtype=float)
    avg = r / (model.hours * 3600)
    hours, peaks = model.instance_hours(avg, float(w.duration_ms))  # (..., types)
    best = np.argmin(hours * model.per_instance_hour, axis=-1)[..., None]
    h = np.take_along_axis(hours, best, axis=-1)[..., 0]
    hourly = np.array([t.hourly for t in model.types])[best[..., 0]]
    shape = np.shape(h)
    items = {
        "instances": h * hourly * model.purchase_factor,
        "storage": w.ec2.ebs_gb_per_instance * (model.ebs_gb_month / model.hours) * h,
        "load_balancer": model.lb_fixed + model.lb_per_avg_rps * avg + np.zeros(shape),
        "nat_gateway": np.full(shape, model.nat),
        "data_transfer": np.full(shape, model.transfer),
    }
    return items, np.take_along_axis(peaks, best, axis=-1)[..., 0]
