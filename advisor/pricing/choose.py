"""More than two answers: every compared option's bill, the cheapest, break-even volumes for
each pair, and which option fits the case.

``compare()`` always prices Lambda and EC2 as before; when the workload's ``options`` name
more (or other) options, :func:`compare_options` adds them from ``advisor.pricing.options``
and the result grows by one object per extra option, ``cheapest``, ``pairwise_break_even``
and ``option_choice``. With the default options nothing here runs and the result is exactly
the two-option one.

Which option fits (:func:`choose_option`), in the spirit of ``recommend.py``: an option with
a hard limit (a blocker) is out; on the "bill_and_operations" basis each option's operations
time (its own hours, basis.OPS_HOURS_FIELD, × ``needs.ops_hourly_usd``) is added to its
total, on the "bill" basis none; with ``needs.no_server_team`` EC2 is out while a managed
option remains. The cheapest remaining total on the basis is the choice; ``cheapest`` and the
pairwise break-even volumes stand on the same basis.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from advisor.pricing import basis
from advisor.pricing.breakeven import Shape, break_even
from advisor.pricing.messages import gettext_noop
from advisor.pricing.options import OptionModel, prepare, registry
from advisor.pricing.priced import PricedPair
from advisor.pricing.recommend_facts import Recommendation
from advisor.pricing.recommend_texts import MESSAGES as RECOMMEND_MESSAGES
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload, WorkloadError

TIE_USD = 0.01
MANAGED = ("lambda", "lambda_managed_instances", "fargate")
# Traffic this steady (busiest hour / average) keeps a fleet busy all month.
STEADY_PEAK = 2.0

MESSAGES: dict[str, str] = {
    "mi_timeout": gettext_noop(
        "One run can take more than 15 minutes; Lambda Managed Instances keep Lambda's "
        "15-minute limit."),
    "mi_gpu": gettext_noop("Lambda Managed Instances run on CPU instance types only."),
    "mi_dedicated": gettext_noop(
        "Lambda Managed Instances run on shared-tenancy instances of your account."),
    "fargate_gpu": gettext_noop("Fargate tasks have no GPU."),
    "fargate_dedicated": gettext_noop(
        "Fargate runs tasks on shared infrastructure; single-tenant hardware means EC2."),
    "fargate_size": gettext_noop(
        "One task needs {task_vcpus:g} vCPUs and {task_memory_mb:,} MB; a Fargate task has at "
        "most 16 vCPUs and 120 GB."),
    "choice_blocked": gettext_noop("{option} is out: {why}"),
    "choice_no_server_team": gettext_noop(
        "No one on the team runs servers, so EC2 is left out while a managed option remains."),
    "choice_cheapest": gettext_noop(
        "{option} has the lowest cost of ownership: ${total:,.2f} a month with operations "
        "time, against ${runner_up_total:,.2f} for {runner_up}."),
    "choice_cheapest_bill": gettext_noop(
        "{option} costs least on the AWS bill: ${total:,.2f} a month, against "
        "${runner_up_total:,.2f} for {runner_up}."),
    "choice_not_cheapest": gettext_noop(
        "{cheapest} costs less (${cheapest_total:,.2f} a month) but is out, so the choice is "
        "the cheapest option left."),
    "choice_alone": gettext_noop("{option} is the only option left."),
    "choice_steady_managed": gettext_noop(
        "Traffic is steady (busiest hour {peak_to_average:g} × the average), so a fleet stays "
        "busy: Lambda Managed Instances bill EC2 prices for it while AWS runs the servers."),
}

OPTION_NAMES_EN = {"lambda": "Lambda", "ec2": "EC2",
                   "lambda_managed_instances": "Lambda Managed Instances",
                   "fargate": "ECS on Fargate"}


def render(code: str, params: Mapping[str, Any], names: Mapping[str, str] = OPTION_NAMES_EN,
           translate: Callable[[str], str] = lambda s: s) -> str:
    """A reason or blocker in words: ``names`` name the options and ``translate`` the
    template (the Django layer passes the visitor's language)."""
    p = dict(params)
    for key in ("option", "runner_up", "cheapest"):
        if key in p:
            p[key] = names.get(p[key], p[key])
    if code == "choice_blocked":
        p["why"] = render(p.pop("blocker"), p.pop("blocker_params"), names, translate)
    template = MESSAGES.get(code) or RECOMMEND_MESSAGES.get(code) or code.replace("_", " ")
    return translate(template).format(**p)


@dataclass(frozen=True)
class OptionResult:
    name: str
    monthly_usd: float
    items: Mapping[str, float]
    sizing: Mapping[str, Any]
    blockers: tuple[tuple[str, Mapping[str, Any]], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"monthly_usd": self.monthly_usd, "items": dict(self.items),
                "sizing": dict(self.sizing),
                "blockers": [{"code": c, "params": dict(p), "message": render(c, p)}
                             for c, p in self.blockers]}


@dataclass(frozen=True)
class OptionsComparison:
    compared: tuple[str, ...]
    extra: Mapping[str, OptionResult]
    totals: Mapping[str, float]
    cheapest: str
    pairs: tuple[tuple[str, str, tuple[float, ...]], ...]
    choice: Mapping[str, Any]

    def to_contract(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: r.to_dict() for name, r in self.extra.items()}
        out["cheapest"] = self.cheapest
        out["pairwise_break_even"] = [
            {"options": [a, b], "points": [{"requests_per_month": x} for x in pts]}
            for a, b, pts in self.pairs]
        out["option_choice"] = dict(self.choice)
        return out


def pair_break_even(a: OptionModel, b: OptionModel) -> list[float]:
    """Every volume in 1 .. 1e12 where two options' totals cross, exactly (``breakeven``):
    a continuous total takes the first role, a fleet the second; two fleets share it."""
    if a.jumps and not b.jumps:
        a, b = b, a
    kinks = np.unique(np.concatenate([a.kinks, b.kinks]))
    if not b.jumps:
        shape = Shape(kinks, np.zeros(0))
    elif not a.jumps:
        shape = Shape(kinks, b.spacing, b.first_step)
    else:
        shape = Shape(kinks, np.unique(np.concatenate([a.spacing, b.spacing])),
                      min(a.first_step, b.first_step), both_jump=True)
    return break_even(a.total, b.total, shape=shape)


def cheapest_of(totals: Mapping[str, float]) -> str:
    ranked = sorted(totals.items(), key=lambda kv: kv[1])
    if len(ranked) > 1 and ranked[1][1] - ranked[0][1] <= TIE_USD:
        return "tie"
    return ranked[0][0]


class RecommendedPair(PricedPair, Protocol):
    """compare()'s Comparison as compare_options() reads it: the priced pair and the
    Lambda blockers of its recommendation."""

    @property
    def recommendation(self) -> Recommendation | None: ...


def compare_options(c: RecommendedPair, w: Workload, sheet: PriceSheet, *,
                    with_break_even: bool = True,
                    ready: Mapping[str, OptionModel] | None = None) -> OptionsComparison:
    """The further options beside compare()'s two; ``ready`` holds option models compare()
    has already built for this workload (the EC2 fleet), which are not built again."""
    r = float(w.requests_per_month)
    ready = ready or {}
    models = {name: ready[name] if name in ready else prepare(w, sheet, name)
              for name in registry() if name in w.options}
    extra: dict[str, OptionResult] = {}
    for name in w.extra_options:
        m = models[name]
        items = {k: float(v) for k, v in m.item_arrays(np.asarray(r)).items()}
        total = sum(items.values())
        if not all(math.isfinite(v) for v in (total, *items.values())):
            raise WorkloadError({"__all__": [
                f"the inputs are too large to price: {name}.monthly_usd would not be a finite "
                "number of USD; lower the largest inputs"]})
        extra[name] = OptionResult(name, total, items, m.detail(r), m.blockers)
    totals = {"lambda": c.lambda_.monthly_usd, "ec2": c.ec2.monthly_usd,
              **{n: x.monthly_usd for n, x in extra.items()}}
    totals = {n: totals[n] for n in models}
    pairs: list[tuple[str, str, tuple[float, ...]]] = []
    if with_break_even:
        for a, b in itertools.combinations(models, 2):
            # The original pair keeps compare()'s own points (the same search, same basis).
            pts = (c.break_even if (a, b) == ("lambda", "ec2")
                   else tuple(pair_break_even(_on_basis(w, a, models[a]),
                                              _on_basis(w, b, models[b]))))
            pairs.append((a, b, pts))
    blockers = {n: x.blockers for n, x in extra.items()}
    if "lambda" in models and c.recommendation is not None:
        blockers["lambda"] = tuple((b.code, b.params) for b in c.recommendation.blockers)
    choice = choose_option(w, totals, blockers)
    return OptionsComparison(compared=tuple(models), extra=extra, totals=totals,
                             cheapest=cheapest_of(basis.on_basis(w, totals)), pairs=tuple(pairs),
                             choice=choice)


def _on_basis(w: Workload, name: str, m: OptionModel) -> OptionModel:
    """The option's model with its operations cost added when the basis counts it (a constant:
    the crossings move, their search does not)."""
    extra = basis.extra_usd(w, name)
    if not extra:
        return m
    total = m.total
    return replace(m, total_fn=lambda r: total(r) + extra)


def _reason(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params, "message": render(code, params)}


def choose_option(w: Workload, totals: Mapping[str, float],
                  blockers: Mapping[str, tuple[tuple[str, Mapping[str, Any]], ...]]) -> dict[str, Any]:
    """Which compared option fits the case, with the reasons in the workload's numbers."""
    n = w.needs
    tco = basis.on_basis(w, totals)
    reasons: list[dict[str, Any]] = []
    left = [name for name in totals if not blockers.get(name)]
    for name in totals:
        for code, params in blockers.get(name, ()):
            reasons.append(_reason("choice_blocked", option=name, blocker=code,
                                   blocker_params=dict(params)))
    if n.no_server_team and "ec2" in left and any(o in left for o in MANAGED):
        left.remove("ec2")
        reasons.append(_reason("choice_no_server_team"))
    if not left:
        # Every option has a hard limit: EC2 (the least limited) if compared, else none.
        left = ["ec2"] if "ec2" in totals else []
    if not left:
        return {"choice": None, "reasons": reasons, "tco_usd": tco}
    ranked = sorted(left, key=lambda o: tco[o])
    pick = ranked[0]
    if len(ranked) > 1:
        code = "choice_cheapest" if basis.counts_operations(w) else "choice_cheapest_bill"
        reasons.append(_reason(code, option=pick, total=tco[pick],
                               runner_up=ranked[1], runner_up_total=tco[ranked[1]]))
    else:
        reasons.append(_reason("choice_alone", option=pick))
    # The choice is not the cheapest compared option: say why (the cheaper one is out).
    cheapest = min(tco, key=lambda o: tco[o])
    if tco[pick] - tco[cheapest] > TIE_USD:
        reasons.append(_reason("choice_not_cheapest", cheapest=cheapest,
                               cheapest_total=tco[cheapest]))
    if pick == "lambda_managed_instances" and w.traffic.peak_to_average <= STEADY_PEAK:
        reasons.append(_reason("choice_steady_managed",
                               peak_to_average=w.traffic.peak_to_average))
    return {"choice": pick, "reasons": reasons, "tco_usd": tco, "basis": w.basis}
