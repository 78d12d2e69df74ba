"""The headline: one sentence that names the cheapest compared option on the result's basis
(basis.py), against the runner-up and by how much, and one labelled sentence of what the other
basis would say when operations time changes the figures.

"EC2 is $27.43 a month cheaper than Lambda on the AWS bill. Counting 8 engineer hours a month
at $75.00 for the fleet, Lambda would cost $572.57 a month less than EC2 in all."

Like the recommendation's reasons, each sentence is a ``code`` with ``params`` (options by
name: "lambda", "ec2", ...), so a page renders it again in the reader's language with its own
option names; ``text`` is the English rendering. A verdict stored before the basis existed
(no ``basis`` key) keeps its old codes (``HEADLINES``) and renders as it did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from advisor.pricing import basis as b
from advisor.pricing.messages import gettext_noop
from advisor.pricing.workload import DEFAULT_OPTIONS, Workload

TIE_USD = b.TIE_USD
SIDE_NAMES = {"lambda": "Lambda", "ec2": "EC2", "lambda_managed_instances":
              "Lambda Managed Instances", "fargate": "ECS on Fargate"}

# The statement on the result's basis, and the labelled sentence of the other basis.
STATEMENTS: dict[str, str] = {
    "cheaper_bill": gettext_noop(
        "{side} is ${usd:,.2f} a month cheaper than {other} on the AWS bill."),
    "tie_bill": gettext_noop(
        "{side} and {other} cost the same on the AWS bill: ${total_usd:,.2f} a month."),
    "cheaper_ops": gettext_noop(
        "Counting {ops}, {side} is ${usd:,.2f} a month cheaper than {other} in all."),
    "tie_ops": gettext_noop(
        "Counting {ops}, {side} and {other} cost the same in all: ${total_usd:,.2f} a month."),
    "other_ops": gettext_noop(
        "Counting {ops}, {side} would cost ${usd:,.2f} a month less than {other} in all."),
    "other_ops_tie": gettext_noop(
        "Counting {ops}, {side} and {other} would cost the same in all."),
    "other_bill": gettext_noop(
        "On the AWS bill alone, {side} would cost ${usd:,.2f} a month less than {other}."),
    "other_bill_tie": gettext_noop(
        "On the AWS bill alone, {side} and {other} would cost the same."),
}
# A stored verdict from before the basis existed (bill first, operations second).
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
# The operations time a sentence counts (its {ops}).
OPERATIONS: dict[str, str] = {
    "ops_ec2": gettext_noop("{ec2_hours:g} engineer hours a month at ${rate:,.2f} for the fleet"),
    "ops_lambda": gettext_noop(
        "{lambda_hours:g} engineer hours a month at ${rate:,.2f} for Lambda"),
    "ops_both": gettext_noop(
        "{ec2_hours:g} engineer hours a month for the fleet and {lambda_hours:g} for Lambda, "
        "at ${rate:,.2f} an hour"),
    "ops_options": gettext_noop(
        "each option's engineer hours a month at ${rate:,.2f} an hour ({hours})"),
}
# One option's hours inside "ops_options" ("EC2 8").
HOURS_ITEM = gettext_noop("{option} {hours:g}")


def _operations(w: Workload, compared: tuple[str, ...]) -> dict[str, Any]:
    rate = float(w.needs.ops_hourly_usd)
    hours = {name: b.ops_hours(w, name) for name in compared}
    if compared == DEFAULT_OPTIONS:
        lam, ec2 = hours["lambda"], hours["ec2"]
        code = "ops_both" if lam and ec2 else ("ops_lambda" if lam else "ops_ec2")
        return {"code": code, "params": {"ec2_hours": ec2, "lambda_hours": lam, "rate": rate}}
    return {"code": "ops_options", "params": {"hours": hours, "rate": rate}}


def _statement(w: Workload, bills: Mapping[str, float], basis: str,
               prefix: str) -> dict[str, Any]:
    totals = b.on_basis(w, bills, basis)
    order = b.ranked(totals)
    side, runner = order[0], order[1]
    usd = totals[runner] - totals[side]
    tie = usd <= TIE_USD
    kind = "bill" if basis == b.BILL else "ops"
    code = f"{prefix}_{kind}" + ("_tie" if tie and prefix == "other" else "")
    if prefix == "":
        code = ("tie_" if tie else "cheaper_") + kind
    return {"basis": basis, "cheaper": "tie" if tie else side, "runner_up": runner,
            "difference_usd": usd, "totals": totals, "code": code,
            "params": {"side": side, "other": runner, "usd": usd,
                       "total_usd": totals[side]}}


def headline(w: Workload, bills: Mapping[str, float]) -> dict[str, Any]:
    """The contract's ``verdict`` for the compared options' AWS bills (see the docstring)."""
    compared = tuple(bills)
    main = _statement(w, bills, w.basis, "")
    out: dict[str, Any] = {**main, "operations": _operations(w, compared), "other_basis": None}
    # The other basis says something of its own only when operations time differs.
    if len({b.ops_usd(w, name) for name in compared}) > 1:
        out["other_basis"] = _statement(w, bills, b.other(w.basis), "other")
    out["text"] = render(out, SIDE_NAMES)
    return out


def _fmt_ops(ops: Mapping[str, Any] | None, names: Mapping[str, str],
             translate: Callable[[str], str], fmt: Callable[..., str]) -> str:
    if not ops:
        return ""
    params = dict(ops["params"])
    if ops["code"] == "ops_options":
        params["hours"] = ", ".join(
            fmt(translate(HOURS_ITEM), option=names.get(k, k), hours=v)
            for k, v in params["hours"].items())
    return fmt(translate(OPERATIONS[ops["code"]]), **params)


def _fmt_statement(s: Mapping[str, Any], ops: str, names: Mapping[str, str],
                   translate: Callable[[str], str], fmt: Callable[..., str]) -> str:
    params = dict(s["params"])
    params["ops"] = ops
    params["side"] = names.get(params["side"], params["side"])
    params["other"] = names.get(params["other"], params["other"])
    return fmt(translate(STATEMENTS[s["code"]]), **params)


def render_main(verdict: Mapping[str, Any], names: Mapping[str, str],
                translate: Callable[[str], str] = lambda s: s,
                fmt: Callable[..., str] = str.format) -> str:
    """The statement on the result's basis alone (what the pinned summary and a report's
    heading say)."""
    if "basis" not in verdict:
        return render(verdict, names, translate, fmt)
    ops = _fmt_ops(verdict.get("operations"), names, translate, fmt)
    return _fmt_statement(verdict, ops, names, translate, fmt)


def render_other(verdict: Mapping[str, Any], names: Mapping[str, str],
                 translate: Callable[[str], str] = lambda s: s,
                 fmt: Callable[..., str] = str.format) -> str:
    """The labelled sentence of the other basis, or ""."""
    other = verdict.get("other_basis") if "basis" in verdict else None
    if not other:
        return ""
    ops = _fmt_ops(verdict.get("operations"), names, translate, fmt)
    return _fmt_statement(other, ops, names, translate, fmt)


def render(verdict: Mapping[str, Any], names: Mapping[str, str],
           translate: Callable[[str], str] = lambda s: s,
           fmt: Callable[..., str] = str.format) -> str:
    """The headline in words: ``names`` maps options to their names, ``translate`` gives a
    template in the reader's language and ``fmt`` is a locale-aware ``format``."""
    if "basis" in verdict:
        main = render_main(verdict, names, translate, fmt)
        other = render_other(verdict, names, translate, fmt)
        return f"{main} {other}" if other else main
    # A verdict stored before the basis existed.
    ops = verdict.get("operations")
    params = dict(verdict["params"])
    params["ops"] = fmt(translate(OPERATIONS[ops["code"]]), **ops["params"]) if ops else ""
    params["side"] = names.get(params["side"], params["side"])
    params["other"] = names.get(params["other"], params["other"])
    return fmt(translate(HEADLINES[verdict["code"]]), **params)
