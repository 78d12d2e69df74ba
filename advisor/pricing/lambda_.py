"""Lambda's monthly cost, vectorised over request volume (and duration, for the grid).

Billing rules (AWS Lambda pricing page and its examples L-1, L-3, PC-1, PC-2):
- requests: price per 1M after the always-free 1M; the free requests come off *all*
  requests, provisioned ones included (example PC-1);
- duration: billed time is the run time rounded up to 1 ms (100 ms before December 2020);
  GB-s = memory_mb / 1024 × billed seconds; the 400,000 free GB-s come off on-demand usage
  only, and the volume tiers apply to the month's GB-s after that;
- cold starts: since August 2025 the INIT phase of on-demand invocations is billed like
  duration, so it joins the on-demand GB-s before the free allowance and tiers. A cold
  invocation's INIT and run time are added and rounded up once, as the REPORT line shows for
  the types already billed for INIT (Init Duration 1293.83 ms + Duration 1049.63 ms = Billed
  Duration 2344 ms: https://lucvandonkersgoed.com/2022/04/09/when-is-the-lambda-init-phase-free-and-when-is-it-billed/;
  AWS: https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/);
- ephemeral storage above 512 MB: per GB-s of the configured size over the billed time;
- provisioned concurrency: warm environments per GB-s while enabled, plus a lower duration
  rate for requests they serve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from advisor.pricing.network import (
    BYTES_PER_GB,
    capacity_units_per_rps,
    load_balancer_addresses,
    load_balancer_monthly,
    logs_free_gb,
    logs_kinks,
    logs_monthly,
    mean_of,
    nat_monthly,
    public_ipv4_monthly,
    transfer_monthly,
)
from advisor.pricing.profiles import weekly_weights
from advisor.pricing.sheet import (
    PriceSheet,
    TierArrays,
    float_maximum,
    float_minimum,
    noise_ceil,
    noise_ceil_float,
    tiered_cost,
    tiered_cost_float,
)
from advisor.pricing.workload import Workload

LAMBDA_ITEMS = ("requests", "compute", "ephemeral_storage", "provisioned_concurrency",
                "front_door", "nat_gateway", "data_transfer", "public_ipv4", "logs")


def billed_ms(duration_ms: np.ndarray | float, granularity_ms: float) -> np.ndarray:
    """Run time rounded up to the billing granularity: any run time above 0 bills at least
    one step. The round-up ignores float noise (relative, so 120.00000000001 ms bills as
    120 ms while 1e-12 ms still bills 1 ms)."""
    d = np.asarray(duration_ms, dtype=float)
    return noise_ceil(d / granularity_ms) * granularity_ms


@dataclass(frozen=True)
class LambdaFunction:
    """One function's billing inputs (the lower-level entry point the examples test)."""

    memory_mb: float
    duration_ms: float
    architecture: str = "x86_64"
    ephemeral_storage_mb: float = 512
    billing_granularity_ms: float = 1
    free_tier: bool = True
    cold_start_rate: float = 0
    init_duration_ms: float = 0
    provisioned_concurrency: int = 0
    provisioned_hours: float = 0
    provisioned_share: float = 0
    # Run time of requests served by warm environments, if it differs (example PC-1).
    provisioned_duration_ms: float | None = None

    @classmethod
    def from_workload(cls, w: Workload) -> LambdaFunction:
        return cls(
            memory_mb=w.memory_mb, duration_ms=w.duration_ms, architecture=w.architecture,
            ephemeral_storage_mb=w.ephemeral_storage_mb,
            billing_granularity_ms=w.billing_granularity_ms, free_tier=w.free_tier,
            cold_start_rate=w.cold_start_rate, init_duration_ms=w.init_duration_ms,
            provisioned_concurrency=w.provisioned_concurrency,
            provisioned_hours=w.provisioned_hours_per_month,
            provisioned_share=w.provisioned_share_of_requests,
        )


