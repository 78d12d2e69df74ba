"""Charges both sides share: load balancers (ALB/NLB capacity units), NAT gateways, egress."""

from __future__ import annotations

import numpy as np

from advisor.pricing.sheet import PriceSheet, tiered_cost
from advisor.pricing.workload import Connections

# Load-balancer bytes are decimal (AWS ELB examples): 1 GB = 1,000,000 KB.
KB_PER_GB = 1e6


def alb_lcu_dimensions(
    sheet: PriceSheet,
    rps: np.ndarray | float,
    connections: Connections,
    payload_kb: float,
    target: str,
) -> dict[str, np.ndarray]:
    """The four ALB capacity dimensions, in LCUs, at a request rate ``rps``.

    One LCU = 25 new connections/s, 3,000 active connections a minute, 1 GB an hour (0.4 GB
    for Lambda targets) and 1,000 rule evaluations/s beyond the 10 free rules (AWS ELB pricing).
    """
    r = np.asarray(rps, dtype=float)
    new_conn = r / connections.requests_per_connection
    gb_key = "alb.lcu.gb_per_hour_lambda" if target == "lambda" else "alb.lcu.gb_per_hour_ec2"
    # The first 10 rules a request evaluates are free (ELB pricing page).
    billable_rules = max(0.0, connections.rules_per_request - sheet.rate("alb.free_rules"))
    return {
        "new_connections": new_conn / sheet.rate("alb.lcu.new_connections_per_s"),
        "active_connections": new_conn * connections.connection_seconds
        / sheet.rate("alb.lcu.active_connections_per_min"),
        "processed_bytes": r * payload_kb * 3600 / KB_PER_GB / sheet.rate(gb_key),
        "rule_evaluations": r * billable_rules / sheet.rate("alb.lcu.rule_evaluations_per_s"),
    }


def nlb_nlcu_dimensions(
    sheet: PriceSheet, rps: np.ndarray | float, connections: Connections, payload_kb: float,
) -> dict[str, np.ndarray]:
    """NLB (TCP) capacity: 800 new connections/s, 100,000 active, 1 GB an hour per NLCU."""
    r = np.asarray(rps, dtype=float)
    new_conn = r / connections.requests_per_connection
    return {
        "new_connections": new_conn / sheet.rate("nlb.nlcu.new_connections_per_s"),
        "active_connections": new_conn * connections.connection_seconds
        / sheet.rate("nlb.nlcu.active_connections"),
        "processed_bytes": r * payload_kb * 3600 / KB_PER_GB / sheet.rate("nlb.nlcu.gb_per_hour"),
    }


def capacity_units_per_rps(
    sheet: PriceSheet, kind: str, connections: Connections, payload_kb: float, target: str,
) -> float:
    """Capacity units billed per request/s: each hour bills the largest dimension.

    Every dimension is proportional to the request rate, so the largest one is the same at
    every rate and the hourly units are this factor × the hour's rate.
    """
    if kind not in ("alb", "nlb"):
        return 0.0
    # Kept per sheet: a comparison prices the load balancer for every EC2 model and Lambda
    # total it builds, and only these few inputs (never the volume) change the factor.
    kept: dict[tuple[object, ...], float] = sheet.derived("lb_units_per_rps", dict)
    key = (kind, connections, payload_kb, target)
    units = kept.get(key)
    if units is None:
        if kind == "alb":
            dims = alb_lcu_dimensions(sheet, 1.0, connections, payload_kb, target)
        else:
            dims = nlb_nlcu_dimensions(sheet, 1.0, connections, payload_kb)
        units = float(max(float(v) for v in dims.values()))
        if len(kept) >= 256:
            kept.clear()
        kept[key] = units
    return units


