"""compare(): one workload priced both ways, with break-even volumes, as the contract's JSON."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from advisor.pricing import basis
from advisor.pricing import uncertainty as unc
from advisor.pricing.breakeven import workload_break_even
from advisor.pricing.catalogue import RESERVED_OPTIONS, SPEC_BY_KEY, architecture_of
from advisor.pricing.choose import OptionsComparison, compare_options
from advisor.pricing.ec2 import (
    EC2_ITEMS,
    OS_RESERVED_GIB,
    Ec2Model,
    Ec2Sizing,
    build_ec2_model,
    ec2_items,
    size_fleet,
)
from advisor.pricing.flips import bands
from advisor.pricing.lambda_ import LambdaCurve, billed_ms
from advisor.pricing.messages import gettext_noop
from advisor.pricing.network import load_balancer_addresses
from advisor.pricing.options import ec2 as ec2_option
from advisor.pricing.profiles import max_peak
from advisor.pricing.recommend import Recommendation, recommend
from advisor.pricing.sheet import BookInfo, MissingPrice, PriceSheet
from advisor.pricing.verdict import headline
from advisor.pricing.workload import DEFAULT_OPTIONS, Workload, WorkloadError

# The contract calls totals within one cent a tie (money is otherwise unrounded).
TIE_USD = 0.01


@dataclass(frozen=True)
class LambdaResult:
    monthly_usd: float
    items: Mapping[str, float]
    gb_seconds: float
    billed_duration_ms: float
    provisioned_gb_seconds: float
    provisioned_environments_usd: float
    provisioned_duration_usd: float


@dataclass(frozen=True)
class Ec2Result:
    monthly_usd: float
    instance_type: str
    peak_instances: int
    instance_hours: float
    items: Mapping[str, float]
    sizing: Ec2Sizing
    purchase_factor_is_estimate: bool
    candidates: tuple[Ec2Sizing, ...]
    shared_monthly_usd: float  # load balancer, NAT, egress, fixed addresses, logs: any type
    families: tuple[str, ...] = ()  # the families "auto" considered
    types_considered: int = 1


@dataclass(frozen=True)
class Comparison:
    workload: Workload
    book: BookInfo
    lambda_: LambdaResult
    ec2: Ec2Result
    break_even: tuple[float, ...]
    cheaper: str
    assumptions: tuple[str, ...]
    # Which fits the case (recommend.py); compare() always fills it in.
    recommendation: Recommendation | None = None
    # Options beyond the default pair (choose.py); None with the default options.
    options: OptionsComparison | None = None
    # Crossings grouped into bands (flips.py), the headline (verdict.py) and the ranges'
    # figures (uncertainty.py); compare() fills them in.
    break_even_bands: tuple[Mapping[str, Any], ...] = ()
    verdict: Mapping[str, Any] | None = None
    uncertainty: Mapping[str, Any] | None = None

    def to_contract(self) -> dict[str, Any]:
        """The contract's result JSON (plain Python types, money unrounded)."""
        lam, ec2, s = self.lambda_, self.ec2, self.ec2.sizing
        return {
            "inputs": self.workload.to_dict(),
            "price_book": {"id": self.book.id, "region": self.book.region,
                           "effective_from": self.book.effective_from, "name": self.book.name},
            "lambda": {
                "monthly_usd": lam.monthly_usd,
                "items": dict(lam.items),
                "gb_seconds": lam.gb_seconds,
                "billed_duration_ms": lam.billed_duration_ms,
                "provisioned": {
                    "gb_seconds": lam.provisioned_gb_seconds,
                    "environments_usd": lam.provisioned_environments_usd,
                    "duration_usd": lam.provisioned_duration_usd,
                },
            },
            "ec2": {
                "monthly_usd": ec2.monthly_usd,
                "instance_type": ec2.instance_type,
                "peak_instances": ec2.peak_instances,
                "instance_hours": ec2.instance_hours,
                "items": dict(ec2.items),
                "sizing": _sizing_dict(s, ec2.purchase_factor_is_estimate),
                "candidates": [
                    {"instance_type": c.instance_type, "peak_instances": c.peak_instances,
                     "instance_hours": c.instance_hours,
                     "monthly_usd": c.monthly_usd + ec2.shared_monthly_usd}
                    for c in ec2.candidates
                ],
                "families_considered": list(ec2.families),
                "types_considered": ec2.types_considered,
            },
            "break_even": [{"requests_per_month": x} for x in self.break_even],
            "break_even_bands": [dict(b) for b in self.break_even_bands],
            "basis": self.workload.basis,
            "cheaper": self.cheaper,
            "verdict": None if self.verdict is None else dict(self.verdict),
            "uncertainty": None if self.uncertainty is None else dict(self.uncertainty),
            "assumptions": list(self.assumptions),
            "recommendation": None if self.recommendation is None
            else self.recommendation.to_dict(),
            **({} if self.options is None else self.options.to_contract()),
        }


