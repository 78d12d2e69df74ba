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

import numpy as np

from advisor.pricing.network import (
    load_balancer_addresses,
    load_balancer_monthly,
    logs_free_gb,
    logs_kinks,
    logs_monthly,
    nat_monthly,
    public_ipv4_monthly,
    transfer_monthly,
)
from advisor.pricing.profiles import weekly_weights
from advisor.pricing.sheet import PriceSheet, noise_ceil, tiered_cost
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


def lambda_total(
    sheet: PriceSheet,
    w: Workload,
    requests: np.ndarray | float,
    duration_ms: np.ndarray | float | None = None,
) -> np.ndarray:
    """The sum of :func:`lambda_items`, item by item in their order (the same figure), with
    each item kept in its own shape: the map's 40,000 cells get one running sum, not nine
    full-size items."""
    c = _charges(sheet, LambdaFunction.from_workload(w), requests, duration_ms)
    fixed = lambda_fixed_items(sheet, w)
    total = c.requests + c.compute
    for term in (c.ephemeral_storage, c.environments + c.provisioned_duration,
                 front_door_monthly(sheet, w, requests), fixed["nat_gateway"],
                 fixed["data_transfer"], fixed["public_ipv4"],
                 lambda_logs_monthly(sheet, w, requests)):
        total += term
    return total


def lambda_total_fn(sheet: PriceSheet, w: Workload) -> Callable[[np.ndarray], np.ndarray]:
    """Lambda's monthly total as a function of request volume only (constants hoisted)."""
    # Break-even calls this a dozen times on arrays: build the inputs and fixed charges once.
    fn = LambdaFunction.from_workload(w)
    fixed = sum(lambda_fixed_items(sheet, w).values())

    def total(requests: np.ndarray) -> np.ndarray:
        # LambdaCost.total's sum, in its order, of the charges in their own shapes.
        c = _charges(sheet, fn, requests)
        function = c.requests + c.compute + c.ephemeral_storage + c.environments \
            + c.provisioned_duration
        return (function + front_door_monthly(sheet, w, requests) + fixed
                + lambda_logs_monthly(sheet, w, requests))

    return total


def lambda_kinks(sheet: PriceSheet, w: Workload) -> np.ndarray:
    """Request volumes where the Lambda total's slope can change; it is linear in between.

    Every charge is linear in the volume except where a free allowance runs out or a volume
    tier ends: the free requests, the free GB-seconds and the duration tiers (on-demand GB-s
    are proportional to the volume), and the API Gateway request tiers.
    """
    fn = LambdaFunction.from_workload(w)
    points: list[float] = []
    if fn.free_tier:
        points.append(sheet.rate("lambda.free.requests"))
    gb_s_per_request = float(lambda_function_cost(sheet, fn, 1.0).gb_seconds)
    if gb_s_per_request > 0:
        free_gb_s = sheet.rate("lambda.free.gb_seconds") if fn.free_tier else 0.0
        lower = sheet.tier_arrays(f"lambda.{fn.architecture}.duration").lower
        points.extend((free_gb_s + lower) / gb_s_per_request)
    if w.front_door == "rest_api":
        points.extend(sheet.tier_arrays("apigw.rest.requests").lower[1:])
    elif w.front_door == "http_api":
        units = http_api_units(w.payload_kb, sheet.rate("apigw.http.metering_kb"))
        points.extend(sheet.tier_arrays("apigw.http.requests").lower[1:] / units)
    points.extend(lambda_logs_kinks(sheet, w))
    return np.unique(np.array(points, dtype=float))
