"""The "Compare across…" panel: the questionnaire's workload in the ticked regions,
architectures and purchase options, as a sortable table and a grouped bar chart.

GET only (the address holds the inputs), answered as an htmx fragment. The table and the chart
are drawn from the scenario table alone (``scenario_service``), so a saved report draws its
frozen table with the same code (:func:`table_context`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from advisor import scenario_service, services
from advisor.pricing.workload import FIELD_BY_NAME
from advisor.questionnaire import numbers
from advisor.questionnaire.charts import _axis, _layout, _linear_money_ticks, _sig
from advisor.questionnaire.forms import QuestionnaireForm, bind_data, form_name
from advisor.questionnaire.labels import CHOICE_LABELS, OPTION_LABELS
from advisor.questionnaire.option_charts import OPTION_COLOURS

# The panel's ticks: query key -> the contract field it varies.
TICKS = {"sc_region": "region", "sc_architecture": "architecture",
         "sc_purchase": "ec2.purchase"}
SORTS = ("cheapest", "lambda", "ec2", "region", "architecture", "ec2.purchase")
# The chart shows at most this many rows (the cheapest): more bars than this cannot be read.
CHART_ROWS = 30


def panel(form: QuestionnaireForm, inputs: Mapping[str, Any]) -> str:
    """The "Compare across…" panel below the results, its ticks on the workload's own region,
    architecture and purchase option. It is the same HTML for every keystroke that keeps
    those and the region marks, so it is rendered once per language and ticks."""
    def ticks(name: str, current: Any) -> tuple[tuple[str, str, bool], ...]:
        return tuple((str(value), str(label), str(value) == str(current))
                     for value, label in form.fields[name].choices)  # type: ignore[attr-defined]

    return _panel(get_language(), (
        ("region", ticks("region", inputs["region"])),
        ("architecture", ticks("architecture", inputs["architecture"])),
        ("purchase", ticks("ec2_purchase", inputs["ec2"]["purchase"]))))


@functools.lru_cache(maxsize=256)
def _panel(language: str, ticks: tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]) -> str:
    # The panel needs no request (no CSRF token: the form is a GET); its words are in the
    # language the key names, which is the active one.
    return mark_safe(render_to_string("advisor/_scenarios.html", {"ticks": dict(ticks)}))  # noqa: S308


def _value_label(path: str, value: Any) -> str:
    labels = CHOICE_LABELS.get(form_name(path), {})
    return str(labels.get(value, value))


def _field_label(path: str) -> str:
    return {"region": _("Region"), "architecture": _("Architecture"),
            "ec2.purchase": _("Purchase option")}.get(path, path)


def scenarios(request: HttpRequest) -> HttpResponse:
    """The table for the questionnaire's inputs (the rest of the query) and the ticks."""
    query = request.GET.copy()
    ticks = {key: query.getlist(key) for key in TICKS}
    sort = query.get("sort", "cheapest")
    for key in (*TICKS, "sort"):
        query.pop(key, None)
    form = QuestionnaireForm(bind_data(query), regions=services.regions())
    context: dict[str, Any] = {"errors": []}
    if not form.is_valid():
        context["errors"] = [_("Fix the inputs above first; the table prices the same workload.")]
        return render(request, "advisor/_scenarios_table.html", context)
    data = form.to_workload_data()
    vary: dict[str, list[Any]] = {}
    for key, path in TICKS.items():
        values = list(dict.fromkeys(ticks[key]))
        if values:
            vary[path] = values
    if not vary:
        context["errors"] = [_("Tick at least one region, architecture or purchase option.")]
        return render(request, "advisor/_scenarios_table.html", context)
    try:
        table = scenario_service.table(data, vary)
    except services.ComparisonError as exc:
        context["errors"] = [f"{field}: {message}" for field, messages in exc.errors.items()
                             for message in messages]
        return render(request, "advisor/_scenarios_table.html", context)
    context.update(table_context(table, sort, query))
    context["vary_json"] = json.dumps(vary)
    return render(request, "advisor/_scenarios_table.html", context)


def _lowest(row: Mapping[str, Any], options: list[str]) -> float | None:
    totals = [row[o]["monthly_usd"] for o in options if row.get(o)]
    return min(totals) if totals else None