def _sizing_dict(s: Ec2Sizing, estimate: bool) -> dict[str, Any]:
    return {
        "avg_rps": s.avg_rps, "peak_rps": s.peak_rps, "cpu_s_per_request": s.cpu_s_per_request,
        "vcpus_needed": s.vcpus_needed, "usable_vcpus_per_instance": s.usable_vcpus_per_instance,
        "instances_for_cpu": s.instances_for_cpu, "peak_concurrency": s.peak_concurrency,
        "memory_gib_per_request": s.memory_gib_per_request,
        "usable_memory_gib_per_instance": s.usable_memory_gib_per_instance,
        "instances_for_memory": s.instances_for_memory, "min_instances": s.min_instances,
        "hours_per_month": s.hours_per_month, "scaling": s.scaling,
        "purchase_factor": s.purchase_factor, "purchase_factor_is_estimate": estimate,
    }


def check_region(w: Workload, sheet: PriceSheet) -> None:
    # Prices differ by region: a sheet of another region would silently misprice.
    if w.region != sheet.book.region:
        raise WorkloadError({"region": [
            f"the price book is for {sheet.book.region} (got \"{w.region}\")"]})


def check_finite(lam: LambdaResult, ec2: Ec2Result) -> None:
    # Last guard (the input limits should make it unreachable): the contract's JSON has no
    # Infinity or NaN, so a charge that overflowed refuses the workload instead.
    money = {"lambda.monthly_usd": lam.monthly_usd, "ec2.monthly_usd": ec2.monthly_usd,
             **{f"lambda.{k}": v for k, v in lam.items.items()},
             **{f"ec2.{k}": v for k, v in ec2.items.items()},
             "ec2.candidates": max(c.monthly_usd for c in ec2.candidates)}
    bad = [k for k, v in money.items() if not math.isfinite(v)]
    if bad:
        raise WorkloadError({"__all__": [
            "the inputs are too large to price: " + ", ".join(bad[:3]) + " would not be a "
            "finite number of USD; lower the largest inputs"]})


# Which input brings in each price, so a missing price is reported against that input.
def _price_field(key: str, w: Workload) -> str:
    if key.startswith("apigw."):
        return "front_door"
    if key.startswith("alb."):
        return "ec2.load_balancer" if w.ec2.load_balancer == "alb" else "front_door"
    if key.startswith("nlb."):
        return "ec2.load_balancer"
    if key.startswith("nat."):
        return "ec2.private_subnets_with_nat" if w.ec2.private_subnets_with_nat \
            else "lambda_in_vpc_with_internet"
    if key.startswith("transfer."):
        return "data_transfer_out_gb"
    if key.startswith("logs."):
        return "lambda_log_bytes_per_request" if w.lambda_log_bytes_per_request \
            else "ec2_log_bytes_per_request"
    if key.startswith("ec2.purchase."):
        return "ec2.purchase"
    return "region"


