"""The cost side of the recommendation (recommend.py), on the workload's basis (basis.py):
the cost and operations reasons, steady volume past the break-even point, the switch point
nearest the workload, and the note when the verdict goes against its own cost line.

On the "tco" basis the totals include operations time and the texts say so; on the "bill"
basis the operations cost is left out of the totals and :meth:`Facts.code` picks the
"_bill" wording.
"""

from __future__ import annotations

import math

import numpy as np

from advisor.pricing.basis import extra_usd
from advisor.pricing.breakeven import workload_break_even
from advisor.pricing.ec2 import Ec2Model
from advisor.pricing.lambda_ import lambda_total_fn
from advisor.pricing.priced import PricedPair
from advisor.pricing.recommend_facts import COST_SAME, MIN_RATIO_USD, OPS_SHARE, Facts, Reason
from advisor.pricing.recommend_facts import message_params as _p
from advisor.pricing.sheet import PriceSheet

SIDES = ("lambda", "ec2")


def reason_operations(f: Facts) -> Reason | None:
    """Operations time is a large part of EC2's cost of ownership (at least a quarter): the
    seed's list of what EC2 demands, priced with the user's hours and rate."""
    extra = f.ec2_ops_usd - f.lambda_ops_usd
    owned = f.c.ec2.monthly_usd + f.ec2_ops_usd  # EC2's cost of ownership on any basis
    if extra <= 0 or owned <= 0 or f.ec2_ops_usd / owned < OPS_SHARE:
        return None
    n = f.w.needs
    return Reason("operations", "lambda", 1, "operations", _p(
        ops_share_pct=100 * f.ec2_ops_usd / owned, ops_hours=n.ops_hours_per_month,
        ops_hourly_usd=n.ops_hourly_usd, ops_usd=f.ec2_ops_usd))


def reason_cost(f: Facts) -> Reason:
    """The cheaper side with operations time included (the cost figures: both totals from
    the price book, plus the user's operations hours × rate). Weight by the ratio: 3 from
    3×, 2 from 1.5×, else 1; within 5 % (or a cent) it is a draw."""
    lam, ec2 = f.tco_lambda, f.tco_ec2
    params = dict(lambda_usd=lam, ec2_usd=ec2, lambda_ops_usd=f.lambda_ops_usd,
                  ec2_ops_usd=f.ec2_ops_usd)
    high, low = max(lam, ec2), min(lam, ec2)
    if high - low <= max(0.01, COST_SAME * high):
        return Reason("cost", "either", 0, f.code("cost_same"), _p(**params))
    side = "lambda" if lam < ec2 else "ec2"
    if low < 0.01:  # one side (nearly) free: a ratio would say nothing
        return Reason("cost", side, 3, f.code(f"cost_{side}_free"), _p(**params))
    ratio = high / low
    weight = 3 if ratio >= 3 else (2 if ratio >= 1.5 else 1)
    if low < MIN_RATIO_USD:  # small totals: the ratio weighs, the text gives dollars only
        return Reason("cost", side, weight, f.code(f"cost_{side}_free"), _p(**params))
    return Reason("cost", side, weight, f.code(f"cost_{side}"), _p(**params, ratio=ratio))


def reason_sustained_volume(f: Facts) -> Reason | None:
    """Sustained traffic above the break-even point favours EC2 (the cost figures: steady
    = busiest hour at most 2× the average, not 'spiky'; EC2 cheaper with operations
    included). Pilots and unpredictable traffic are not 'sustained'."""
    if not f.steady or f.requests <= 0 or f.tco_ec2 >= f.tco_lambda:
        return None
    if f.w.needs.use_case in ("pilot", "unpredictable_traffic"):
        return None
    below = [p for p in f.switch_points if p < f.requests]
    params = dict(peak_to_average=f.w.traffic.peak_to_average, avg_rps=f.avg_rps)
    if below:
        return Reason("traffic", "ec2", 2, f.code("sustained_volume_above"),
                      _p(**params, switch_at=max(below)))
    return Reason("traffic", "ec2", 2, f.code("sustained_volume"), _p(**params))


def switch_points(c: PricedPair, sheet: PriceSheet, model: Ec2Model, lambda_ops: float,
                  ec2_ops: float) -> tuple[float, ...]:
    """Break-even volumes with these operations costs (a constant on each side; 0 on the
    bill alone). compare()'s own points are on the workload's basis already."""
    w = c.workload
    if lambda_ops == ec2_ops or (lambda_ops == extra_usd(w, "lambda")
                                 and ec2_ops == extra_usd(w, "ec2")):
        return c.break_even
    return tuple(workload_break_even(sheet, c.workload, model, lambda_extra=lambda_ops,
                                     ec2_extra=ec2_ops))


def nearest_switch(f: Facts) -> tuple[float | None, str | None]:
    """The crossing nearest the workload's volume and the side that becomes cheaper
    beyond it, or (None, None) when the totals never cross."""
    if not f.switch_points:
        return None, None
    r = f.requests
    # Nearest on a log scale; with no traffic, the first crossing.
    at = min(f.switch_points, key=lambda p: abs(math.log(p / r))) if r > 0 \
        else f.switch_points[0]
    # No crossing lies between the workload's volume and the nearest one, so crossing it
    # hands the cheaper side (operations included) to the other side.
    if f.tco_lambda != f.tco_ec2:
        return float(at), ("ec2" if f.tco_lambda < f.tco_ec2 else "lambda")
    beyond = np.array([at * (1 + 1e-7) if at > r else at / (1 + 1e-7)])
    lam = lambda_total_fn(f.sheet, f.w)(beyond) + (f.lambda_ops_usd if f.with_ops else 0.0)
    ec2 = f.model.total(beyond) + (f.ec2_ops_usd if f.with_ops else 0.0)
    return float(at), ("lambda" if float(lam[0]) < float(ec2[0]) else "ec2")


def cost_note(choice: str, f: Facts) -> Reason | None:
    """The reason a choice stands beside a cost line that favours the other side (see
    recommend.py's module docstring), or None when the two agree."""
    lam, ec2 = f.tco_lambda, f.tco_ec2
    cheaper = "tie" if abs(lam - ec2) <= 0.01 else ("lambda" if lam < ec2 else "ec2")
    usd = abs(lam - ec2)
    # Product names (not translated), so the sentence reads the same in every language.
    names = {"lambda": "Lambda", "ec2": "EC2"}
    if choice in SIDES and cheaper in SIDES and cheaper != choice:
        return Reason("verdict", cheaper, 0, f.code("chosen_despite_cost"),
                      _p(side=names[choice], other=names[cheaper], usd=usd))
    if choice == "either" and cheaper in SIDES and usd > max(0.01, COST_SAME * max(lam, ec2)):
        return Reason("verdict", cheaper, 0, f.code("either_despite_cost"),
                      _p(other=names[cheaper], usd=usd))
    return None
