"""The results page's words and figures for the options beyond Lambda and EC2.

``options_context`` adds to ``presenters.results_context`` when a result compared more (or
other) options: a total, a bill and a chart line per option, the cheapest, the choice over all
compared options with its reasons, and "which is cheapest" instead of the two-colour map.
A result with the default options gets nothing from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.pricing import choose
from advisor.pricing.options import registry
from advisor.pricing.recommend import MESSAGES as RECOMMEND_MESSAGES
from advisor.questionnaire import honest, option_charts, texts
from advisor.questionnaire.labels import OPTION_LABELS
from advisor.questionnaire.language import gettext as _
from advisor.questionnaire.numbers import count, rate, usd

TEMPLATES = {**RECOMMEND_MESSAGES, **choose.MESSAGES}


def option_labels(inputs: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, str]:
    """Every option's name on the page; Lambda and EC2 keep their front-door names."""
    return {**{n: str(OPTION_LABELS.get(n, n)) for n in registry()},
            "lambda": labels["lambda"], "ec2": labels["ec2"],
            "fargate": _("ECS on Fargate + ALB")}


def cheapest_elsewhere(result: Mapping[str, Any], label: Mapping[str, str]) -> str:
    """When an option beyond Lambda and EC2 costs least, a sentence that says so beside the
    Lambda-or-EC2 headline (page answer, pinned summary, saved report heading); else ""."""
    cheapest = result.get("cheapest")
    if cheapest in (None, "lambda", "ec2", "tie") or cheapest not in result:
        return ""
    if "basis" in (result.get("verdict") or {}):
        return ""  # the headline itself names the cheapest of every compared option
    n = len(result.get("inputs", {}).get("options", ()))
    return _("Of the %(n)s options compared, %(option)s costs least: %(total)s a month on the "
             "AWS bill.") % {"n": n, "option": label.get(cheapest, cheapest),
                             "total": usd(result[cheapest]["monthly_usd"])}


def message(code: str, params: Mapping[str, Any], names: Mapping[str, str],
            fallback: str = "") -> str:
    """A choice reason or an option's blocker in the visitor's language."""
    p = dict(params)
    for key in ("option", "runner_up"):
        if key in p:
            p[key] = names.get(p[key], p[key])
    if code == "choice_blocked":
        p["why"] = message(str(p.pop("blocker", "")), p.pop("blocker_params", {}) or {}, names)
    return texts.render(TEMPLATES, code, p, fallback)


def _item_labels(name: str, side: Mapping[str, Any]) -> dict[str, str]:
    s = side.get("sizing", {})
    if name == "lambda_managed_instances":
        return {
            "instances": _("Instances (%(type)s, up to %(n)s)")
            % {"type": s.get("instance_type", "?"), "n": s.get("peak_instances", "?")},
            "management_fee": _("Management fee (%(share)s of the on-demand price)")
            % {"share": f"{100 * s.get('management_fee_share', 0.15):g}%"},
            "requests": _("Requests"), "front_door": _("Front door"),
            "nat_gateway": _("NAT gateways"),
            "data_transfer": _("Data transfer out (internet egress)"),
            "public_ipv4": _("Public IPv4 addresses"), "logs": _("CloudWatch Logs ingestion"),
        }
    if name == "fargate":
        return {
            "tasks": _("Tasks (%(vcpu)s vCPU, %(gb)s GB, up to %(n)s)")
            % {"vcpu": f"{s.get('task_vcpu', 0):g}", "gb": f"{s.get('task_memory_gb', 0):g}",
               "n": s.get("peak_tasks", "?")},
            "load_balancer": _("Load balancer"), "nat_gateway": _("NAT gateways"),
            "data_transfer": _("Data transfer out (internet egress)"),
            "public_ipv4": _("Public IPv4 addresses"), "logs": _("CloudWatch Logs ingestion"),
        }
    return {}


def _sizing_note(name: str, side: Mapping[str, Any]) -> str:
    s = side.get("sizing", {})
    if name == "lambda_managed_instances":
        return _("%(n)s execution environments of %(v)s vCPU and %(m)s GiB at the peak "
                 "(%(c)s requests at once per vCPU), %(per)s per %(type)s, on at least 3 "
                 "instances.") % {
            "n": count(max(s.get("environments_for_concurrency", 0),
                           s.get("environments_for_cpu", 0))),
            "v": s.get("environment_vcpus", "?"),
            "m": f"{s.get('environment_memory_gib', 0):g}",
            "c": s.get("concurrency_per_vcpu", "?"),
            "per": s.get("environments_per_instance", "?"),
            "type": s.get("instance_type", "?")}
    if name == "fargate":
        return _("Tasks of %(vcpu)s vCPU and %(gb)s GB: up to %(n)s, %(h)s task-hours a "
                 "month.") % {"vcpu": f"{s.get('task_vcpu', 0):g}",
                             "gb": f"{s.get('task_memory_gb', 0):g}",
                             "n": s.get("peak_tasks", "?"), "h": count(s.get("task_hours", 0))}
    return ""