def needed_keys(w: Workload) -> list[str]:
    """The price keys this workload reads (in catalogue terms), for naming missing ones."""
    arch = w.architecture
    keys = [f"lambda.{arch}.{k}" for k in ("requests", "duration", "provisioned",
                                            "provisioned_duration", "ephemeral")]
    keys += ["lambda.free.requests", "lambda.free.gb_seconds", "ebs.gp3.gb_month"]
    if w.ec2.purchase not in RESERVED_OPTIONS:
        keys.append(f"ec2.purchase.{w.ec2.purchase}")
    if w.front_door == "rest_api":
        keys.append("apigw.rest.requests")
    elif w.front_door == "http_api":
        keys += ["apigw.http.requests", "apigw.http.metering_kb"]
    lbs = {w.ec2.load_balancer} | ({"alb"} if w.front_door == "alb" else set())
    for lb in sorted(lbs & {"alb", "nlb"}):
        keys += [k for k in SPEC_BY_KEY if k.startswith(f"{lb}.")]
    if w.ec2.private_subnets_with_nat or w.lambda_in_vpc_with_internet:
        keys += ["nat.hourly", "nat.per_gb"]
    if w.data_transfer_out_gb:
        keys += ["transfer.out", "transfer.free_gb"]
    addresses = (load_balancer_addresses(w.ec2.load_balancer, w.ec2.availability_zones)
                 or w.ec2.public_instances or w.ec2.private_subnets_with_nat
                 or w.lambda_in_vpc_with_internet or w.front_door == "alb")
    if addresses:
        keys.append("vpc.public_ipv4_hourly")
    if w.lambda_log_bytes_per_request or w.ec2_log_bytes_per_request:
        keys.append("logs.ingestion_per_gb")
    return keys


def missing_price_error(w: Workload, sheet: PriceSheet, keys: list[str]) -> WorkloadError:
    """A field error per input that needs a price the region's book does not have."""
    errors: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):
        spec = SPEC_BY_KEY.get(key)
        what = f" ({spec.description.rstrip('.')})" if spec else ""
        errors.setdefault(_price_field(key, w), []).append(
            f"the {sheet.book.region} price book has no sourced price for {key}{what}; "
            "choose another option or region")
    return WorkloadError(errors)


def check_prices(w: Workload, sheet: PriceSheet) -> None:
    # A region's book lacks the prices no source gave (e.g. NLB hours in eu-west-1): name
    # them instead of guessing.
    missing = [k for k in needed_keys(w) if k in sheet.missing_keys]
    if missing:
        raise missing_price_error(w, sheet, missing)


def compare(workload: Workload, sheet: PriceSheet, *, with_break_even: bool = True,
            with_uncertainty: bool = True) -> Comparison:
    """Price ``workload`` on Lambda and on EC2 with ``sheet``.

    ``with_uncertainty`` prices the ranges (or the default spreads) too; the recommendation's
    confidence then comes from those figures.

    Raises :class:`WorkloadError` (field ``ec2.instance_type``, ``region`` or the input that
    needs a price the book lacks) when the sheet cannot serve the workload.
    """
    check_region(workload, sheet)
    check_prices(workload, sheet)
    try:
        return _compare(workload, sheet, with_break_even=with_break_even,
                        with_uncertainty=with_uncertainty)
    except MissingPrice as exc:
        raise missing_price_error(workload, sheet, [exc.key]) from None


