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
A type is eligible only if one request fits (``memory_gib - 0.5 >= memory_mb / 1024``); for
"auto" its architecture is also the workload's (a named type may be of either).

Because both ceilings are ``ceil(rate × coefficient)``, a type's fleet at load ``x`` (requests/s
× ms) is ``max(min_instances, ceil(x × c_k))`` with ``c_k`` the larger coefficient: sizing many
volumes, durations and types at once is one broadcast expression.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from advisor.pricing.catalogue import RESERVED_OPTIONS, auto_families
from advisor.pricing.network import (
    BYTES_PER_GB,
    load_balancer_addresses,
    load_balancer_monthly_at,
    logs_free_gb,
    logs_monthly,
    nat_monthly,
    public_ipv4_monthly,
    transfer_monthly,
)
from advisor.pricing.profiles import sizing_levels, weekly_weights
from advisor.pricing.sheet import (
    NOISE_REL,
    InstanceType,
    PriceSheet,
    noise_ceil,
    noise_ceil_inplace,
)
from advisor.pricing.workload import Workload, WorkloadError

OS_RESERVED_GIB = 0.5
LAMBDA_MB_PER_VCPU = 1769.0
LAMBDA_MAX_VCPU = 6.0
# Most elements (volumes × types × load levels) one sizing array may hold (8 bytes each).
SIZING_CHUNK = 1 << 20
# With more load levels than this (a measured week), the cheapest fleet is found by bounds
# first and only the types that can win are sized level by level (Ec2Model._cheapest_fleet).
PRUNE_LEVELS = 8
EC2_ITEMS = ("instances", "storage", "load_balancer", "nat_gateway", "data_transfer",
             "public_ipv4", "logs")


# Sizing cells × types × load levels beyond this many values, over at least PRUNE_CELLS cells
# (a map, not a break-even search's few hundred volumes), goes through
# Ec2Model._cheapest_fleet (sorted loads, types bounded per block of PRUNE_BLOCK loads). Below
# either, sizing every type at once costs less than sorting, bounding and a loop over types.
PRUNE_FROM = 50_000
PRUNE_CELLS = 4096
PRUNE_BLOCK = 32
# Loads sized at once per type in Ec2Model._cheapest_fleet (× levels values a temporary).
SIZE_SLICE = 8192
# Below this many instances, ceil(y × (1 - NOISE_REL)) is noise_ceil(y) exactly: with
# n = floor(y) >= 1, y × (1 - NOISE_REL) > n - 1 while n × NOISE_REL < 1/2, and it exceeds n
# exactly when noise_ceil adds the instance. Sizing arrays of QUICK_CEIL_FROM values or more
# take that one pass instead of noise_ceil's four (smaller ones are not worth the check).
QUICK_CEIL_BELOW = 2.0 ** 38
QUICK_CEIL_FROM = 2048
# Work buffers of Ec2Model._cheapest_fleet kept per thread between maps, up to this many
# values each (8 bytes a value): a map's fresh megabytes cost a page fault per 4 KB on a
# virtual machine, more time than the arithmetic done in them.
SCRATCH_MAX = 1 << 20
_scratch_kept = threading.local()


def _scratch(name: str, size: int) -> np.ndarray:
    """A float buffer of ``size`` values, its old contents left in it: the same memory for
    each call in this thread (a larger map's buffer is made fresh and not kept)."""
    if size > SCRATCH_MAX:
        return np.empty(size)
    kept: dict[str, np.ndarray] = _scratch_kept.__dict__
    buffer = kept.get(name)
    if buffer is None or buffer.size < size:
        buffer = kept[name] = np.empty(size)
    return buffer[:size]


class InstanceTypeError(WorkloadError):
    """No usable instance type: shown against the field ``ec2.instance_type`` (or the field
    that ruled the types out)."""

    def __init__(self, message: str, field: str = "ec2.instance_type") -> None:
        super().__init__({field: [message]})

    @classmethod
    def on(cls, field: str, message: str) -> InstanceTypeError:
        return cls(message, field)


def fleet_ceil(x: np.ndarray) -> np.ndarray:
    # ceil() of a value that float noise pushed just above an integer must not add an instance.
    return noise_ceil(x)


def _refuse(message: str) -> InstanceTypeError:
    return InstanceTypeError(message)


