"""Plotly figures for the results, built from a snapshot only (saved reports redraw them).

Each function returns a figure as plotly.js JSON (``{"data": [...], "layout": {...}}``) that
``static/js/app.js`` hands to ``Plotly.react``. The dicts are written directly instead of
through ``plotly.graph_objects``: validating a figure object costs 4-15 ms a request, more
than the rest of the results partial; tests/test_questionnaire.py validates every figure
against the plotly schema (``plotly.graph_objects.Figure(fig)``) instead, so a typo still fails.

Under the strict CSP the charts use no colour bar and log axes only for the heatmap (see
static/vendor/README.md); the heatmap's colours are explained by a legend in the HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

LAMBDA_COLOUR = "#c2540a"
EC2_COLOUR = "#1d5fa8"
MARK_COLOUR = "#1f2933"
FLOOR_USD = 0.01  # log axes cannot show 0: a free month is drawn at one cent

# One colour per line item; shared lines (NAT, egress) get the same colour on both sides.
ITEM_COLOURS = {
    "requests": "#f0a35e", "compute": "#c2540a", "ephemeral_storage": "#f5c48f",
    "provisioned_concurrency": "#8a3b07", "front_door": "#e07b39",
    "instances": "#1d5fa8", "storage": "#7fb0e0", "load_balancer": "#3d85c6",
    "nat_gateway": "#6b7280", "data_transfer": "#a3a9b3",
    "public_ipv4": "#4b5563", "logs": "#9ca3af",
}


def _sig(values: Sequence[float], digits: int = 6) -> list[float]:
    """Round to significant digits: the JSON stays small and the lines look the same."""
    out = []
    for v in values:
        v = float(v)
        out.append(0.0 if v == 0 or not math.isfinite(v) else float(f"{v:.{digits}g}"))
    return out


def _layout(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "font": {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13,
                 "color": "#1f2933"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 64, "r": 16, "t": 36, "b": 56},
        "height": 380,
        "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    }
    base.update(extra)
    return base


def _axis(title: str, log: bool = True, **extra: Any) -> dict[str, Any]:
    axis = {"title": {"text": title}, "type": "log" if log else "linear",
            "gridcolor": "#e4e7eb", "zeroline": False, "automargin": True}
    axis.update(extra)
    return axis


def _floor(values: Sequence[float]) -> list[float]:
    return [max(v, FLOOR_USD) for v in _sig(values)]


def cost_curve(snapshot: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """Monthly totals against requests a month (log-log), break-evens and the user's traffic."""
    curve, result = snapshot["curve"], snapshot["result"]
    x = _sig(curve["requests_per_month"])
    hover = _("%{x:,.0f} requests a month<br>$%{y:,.2f} a month")
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": labels["lambda"], "x": x,
         "y": _floor(curve["lambda_total"]), "line": {"color": LAMBDA_COLOUR, "width": 3},
         "hovertemplate": hover + "<extra>" + labels["lambda"] + "</extra>"},
        {"type": "scatter", "mode": "lines", "name": labels["ec2"], "x": x,
         "y": _floor(curve["ec2_total"]), "line": {"color": EC2_COLOUR, "width": 3,
                                                   "shape": "hv"},
         "hovertemplate": hover + "<extra>" + labels["ec2"] + "</extra>"},
    ]
    points = [p["requests_per_month"] for p in result.get("break_even", [])]
    if points:
        ys = [_interp_log(curve["requests_per_month"], curve["lambda_total"], p) for p in points]
        data.append({
            "type": "scatter", "mode": "markers+text", "name": _("Break-even"),
            "x": _sig(points), "y": _floor(ys),
            "text": _marker_labels(points),
            "textposition": "top center", "cliponaxis": False,
            "marker": {"color": MARK_COLOUR, "size": 10, "symbol": "diamond"},
            "hovertemplate": _("Break-even: %{x:,.0f} requests a month") + "<extra></extra>",
        })
    user = float(result["inputs"]["requests_per_month"])
    shapes, annotations = [], []
    if user > 0:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": user, "x1": user,
                       "y0": 0, "y1": 1, "line": {"color": MARK_COLOUR, "width": 1.5,
                                                  "dash": "dot"}})
        annotations.append({"xref": "x", "yref": "paper", "x": math.log10(user), "y": 1,
                            "text": _("your traffic"), "showarrow": False, "xanchor": "left",
                            "xshift": 4, "yanchor": "top", "font": {"size": 12}})
    return {"data": data, "layout": _layout(
        xaxis=_axis(_("Requests a month (log scale)")),
        yaxis=_axis(_("USD a month (log scale)"), tickprefix="$"),
        shapes=shapes, annotations=annotations)}