def _compare(workload: Workload, sheet: PriceSheet, *, with_break_even: bool,
             with_uncertainty: bool) -> Comparison:
    w = workload
    r = float(w.requests_per_month)
    model = build_ec2_model(w, sheet)

    # Lambda's items (lambda_items' figures, as floats) and its total at other volumes
    # (break-even, the bands) from one set of rates and charges read once.
    curve = LambdaCurve(sheet, w)
    lam_items, detail = curve.at(r)
    lam = LambdaResult(
        monthly_usd=sum(lam_items.values()), items=MappingProxyType(lam_items),
        gb_seconds=detail.gb_seconds,
        billed_duration_ms=float(billed_ms(w.duration_ms, w.billing_granularity_ms)),
        provisioned_gb_seconds=detail.provisioned_gb_seconds,
        provisioned_environments_usd=detail.provisioned_environments,
        provisioned_duration_usd=detail.provisioned_duration,
    )

    # "auto" = the cheapest eligible type for the EC2 total; a named type is the only candidate.
    candidates = size_fleet(model, r)
    chosen = candidates[0]
    e_items = ec2_items(model, chosen, r)
    e_items = {k: float(e_items[k]) for k in EC2_ITEMS}
    ec2 = Ec2Result(
        monthly_usd=sum(e_items.values()), instance_type=chosen.instance_type,
        peak_instances=chosen.peak_instances, instance_hours=chosen.instance_hours,
        items=MappingProxyType(e_items), sizing=chosen,
        purchase_factor_is_estimate=(w.ec2.purchase not in RESERVED_OPTIONS
                                     and sheet.is_estimate(f"ec2.purchase.{w.ec2.purchase}")),
        candidates=tuple(candidates),
        shared_monthly_usd=e_items["load_balancer"] + e_items["nat_gateway"]
        + e_items["data_transfer"] + model.ipv4_fixed + e_items["logs"],
        families=model.families, types_considered=model.types_considered,
    )
    check_finite(lam, ec2)

    # Break-even lets only the volume vary; the EC2 side re-picks the cheapest type at each.
    # Every comparative figure stands on the workload's basis (basis.py): on
    # "bill_and_operations" each side carries its operations cost, a constant a month.
    lam_extra, ec2_extra = basis.extra_usd(w, "lambda"), basis.extra_usd(w, "ec2")
    points = tuple(workload_break_even(sheet, w, model, lambda_extra=lam_extra,
                                       ec2_extra=ec2_extra, curve=curve)) \
        if with_break_even else ()
    cheaper = basis.pair_cheaper(lam.monthly_usd + lam_extra, ec2.monthly_usd + ec2_extra)
    lam_total = curve.total

    def diff(x: Any) -> Any:  # Lambda minus EC2 on the basis
        return lam_total(x) + lam_extra - model.total(x) - ec2_extra

    figures = None
    if with_uncertainty:
        # The expected values' EC2 model is the one just built: the ranges reuse it.
        pricers = {**unc.PRICERS, "ec2": functools.partial(unc.price_ec2, known={w: model})}
        figures = unc.uncertainty(sheet, w, lam.monthly_usd, ec2.monthly_usd, pricers=pricers,
                                  flips=points)
        figures["flips"] = flips_in_range(figures, points, diff)
    result = Comparison(
        workload=w, book=sheet.book, lambda_=lam, ec2=ec2, break_even=points, cheaper=cheaper,
        assumptions=tuple(assumptions(w, model, ec2)),
        break_even_bands=tuple(bands(points, diff)),
        uncertainty=figures,
    )
    advice = recommend(result, w, sheet, model=model, with_switch=with_break_even)
    result = replace(result, recommendation=advice)
    if tuple(w.options) != DEFAULT_OPTIONS:
        result = replace(result, options=compare_options(
            result, w, sheet, with_break_even=with_break_even,
            ready={"ec2": ec2_option.from_model(model)}))
    # The headline names the cheapest of every compared option on the basis.
    bills = dict(result.options.totals) if result.options is not None \
        else {"lambda": lam.monthly_usd, "ec2": ec2.monthly_usd}
    return replace(result, verdict=headline(w, bills))


