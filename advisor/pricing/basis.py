"""The basis of a result: what every comparative figure counts.

A result compares options on one basis, the contract's ``basis``:

- ``"bill"`` (the default): the AWS bill alone;
- ``"bill_and_operations"``: the bill plus each option's operations time, its hours a month
  × ``needs.ops_hourly_usd``.

``cheaper``, the headline, ``uncertainty`` (its one ``share_cheaper`` and ``sensitivity``),
``break_even``, the recommendation's cost reason, ``cheapest`` and ``option_choice`` all stand
on it; what the other basis would say is one labelled sentence of the headline.

Each option has its own operations hours (``OPS_HOURS_FIELD``); the defaults and their
reasons are on the methodology page ("Operations time of each option").
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.pricing.workload import Workload

BILL = "bill"
BILL_AND_OPERATIONS = "bill_and_operations"
TIE_USD = 0.01  # as compare.TIE_USD: totals within a cent are a tie

OPS_HOURS_FIELD: dict[str, str] = {
    "lambda": "needs.lambda_ops_hours_per_month",
    "ec2": "needs.ops_hours_per_month",
    "lambda_managed_instances": "managed_instances.ops_hours_per_month",
    "fargate": "fargate.ops_hours_per_month",
}


def ops_hours(w: Workload, option: str) -> float:
    """The operations hours a month of ``option`` (0 for an option without a field)."""
    name = OPS_HOURS_FIELD.get(option)
    return float(w.value(name)) if name else 0.0


def ops_usd(w: Workload, option: str) -> float:
    """What ``option``'s operations time costs a month, whatever the basis."""
    return ops_hours(w, option) * float(w.needs.ops_hourly_usd)


def counts_operations(w: Workload) -> bool:
    return w.basis == BILL_AND_OPERATIONS


def extra_usd(w: Workload, option: str) -> float:
    """What the basis adds to ``option``'s bill: its operations cost, or 0 on the bill."""
    return ops_usd(w, option) if counts_operations(w) else 0.0


def on_basis(w: Workload, bills: Mapping[str, float], basis: str | None = None) -> dict[str, float]:
    """Each option's total on ``basis`` (the workload's own by default)."""
    with_ops = (basis or w.basis) == BILL_AND_OPERATIONS
    return {name: float(bill) + (ops_usd(w, name) if with_ops else 0.0)
            for name, bill in bills.items()}


def other(basis: str) -> str:
    return BILL if basis == BILL_AND_OPERATIONS else BILL_AND_OPERATIONS


def ranked(totals: Mapping[str, float]) -> list[str]:
    """Option names, cheapest first (ties keep the given order)."""
    return sorted(totals, key=lambda name: totals[name])


def cheapest(totals: Mapping[str, float]) -> str:
    """The cheapest option, or "tie" when the two cheapest are within a cent."""
    order = ranked(totals)
    if len(order) > 1 and totals[order[1]] - totals[order[0]] <= TIE_USD:
        return "tie"
    return order[0]


def pair_cheaper(lambda_usd: float, ec2_usd: float) -> str:
    """"lambda", "ec2" or "tie" (within a cent)."""
    diff = lambda_usd - ec2_usd
    return "tie" if abs(diff) <= TIE_USD else ("lambda" if diff < 0 else "ec2")
