"""Which fits the case: a recommendation from cost, platform limits, traffic, operations and
security (issue 5), with the reasons in the workload's own numbers.

How the verdict is reached:

- *Blockers* are hard limits that rule Lambda out whatever the price (runs over 15 minutes,
  more than 10,240 MB or 6 vCPUs per task, a GPU, dedicated tenancy). Any blocker makes the
  choice ``ec2`` with ``high`` confidence.
- Otherwise every *reason* favours ``lambda``, ``ec2`` or ``either`` with a weight 0..3
  (0 = worth knowing, 1 = a nudge, 2 = a clear factor, 3 = decisive). ``net`` = the Lambda
  weights minus the EC2 weights; ``net >= 2`` gives ``lambda``, ``net <= -2`` ``ec2``, else
  ``either``. Confidence comes from the figures when the comparison carries its
  ``uncertainty`` (compare() always prices it): the share of the ranges (or of the default
  spreads) in which the chosen side costs less with operations time included, and how far the
  nearest switch point is (``uncertainty.confidence``: high from 90 % of the range and a flip
  at least × 2 away, medium from 70 %, else low; ``either`` is always low). Without it, from
  the weights: ``|net| >= 5`` high, ``>= 3`` medium, else low, one step lower when the cost
  reason favours the other side.
- The verdict never contradicts its own cost line silently: when the chosen side costs more
  with operations time included, a first reason (``chosen_despite_cost``) says by how much and
  that the other reasons outweigh it; when the choice is ``either`` although one side costs
  clearly less, ``either_despite_cost`` says which.
- Cost ratios ("3.2× cheaper") are stated only when both totals are at least
  ``MIN_RATIO_USD`` a month: $0.40 against $17 is "$16.60 less", not "42.5× cheaper".
- ``tco`` adds operations time (``needs.ops_hours_per_month`` × ``needs.ops_hourly_usd``
  for EC2, ``needs.lambda_ops_hours_per_month`` × the same rate for Lambda) to the totals;
  ``switch_at`` is the request volume nearest the workload's where those two totals cross
  (break-even with operations included; the operations cost does not change with volume),
  or null when they never cross or a blocker decides.

Each rule is one small function whose docstring names its source. Reason texts are English;
each reason also carries ``code`` and ``params`` so a translated template (``MESSAGES``) can
render it again in another language: ``MESSAGES[code].format(**params)``. The English ``text``
says volumes to three significant figures (volumes.py); ``params`` keep every digit.

This module reaches the verdict; the pieces it weighs live beside it and are re-exported
here: ``recommend_facts`` (thresholds, ``Reason``, ``Blocker``, ``Recommendation``,
``Facts``), ``recommend_texts`` (``MESSAGES``), ``recommend_cost`` (the cost reasons on the
workload's basis, the switch point and the cost note) and ``recommend_rules`` (the blockers
and the other reasons). None of them imports compare.py: they read a comparison through
``priced.PricedPair``.
"""

from __future__ import annotations

from types import MappingProxyType

from advisor.pricing.basis import counts_operations, extra_usd, ops_usd
from advisor.pricing.ec2 import Ec2Model, build_ec2_model
from advisor.pricing.priced import PricedPair

# The public names of the recommendation, which used to live here, live on here too:
# the vocabulary and thresholds, the texts, the cost side and the other rules.
from advisor.pricing.recommend_cost import (  # noqa: F401
    SIDES,
    cost_note,
    nearest_switch,
    reason_cost,
    reason_operations,
    reason_sustained_volume,
    switch_points,
)
from advisor.pricing.recommend_facts import (  # noqa: F401
    CONCURRENCY_QUOTA,
    COST_SAME,
    CPU_HEAVY_SHARE,
    CPU_HEAVY_VCPUS,
    IDLE_UTILISATION,
    MAX_MEMORY_MB,
    MAX_VCPUS,
    MIN_RATIO_USD,
    NAT_SHARE,
    NEAR_TIMEOUT_MS,
    OPS_SHARE,
    P99_RATE,
    SPIKY_PEAK,
    STEADY_PEAK,
    TIMEOUT_MS,
    Blocker,
    Facts,
    Reason,
    Recommendation,
)
from advisor.pricing.recommend_rules import (  # noqa: F401
    APIGW_PRICING,
    BLOCKERS,
    DEDICATED,
    LAMBDA_LIMITS,
    LAMBDA_MEMORY,
    LAMBDA_PRICING,
    LAMBDA_VPC,
    REASONS,
    SEED,
    SEED_SECURITY,
    VPC_PRICING,
    blocker_dedicated,
    blocker_gpu,
    blocker_task_memory,
    blocker_task_vcpus,
    blocker_timeout,
    provisioned_for_peak,
    reason_concurrency,
    reason_cpu_heavy,
    reason_idle_fleet,
    reason_latency,
    reason_nat_egress,
    reason_near_timeout,
    reason_no_server_team,
    reason_persistent_connections,
    reason_private_network,
    reason_spiky,
    reason_use_case,
)
from advisor.pricing.recommend_texts import MESSAGES, render  # noqa: F401
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.uncertainty import confidence as uncertainty_confidence
from advisor.pricing.uncertainty import flip_ratio
from advisor.pricing.workload import Workload

