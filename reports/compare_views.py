"""Two or three saved reports side by side: ``/r/compare/?codes=<a>,<b>[,<c>]``.

The page only reads the stored snapshots (never the engine or today's prices): the inputs
that differ, each report's totals and line items with the differences to the first, and each
verdict. With one code it asks for the other report's link or code.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from advisor.questionnaire import option_presenters
from advisor.questionnaire.forms import form_name
from advisor.questionnaire.labels import CHOICE_LABELS, OPTION_LABELS
from advisor.questionnaire.numbers import usd
from advisor.questionnaire.presenters import item_labels, side_labels
from reports.export import EC2_ITEMS, LAMBDA_ITEMS
from reports.models import Report
from reports.views import input_rows, read_only, verdict

MAX_REPORTS = 3
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LETTERS = "ABC"


def _codes(request: HttpRequest) -> tuple[list[str], list[str]]:
    """The codes asked for, in order and each once, and the problems with the rest."""
    raw = ",".join(request.GET.getlist("codes"))
    added = request.GET.get("add", "")
    found: list[str] = []
    problems: list[str] = []
    for part in [p.strip() for p in raw.split(",") if p.strip()]:
        if UUID_RE.fullmatch(part):
            found.append(part)
        else:
            problems.append(_("“%(code)s” is not a report code.") % {"code": part[:80]})
    if added.strip():
        match = UUID_RE.search(added.lower())
        if match:
            found.append(match.group(0))
        else:
            problems.append(_("Paste a report's link or its code (“%(text)s” is neither).")
                            % {"text": added.strip()[:80]})
    return list(dict.fromkeys(found)), problems


def _choice(name: str, value: str) -> str:
    """A choice input in the page's words ("Reserved instance, 1 year ..."), else as shown."""
    return str(CHOICE_LABELS.get(form_name(name), {}).get(value, value))


def _money(value: float | None) -> str:
    return "—" if value is None else usd(value)


def _diff(value: float | None, first: float | None) -> str:
    if value is None or first is None:
        return ""
    delta = value - first
    if abs(delta) < 0.005:
        return "±$0.00"
    return ("+" if delta > 0 else "−") + usd(abs(delta))


def _side(report: Report, letter: str) -> dict[str, Any]:
    result = report.snapshot["result"]
    inputs = result.get("inputs", {})
    labels = option_presenters.option_labels(inputs, side_labels(inputs))
    totals = {name: result[name]["monthly_usd"] for name in OPTION_LABELS
              if isinstance(result.get(name), dict) and "monthly_usd" in result[name]}
    return {"report": report, "letter": letter, "result": result, "labels": labels,
            "totals": totals, "verdict": verdict(result),
            "inputs": {row["name"]: row for row in input_rows(inputs)},
            "book": result.get("price_book") or {}}


def compare_context(reports: list[Report]) -> dict[str, Any]:
    sides = [_side(r, LETTERS[i]) for i, r in enumerate(reports)]
    first = sides[0]
    names = list(dict.fromkeys(n for s in sides for n in s["inputs"]))
    differ = []
    for name in names:
        values = [_choice(name, s["inputs"].get(name, {}).get("value", "—")) for s in sides]
        if len(set(values)) > 1:
            label = next(s["inputs"][name]["label"] for s in sides if name in s["inputs"])
            differ.append({"name": name, "label": label, "values": values})
    options = [o for o in OPTION_LABELS if any(o in s["totals"] for s in sides)]
    totals = []
    for option in options:
        values = [s["totals"].get(option) for s in sides]
        totals.append({"label": str(OPTION_LABELS[option]), "option": option,
                       "cells": [{"usd": _money(v), "diff": _diff(v, values[0]) if i else ""}
                                 for i, v in enumerate(values)],
                       "differs": len({round(v or -1, 2) for v in values}) > 1})
    # The instance line names each report's own type in its row of the totals; here the kind.
    names_of = item_labels(first["result"]) | {"instances": _("Instances")}
    items = []
    for side_name, keys in (("lambda", LAMBDA_ITEMS), ("ec2", EC2_ITEMS)):
        for key in keys:
            values = [(s["result"].get(side_name) or {}).get("items", {}).get(key)
                      for s in sides]
            if not any(values):
                continue
            items.append({"label": f"{OPTION_LABELS[side_name]}: {names_of.get(key, key)}",
                          "cells": [{"usd": _money(v), "diff": _diff(v, values[0]) if i else ""}
                                    for i, v in enumerate(values)],
                          "differs": len({round(v or 0, 2) for v in values}) > 1})
    return {"sides": sides, "first": first, "differ": differ, "totals": totals,
            "items": items}


@read_only
def compare_reports(request: HttpRequest) -> HttpResponse:
    codes, problems = _codes(request)
    if request.GET.get("add") is not None and not problems:
        # The form's "add" is folded into the address, so the comparison has one link.
        return redirect(reverse("reports:compare") + "?codes=" + ",".join(codes))
    if len(codes) > MAX_REPORTS:
        problems.append(_("At most %(n)d reports can be compared at once.") % {"n": MAX_REPORTS})
        codes = codes[:MAX_REPORTS]
    found = {str(r.code): r for r in Report.objects.filter(code__in=[uuid.UUID(c) for c in codes])}
    missing = [c for c in codes if c not in found]
    for code in missing:
        problems.append(_("There is no report with the code %(code)s.") % {"code": code})
    reports = [found[c] for c in codes if c in found]
    context: dict[str, Any] = {"problems": problems, "codes": ",".join(str(r.code) for r in reports),
                               "reports": reports}
    if len(reports) >= 2:
        context.update(compare_context(reports))
    return render(request, "reports/compare.html", context, status=404 if missing else 200)