def flips_in_range(figures: Mapping[str, Any], points: tuple[float, ...],
                   diff: Any) -> list[dict[str, Any]]:
    """The break-even volumes inside the requests range, each with the side cheaper just
    above it (on the basis): "above 305 M requests a month EC2 is cheaper"."""
    low, _mid, high = figures["ranges"].get("requests_per_month", (0.0, 0.0, 0.0))
    inside = [x for x in points if low < x < high]
    if not inside:
        return []
    # Every crossing's side in one call: each total is priced volume by volume alike.
    above = diff(np.array(inside) * (1 + 1e-7))
    return [{"requests_per_month": x, "above": "lambda" if a < 0 else "ec2"}
            for x, a in zip(inside, above.tolist(), strict=True)]


# What the figures assume: code -> English template over the item's params. The Django layer
# renders the same items in the visitor's language (gettext of the template), from a stored
# result too; gettext_noop (recommend.py) only marks the templates for makemessages.
ASSUMPTIONS: dict[str, str] = {
    "hours": gettext_noop("A month is {hours:g} hours."),
    "capacity": gettext_noop(
        "EC2 capacity: vCPUs needed = peak requests/s × CPU seconds per request "
        "(duration × min(memory_mb / 1769, 6) × cpu_share {cpu_share:g}) / target utilisation "
        "{target_utilization:g}."),
    "memory": gettext_noop(
        "EC2 memory: at the peak, requests/s × duration requests are in flight (Little's law); "
        "each needs the function's {memory_mb} MB and every instance keeps {os_gib} GiB for "
        "the operating system."),
    "burstable": gettext_noop(
        "Burstable (t) instances are counted at their baseline CPU share, so sustained load "
        "never spends CPU credits."),
    "egress": gettext_noop(
        "Internet egress is priced the same on both sides (first free GB, then volume tiers)."),
    "fixed_fleet": gettext_noop(
        "The EC2 fleet is sized for the busiest hour ({peak_to_average:g} × the average rate) "
        "every hour of the month."),
    "autoscale": gettext_noop(
        "The EC2 fleet autoscales hour by hour along the '{profile}' week."),
    "custom_profile": gettext_noop(
        "The traffic shape is measured: {hours} hourly weights, the busiest hour {peak:.3g} × "
        "the mean."),
    "autoscale_cap": gettext_noop(
        "A week of hourly averages cannot peak above {cap:g} × the mean: the quiet hours carry "
        "no traffic and the busiest hour is still sized for {peak_to_average:g} × the average."),
    "auto_type": gettext_noop(
        "'auto' chose {instance_type}, the cheapest eligible {architecture} type for this load; "
        "break-even volumes re-pick the cheapest type at each volume."),
    "purchase_estimate": gettext_noop(
        "The {purchase} price is an estimated {factor:g} × the on-demand price."),
    "free_tier": gettext_noop(
        "Lambda's always-free allowance (1M requests, 400,000 GB-s a month) is applied; it does "
        "not cover provisioned-concurrency usage."),
    "apigw_free_tier": gettext_noop(
        "API Gateway's 12-month free tier for new accounts is not applied."),
    "provisioned": gettext_noop(
        "{environments} provisioned environments are billed for {hours:g} hours and serve "
        "{share:.0%} of the requests."),
    "init_billed": gettext_noop(
        "Cold-start INIT time of on-demand invocations is billed like duration (since August "
        "2025), added to the run time and rounded up once."),
    "reserved": gettext_noop(
        "Reserved instances (standard, no upfront, {years}-year term) at each type's own rate "
        "from AWS's reserved-instance feed: {instance_type} costs {factor:.0%} of its "
        "on-demand price."),
    "other_architecture": gettext_noop(
        "{instance_type} is {type_architecture} while the Lambda function is {architecture}: "
        "the two sides run on different processors."),
    "public_ipv4": gettext_noop(
        "Every public IPv4 address is billed by the hour: NAT gateways' and internet-facing "
        "load balancers' (one per Availability Zone), and each EC2 instance's unless the "
        "instances sit in private subnets."),
    "logs": gettext_noop(
        "CloudWatch Logs ingestion: Lambda writes {lambda_bytes:g} bytes a request, the EC2 "
        "fleet ships {ec2_bytes:g} bytes a request."),
}