def curve_table(snapshot: Mapping[str, Any], names: list[str],
                rows: int = 13) -> list[dict[str, Any]]:
    """The cost chart's text alternative with a column per compared option."""
    curve = snapshot["curve"]
    xs = curve["requests_per_month"]
    if not xs:
        return []
    lines = {"lambda": curve["lambda_total"], "ec2": curve["ec2_total"],
             **snapshot["options"]["curve"]}
    step = max(1, (len(xs) - 1) // (rows - 1))
    picks = sorted(set(list(range(0, len(xs), step)) + [len(xs) - 1]))
    return [{"requests": count(xs[i]), "totals": [usd(lines[n][i]) for n in names],
             "cheapest": min(names, key=lambda n: lines[n][i])} for i in picks]


def grid_table(snapshot: Mapping[str, Any], size: int = 7) -> dict[str, Any]:
    """The "which is cheapest" map, coarsely: the cheapest option at a few cells."""
    grid, omap = snapshot["grid"], snapshot["options"]["map"]
    xs, ds = grid["requests_per_month"], grid["duration_ms"]
    if not xs or not ds:
        return {"columns": [], "rows": []}

    def picks(n: int) -> list[int]:
        return sorted({round(i * (n - 1) / (size - 1)) for i in range(size)})

    cols, rows = picks(len(xs)), picks(len(ds))
    return {"columns": [count(xs[c]) for c in cols],
            "rows": [{"duration": rate(ds[r]),
                      "cells": [omap["options"][omap["cheapest"][r][c]] for c in cols]}
                     for r in rows]}


def chart_tables(snapshot: Mapping[str, Any], names: list[str], label: Mapping[str, str],
                 charts: dict[str, Any]) -> dict[str, Any]:
    """Every compared option on the cost curve and the map, when the snapshot holds them (see
    presenters._results_context): their lines and cells added to ``charts``, and the charts'
    tables returned."""
    tables: dict[str, Any] = {}
    if "cost" in charts:
        charts["cost"] = option_charts.cost_lines(charts["cost"], snapshot, label)
        tables["option_curve_table"] = curve_table(snapshot, names)
    if "heatmap" in charts:
        charts["heatmap"] = option_charts.cheapest_map(snapshot, label)
        tables["option_grid_table"] = grid_table(snapshot)
    return tables


def _compared(result: Mapping[str, Any],
              labels: Mapping[str, str]) -> tuple[list[str], dict[str, str]] | None:
    """The compared options in the registry's order and their labels; None for a result of
    Lambda and EC2 alone."""
    if "cheapest" not in result:
        return None
    inputs = result["inputs"]
    return ([n for n in registry() if n in inputs.get("options", ())],
            option_labels(inputs, labels))


def chart_context(snapshot: Mapping[str, Any], labels: Mapping[str, str],
                  charts: dict[str, Any]) -> dict[str, Any]:
    """What the cost chart's and the map's figures need of the compared options, alone."""
    compared = _compared(snapshot["result"], labels)
    if compared is None:
        return {"options_compared": False}
    names, label = compared
    return {"options_compared": True, "option_names": names, "option_label": label,
            "option_legend": [{"name": n, "label": label[n]} for n in names],
            **chart_tables(snapshot, names, label, charts)}


def options_context(snapshot: Mapping[str, Any], labels: Mapping[str, str],
                    item_labels: Mapping[str, str], charts: dict[str, Any]) -> dict[str, Any]:
    result = snapshot["result"]
    compared = _compared(result, labels)
    if compared is None:
        return {"options_compared": False}
    names, label = compared
    cheapest = result["cheapest"]
    totals = [{"name": n, "label": label[n], "total": usd(result[n]["monthly_usd"]),
               "is_cheapest": n == cheapest} for n in names]
    bills = []
    for n in names:
        if n in ("lambda", "ec2"):
            continue
        side = result[n]
        words = _item_labels(n, side)
        bills.append({
            "name": n, "label": label[n], "total": usd(side["monthly_usd"]),
            "rows": [{"key": k, "label": words.get(k, k), "amount": usd(v), "zero": v == 0}
                     for k, v in side["items"].items()],
            "note": _sizing_note(n, side),
            "blockers": [message(b["code"], b.get("params") or {}, label, b.get("message", ""))
                         for b in side.get("blockers", [])],
        })
    choice = result.get("option_choice") or {}
    pick = choice.get("choice")
    reasons = [message(r["code"], r.get("params") or {}, label, r.get("message", ""))
               for r in choice.get("reasons", [])]
    all_items = {**item_labels}
    for n in names:
        if n not in ("lambda", "ec2"):
            all_items.update(_item_labels(n, result[n]))
    # One legend entry for every option's instances: each bar is a different fleet.
    all_items["instances"] = _("Instances")
    charts["breakdown"] = option_charts.breakdown_bars(charts["breakdown"], result, names,
                                                       label, all_items)
    tables = chart_tables(snapshot, names, label, charts)
    pairs = []
    for pair in result.get("pairwise_break_even", []):
        a, b = pair["options"]
        if (a, b) == ("lambda", "ec2"):
            continue
        points = [p["requests_per_month"] for p in pair["points"]]
        pairs.append({"a": label[a], "b": label[b], "count": len(points),
                      # Three significant figures, like every volume in a sentence.
                      "first": honest.volume_words(points[0]) if points else ""})
    rec_choice = (result.get("recommendation") or {}).get("choice")
    # The headline weighs Lambda against EC2; when a further option costs less than both, the
    # answer says so beside it rather than only in the options card further down.
    elsewhere = cheapest_elsewhere(result, label)
    return {
        "cheapest_elsewhere_text": elsewhere,
        # The two-option recommendation above may name another side: say why beside it.
        "option_choice_differs": bool(pick and rec_choice and rec_choice != pick),
        "options_compared": True,
        "option_names": names,
        "option_label": label,
        "option_totals": totals,
        "option_bills": bills,
        "cheapest_option": cheapest,
        "cheapest_option_label": label.get(cheapest, ""),
        "option_choice_label": label.get(pick, "") if pick else "",
        "option_reasons": reasons,
        "option_pairs": pairs,
        "option_legend": [{"name": n, "label": label[n]} for n in names],
        **tables,
    }
