"""The headline: one sentence that names the cheaper side on the AWS bill, by how much, and,
when operations time changes the answer, says so with its figures.

"EC2 is $27.43 a month cheaper on the AWS bill; counting 8 engineer hours a month at $75.00
for the fleet, Lambda costs $572.57 less in all."

Like the recommendation's reasons, the sentence is a ``code`` with ``params`` (sides as
"lambda"/"ec2"), so a page renders it again in the reader's language with its own side names;
``text`` is the English rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.pricing.recommend import gettext_noop

TIE_USD = 0.01
SIDE_NAMES = {"lambda": "Lambda", "ec2": "EC2"}

HEADLINES: dict[str, str] = {
    "bill": gettext_noop("{side} is ${bill_usd:,.2f} a month cheaper on the AWS bill."),
    "bill_tie": gettext_noop("Both cost ${total_usd:,.2f} a month on the AWS bill."),
    "same": gettext_noop(
        "{side} is ${bill_usd:,.2f} a month cheaper on the AWS bill, and ${all_usd:,.2f} "
        "cheaper counting {ops}."),
    "flips": gettext_noop(
        "{side} is ${bill_usd:,.2f} a month cheaper on the AWS bill; counting {ops}, {other} "
        "costs ${all_usd:,.2f} less in all."),
    "evens": gettext_noop(
        "{side} is ${bill_usd:,.2f} a month cheaper on the AWS bill; counting {ops}, both cost "
        "the same in all."),
    "tie_then": gettext_noop(
        "Both cost ${total_usd:,.2f} a month on the AWS bill; counting {ops}, {other} costs "
        "${all_usd:,.2f} less in all."),
}
# The operations time a headline counts (its {ops}).
OPERATIONS: dict[str, str] = {
    "ops_ec2": gettext_noop("{ec2_hours:g} engineer hours a month at ${rate:,.2f} for the fleet"),
    "ops_lambda": gettext_noop(
        "{lambda_hours:g} engineer hours a month at ${rate:,.2f} for Lambda"),
    "ops_both": gettext_noop(
        "{ec2_hours:g} engineer hours a month for the fleet and {lambda_hours:g} for Lambda, "
        "at ${rate:,.2f} an hour"),
}


def _side(diff: float) -> str:
    """The cheaper side for a difference Lambda minus EC2 ("tie" within a cent)."""
    return "tie" if abs(diff) <= TIE_USD else ("lambda" if diff < 0 else "ec2")


def headline(lambda_usd: float, ec2_usd: float, lambda_hours: float, ec2_hours: float,
             rate: float) -> dict[str, Any]:
    """The contract's ``verdict`` object (see the module docstring)."""
    lambda_ops, ec2_ops = lambda_hours * rate, ec2_hours * rate
    bill_diff = lambda_usd - ec2_usd
    all_diff = bill_diff + lambda_ops - ec2_ops
    bill, overall = _side(bill_diff), _side(all_diff)
    ops_code = None
    if lambda_ops != ec2_ops:
        ops_code = ("ops_both" if lambda_hours and ec2_hours
                    else "ops_lambda" if lambda_hours else "ops_ec2")
    params: dict[str, Any] = {"side": bill, "other": overall, "bill_usd": abs(bill_diff),
                              "all_usd": abs(all_diff), "total_usd": lambda_usd}
    if ops_code is None:
        code = "bill_tie" if bill == "tie" else "bill"
    elif bill == "tie":
        code = "bill_tie" if overall == "tie" else "tie_then"
    elif overall == bill:
        code = "same"
    else:
        code = "evens" if overall == "tie" else "flips"
    ops = {"code": ops_code, "params": {"ec2_hours": ec2_hours, "lambda_hours": lambda_hours,
                                        "rate": rate}} if ops_code else None
    out = {
        "bill": {"cheaper": bill, "difference_usd": abs(bill_diff)},
        "with_operations": {"cheaper": overall, "difference_usd": abs(all_diff),
                            "lambda_ops_usd": lambda_ops, "ec2_ops_usd": ec2_ops},
        "operations_change_answer": overall != bill,
        "code": code, "params": params, "operations": ops,
    }
    out["text"] = render(out, SIDE_NAMES)
    return out


def render(verdict: Mapping[str, Any], names: Mapping[str, str],
           templates: Mapping[str, str] = HEADLINES, operations: Mapping[str, str] = OPERATIONS,
           fmt: Any = str.format) -> str:
    """The headline in words: ``names`` maps "lambda"/"ec2" to the side names; ``templates``
    and ``operations`` may be translated ones, ``fmt`` a locale-aware ``format``."""
    ops = verdict.get("operations")
    params = dict(verdict["params"])
    params["ops"] = fmt(operations[ops["code"]], **ops["params"]) if ops else ""
    params["side"] = names.get(params["side"], params["side"])
    params["other"] = names.get(params["other"], params["other"])
    return fmt(templates[verdict["code"]], **params)