def eligible_types(w: Workload, sheet: PriceSheet) -> tuple[InstanceType, ...]:
    """Types the fleet may use: the named one, or for "auto" every type that fits.

    "auto" keeps the workload's architecture, the families of ``ec2.families`` (all when
    empty) and, for reserved purchases, the types with a reserved rate; a named type may be of
    either architecture (x86 Lambda against a Graviton fleet is a fair comparison).
    """
    need_gib = w.memory_mb / 1024
    purchase = w.ec2.purchase
    name = w.ec2.instance_type
    if name != "auto":
        it = sheet.instance(name)
        if it is None:
            raise _refuse(f'must be "auto" or a type in the {sheet.book.region} price book '
                          f'(got "{name}"); the methodology page lists them')
        if it.memory_gib - OS_RESERVED_GIB < need_gib:
            raise _refuse(
                f"{name} has {it.memory_gib:g} GiB; one request needs {need_gib:g} GiB "
                f"plus {OS_RESERVED_GIB} GiB for the OS")
        if purchase in RESERVED_OPTIONS and it.price_for(purchase) is None:
            raise InstanceTypeError.on("ec2.purchase", (
                f"{name} has no {purchase.replace('_', ' ')} rate in the {sheet.book.region} "
                "price book; choose another purchase option or type"))
        return (it,)
    return tuple(sheet.table.types[i] for i in candidate_indices(w, sheet))


@lru_cache(maxsize=64)
def _auto_allowed(family_names: tuple[str, ...]) -> frozenset[str]:
    return auto_families(family_names)


def _auto_mask(family: np.ndarray, family_names: tuple[str, ...]) -> np.ndarray:
    allowed = _auto_allowed(family_names)
    return np.fromiter((f in allowed for f in family), dtype=bool, count=family.size)


def candidate_indices(w: Workload, sheet: PriceSheet,
                      os_reserved_gib: float = OS_RESERVED_GIB) -> np.ndarray:
    """Indices (into ``sheet.table``) of the types "auto" considers, as one numpy mask."""
    table = sheet.table
    need_gib = w.memory_mb / 1024
    mask = (table.arm64 == (w.architecture == "arm64")) \
        & (table.memory_gib - os_reserved_gib >= need_gib)
    wanted = w.ec2.family_filter
    if wanted:
        unknown = sorted(set(wanted) - set(table.family_names))
        if unknown:
            raise InstanceTypeError.on("ec2.families", (
                f"{', '.join(unknown)}: not a family in the {sheet.book.region} price book "
                f"(it has {', '.join(table.family_names)})"))
        mask &= np.isin(table.family, list(wanted))
    elif w.needs.gpu and table.gpu.any():
        # Work that needs a GPU: the GPU families (Lambda is ruled out by its own blocker).
        # A book that carries no GPU type (one seeded before they were) searches as usual.
        mask &= table.gpu
    else:
        # Listed families may be any in the book; by default the search keeps to the
        # current generation without accelerators, the set it searched before the books
        # carried every type of the feed.
        mask &= table.searched
        # General purpose, compute, memory and burstable only (catalogue.AUTO_SERIES): an HPC
        # or storage type is priced only when asked for.
        mask &= _auto_mask(table.family, table.family_names)
    purchase = w.ec2.purchase
    if purchase in RESERVED_OPTIONS:
        mask &= ~np.isnan(table.price(purchase))
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        among = (f" among {', '.join(wanted)}" if wanted
                 else " among the GPU families" if w.needs.gpu and table.gpu.any() else "")
        reserved = (f" with a {purchase.replace('_', ' ')} rate"
                    if purchase in RESERVED_OPTIONS else "")
        raise _refuse(
            f"no {w.architecture} type{among}{reserved} in the {sheet.book.region} price book "
            f"has {need_gib + os_reserved_gib:g} GiB (memory_mb plus 0.5 GiB for the OS)")
    return idx