@dataclass(frozen=True)
class LambdaCost:
    """Charges in USD a month (arrays shaped like the requests/duration broadcast)."""

    requests: np.ndarray
    compute: np.ndarray
    ephemeral_storage: np.ndarray
    provisioned_environments: np.ndarray
    provisioned_duration: np.ndarray
    gb_seconds: np.ndarray
    provisioned_gb_seconds: np.ndarray

    @property
    def provisioned_concurrency(self) -> np.ndarray:
        return self.provisioned_environments + self.provisioned_duration

    @property
    def total(self) -> np.ndarray:
        return (self.requests + self.compute + self.ephemeral_storage
                + self.provisioned_environments + self.provisioned_duration)


@dataclass(frozen=True)
class _Charges:
    """The function's charges, each in the smallest shape its inputs give (a charge of the
    volume alone stays one column of the map): LambdaCost spreads them to the full shape."""

    requests: np.ndarray
    compute: np.ndarray
    ephemeral_storage: np.ndarray | float
    environments: float
    provisioned_duration: np.ndarray | float
    gb_seconds: np.ndarray
    provisioned_gb_seconds: np.ndarray | float


def _charges(
    sheet: PriceSheet,
    fn: LambdaFunction,
    requests: np.ndarray | float,
    duration_ms: np.ndarray | float | None = None,
) -> _Charges:
    arch = fn.architecture
    r = np.asarray(requests, dtype=float)
    d = np.asarray(fn.duration_ms if duration_ms is None else duration_ms, dtype=float)
    gran = fn.billing_granularity_ms
    mem_gb = fn.memory_mb / 1024
    billed_s = billed_ms(d, gran) / 1000
    warm_d = d if fn.provisioned_duration_ms is None else np.asarray(fn.provisioned_duration_ms)
    warm_billed_s = billed_ms(warm_d, gran) / 1000 if fn.provisioned_duration_ms is not None else billed_s
    share = fn.provisioned_share
    on_demand = r * (1.0 - share)
    # No share served warm: every warm charge is 0, left a scalar (adding it changes nothing).
    warm_requests = r * share if share else 0.0

    free_requests = sheet.rate("lambda.free.requests") if fn.free_tier else 0.0
    req_cost = np.maximum(r - free_requests, 0.0) * sheet.rate(f"lambda.{arch}.requests") / 1e6

    # INIT of on-demand cold starts is billed like duration (since 1 August 2025), added to
    # the run time and rounded up once with it.
    if fn.init_duration_ms and fn.cold_start_rate:
        cold_s = billed_ms(d + fn.init_duration_ms, gran) / 1000
        od_seconds = (1.0 - fn.cold_start_rate) * billed_s + fn.cold_start_rate * cold_s
    else:
        od_seconds = billed_s
    gb_s = on_demand * od_seconds
    gb_s *= mem_gb  # in place: the map's (volumes × durations) arrays are made once
    free_gb_s = sheet.rate("lambda.free.gb_seconds") if fn.free_tier else 0.0
    billable = np.asarray(gb_s - free_gb_s)
    np.maximum(billable, 0.0, out=billable)
    compute = tiered_cost(billable, sheet.tier_arrays(f"lambda.{arch}.duration"))

    extra_gb = max(0.0, fn.ephemeral_storage_mb - 512) / 1024
    ephemeral_rate = sheet.rate(f"lambda.{arch}.ephemeral")
    # The default 512 MB is free: no (volumes × durations) product of zeros for the map.
    ephemeral = (on_demand * billed_s + warm_requests * warm_billed_s) * extra_gb \
        * ephemeral_rate if extra_gb else 0.0

    # Warm environments bill for every second they are enabled, used or not.
    env_gb_s = fn.provisioned_concurrency * mem_gb * fn.provisioned_hours * 3600
    environments = env_gb_s * sheet.rate(f"lambda.{arch}.provisioned")
    warm_gb_s = warm_requests * warm_billed_s * mem_gb if share else 0.0
    warm_duration = warm_gb_s * sheet.rate(f"lambda.{arch}.provisioned_duration")
    return _Charges(requests=req_cost, compute=compute, ephemeral_storage=ephemeral,
                    environments=environments, provisioned_duration=warm_duration,
                    gb_seconds=gb_s, provisioned_gb_seconds=warm_gb_s + env_gb_s)