def table_context(table: Mapping[str, Any], sort: str = "cheapest",
                  query: QueryDict | None = None) -> dict[str, Any]:
    """Rows, columns and the chart of a scenario table, for the page or a saved report;
    ``query`` (the questionnaire's) gives each row a link that makes it the workload."""
    from advisor.pricing.scenarios import options_of

    options = options_of(table)
    paths = list(table["vary"])
    sort = sort if sort in SORTS else "cheapest"
    rows = []
    for index, row in enumerate(table["scenarios"]):
        lowest = _lowest(row, options)
        link = None
        if query is not None:
            q = query.copy()
            for path, value in row["vary"].items():
                q[form_name(path)] = value
            link = "/?" + q.urlencode()
        cheapest = row["cheapest"]
        rows.append({
            "index": index,
            "values": [_value_label(p, row["vary"][p]) for p in paths],
            "raw": row["vary"],
            "totals": [{"option": o, "usd": numbers.usd(row[o]["monthly_usd"]) if row.get(o)
                        else "—", "value": row[o]["monthly_usd"] if row.get(o) else None,
                        "cheapest": o == cheapest} for o in options],
            "instance_type": (row.get("ec2") or {}).get("instance_type"),
            "cheapest": "" if cheapest is None else (_("a tie") if cheapest == "tie"
                                                      else str(OPTION_LABELS.get(cheapest,
                                                                                 cheapest))),
            "lowest": lowest,
            "refused": [f"{_field_label(f)}: {m}" if f in FIELD_BY_NAME else m
                        for f, ms in (row["refused"] or {}).items() for m in ms],
            "own": row.get("is_workload", False),
            "link": link,
        })

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        refused = r["lowest"] is None
        if sort in ("lambda", "ec2"):
            value = next((t["value"] for t in r["totals"] if t["option"] == sort), None)
            return (value is None, value or 0, r["index"])
        if sort in paths:
            return (str(r["raw"][sort]), refused, r["lowest"] or 0)
        return (refused, r["lowest"] or 0, r["index"])

    rows.sort(key=key)
    cheapest = table.get("cheapest")
    return {
        "columns": [{"path": p, "label": _field_label(p)} for p in paths],
        "options": [{"name": o, "label": str(OPTION_LABELS.get(o, o))} for o in options],
        "rows": rows, "sort": sort, "sorts": SORTS,
        "refused_count": sum(1 for r in rows if r["refused"]),
        "best": None if cheapest is None else {
            "values": " · ".join(_value_label(p, cheapest["vary"][p]) for p in paths),
            "option": str(OPTION_LABELS.get(cheapest["option"], cheapest["option"])),
            "usd": numbers.usd(cheapest["monthly_usd"])},
        "chart": chart(rows, options, paths),
        "chart_rows": min(CHART_ROWS, sum(1 for r in rows if r["lowest"] is not None)),
    }


def chart(rows: list[dict[str, Any]], options: list[str], paths: list[str]) -> dict[str, Any]:
    """Grouped horizontal bars: one group per priced row (cheapest on top), one bar per
    option, in the options' own colours."""
    shown = sorted((r for r in rows if r["lowest"] is not None),
                   key=lambda r: r["lowest"])[:CHART_ROWS]
    # Only the fields that take more than one value tell the rows apart.
    differ = [i for i, p in enumerate(paths) if len({str(r["raw"][p]) for r in shown}) > 1] \
        or list(range(len(paths)))
    # One line per field: the labels stay narrow enough to leave the bars room on a phone.
    labels = ["<br>".join(r["values"][i] for i in differ) + (" ★" if r["own"] else "")
              for r in shown]
    data = []
    top = 0.0
    for k, option in enumerate(options):
        xs = [r["totals"][k]["value"] for r in shown]
        top = max([top, *[x for x in xs if x is not None]])
        data.append({"type": "bar", "orientation": "h", "name": str(OPTION_LABELS.get(option,
                                                                                      option)),
                     "y": labels, "x": _sig([x if x is not None else 0.0 for x in xs]),
                     "marker": {"color": OPTION_COLOURS.get(option, "#555555")},
                     "hovertemplate": "$%{x:,.2f}<extra>"
                     + str(OPTION_LABELS.get(option, option)) + "</extra>"})
    ticks = _linear_money_ticks(top)
    return {"data": data, "layout": _layout(
        barmode="group", height=max(220, 90 + 22 * len(options) * len(shown)),
        margin={"l": 8, "r": 16, "t": 36, "b": 48},
        yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
        xaxis=_axis(_("USD a month"), log=False, rangemode="tozero", **ticks))}