@dataclass(frozen=True)
class Ec2Model:
    """Everything about the fleet that does not depend on volume or duration, as arrays.

    Only the types that can win at some load (the frontier of price per hour against
    instances per unit of load) are kept: with hundreds of types in a book, sizing the rest
    would only cost time.
    """

    workload: Workload
    types: tuple[InstanceType, ...]      # frontier types, cheapest per hour first
    cpu_coef: np.ndarray                 # instances for CPU per (req/s × ms), per type
    mem_coef: np.ndarray                 # instances for memory per (req/s × ms), per type
    coef: np.ndarray                     # the larger of the two
    instance_price: np.ndarray           # USD an hour per instance after the purchase option
    per_instance_hour: np.ndarray        # instance + EBS + its public IPv4 address, per hour
    frontier: np.ndarray                 # indices of types no other type dominates (all here)
    levels: np.ndarray                   # hourly load levels (× average rate)
    level_share: np.ndarray              # share of hours at each level
    purchase_factor: float               # the option's factor (per-type options: of the cheapest)
    ebs_gb_month: float
    fixed_monthly: float                 # LB hours + NAT + egress + fixed public addresses
    lb_fixed: float
    lb_per_avg_rps: float
    nat: float
    transfer: float
    hours: float
    ipv4_per_instance_hour: float        # 0 when the instances sit in private subnets
    ipv4_fixed: float                    # NAT gateways' and load balancer's addresses
    logs_per_request: float
    families: tuple[str, ...] = ()       # families "auto" considered
    types_considered: int = 0
    # Requests a month whose logs the free tier's GB cover (0: none free).
    logs_free_requests: float = 0.0

    def logs(self, requests: np.ndarray | float) -> np.ndarray:
        """CloudWatch Logs a month: flat per GB beyond the free GB (network.logs_monthly)."""
        r = np.asarray(requests, dtype=float)
        return self.logs_per_request * np.maximum(r - self.logs_free_requests, 0.0)

    @property
    def kinks(self) -> np.ndarray:
        """Volumes where the total's slope changes (the free log GB used up)."""
        return np.array([self.logs_free_requests] if self.logs_free_requests else [], dtype=float)

    def factor_of(self, k: int) -> float:
        """Price after the purchase option as a share of on-demand, for type ``k``."""
        hourly = self.types[k].hourly
        return float(self.instance_price[k] / hourly) if hourly else self.purchase_factor

    def instance_hours(self, avg_rps: np.ndarray, duration_ms: np.ndarray | float,
                       idx: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(instance-hours a month, peak instances), shape ``broadcast(avg_rps, d) + (k,)``."""
        coef = self.coef if idx is None else self.coef[idx]
        load = np.asarray(avg_rps, dtype=float) * np.asarray(duration_ms, dtype=float)
        return self._hours(load, coef[:, None] * self.levels)

    def _hours(self, load: np.ndarray, per_load: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`instance_hours` of the loads (requests/s × ms) given the per-load steps."""
        if load.size * per_load.size <= SIZING_CHUNK:
            return self._hours_at(load, per_load)
        # A measured week has up to 168 levels: the grid's 40,000 cells × types × levels would
        # take hundreds of MB at once, so the cells go through in slices of bounded size.
        count = per_load.shape[0]
        flat = load.reshape(-1)
        step = max(1, SIZING_CHUNK // per_load.size)
        hours = np.empty((flat.size, count))
        peaks = np.empty((flat.size, count))
        for start in range(0, flat.size, step):
            hours[start:start + step], peaks[start:start + step] = \
                self._hours_at(flat[start:start + step], per_load)
        return hours.reshape(load.shape + (count,)), peaks.reshape(load.shape + (count,))

    def _hours_at(self, load: np.ndarray, per_load: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # The hot path of every break-even search: one (volumes × types × levels) array,
        # rounded up in place (fleet_ceil's rule) and summed over the levels by one dot.
        n = load[..., None, None] * per_load
        if n.size >= QUICK_CEIL_FROM and bool(np.max(load) * per_load.max() < QUICK_CEIL_BELOW):
            # noise_ceil in two passes instead of four: the same integers below the bound.
            n *= 1 - NOISE_REL
            np.ceil(n, out=n)
        else:
            n = noise_ceil_inplace(n)
        np.maximum(n, self.workload.ec2.min_instances, out=n)
        shape = n.shape
        if shape[-1] == 1:
            # One level (a fixed fleet): the dot is one product per row, this one.
            hours = n[..., 0] * self.level_share[0]
        else:
            hours = n.reshape(-1, shape[-1]).dot(self.level_share).reshape(shape[:-1])
        return hours * self.hours, n[..., -1]

    @functools.cached_property
    def _frontier_sizing(self) -> tuple[np.ndarray, np.ndarray]:
        """The frontier types' per-load steps (coef × levels, as instance_hours makes them)
        and prices per instance-hour: made once per model, not once per total()."""
        fr = self.frontier
        return self.coef[fr][:, None] * self.levels, self.per_instance_hour[fr]

    def total(self, requests: np.ndarray | float, duration_ms: np.ndarray | float | None = None) -> np.ndarray:
        """EC2 monthly total; with "auto" the cheapest type at each volume and duration."""
        d = self.workload.duration_ms if duration_ms is None else duration_ms
        r = np.asarray(requests, dtype=float)
        avg = r / (self.hours * 3600)
        if self.levels.size > PRUNE_LEVELS and self.frontier.size > 1:
            # A measured week: up to 168 levels (bounds over the sorted levels).
            fleet = self._cheapest_fleet_levels(avg * np.asarray(d, dtype=float))
        elif self.frontier.size > 1 and avg.size * np.size(d) >= PRUNE_CELLS \
                and (cells := self._cells(avg, d)) >= PRUNE_CELLS \
                and cells * self.frontier.size * self.levels.size >= PRUNE_FROM:
            # Many cells (the 200 × 200 map): sorted loads, types pruned per block.
            fleet = self._cheapest_fleet(avg, d)
        elif self.levels.size == 1:
            fleet = self._cheapest_fleet_one_level(avg * np.asarray(d, dtype=float))
        else:
            per_load, per_hour = self._frontier_sizing
            hours, _ = self._hours(avg * np.asarray(d, dtype=float), per_load)
            fleet = (hours * per_hour).min(axis=-1)
        total = fleet + self.fixed_monthly + self.lb_per_avg_rps * avg
        # No logs shipped: logs() is 0.0 at any finite volume, and adding it changes nothing.
        return total + self.logs(r) if self.logs_per_request else total

    def _cheapest_fleet_one_level(self, load: np.ndarray) -> np.ndarray:
        """The cheapest frontier fleet's monthly cost at each load with one load level (a
        fixed fleet): :meth:`instance_hours`' figures, laid out types × loads so that every
        step runs over a contiguous row and the cheapest type is a minimum down the columns
        (a minimum over each load's dozen types was most of a break-even search's sizing).
        The level's dot is one product, so every figure is the same to the last bit."""
        per_load, per_hour = self._frontier_sizing
        steps = per_load[:, 0]
        flat = load.reshape(-1)
        n = steps[:, None] * flat  # the products load × step, one row per type
        if n.size >= QUICK_CEIL_FROM and bool(np.max(flat) * steps.max() < QUICK_CEIL_BELOW):
            n *= 1 - NOISE_REL  # noise_ceil in two passes, as _hours_at
            np.ceil(n, out=n)
        else:
            n = noise_ceil_inplace(n)
        np.maximum(n, self.workload.ec2.min_instances, out=n)
        n *= self.level_share[0]
        n *= self.hours
        n *= per_hour[:, None]
        return n.min(axis=0).reshape(load.shape)

    @staticmethod
    def _cells(avg: np.ndarray, d: np.ndarray | float) -> int:
        # Equal shapes or a scalar need no broadcast, and the product of the sizes bounds it:
        # a break-even search's few volumes are told apart without working out shapes (a
        # call costs more than their sizing).
        a, b = np.shape(avg), np.shape(d)
        if a == b or not b:
            return int(np.size(avg))
        if not a:
            return int(np.size(d))
        most = np.size(avg) * np.size(d)
        if most < PRUNE_CELLS:
            return most
        return int(np.prod(np.broadcast_shapes(a, b)))

    def _cheapest_fleet_levels(self, load: np.ndarray) -> np.ndarray:
        """The cheapest frontier fleet's monthly cost at each load (requests/s × ms), the
        same figure as sizing every type at every level, for many levels (a measured week).

        A type's fleet at load x is ``Σ share_l max(m, ceil(y L_l))`` with ``y = x c_k``:
        without the ceil this is ``B(y) = m × (share of levels with y L_l <= m) + y × Σ share
        L over the others``, read from suffix sums of the sorted levels; the ceil adds less
        than 1 instance on those others. A type whose lower bound exceeds another's upper
        bound cannot be the cheapest, so only the remaining (load, type) pairs, usually one
        or two a load, are sized level by level.
        """
        shape = load.shape
        x = load.reshape(-1)
        fr = self.frontier
        coef, per_hour = self.coef[fr], self.per_instance_hour[fr]
        levels, share = self.levels, self.level_share  # ascending (np.unique)
        m = float(self.workload.ec2.min_instances)
        above_share = np.append(np.cumsum(share[::-1])[::-1], 0.0)
        above_load = np.append(np.cumsum((share * levels)[::-1])[::-1], 0.0)
        y = x[:, None] * coef[None, :]
        with np.errstate(divide="ignore"):
            first = np.searchsorted(levels, m / y, side="right")  # first level above m
        base = m * (1.0 - above_share[first]) + y * above_load[first]
        scale = per_hour * self.hours
        # Slack for float noise (noise_ceil may round a value just above an integer down).
        lower = base * scale * (1 - 1e-9)
        upper = (base + above_share[first]) * scale * (1 + 1e-9)
        rows, cols = np.nonzero(lower <= upper.min(axis=1, keepdims=True))
        cost = np.empty(rows.size)
        step = max(1, SIZING_CHUNK // levels.size)
        per_load = coef[:, None] * levels
        for s in range(0, rows.size, step):
            r, k = rows[s:s + step], cols[s:s + step]
            n = noise_ceil_inplace(x[r, None] * per_load[k])
            np.maximum(n, m, out=n)
            cost[s:s + step] = n.dot(share) * self.hours * per_hour[k]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        return np.minimum.reduceat(cost, starts).reshape(shape)

    def _cheapest_fleet(self, avg_rps: np.ndarray, duration_ms: np.ndarray | float) -> np.ndarray:
        """The cheapest fleet's monthly cost at many loads (the 200 × 200 map), the same
        figures as sizing every type everywhere, with far fewer types sized.

        A fleet depends on the load (requests a second × ms) alone and its cost never falls
        as the load grows (every step of the sizing is monotone, float rounding included).
        The loads are sorted and cut into blocks of ``PRUNE_BLOCK``; every type is sized at
        the blocks' edges, and a type whose cost at a block's lowest load exceeds another
        type's cost at the next block's lowest load cannot be the cheapest anywhere in the
        block. Each type is then sized, exactly as :meth:`instance_hours` does, only in the
        blocks where it can win (usually one or two types a block), and the cheapest kept in
        place: every figure is unchanged, and no array of (loads × types × levels) is made.
        """
        load = np.asarray(avg_rps, dtype=float) * np.asarray(duration_ms, dtype=float)
        flat = load.reshape(-1)
        n = flat.size
        # Stable: a map's rows are already sorted runs, which a merge sort takes as they are.
        order = np.argsort(flat, kind="stable")
        block = max(1, PRUNE_BLOCK)
        blocks = -(-n // block)
        ordered = _scratch("ordered", blocks * block)
        np.take(flat, order, out=ordered[:n])
        ordered[n:] = ordered[n - 1]  # the last block padded with its highest load
        # Frontier types only (a model may hold others, which never cost less: Managed
        # Instances keeps every eligible type).
        per_instance_hour = self.per_instance_hour[self.frontier]
        steps = self.coef[self.frontier][:, None] * self.levels  # as instance_hours has it
        count, levels = steps.shape
        share = self.level_share
        floor = float(self.workload.ec2.min_instances)
        # ceil(y × (1 - NOISE_REL)) is noise_ceil(y) below QUICK_CEIL_BELOW: one pass instead
        # of four. A larger (or non-finite) load takes noise_ceil.
        quick = bool(ordered[n - 1] * steps.max() < QUICK_CEIL_BELOW)

        def size(y: np.ndarray, out: np.ndarray, lowest: int = -1) -> np.ndarray:
            """Monthly instance-hours from loads × per-load steps ``y`` (levels last),
            overwriting ``y``. ``lowest``: when ``y`` holds one type's ascending loads a row
            each, the level of its smallest step (no row's count is below that level's)."""
            if quick:
                y *= 1 - NOISE_REL
                np.ceil(y, out=y)
                if lowest >= 0:
                    # The counts grow down the rows: only the rows before the first whose
                    # fewest instances reach the minimum fleet can be below it.
                    below = int(np.searchsorted(y[:, lowest], floor))
                    np.maximum(y[:below], floor, out=y[:below])
                    np.dot(y, share, out=out)
                    out *= self.hours
                    return out
            else:
                y[...] = noise_ceil_inplace(y)
            np.maximum(y, floor, out=y)
            np.dot(y.reshape(-1, levels), share, out=out)
            out *= self.hours
            return out

        # Every type at every block's lowest load and at the highest load of all.
        edges = np.append(ordered[::block], ordered[n - 1])
        at_edges = _scratch("at_edges", edges.size * count)
        at_steps = _scratch("products", edges.size * count * levels).reshape(edges.size, count,
                                                                               levels)
        # One broadcast here: a level at a time would write (edges × types) columns of
        # stride levels, slower than the loop below's columns of a few thousand loads.
        np.multiply(edges[:, None, None], steps, out=at_steps)
        at_edges = size(at_steps, at_edges).reshape(edges.size, count)
        at_edges *= per_instance_hour
        # The margin: a row's dot may round its last bit differently in another shape.
        can_win = at_edges[:-1] <= at_edges[1:].min(axis=1, keepdims=True) * (1 + 1e-12)
        can_win[~can_win.any(axis=1)] = True  # not a finite load (NaN): size every type

        cells = ordered.reshape(blocks, block)
        best = _scratch("best", blocks * block).reshape(blocks, block)
        best.fill(np.inf)
        rows_at_once = max(1, SIZE_SLICE // block)
        # Buffers made once and reused for every type: fresh memory for each would cost a
        # page fault per 4 KB, more than the arithmetic on a virtual machine.
        products = _scratch("products", rows_at_once * block * levels).reshape(-1, levels)
        cost = _scratch("cost", rows_at_once * block)
        # Each type's level of smallest step: its fewest instances at any load.
        fewest = np.argmin(steps, axis=1).tolist()
        for k in np.flatnonzero(can_win.any(axis=0)):
            wins = np.flatnonzero(can_win[:, k])
            for s in range(0, wins.size, rows_at_once):
                some = wins[s:s + rows_at_once]
                m = some.size * block
                y, c = products[:m], cost[:m]
                run = some[-1] - some[0] + 1 == some.size
                rows = slice(int(some[0]), int(some[-1]) + 1) if run else some
                x = cells[rows].reshape(-1)
                # The products level by level, each a column: one broadcast (loads × levels)
                # runs an inner loop of a few values per load, three times as long.
                for j in range(levels):
                    np.multiply(x, steps[k, j], out=y[:, j])
                size(y, c, fewest[k])
                c *= per_instance_hour[k]
                if run:  # a run of blocks: views, in place
                    np.minimum(best[rows], c.reshape(-1, block), out=best[rows])
                else:  # scattered blocks: gathered and put back
                    best[some] = np.minimum(best[some], c.reshape(-1, block))
        flat[order] = best.reshape(-1)[:n]  # the loads are done with: their array takes it
        return load

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
        # A measured hour can be a vanishing share of the mean (1e-310): it steps beyond any
        # volume a float holds, i.e. never.
        with np.errstate(over="ignore"):
            spacing = 1.0 / per_request
        return np.unique(spacing[np.isfinite(spacing)])


def fleet_frontier(price: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Indices of the types no other type dominates (cheaper or equal per hour and no more
    instances per unit of load), cheapest per hour first: the only ones that can win."""
    order = np.lexsort((coef, price))
    running = np.minimum.accumulate(coef[order])
    keep = np.empty(order.size, dtype=bool)
    keep[0] = True
    keep[1:] = coef[order][1:] < running[:-1]
    return order[keep]


@dataclass(frozen=True)
class _Fleet:
    """The frontier types and their per-type columns: all that depends on the sheet's types
    (hundreds of rows), never on volume, duration or traffic shape."""

    types: tuple[InstanceType, ...]
    cpu_coef: np.ndarray
    mem_coef: np.ndarray
    coef: np.ndarray
    instance_price: np.ndarray
    per_instance_hour: np.ndarray
    factor: float
    ipv4_hourly: float
    families: tuple[str, ...]
    considered: int


# Distinct fleets kept per sheet; a typed request volume or duration reuses its fleet.
FLEETS_KEPT = 256


def _fleet(w: Workload, sheet: PriceSheet, hours: float,
           os_reserved_gib: float = OS_RESERVED_GIB) -> _Fleet:
    """The fleet's frontier for ``w``, worked out once per price sheet and fleet inputs (type
    or "auto" filters, purchase option, memory, CPU share, utilisation target, disk, subnets,
    hours): masking and sorting the book's hundreds of types is most of a model's cost, and
    a keystroke that changes the traffic or the duration changes none of them."""
    e = w.ec2
    key = (e.instance_type, e.purchase, w.architecture, w.memory_mb, e.family_filter,
           e.cpu_share, e.target_utilization, e.ebs_gb_per_instance, e.public_instances, hours,
           os_reserved_gib, w.needs.gpu)
    kept: dict[object, _Fleet] = sheet.derived("ec2_fleets", dict)
    fleet = kept.get(key)
    if fleet is None:
        fleet = _build_fleet(w, sheet, hours, os_reserved_gib)
        if len(kept) >= FLEETS_KEPT:
            kept.clear()
        kept[key] = fleet
    return fleet


def _build_fleet(w: Workload, sheet: PriceSheet, hours: float,
                 os_reserved_gib: float) -> _Fleet:
    e = w.ec2
    table = sheet.table
    if e.instance_type == "auto":
        idx = candidate_indices(w, sheet, os_reserved_gib)
    else:
        only = eligible_types(w, sheet)[0]
        idx = np.array([table.types.index(only)])
    if e.purchase in RESERVED_OPTIONS:
        factor = 1.0
        instance_price = table.price(e.purchase)[idx]
    else:
        factor = sheet.purchase_factor(e.purchase)
        instance_price = table.hourly[idx] * factor
    vcpu_per_req_ms = min(w.memory_mb / LAMBDA_MB_PER_VCPU, LAMBDA_MAX_VCPU) * e.cpu_share / 1000
    cpu_coef = vcpu_per_req_ms / e.target_utilization / table.usable_vcpus[idx]
    room = table.memory_gib[idx] - os_reserved_gib
    mem_coef = (w.memory_mb / 1024) / 1000 / room
    coef = np.maximum(cpu_coef, mem_coef)
    # gp3 is billed per GB-month, pro rata for the hours each instance exists.
    ebs_hourly = e.ebs_gb_per_instance * (sheet.rate("ebs.gp3.gb_month") / hours)
    # An instance in a public subnet holds a public IPv4 address every hour it runs.
    ipv4_hourly = sheet.rate("vpc.public_ipv4_hourly") if e.public_instances else 0.0
    per_hour = instance_price + ebs_hourly + ipv4_hourly

    keep = fleet_frontier(per_hour, coef)
    families = tuple(sorted(set(table.family[idx].tolist())))
    if e.purchase in RESERVED_OPTIONS:
        hourly = table.hourly[idx][keep[0]]
        factor = float(instance_price[keep[0]] / hourly) if hourly else 1.0
    columns = [cpu_coef[keep], mem_coef[keep], coef[keep], instance_price[keep], per_hour[keep]]
    for column in columns:  # shared by every model of this fleet: nobody may write to them
        column.flags.writeable = False
    return _Fleet(tuple(table.types[i] for i in idx[keep]), *columns, factor=factor,
                  ipv4_hourly=ipv4_hourly, families=families, considered=int(idx.size))


def build_ec2_model(w: Workload, sheet: PriceSheet,
                    os_reserved_gib: float = OS_RESERVED_GIB) -> Ec2Model:
    """The fleet model; ``os_reserved_gib`` is the memory each instance keeps for its OS
    (Fargate tasks keep none: options/fargate.py)."""
    e = w.ec2
    hours = float(w.hours_per_month)
    fleet = _fleet(w, sheet, hours, os_reserved_gib)
    ipv4_hourly = fleet.ipv4_hourly

    t = w.traffic
    levels, share = sizing_levels(t.profile, t.peak_to_average, e.scaling, t.hourly_weights)
    weights = weekly_weights(t.profile, t.peak_to_average, t.hourly_weights)
    lb_fixed, lb_at_one = load_balancer_monthly_at(
        sheet, e.load_balancer, (0.0, 1.0), hours, w.connections, w.payload_kb, "ec2", weights)
    lb_per_rps = lb_at_one - lb_fixed
    nat = (nat_monthly(sheet, e.availability_zones, hours, w.nat_processed_gb)
           if e.private_subnets_with_nat else 0.0)
    transfer = transfer_monthly(sheet, w.data_transfer_out_gb)
    addresses = load_balancer_addresses(e.load_balancer, e.availability_zones) \
        + (e.availability_zones if e.private_subnets_with_nat else 0)
    ipv4_fixed = public_ipv4_monthly(sheet, addresses, hours)
    # Custom logs (the instances' agent) at the flat ingestion rate, the free GB first.
    logs_per_request = float(logs_monthly(sheet, 1.0, w.ec2_log_bytes_per_request)) \
        if w.ec2_log_bytes_per_request else 0.0  # none shipped: logs_monthly's 0
    free_gb = logs_free_gb(sheet, w.free_tier)
    logs_free_requests = (free_gb / (w.ec2_log_bytes_per_request / BYTES_PER_GB)
                          if free_gb and w.ec2_log_bytes_per_request else 0.0)
    return Ec2Model(
        workload=w, types=fleet.types, cpu_coef=fleet.cpu_coef,
        mem_coef=fleet.mem_coef, coef=fleet.coef, instance_price=fleet.instance_price,
        per_instance_hour=fleet.per_instance_hour, frontier=np.arange(len(fleet.types)),
        levels=levels, level_share=share, purchase_factor=fleet.factor,
        ebs_gb_month=sheet.rate("ebs.gp3.gb_month"),
        fixed_monthly=lb_fixed + nat + transfer + ipv4_fixed,
        lb_fixed=lb_fixed, lb_per_avg_rps=lb_per_rps, nat=nat, transfer=transfer, hours=hours,
        ipv4_per_instance_hour=ipv4_hourly, ipv4_fixed=ipv4_fixed,
        logs_per_request=logs_per_request, families=fleet.families,
        types_considered=fleet.considered, logs_free_requests=logs_free_requests,
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
    # Every type's CPU and memory counts at once (the same products, element by element).
    for_cpu = fleet_ceil(peak_rps * d * model.cpu_coef).tolist()
    for_memory = fleet_ceil(peak_rps * d * model.mem_coef).tolist()
    out = []
    for k, t in enumerate(model.types):
        fleet = float(hours[k] * model.per_instance_hour[k])
        out.append(Ec2Sizing(
            instance_type=t.name, avg_rps=avg, peak_rps=peak_rps, cpu_s_per_request=cpu_s,
            vcpus_needed=peak_rps * cpu_s / w.ec2.target_utilization,
            usable_vcpus_per_instance=t.usable_vcpus,
            instances_for_cpu=int(for_cpu[k]),
            peak_concurrency=peak_rps * d / 1000, memory_gib_per_request=w.memory_mb / 1024,
            usable_memory_gib_per_instance=t.memory_gib - OS_RESERVED_GIB,
            instances_for_memory=int(for_memory[k]),
            min_instances=w.ec2.min_instances, peak_instances=int(peaks[k]),
            instance_hours=float(hours[k]), hours_per_month=model.hours, scaling=w.ec2.scaling,
            purchase_factor=model.factor_of(k), monthly_usd=fleet,
        ))
    # Stable sort: ties keep the cheaper-per-hour type (then the name) first.
    return sorted(out, key=lambda s: s.monthly_usd)


def ec2_items(model: Ec2Model, sizing: Ec2Sizing, requests: float) -> dict[str, float]:
    """The contract's EC2 line items for one sized fleet."""
    w = model.workload
    k = next(k for k, t in enumerate(model.types) if t.name == sizing.instance_type)
    avg = requests / (model.hours * 3600)
    return {
        "instances": sizing.instance_hours * float(model.instance_price[k]),
        # GB × rate per GB-hour × instance-hours: each factor bounded, no huge intermediate.
        "storage": w.ec2.ebs_gb_per_instance * (model.ebs_gb_month / model.hours)
        * sizing.instance_hours,
        "load_balancer": model.lb_fixed + model.lb_per_avg_rps * avg,
        "nat_gateway": model.nat,
        "data_transfer": model.transfer,
        "public_ipv4": model.ipv4_fixed + model.ipv4_per_instance_hour * sizing.instance_hours,
        "logs": float(model.logs(requests)),
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
    price = model.instance_price[best[..., 0]]
    shape = np.shape(h)
    items = {
        "instances": h * price,
        "storage": w.ec2.ebs_gb_per_instance * (model.ebs_gb_month / model.hours) * h,
        "load_balancer": model.lb_fixed + model.lb_per_avg_rps * avg + np.zeros(shape),
        "nat_gateway": np.full(shape, model.nat),
        "data_transfer": np.full(shape, model.transfer),
        "public_ipv4": model.ipv4_fixed + model.ipv4_per_instance_hour * h,
        "logs": model.logs(r) + np.zeros(shape),
    }
    return items, np.take_along_axis(peaks, best, axis=-1)[..., 0]