def lambda_function_cost(
    sheet: PriceSheet,
    fn: LambdaFunction,
    requests: np.ndarray | float,
    duration_ms: np.ndarray | float | None = None,
) -> LambdaCost:
    """Function charges for ``requests`` a month (``duration_ms`` overrides fn's, broadcast)."""
    c = _charges(sheet, fn, requests, duration_ms)
    compute = c.compute
    return LambdaCost(
        requests=c.requests + 0.0 * compute, compute=compute,
        ephemeral_storage=c.ephemeral_storage + 0.0 * compute,
        provisioned_environments=np.full(np.shape(compute), c.environments),
        provisioned_duration=c.provisioned_duration + 0.0 * compute,
        gb_seconds=c.gb_seconds + 0.0 * compute,
        provisioned_gb_seconds=c.provisioned_gb_seconds + 0.0 * compute,
    )


def http_api_units(payload_kb: float, metering_kb: float) -> int:
    """HTTP APIs meter each started 512 KB as one request, at least one (AWS API GW pricing)."""
    return max(1, int(noise_ceil(payload_kb / metering_kb)))


def front_door_monthly(sheet: PriceSheet, w: Workload, requests: np.ndarray | float) -> np.ndarray:
    """What receives the requests in front of Lambda; a function URL has no charge of its own."""
    r = np.asarray(requests, dtype=float)
    if w.front_door == "rest_api":
        return tiered_cost(r, sheet.tier_arrays("apigw.rest.requests"), per=1e6)
    if w.front_door == "http_api":
        units = http_api_units(w.payload_kb, sheet.rate("apigw.http.metering_kb"))
        return tiered_cost(r * units, sheet.tier_arrays("apigw.http.requests"), per=1e6)
    if w.front_door == "alb":
        avg_rps = r / (w.hours_per_month * 3600)
        weights = weekly_weights(w.traffic.profile, w.traffic.peak_to_average,
                                 w.traffic.hourly_weights)
        return load_balancer_monthly(sheet, "alb", avg_rps, w.hours_per_month, w.connections,
                                     w.payload_kb, "lambda", weights)
    return np.zeros_like(r)


def lambda_addresses(w: Workload) -> int:
    """Public IPv4 addresses on the Lambda side: each NAT gateway's Elastic IP and the
    addresses of an ALB in front (one per AZ it is enabled in)."""
    azs = w.ec2.availability_zones
    nat = azs if w.lambda_in_vpc_with_internet else 0
    lb = load_balancer_addresses("alb", azs) if w.front_door == "alb" else 0
    return nat + lb


def lambda_logs_monthly(sheet: PriceSheet, w: Workload, requests: np.ndarray | float) -> np.ndarray:
    """The function's CloudWatch Logs: vended logs, tiered, the free GB first with the free
    tier (``network.logs_monthly``)."""
    return logs_monthly(sheet, requests, w.lambda_log_bytes_per_request, vended=True,
                        free_gb=logs_free_gb(sheet, w.free_tier))


def lambda_logs_kinks(sheet: PriceSheet, w: Workload) -> list[float]:
    return logs_kinks(sheet, w.lambda_log_bytes_per_request, vended=True,
                      free_gb=logs_free_gb(sheet, w.free_tier))


def lambda_fixed_items(sheet: PriceSheet, w: Workload) -> dict[str, float]:
    """Charges that do not depend on request volume: NAT gateways, egress, public addresses."""
    nat = (nat_monthly(sheet, w.ec2.availability_zones, w.hours_per_month, w.nat_processed_gb)
           if w.lambda_in_vpc_with_internet else 0.0)
    return {"nat_gateway": nat, "data_transfer": transfer_monthly(sheet, w.data_transfer_out_gb),
            "public_ipv4": public_ipv4_monthly(sheet, lambda_addresses(w), w.hours_per_month)}