_LEVELS = ("low", "medium", "high")


def recommend(comparison: PricedPair, workload: Workload, sheet: PriceSheet, *,
              model: Ec2Model | None = None, with_switch: bool = True) -> Recommendation:
    """The use-case recommendation for a priced comparison (see the module docstring)."""
    w, c = workload, comparison
    model = model or build_ec2_model(w, sheet)
    lambda_ops, ec2_ops = ops_usd(w, "lambda"), ops_usd(w, "ec2")
    with_ops = counts_operations(w)
    r = float(w.requests_per_month)
    # compare() prices break-even on the basis already; the switch point is its nearest.
    points = switch_points(c, sheet, model, lambda_ops if with_ops else 0.0,
                           ec2_ops if with_ops else 0.0) if with_switch else ()
    f = Facts(
        w=w, c=c, sheet=sheet, model=model, lambda_ops_usd=lambda_ops, ec2_ops_usd=ec2_ops,
        tco_lambda=c.lambda_.monthly_usd + extra_usd(w, "lambda"),
        tco_ec2=c.ec2.monthly_usd + extra_usd(w, "ec2"),
        avg_rps=r / (w.hours_per_month * 3600),
        steady=w.traffic.peak_to_average <= STEADY_PEAK and w.traffic.profile != "spiky",
        switch_points=tuple(points), with_ops=with_ops,
    )
    blockers = tuple(b for b in (rule(f) for rule in BLOCKERS) if b is not None)
    found = [x for x in (rule(f) for rule in REASONS) if x is not None]
    reasons = tuple(sorted(found, key=lambda x: -x.weight))  # stable: rule order on ties
    tco = {"lambda": f.tco_lambda, "ec2": f.tco_ec2, "lambda_ops": lambda_ops, "ec2_ops": ec2_ops}

    choice, confidence = verdict(reasons, blockers)
    # A blocker holds whatever the price: no volume changes the answer.
    at, to = (None, None) if blockers else nearest_switch(f)
    figures = c.uncertainty
    if figures is not None and not blockers:
        share = figures["share_cheaper"]
        agree = share.get(choice, 0.0) + share.get("tie", 0.0) / 2 if choice in SIDES else 0.0
        confidence = "low" if choice not in SIDES else uncertainty_confidence(
            agree, flip_ratio(r, at))
    note = None if blockers else cost_note(choice, f)
    if note is not None:
        reasons = (note, *reasons)
    return Recommendation(choice, confidence, reasons, blockers, at, to, f.switch_points,
                          MappingProxyType(tco))


def verdict(reasons: tuple[Reason, ...], blockers: tuple[Blocker, ...]) -> tuple[str, str]:
    """(choice, confidence) from the weights, as the module docstring describes."""
    if blockers:
        ruled_out = {b.rules_out for b in blockers}
        return ("ec2" if ruled_out == {"lambda"} else "either"), "high"
    net = sum(x.weight if x.favours == "lambda" else -x.weight if x.favours == "ec2" else 0
              for x in reasons)
    choice = "lambda" if net >= 2 else ("ec2" if net <= -2 else "either")
    level = 0 if choice == "either" else (2 if abs(net) >= 5 else 1 if abs(net) >= 3 else 0)
    cost = next((x for x in reasons if x.factor == "cost"), None)
    if choice != "either" and cost is not None and cost.favours not in (choice, "either"):
        level = max(0, level - 1)
    return choice, _LEVELS[level]