def _marker_labels(points: Sequence[float]) -> list[str]:
    """Numbers matching the list of break-even sentences; points closer than ×1.5 share one
    label ("2–4") so that the labels of a staircase of crossings do not overprint."""
    labels = [""] * len(points)
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or points[i] > points[start] * 1.5:
            labels[start] = str(start + 1) if i - 1 == start else f"{start + 1}–{i}"
            start = i
    return labels


def _interp_log(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    """The value of a curve at ``x``, interpolated on log-spaced points."""
    if not xs:
        return 0.0
    if x <= xs[0]:
        return float(ys[0])
    for i in range(1, len(xs)):
        if x <= xs[i]:
            a, b = math.log(xs[i - 1]), math.log(xs[i])
            t = (math.log(x) - a) / (b - a) if b > a else 0.0
            return float(ys[i - 1]) + t * (float(ys[i]) - float(ys[i - 1]))
    return float(ys[-1])


def breakdown(snapshot: Mapping[str, Any], labels: Mapping[str, str],
              item_labels: Mapping[str, str]) -> dict[str, Any]:
    """Both monthly totals as stacked bars, one segment per non-zero line item."""
    result = snapshot["result"]
    lam, ec2 = result["lambda"]["items"], result["ec2"]["items"]
    keys = [k for k in list(lam) + [k for k in ec2 if k not in lam]
            if lam.get(k, 0) > 0 or ec2.get(k, 0) > 0]
    data = [
        {"type": "bar", "name": item_labels.get(k, k), "x": [labels["lambda"], labels["ec2"]],
         "y": _sig([lam.get(k, 0.0), ec2.get(k, 0.0)]),
         "marker": {"color": ITEM_COLOURS.get(k, "#9aa5b1")},
         "hovertemplate": "%{x}: $%{y:,.2f}<extra>" + item_labels.get(k, k) + "</extra>"}
        for k in keys
    ]
    return {"data": data, "layout": _layout(
        barmode="stack", height=340, xaxis={"type": "category", "automargin": True},
        yaxis=_axis(_("USD a month"), log=False, tickprefix="$", rangemode="tozero"),
        legend={"orientation": "h", "x": 0, "y": -0.15})}


def cheaper_map(snapshot: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """Which side is cheaper over requests a month × duration, the user's point marked."""
    grid, inputs = snapshot["grid"], snapshot["result"]["inputs"]
    diff = np.asarray(grid["difference"], dtype=float)  # [duration][requests]: Lambda − EC2
    z = (diff > 0).astype(int).tolist()
    custom = np.round(diff, 2).tolist()
    data: list[dict[str, Any]] = [{
        "type": "heatmap", "x": _sig(grid["requests_per_month"]), "y": _sig(grid["duration_ms"]),
        "z": z, "zmin": 0, "zmax": 1, "showscale": False, "customdata": custom,
        "colorscale": [[0, LAMBDA_COLOUR], [0.5, LAMBDA_COLOUR], [0.5, EC2_COLOUR],
                       [1, EC2_COLOUR]],
        "hovertemplate": _("%{x:,.0f} requests a month, %{y:,.0f} ms<br>Lambda − EC2: "
                           "$%{customdata:,.2f} a month") + "<extra></extra>",
    }]
    r, d = float(inputs["requests_per_month"]), float(inputs["duration_ms"])
    if r > 0:
        data.append({
            "type": "scatter", "mode": "markers+text", "x": [r], "y": [d],
            "text": [_("you")], "textposition": "top center", "cliponaxis": False,
            "name": _("your workload"), "showlegend": False,
            "marker": {"color": "#ffffff", "size": 12, "symbol": "circle",
                       "line": {"color": MARK_COLOUR, "width": 2}},
            "textfont": {"color": "#ffffff", "size": 13},
            "hovertemplate": _("Your workload") + "<extra></extra>",
        })
    return {"data": data, "layout": _layout(
        xaxis=_axis(_("Requests a month (log scale)")),
        yaxis=_axis(_("Duration, ms (log scale)")), showlegend=False,
        margin={"l": 64, "r": 16, "t": 16, "b": 56})}