def lambda_items(
    sheet: PriceSheet,
    w: Workload,
    requests: np.ndarray | float,
    duration_ms: np.ndarray | float | None = None,
) -> tuple[dict[str, np.ndarray], LambdaCost]:
    """Every Lambda line item of the contract (and the function detail), vectorised."""
    fn_cost = lambda_function_cost(sheet, LambdaFunction.from_workload(w), requests, duration_ms)
    fixed = lambda_fixed_items(sheet, w)
    shape = np.shape(fn_cost.compute)
    items = {
        "requests": fn_cost.requests,
        "compute": fn_cost.compute,
        "ephemeral_storage": fn_cost.ephemeral_storage,
        "provisioned_concurrency": fn_cost.provisioned_concurrency,
        "front_door": np.broadcast_to(front_door_monthly(sheet, w, requests), shape),
        "nat_gateway": np.full(shape, fixed["nat_gateway"]),
        "data_transfer": np.full(shape, fixed["data_transfer"]),
        "public_ipv4": np.full(shape, fixed["public_ipv4"]),
        "logs": np.broadcast_to(lambda_logs_monthly(sheet, w, requests), shape),
    }
    return items, fn_cost


@dataclass(frozen=True)
class LambdaDetail:
    """The function's detail at one volume (LambdaCost's figures as floats)."""

    gb_seconds: float
    provisioned_gb_seconds: float
    provisioned_environments: float
    provisioned_duration: float


# Volumes priced at once in plain float arithmetic (LambdaCurve): below this many, numpy's
# cost per call (some forty calls per total) outweighs a loop over the volumes.
FLOAT_MAX = 6


class _Ops(NamedTuple):
    """The operations a figure is built with beyond + - × /: numpy's on arrays, or their
    float equivalents (to the last bit) on one volume."""

    maximum: Callable[..., Any]
    minimum: Callable[..., Any]
    tiered: Callable[[Any, TierArrays], Any]


_ARRAY_OPS = _Ops(np.maximum, np.minimum, tiered_cost)
_FLOAT_OPS = _Ops(float_maximum, float_minimum, tiered_cost_float)