def load_balancer_monthly(
    sheet: PriceSheet,
    kind: str,
    avg_rps: np.ndarray | float,
    hours_per_month: float,
    connections: Connections,
    payload_kb: float,
    target: str,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Hourly charge for every hour of the month plus capacity units hour by hour.

    ``weights`` is the week's hourly profile (mean 1); the capacity units of each hour of the
    week are averaged and scaled to ``hours_per_month``.
    """
    if kind not in ("alb", "nlb"):
        return np.zeros_like(np.asarray(avg_rps, dtype=float))
    hourly = sheet.rate("alb.hourly" if kind == "alb" else "nlb.hourly")
    unit_price = sheet.rate("alb.lcu_hourly" if kind == "alb" else "nlb.nlcu_hourly")
    per_rps = capacity_units_per_rps(sheet, kind, connections, payload_kb, target)
    # Units are linear in the rate, so the mean over the week's hours is the mean weight (1).
    mean_weight = 1.0 if weights is None else float(np.mean(weights))
    units = np.asarray(avg_rps, dtype=float) * mean_weight * per_rps
    return hourly * hours_per_month + units * unit_price * hours_per_month


def load_balancer_monthly_at(
    sheet: PriceSheet,
    kind: str,
    rates: tuple[float, ...],
    hours_per_month: float,
    connections: Connections,
    payload_kb: float,
    target: str,
    weights: np.ndarray | None = None,
) -> list[float]:
    """:func:`load_balancer_monthly` at a few average rates, as floats: the same operations
    in float arithmetic (the same figures), without an array op per term for each EC2 model
    a keystroke builds."""
    if kind not in ("alb", "nlb"):
        return [0.0] * len(rates)
    hourly = sheet.rate("alb.hourly" if kind == "alb" else "nlb.hourly")
    unit_price = sheet.rate("alb.lcu_hourly" if kind == "alb" else "nlb.nlcu_hourly")
    per_rps = capacity_units_per_rps(sheet, kind, connections, payload_kb, target)
    mean_weight = 1.0 if weights is None else mean_of(weights)
    return [hourly * hours_per_month + float(rps) * mean_weight * per_rps * unit_price
            * hours_per_month for rps in rates]


def mean_of(weights: np.ndarray) -> float:
    """float(np.mean(weights)) of a 1-D float array: np.mean's own sum (numpy's pairwise
    add.reduce) divided by the count, without its Python layers."""
    return float(np.add.reduce(weights)) / weights.size


def nat_monthly(sheet: PriceSheet, gateways: int, hours_per_month: float, processed_gb: float) -> float:
    """One NAT gateway per AZ, billed per hour, plus every GB it processes (AWS VPC pricing)."""
    return gateways * sheet.rate("nat.hourly") * hours_per_month + processed_gb * sheet.rate("nat.per_gb")


def load_balancer_addresses(kind: str, availability_zones: int) -> int:
    """Public IPv4 addresses of an internet-facing load balancer: one per enabled AZ at
    least; an ALB needs two AZs or more (AWS ELB: "subnets from at least two Availability
    Zones"), an NLB may use one."""
    if kind == "alb":
        return max(2, availability_zones)
    if kind == "nlb":
        return availability_zones
    return 0


def public_ipv4_monthly(sheet: PriceSheet, addresses: float, hours_per_month: float) -> float:
    """$ per address-hour for every public IPv4 address, in use or idle, since 1 February 2024
    (https://aws.amazon.com/vpc/pricing/, "Public IPv4 address")."""
    if not addresses:
        return 0.0
    return addresses * hours_per_month * sheet.rate("vpc.public_ipv4_hourly")


# CloudWatch Logs bytes are decimal, like the load balancers': 1 GB = 10^9 bytes.
BYTES_PER_GB = 1e9


def logs_free_gb(sheet: PriceSheet, free_tier: bool) -> float:
    """GB of log data free a month when the workload counts AWS's always-free tier (5 GB:
    https://aws.amazon.com/cloudwatch/pricing/, "Free tier"). The allowance is the account's;
    each option is priced as the account's only log writer, so each counts it, as each counts
    the free 100 GB of egress. A book without the row counts none."""
    return sheet.rate("logs.free_gb") if free_tier and sheet.has("logs.free_gb") else 0.0


def logs_monthly(sheet: PriceSheet, requests: np.ndarray | float, bytes_per_request: float,
                 *, vended: bool = False, free_gb: float = 0.0) -> np.ndarray:
    """CloudWatch Logs ingestion for ``requests`` that each write ``bytes_per_request``.

    ``vended``: Lambda's logs, billed as vended logs since May 2025 at the volume tiers of
    ``logs.vended_per_gb`` (first 10 TB $0.50, next 20 TB $0.25, next 20 TB $0.10, over
    50 TB $0.05 per GB in us-east-1; a TB is 1,024 GB in the feed); a book without those tiers
    bills them at the flat ``logs.ingestion_per_gb``. Otherwise custom logs (an EC2 agent's)
    at the flat rate. The first ``free_gb`` of the month are free (the bottom of the first
    tier, as AWS applies a free allowance).
    """
    r = np.asarray(requests, dtype=float)
    if not bytes_per_request:
        return np.zeros_like(r)
    gb = r * (bytes_per_request / BYTES_PER_GB)
    if vended and sheet.has("logs.vended_per_gb"):
        tiers = sheet.tier_arrays("logs.vended_per_gb")
        free = np.minimum(gb, free_gb)
        # Free GB within the first tier (5 GB of 10 TB): their charge is tiered_cost's
        # figure exactly, one product instead of a second tier walk.
        free_cost = free * tiers.price[0] if tiers.lower.size < 2 or free_gb <= tiers.lower[1] \
            else tiered_cost(free, tiers)
        return np.asarray(tiered_cost(gb, tiers) - free_cost)
    return np.maximum(gb - free_gb, 0.0) * sheet.rate("logs.ingestion_per_gb")


def logs_kinks(sheet: PriceSheet, bytes_per_request: float, *, vended: bool = False,
               free_gb: float = 0.0) -> list[float]:
    """Request volumes where :func:`logs_monthly`'s slope changes (free GB used up, a tier
    ending); it is linear in between."""
    if not bytes_per_request:
        return []
    per_request = bytes_per_request / BYTES_PER_GB
    points = [free_gb / per_request] if free_gb else []
    if vended and sheet.has("logs.vended_per_gb"):
        points += [float(b) / per_request
                   for b in sheet.tier_arrays("logs.vended_per_gb").lower[1:]]
    return points


def transfer_monthly(sheet: PriceSheet, gb: float) -> float:
    """Internet egress: volume tiers counted from zero of the month's total GB, the first
    ``transfer.free_gb`` of them free (all services together).

    AWS's table reads "up to 100 GB free; next 9.999 TB $0.09; next 40 TB ...; over 150 TB":
    the free 100 GB are the bottom of the first tier, not an offset before the tiers.
    """
    if not gb:  # no egress: no price needed (a region may lack the tiers)
        return 0.0
    tiers = sheet.tier_arrays("transfer.out")
    free = min(gb, sheet.rate("transfer.free_gb"))
    return float(tiered_cost(gb, tiers) - tiered_cost(free, tiers))