def assumption_items(inputs: Mapping[str, Any], instance_type: str, purchase_factor: float,
                     factor_is_estimate: bool) -> list[tuple[str, dict[str, Any]]]:
    """(code, params) of every assumption, from the contract's inputs and EC2 result, so that
    a stored result can be rendered again in another language."""
    e, t = inputs["ec2"], inputs["traffic"]
    out: list[tuple[str, dict[str, Any]]] = [
        ("hours", {"hours": inputs["hours_per_month"]}),
        ("capacity", {"cpu_share": e["cpu_share"], "target_utilization": e["target_utilization"]}),
        ("memory", {"memory_mb": inputs["memory_mb"], "os_gib": OS_RESERVED_GIB}),
        ("burstable", {}),
        ("egress", {}),
    ]
    if t.get("hourly_weights"):
        out.append(("custom_profile", {"hours": len(t["hourly_weights"]),
                                       "peak": t["peak_to_average"]}))
    if e["scaling"] == "fixed":
        out.append(("fixed_fleet", {"peak_to_average": t["peak_to_average"]}))
    else:
        out.append(("autoscale", {"profile": t["profile"]}))
        cap = max_peak(t["profile"], t.get("hourly_weights", ()))
        if t["peak_to_average"] > cap:
            out.append(("autoscale_cap", {"cap": cap, "peak_to_average": t["peak_to_average"]}))
    if e["instance_type"] == "auto":
        out.append(("auto_type", {"instance_type": instance_type,
                                  "architecture": inputs["architecture"]}))
    elif architecture_of(instance_type) != inputs["architecture"]:
        out.append(("other_architecture", {"instance_type": instance_type,
                                           "type_architecture": architecture_of(instance_type),
                                           "architecture": inputs["architecture"]}))
    if e["purchase"] in RESERVED_OPTIONS:
        out.append(("reserved", {"years": int(e["purchase"][-2]), "instance_type": instance_type,
                                 "factor": purchase_factor}))
    if factor_is_estimate:
        out.append(("purchase_estimate", {"purchase": e["purchase"].replace("_", " "),
                                          "factor": purchase_factor}))
    if inputs["free_tier"]:
        out.append(("free_tier", {}))
    if inputs["front_door"] in ("http_api", "rest_api"):
        out.append(("apigw_free_tier", {}))
    if inputs["provisioned_concurrency"]:
        out.append(("provisioned", {"environments": inputs["provisioned_concurrency"],
                                    "hours": inputs["provisioned_hours_per_month"],
                                    "share": inputs["provisioned_share_of_requests"]}))
    if inputs["cold_start_rate"] and inputs["init_duration_ms"]:
        out.append(("init_billed", {}))
    # Inputs a stored result may predate: their defaults then.
    out.append(("public_ipv4", {}))
    lambda_bytes = inputs.get("lambda_log_bytes_per_request", 0)
    ec2_bytes = inputs.get("ec2_log_bytes_per_request", 0)
    if lambda_bytes or ec2_bytes:
        out.append(("logs", {"lambda_bytes": lambda_bytes, "ec2_bytes": ec2_bytes}))
    return out


def result_assumption_items(result: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """:func:`assumption_items` of a contract result (a stored one included)."""
    ec2 = result["ec2"]
    sizing = ec2["sizing"]
    return assumption_items(result["inputs"], ec2["instance_type"], sizing["purchase_factor"],
                            sizing["purchase_factor_is_estimate"])


def assumptions(w: Workload, model: Ec2Model, ec2: Ec2Result) -> list[str]:
    """Plain-English statements of what the figures assume."""
    items = assumption_items(w.to_dict(), ec2.instance_type, model.purchase_factor,
                             ec2.purchase_factor_is_estimate)
    return [ASSUMPTIONS[code].format(**params) for code, params in items]