class LambdaCurve:
    """Lambda's monthly total for one workload as a function of request volume (and run
    time): every rate, allowance and fixed charge that depends on neither is read once.

    A keystroke prices the same workload a dozen times (break-even, its bands, the ranges,
    the "what if"s), mostly at one or a few volumes, where numpy's per-call overhead was
    most of the cost. Up to ``FLOAT_MAX`` volumes are priced in Python floats: numpy's
    float64 arithmetic is IEEE double arithmetic like Python's, and each figure is built
    from the same operations in the same order either way (one formula, its ``_Ops``
    passed in), so both give the same figures to the last bit.
    """

    def __init__(self, sheet: PriceSheet, w: Workload) -> None:
        arch = w.architecture
        self.workload = w
        self.granularity = w.billing_granularity_ms
        self.mem_gb = w.memory_mb / 1024
        self.share = w.provisioned_share_of_requests
        self.init_ms = w.init_duration_ms
        self.cold_rate = w.cold_start_rate
        # The rates in _charges' order (a missing one is named as it would have been).
        self.free_requests = sheet.rate("lambda.free.requests") if w.free_tier else 0.0
        self.request_rate = sheet.rate(f"lambda.{arch}.requests")
        self.free_gb_s = sheet.rate("lambda.free.gb_seconds") if w.free_tier else 0.0
        self.duration_tiers = sheet.tier_arrays(f"lambda.{arch}.duration")
        self.extra_gb = max(0.0, w.ephemeral_storage_mb - 512) / 1024
        self.ephemeral_rate = sheet.rate(f"lambda.{arch}.ephemeral")
        self.env_gb_s = w.provisioned_concurrency * self.mem_gb \
            * w.provisioned_hours_per_month * 3600
        self.environments = self.env_gb_s * sheet.rate(f"lambda.{arch}.provisioned")
        self.warm_rate = sheet.rate(f"lambda.{arch}.provisioned_duration")
        self.billed_s, self.od_seconds = self._seconds(float(w.duration_ms))

        # front_door_monthly's charge: none, tiered per request, or an ALB's hours and LCUs.
        self.front_door = w.front_door
        self.front_tiers: TierArrays | None = None
        self.front_units = 1
        if w.front_door == "rest_api":
            self.front_tiers = sheet.tier_arrays("apigw.rest.requests")
        elif w.front_door == "http_api":
            self.front_units = http_api_units(w.payload_kb, sheet.rate("apigw.http.metering_kb"))
            self.front_tiers = sheet.tier_arrays("apigw.http.requests")
        elif w.front_door == "alb":
            hours = w.hours_per_month
            weights = weekly_weights(w.traffic.profile, w.traffic.peak_to_average,
                                     w.traffic.hourly_weights)
            self.alb_seconds = hours * 3600
            self.alb_fixed = sheet.rate("alb.hourly") * hours
            self.alb_unit_hours = sheet.rate("alb.lcu_hourly")
            self.alb_hours = hours
            self.alb_mean_weight = mean_of(weights)
            self.alb_per_rps = capacity_units_per_rps(sheet, "alb", w.connections, w.payload_kb,
                                                      "lambda")

        fixed = lambda_fixed_items(sheet, w)
        self.fixed_items = (fixed["nat_gateway"], fixed["data_transfer"], fixed["public_ipv4"])
        self.fixed = sum(fixed.values())

        # lambda_logs_monthly: vended logs, tiered, the free GB first; or the flat rate.
        self.log_bytes = w.lambda_log_bytes_per_request
        self.log_free_gb = logs_free_gb(sheet, w.free_tier)
        self.log_tiers: TierArrays | None = None
        if self.log_bytes:
            self.log_gb_per_request = self.log_bytes / BYTES_PER_GB
            if sheet.has("logs.vended_per_gb"):
                tiers = self.log_tiers = sheet.tier_arrays("logs.vended_per_gb")
                # Free GB within the first tier: their charge is one product (logs_monthly).
                self.log_free_in_first = bool(tiers.lower.size < 2
                                              or self.log_free_gb <= tiers.lower[1])
                self.log_first_price = float(tiers.price[0])
            else:
                self.log_rate = sheet.rate("logs.ingestion_per_gb")

    def _seconds(self, d: Any) -> tuple[Any, Any]:
        """Billed seconds and on-demand seconds (cold starts' INIT included) of run time
        ``d``: a float, or an array (the ranges' run times)."""
        gran = self.granularity
        if isinstance(d, float):
            billed_s = noise_ceil_float(d / gran) * gran / 1000
            cold_s = noise_ceil_float((d + self.init_ms) / gran) * gran / 1000 \
                if self.init_ms and self.cold_rate else 0.0
        else:
            billed_s = billed_ms(d, gran) / 1000
            cold_s = billed_ms(d + self.init_ms, gran) / 1000 \
                if self.init_ms and self.cold_rate else 0.0
        if self.init_ms and self.cold_rate:
            return billed_s, (1.0 - self.cold_rate) * billed_s + self.cold_rate * cold_s
        return billed_s, billed_s

    def _function(self, r: Any, billed_s: Any, od_seconds: Any, ops: _Ops) -> tuple[Any, ...]:
        """_charges' requests, compute, ephemeral storage and warm duration charges, and the
        on-demand and warm GB-s."""
        share = self.share
        on_demand = r * (1.0 - share)
        warm_requests = r * share if share else 0.0
        requests = ops.maximum(r - self.free_requests, 0.0) * self.request_rate / 1e6
        gb_s = on_demand * od_seconds * self.mem_gb
        compute = ops.tiered(ops.maximum(gb_s - self.free_gb_s, 0.0), self.duration_tiers)
        # Provisioned requests bill their own (the same) run time: warm billed = billed.
        ephemeral = (on_demand * billed_s + warm_requests * billed_s) * self.extra_gb \
            * self.ephemeral_rate if self.extra_gb else 0.0
        warm_gb_s = warm_requests * billed_s * self.mem_gb if share else 0.0
        return requests, compute, ephemeral, warm_gb_s * self.warm_rate, gb_s, warm_gb_s

    def _front_door(self, r: Any, ops: _Ops) -> Any:
        """front_door_monthly (0.0 for none: the zeros it adds change no sum)."""
        if self.front_tiers is not None:
            q = r * self.front_units if self.front_door == "http_api" else r
            return ops.tiered(q, self.front_tiers) / 1e6
        if self.front_door == "alb":
            units = r / self.alb_seconds * self.alb_mean_weight * self.alb_per_rps
            return self.alb_fixed + units * self.alb_unit_hours * self.alb_hours
        return 0.0

    def _logs(self, r: Any, ops: _Ops) -> Any:
        """lambda_logs_monthly (0.0 without logs)."""
        if not self.log_bytes:
            return 0.0
        gb = r * self.log_gb_per_request
        if self.log_tiers is not None:
            free = ops.minimum(gb, self.log_free_gb)
            free_cost = free * self.log_first_price if self.log_free_in_first \
                else ops.tiered(free, self.log_tiers)
            return ops.tiered(gb, self.log_tiers) - free_cost
        return ops.maximum(gb - self.log_free_gb, 0.0) * self.log_rate

    def total(self, requests: np.ndarray | float) -> np.ndarray:
        """The total at the workload's run time (what lambda_total_fn gives): LambdaCost's
        sum of the function's charges, then the front door, the fixed charges, the logs."""
        r = np.asarray(requests, dtype=float)
        if r.size <= FLOAT_MAX:
            values = [self._sum(x, self.billed_s, self.od_seconds, _FLOAT_OPS)
                      for x in r.ravel().tolist()]
            return np.array(values).reshape(r.shape)[()]
        return self._sum(r, self.billed_s, self.od_seconds, _ARRAY_OPS)

    def _sum(self, r: Any, billed_s: Any, od_seconds: Any, ops: _Ops) -> Any:
        requests, compute, ephemeral, warm, _, _ = self._function(r, billed_s, od_seconds, ops)
        function = _plus(_plus(_plus(requests + compute, ephemeral), self.environments), warm)
        return _plus(_plus(_plus(function, self._front_door(r, ops)), self.fixed),
                     self._logs(r, ops))

    def grid_total(self, requests: np.ndarray | float,
                   duration_ms: np.ndarray | float | None = None) -> np.ndarray:
        """The total at many volumes and run times (what lambda_total gives): the items
        added one by one in lambda_items' order."""
        r = np.asarray(requests, dtype=float)
        d = None if duration_ms is None else np.asarray(duration_ms, dtype=float)
        if r.size <= FLOAT_MAX and (d is None or d.shape == r.shape):
            volumes = r.ravel().tolist()
            seconds = [(self.billed_s, self.od_seconds)] * len(volumes) if d is None \
                else [self._seconds(t) for t in d.ravel().tolist()]
            values = [self._items_sum(x, billed_s, od_seconds, _FLOAT_OPS)
                      for x, (billed_s, od_seconds) in zip(volumes, seconds, strict=True)]
            return np.array(values).reshape(r.shape)[()]
        billed_s, od_seconds = (self.billed_s, self.od_seconds) if d is None \
            else self._seconds(d)
        return self._items_sum(r, billed_s, od_seconds, _ARRAY_OPS)

    def _items_sum(self, r: Any, billed_s: Any, od_seconds: Any, ops: _Ops) -> Any:
        requests, compute, ephemeral, warm, _, _ = self._function(r, billed_s, od_seconds, ops)
        total = requests + compute
        nat, transfer, ipv4 = self.fixed_items
        for term in (ephemeral, self.environments + warm, self._front_door(r, ops), nat,
                     transfer, ipv4, self._logs(r, ops)):
            if not _absent(term):
                total += term  # in place on the map's cells, as lambda_total always did
        return total

    def at(self, requests: float) -> tuple[dict[str, float], LambdaDetail]:
        """lambda_items' figures at one volume, as floats in LAMBDA_ITEMS order, and the
        function's detail (its LambdaCost): the same operations, the ``+ 0.0 × compute``
        that spreads each charge to compute's shape included, so the same figures."""
        r = float(requests)
        requests_usd, compute, ephemeral, warm, gb_s, warm_gb_s = self._function(
            r, self.billed_s, self.od_seconds, _FLOAT_OPS)
        spread = 0.0 * compute
        warm_usd = warm + spread
        nat, transfer, ipv4 = self.fixed_items
        items = {
            "requests": requests_usd + spread,
            "compute": compute,
            "ephemeral_storage": ephemeral + spread,
            "provisioned_concurrency": self.environments + warm_usd,
            "front_door": self._front_door(r, _FLOAT_OPS),
            "nat_gateway": nat,
            "data_transfer": transfer,
            "public_ipv4": ipv4,
            "logs": self._logs(r, _FLOAT_OPS),
        }
        detail = LambdaDetail(gb_seconds=gb_s + spread,
                              provisioned_gb_seconds=warm_gb_s + self.env_gb_s + spread,
                              provisioned_environments=self.environments,
                              provisioned_duration=warm_usd)
        return {k: float(v) for k, v in items.items()}, detail

    @property
    def gb_seconds_per_request(self) -> float:
        """On-demand GB-s of one request (lambda_function_cost(1).gb_seconds)."""
        return (1.0 - self.share) * self.od_seconds * self.mem_gb


