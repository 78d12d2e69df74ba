"""What the results partial shows, computed from a snapshot only.

``results_context(snapshot)`` is shared by the questionnaire and saved reports: it reads the
stored dict (never the engine or the price tables), so a report renders the same forever.
Money stays unrounded in the snapshot and is rounded here, for display only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import formats
from django.utils.html import format_html

from advisor.questionnaire import charts, honest, korean, option_presenters, texts
from advisor.questionnaire.language import gettext as _
from advisor.questionnaire.numbers import count, rate, usd

SIDES = ("lambda", "ec2")


def _date_html(value: Any) -> str:
    """A stored ISO date in the locale's format, machine-readable in <time datetime>."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return format_html('<time datetime="{}">{}</time>', day.isoformat(),
                       formats.date_format(day, "DATE_FORMAT"))


def side_labels(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The two stacks, named with their front doors so the comparison is honest."""
    door = inputs.get("front_door", "none")
    lam = {
        "http_api": _("Lambda + HTTP API"), "rest_api": _("Lambda + REST API"),
        "alb": _("Lambda + ALB"), "function_url": _("Lambda (function URL)"),
    }.get(door, _("Lambda"))
    lb = inputs.get("ec2", {}).get("load_balancer", "alb")
    ec2 = {"alb": _("EC2 + ALB"), "nlb": _("EC2 + NLB")}.get(lb, _("EC2"))
    return {"lambda": lam, "ec2": ec2}


def item_labels(result: Mapping[str, Any]) -> dict[str, str]:
    ec2 = result["ec2"]
    return {
        "requests": _("Requests"),
        "compute": _("Compute (duration and billed INIT)"),
        "ephemeral_storage": _("Ephemeral storage over 512 MB (/tmp)"),
        "provisioned_concurrency": _("Provisioned concurrency"),
        "front_door": _("Front door"),
        "nat_gateway": _("NAT gateways"),
        # Named as the questionnaire's "Internet egress" field too, so the two are linked.
        "data_transfer": _("Data transfer out (internet egress)"),
        "instances": _("Instances (%(type)s, up to %(n)s)")
        % {"type": ec2.get("instance_type", "?"), "n": ec2.get("peak_instances", "?")},
        "storage": _("EBS storage"),
        "load_balancer": _("Load balancer"),
        "public_ipv4": _("Public IPv4 addresses"),
        "logs": _("CloudWatch Logs ingestion"),
    }


def _sides_above(points: Sequence[float], user: float, user_side: str,
                 curve: Mapping[str, Any] | None,
                 result_bands: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """The side that is cheaper just above each break-even point.

    The totals cross at every point, so the cheaper side alternates from one interval to the
    next; anchor the alternation at the user's traffic (or, on a tie, at the curve's end).
    """
    if user_side not in SIDES and curve is None:
        # No curve yet (it comes with its chart): the last band says which side is cheaper
        # above every point.
        bands = result_bands or [{"above": "ec2"}]
        user, user_side = math.inf, bands[-1]["above"]
    elif user_side not in SIDES:
        xs, lam, ec2 = curve["requests_per_month"], curve["lambda_total"], curve["ec2_total"]
        user, user_side = xs[-1], ("lambda" if lam[-1] < ec2[-1] else "ec2")
    j = sum(1 for p in points if p <= user)  # interval holding the user's traffic
    other = {"lambda": "ec2", "ec2": "lambda"}
    return [user_side if (i + 1 - j) % 2 == 0 else other[user_side] for i in range(len(points))]


def break_even_sentences(result: Mapping[str, Any], curve: Mapping[str, Any] | None,
                         labels: Mapping[str, str]) -> list[dict[str, Any]]:
    inputs = result["inputs"]
    hours = float(inputs.get("hours_per_month", 730))
    points = [float(p["requests_per_month"]) for p in result.get("break_even", [])]
    sides = _sides_above(points, float(inputs["requests_per_month"]), result["cheaper"], curve,
                         result.get("break_even_bands") or ())
    ec2_name = (_("EC2 with its load balancer")
                if inputs.get("ec2", {}).get("load_balancer", "alb") != "none" else _("EC2"))
    names = {"lambda": labels["lambda"], "ec2": ec2_name}
    out = []
    for p, side in zip(points, sides, strict=True):
        out.append({
            "requests_per_month": p, "side": side,
            "text": korean.format(_("%(side)s becomes cheaper above %(n)s requests a month, "
                                    "about %(rps)s per second."),
                                  {"side": names[side], "n": honest.volume_words(p),
                                   "rps": rate(p / (hours * 3600))}),
        })
    return out


def _curve_table(snapshot: Mapping[str, Any], rows: int = 13) -> list[dict[str, str]]:
    """About a dozen points of the cost curve: the chart's text alternative."""
    curve = snapshot["curve"]
    xs = curve["requests_per_month"]
    if not xs:
        return []
    step = max(1, (len(xs) - 1) // (rows - 1))
    picks = sorted(set(list(range(0, len(xs), step)) + [len(xs) - 1]))
    return [{"requests": count(xs[i]), "lambda": usd(curve["lambda_total"][i]),
             "ec2": usd(curve["ec2_total"][i]),
             "cheaper": "lambda" if curve["lambda_total"][i] <= curve["ec2_total"][i] else "ec2"}
            for i in picks]


def _grid_table(snapshot: Mapping[str, Any], size: int = 7) -> dict[str, Any]:
    """A coarse version of the heatmap: which side is cheaper at a few volumes × durations."""
    grid = snapshot["grid"]
    xs, ds, diff = grid["requests_per_month"], grid["duration_ms"], grid["difference"]
    if not xs or not ds:
        return {"columns": [], "rows": []}

    def picks(n: int) -> list[int]:
        return sorted({round(i * (n - 1) / (size - 1)) for i in range(size)})

    cols, rows = picks(len(xs)), picks(len(ds))
    return {
        "columns": [count(xs[c]) for c in cols],
        "rows": [{"duration": rate(ds[r]),
                  "cells": ["lambda" if diff[r][c] <= 0 else "ec2" for c in cols]}
                 for r in rows],
    }


def ownership(rec: Mapping[str, Any] | None, labels: Mapping[str, str],
              result: Mapping[str, Any] | None = None) -> list[dict[str, str]]:
    """Each side's total cost of ownership: the AWS bill plus the engineer time it takes, and
    the bill's lines people forget (public IPv4 addresses, log ingestion)."""
    tco = (rec or {}).get("tco")
    if not tco:
        return []
    rows = []
    for side in SIDES:
        ops = float(tco.get(f"{side}_ops", 0))
        items = ((result or {}).get(side) or {}).get("items", {})
        # The bill from the result itself: on the "bill" basis ``tco`` holds bills alone.
        bill = float(((result or {}).get(side) or {}).get("monthly_usd", float(tco[side]) - ops))
        rows.append({"side": side, "label": labels[side], "total": usd(bill + ops),
                     "bill": usd(bill), "ops": usd(ops),
                     # A stored result may predate these lines: then they are not shown.
                     "public_ipv4": usd(items["public_ipv4"]) if "public_ipv4" in items else "",
                     "logs": usd(items["logs"]) if "logs" in items else ""})
    return rows


def switch_sentence(rec: Mapping[str, Any] | None, requests: float, hours: float,
                    labels: Mapping[str, str], basis: str = "bill_and_operations") -> str:
    """What would change the answer: the traffic at which the cheaper side on the result's
    basis changes hands (the recommendation's switch point)."""
    if not rec:
        return ""
    if rec.get("blockers"):
        return str(_("No traffic volume changes this answer: a blocker rules Lambda out."))
    at, to = rec.get("switch_at"), rec.get("switch_to")
    bill = basis == "bill"
    if not at or to not in SIDES:
        if bill:
            return str(_("No traffic volume between 1 and 1 trillion requests a month changes "
                         "which side costs less on the AWS bill."))
        return str(_("No traffic volume between 1 and 1 trillion requests a month changes which "
                     "side costs less with operations time included."))
    per_second = rate(float(at) / (hours * 3600))
    # Three significant figures: the switch point is no surer than the inputs it comes from.
    params = {"side": labels[to], "n": honest.volume_words(at), "rps": per_second}
    if bill:
        if float(at) > requests:
            return korean.format(_("Above about %(n)s requests a month (%(rps)s a second), "
                                   "%(side)s costs less on the AWS bill."), params)
        return korean.format(_("Below about %(n)s requests a month (%(rps)s a second), "
                               "%(side)s costs less on the AWS bill."), params)
    if float(at) > requests:
        return korean.format(_("Above about %(n)s requests a month (%(rps)s a second), %(side)s "
                               "costs less with operations time included."), params)
    return korean.format(_("Below about %(n)s requests a month (%(rps)s a second), %(side)s "
                           "costs less with operations time included."), params)


def results_context(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the results partials need, from the snapshot alone."""
    context = _results_context(snapshot)
    # The honest answer: headline, deciding assumptions, ranges, tornado, flips as bands.
    context.update(honest.context(snapshot, context["labels"]))
    # One winner per screen: the pinned summary says the headline's own statement.
    main = honest.headline_main(snapshot["result"], context["labels"])
    if main:
        context["verdict_text"] = main
    if "cost" in context["charts"]:
        context["charts"]["cost"] = honest.add_band(context["charts"]["cost"], snapshot,
                                                    context["labels"])
    context["charts"]["tornado"] = context["tornado"]
    return context


def chart_context(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """What the cost chart's or the map's figure needs (views.chart), drawn exactly as
    results_context() draws them for a whole page: each option's lines, then the bands."""
    labels = side_labels(snapshot["result"]["inputs"])
    charts_: dict[str, Any] = {}
    context: dict[str, Any] = {"labels": labels, "charts": charts_,
                               **_series_charts(snapshot, labels, charts_)}
    context.update(option_presenters.chart_context(snapshot, labels, charts_))
    if "cost" in charts_:
        charts_["cost"] = honest.add_band(charts_["cost"], snapshot, labels)
    return context


def _series_charts(snapshot: Mapping[str, Any], labels: Mapping[str, str],
                   charts_: dict[str, Any]) -> dict[str, Any]:
    """The cost curve and the map, for those of their series the snapshot holds: their
    figures added to ``charts_``, their tables returned."""
    tables: dict[str, Any] = {}
    if "curve" in snapshot:
        charts_["cost"] = charts.cost_curve(snapshot, labels)
        tables["curve_table"] = _curve_table(snapshot)
    if "grid" in snapshot:
        charts_["heatmap"] = charts.cheaper_map(snapshot, labels)
        tables["grid_table"] = _grid_table(snapshot)
    return tables


def _results_context(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    result = snapshot["result"]
    inputs = result["inputs"]
    labels = side_labels(inputs)
    items = item_labels(result)
    lam_total = float(result["lambda"]["monthly_usd"])
    ec2_total = float(result["ec2"]["monthly_usd"])
    requests = float(inputs["requests_per_month"])
    hours = float(inputs.get("hours_per_month", 730))
    cheaper = result["cheaper"]
    saving = abs(lam_total - ec2_total)
    # The saving is said on the result's basis, as ``cheaper`` is: counting operations time
    # the bills' difference alone would name the side that costs more as saving.
    stated = result.get("verdict")
    on_basis = stated.get("totals") if result.get("basis") and isinstance(stated, dict) else None
    if isinstance(on_basis, dict) and "lambda" in on_basis and "ec2" in on_basis:
        saving = abs(float(on_basis["lambda"]) - float(on_basis["ec2"]))
    per_million = requests >= 1e6 and result.get("basis") != "bill_and_operations"
    rows = {
        side: [{"key": k, "label": items.get(k, k), "amount": usd(v), "zero": v == 0}
               for k, v in result[side]["items"].items()]
        for side in SIDES
    }
    # A result with flips as bands says them as bands (honest.context); the sentences one
    # flip at a time are for results saved before bands existed.
    sentences = ([] if result.get("break_even_bands") else
                 break_even_sentences(result, snapshot.get("curve"), labels))
    ec2 = result["ec2"]
    recommendation = result.get("recommendation")
    if cheaper == "tie":
        verdict = _("Both cost %(total)s a month.") % {"total": usd(lam_total)}
    else:
        verdict = korean.format(_("%(side)s is cheaper by %(saving)s a month."), {
            "side": labels[cheaper], "saving": usd(saving)})
    # The cost curve and the map come with the snapshot (a report, a full page) or on their
    # own when their chart comes into view (views.chart); until then the page holds a frame.
    charts_ = {"breakdown": charts.breakdown(snapshot, labels, items)}
    tables = _series_charts(snapshot, labels, charts_)
    # More options than Lambda and EC2: lines, bars, bills and the choice for each (their
    # own module; adds to the charts above).
    more = option_presenters.options_context(snapshot, labels, items, charts_)
    return {
        **more,
        "snapshot": snapshot,
        "verdict_text": verdict,
        "result": result,
        "inputs": inputs,
        "labels": labels,
        "cheaper": cheaper,
        "cheaper_label": labels.get(cheaper, ""),
        "other_label": labels["ec2" if cheaper == "lambda" else "lambda"],
        "lambda_total": usd(lam_total),
        "ec2_total": usd(ec2_total),
        "saving": usd(saving),
        # Per million only from a million requests up: for a 720-run job, "$21,977.78 per
        # million requests" extrapolates far beyond the workload and reads as a real saving.
        # Not with operations time either: its engineer hours are not a cost per request.
        "saving_per_million": usd(saving / (requests / 1e6)) if per_million else "",
        "requests": count(requests),
        "avg_rps": rate(requests / (hours * 3600)),
        "rows": rows,
        "ec2": {"instance_type": ec2.get("instance_type"),
                "peak_instances": ec2.get("peak_instances"),
                "instance_hours": count(ec2.get("instance_hours", 0)),
                "scaling": inputs.get("ec2", {}).get("scaling", "fixed")},
        "break_even": sentences,
        # The bills leave out engineer time and the recommendation counts it, so the two can
        # name different sides; say so beside the bills rather than leave it a contradiction.
        "totals_note": _("Cheaper here counts operations time: each side's bill plus its "
                         "engineer hours at %(rate)s an hour (the recommendation's cost of "
                         "ownership below).") % {"rate": usd(float(
                             inputs.get("needs", {}).get("ops_hourly_usd", 0)))}
        if result.get("basis") == "bill_and_operations" else "",
        "recommendation_differs": bool(
            recommendation and cheaper in SIDES and recommendation.get("choice") in SIDES
            and recommendation.get("choice") != cheaper),
        "recommended_label": labels.get((recommendation or {}).get("choice", ""), ""),
        "recommendation_differs_text": (
            _("These totals are the AWS bills alone. The recommendation below also weighs "
              "engineer time and your situation, and favours %(side)s.")
            if result.get("basis") is None else
            _("The recommendation below weighs your situation as well as the cost, and "
              "favours %(side)s; its first reason says why.")) % {
            "side": labels.get((recommendation or {}).get("choice", ""), "")},
        "no_break_even": korean.format(
            _("%(side)s is cheaper at every volume from 1 to 1 trillion requests a month, with "
              "everything else as entered."),
            {"side": labels.get(cheaper, labels["lambda"])}) if not result.get("break_even") else "",
        "price_book": {**result["price_book"],
                       "effective_from_html": _date_html(result["price_book"].get("effective_from"))},
        # Re-rendered from codes and numbers in the visitor's language (advisor/texts.py).
        "assumptions": texts.assumptions(result),
        "hours_per_month": rate(hours),
        "recommendation": texts.recommendation(recommendation),
        "ownership": ownership(recommendation, labels, result),
        "switch_text": switch_sentence(recommendation, requests, hours, labels,
                                       honest.basis_of(result)),
        "charts": charts_,
        **tables,
    }