def _absent(term: Any) -> bool:
    """A charge the workload does not have (exactly 0.0): adding it to a sum of charges
    (never -0.0) changes no bit, and on an array it is a pass over it."""
    return isinstance(term, float) and term == 0.0


def _plus(total: Any, term: Any) -> Any:
    """``total + term`` unless the term is :func:`_absent`."""
    return total if _absent(term) else total + term


def lambda_total(
    sheet: PriceSheet,
    w: Workload,
    requests: np.ndarray | float,
    duration_ms: np.ndarray | float | None = None,
) -> np.ndarray:
    """The sum of :func:`lambda_items`, item by item in their order (the same figure), with
    each item kept in its own shape: the map's 40,000 cells get one running sum, not nine
    full-size items."""
    return LambdaCurve(sheet, w).grid_total(requests, duration_ms)


def lambda_total_fn(sheet: PriceSheet, w: Workload) -> Callable[[np.ndarray], np.ndarray]:
    """Lambda's monthly total as a function of request volume only (constants hoisted)."""
    # Break-even calls this a dozen times on arrays: the inputs and fixed charges read once.
    return LambdaCurve(sheet, w).total


def lambda_kinks(sheet: PriceSheet, w: Workload,
                 curve: LambdaCurve | None = None) -> np.ndarray:
    """Request volumes where the Lambda total's slope can change; it is linear in between.

    Every charge is linear in the volume except where a free allowance runs out or a volume
    tier ends: the free requests, the free GB-seconds and the duration tiers (on-demand GB-s
    are proportional to the volume), and the API Gateway request tiers.
    """
    curve = curve or LambdaCurve(sheet, w)
    points: list[float] = []
    if w.free_tier:
        points.append(sheet.rate("lambda.free.requests"))
    gb_s_per_request = curve.gb_seconds_per_request
    if gb_s_per_request > 0:
        free_gb_s = sheet.rate("lambda.free.gb_seconds") if w.free_tier else 0.0
        lower = sheet.tier_arrays(f"lambda.{w.architecture}.duration").lower
        points.extend((free_gb_s + lower) / gb_s_per_request)
    if w.front_door == "rest_api":
        points.extend(sheet.tier_arrays("apigw.rest.requests").lower[1:])
    elif w.front_door == "http_api":
        points.extend(sheet.tier_arrays("apigw.http.requests").lower[1:] / curve.front_units)
    points.extend(lambda_logs_kinks(sheet, w))
    return np.unique(np.array(points, dtype=float))
