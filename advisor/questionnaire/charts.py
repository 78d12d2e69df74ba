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

import hashlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.utils import formats

from advisor.questionnaire import korean
from advisor.questionnaire.language import current as get_language
from advisor.questionnaire.language import gettext as _

# Okabe–Ito colours (Okabe & Ito, "Color Universal Design", 2008): pairs stay apart with
# protanopia, deuteranopia and tritanopia. Lambda vermilion, EC2 blue, as in static/css/app.css.
LAMBDA_COLOUR = "#D55E00"
EC2_COLOUR = "#0072B2"
MARK_COLOUR = "#1f2933"
FLOOR_USD = 0.01  # log axes cannot show 0: a free month is drawn at one cent
MAX_DURATION_MS = 900_000  # Lambda's 15-minute limit: the map stops there

# One colour per line item, the same on every chart; shared lines (NAT, egress) get the same
# colour on both sides. Okabe–Ito first, then Paul Tol's colour-blind-safe "muted" set.
ITEM_COLOURS = {
    "compute": "#D55E00", "requests": "#E69F00", "front_door": "#CC79A7",
    "provisioned_concurrency": "#882255", "ephemeral_storage": "#F0E442",
    "instances": "#0072B2", "load_balancer": "#56B4E9", "storage": "#009E73",
    "nat_gateway": "#332288", "data_transfer": "#999999",
    "public_ipv4": "#44AA99", "logs": "#DDCC77",
}
# Line items without a colour of their own take one of these, chosen by their key, so that
# an item keeps its colour on every chart and in every report.
SPARE_COLOURS = ("#117733", "#44AA99", "#999933", "#DDCC77", "#AA4499", "#88CCEE", "#CC6677",
                 "#000000")


def item_colour(key: str) -> str:
    if key in ITEM_COLOURS:
        return ITEM_COLOURS[key]
    digest = hashlib.sha256(key.encode()).digest()
    return SPARE_COLOURS[digest[0] % len(SPARE_COLOURS)]


# --- Tick labels: one format on every axis ("$1k", "$10k", "1M") ------------------------------

def _trim(value: float) -> str:
    """Up to three significant figures, no trailing zeros, the locale's decimal mark."""
    text = f"{value:.3g}"
    if "e" in text:  # 1,000 and up (Korean "1,000만"): whole, with grouped digits
        return formats.number_format(round(value), force_grouping=True)
    return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def short_usd(value: float) -> str:
    """A tick label in dollars: $0.01, $0.5, $20, $500, $1k, $1.5k, $10k, $2M, $1B."""
    value = float(value)
    for step, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= step:
            return f"${_trim(value / step)}{suffix}"
    return f"${_trim(value)}"


# Korean counts in 만 (10⁴), 억 (10⁸) and 조 (10¹²), as Korean readers group digits.
KO_UNITS = ((1e12, "조"), (1e8, "억"), (1e4, "만"))


def short_count(value: float) -> str:
    """A tick label for a count: 1k, 10k, 1M, 1B in English; 1만, 100만, 1억 in Korean."""
    value = float(value)
    units = KO_UNITS if (get_language() or "").startswith("ko") else (
        (1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
    for step, suffix in units:
        if abs(value) >= step:
            return f"{_trim(value / step)}{suffix}"
    return _trim(value)


def _decades(low: float, high: float) -> list[float]:
    low, high = max(low, 1e-12), max(high, low)
    return [10.0 ** k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
            if low / 1.0001 <= 10.0 ** k <= high * 1.0001]


def _log_ticks(values: Sequence[float], label: Any) -> dict[str, Any]:
    """tickvals/ticktext at every power of ten the data spans."""
    finite = [float(v) for v in values if v and math.isfinite(float(v)) and float(v) > 0]
    if not finite:
        return {}
    ticks = _decades(min(finite), max(finite))
    if len(ticks) > 8:  # a wide range: every other power of ten
        ticks = ticks[::2]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [label(t) for t in ticks]}


def _linear_money_ticks(top: float) -> dict[str, Any]:
    """Round steps from just above zero to the first step at or above the top, and the axis
    up to that step, so the tallest bar ends under a labelled line. No "$0" tick: at the bottom
    left of a narrow bar chart it runs into the first bar's label."""
    top = float(top)
    if top <= 0 or not math.isfinite(top):
        return {}
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [step * i for i in range(1, math.ceil(top / step - 1e-9) + 1)]
    return {"tickmode": "array", "tickvals": _sig(ticks),
            "ticktext": [short_usd(t) for t in ticks], "range": [0, _sig(ticks)[-1]]}


def you_marker(inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The white circle that marks the workload on a map (none for a volume of 0)."""
    r, d = float(inputs["requests_per_month"]), float(inputs["duration_ms"])
    if r <= 0:
        return []
    return [{
        "type": "scatter", "mode": "markers+text", "x": [r], "y": [d],
        "text": [_("you")], "textposition": "top center", "cliponaxis": False,
        "name": _("your workload"), "showlegend": False,
        "marker": {"color": "#ffffff", "size": 12, "symbol": "circle",
                   "line": {"color": MARK_COLOUR, "width": 2}},
        "textfont": {"color": "#ffffff", "size": 13},
        "hovertemplate": _("Your workload") + "<extra></extra>",
    }]


def _sig(values: Sequence[float], digits: int = 6) -> list[float]:
    """Round to significant digits: the JSON stays small and the lines look the same."""
    # One comprehension, the format spec built once: the charts of a partial hold about
    # 2,000 values.
    spec, isfinite = f".{digits}g", math.isfinite
    return [0.0 if v == 0 or not isfinite(v) else float(format(v, spec))
            for v in map(float, values)]


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
    ys = _floor(curve["lambda_total"]) + _floor(curve["ec2_total"])
    return {"data": data, "layout": _layout(
        xaxis=_axis(_("Requests a month (log scale)"), **_log_ticks(x, short_count)),
        yaxis=_axis(_("USD a month (log scale)"), **_log_ticks(ys, short_usd)),
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
         "marker": {"color": item_colour(k), "line": {"color": "#ffffff", "width": 1}},
         "hovertemplate": "%{x}: $%{y:,.2f}<extra>" + item_labels.get(k, k) + "</extra>"}
        for k in keys
    ]
    top = max(sum(lam.get(k, 0.0) for k in keys), sum(ec2.get(k, 0.0) for k in keys), 0.0)
    return {"data": data, "layout": _layout(
        barmode="stack", height=340,
        xaxis={"type": "category", "automargin": True, "ticklabelstandoff": 6},
        yaxis=_axis(_("USD a month"), log=False, rangemode="tozero", zeroline=True,
                    zerolinecolor="#9aa5b1", **_linear_money_ticks(top)),
        # Hung below the bars' labels (anchored at its top), not pushed up into them.
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"})}


def cheaper_map(snapshot: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """Which side is cheaper over requests a month × duration, the user's point marked."""
    grid, inputs = snapshot["grid"], snapshot["result"]["inputs"]
    durations = [float(d) for d in grid["duration_ms"]]
    # Reports saved before the map stopped at Lambda's limit hold longer rows: leave them out.
    keep = [i for i, d in enumerate(durations) if d <= MAX_DURATION_MS * 1.0001]
    diff = np.asarray(grid["difference"], dtype=float)[keep]  # [duration][requests]: Lambda − EC2
    ys = [durations[i] for i in keep]
    xs = _sig(grid["requests_per_month"])
    # One layer per side, so that the hover can name the cheaper side and by how much in
    # words ("EC2 + ALB is cheaper by $210.07 a month"), not as a signed difference.
    data: list[dict[str, Any]] = []
    for side, colour, cells in (("lambda", LAMBDA_COLOUR, diff <= 0),
                                ("ec2", EC2_COLOUR, diff > 0)):
        # z holds the saving itself (one colour whatever its size); cells of the other side
        # are gaps.
        amount = np.round(np.abs(diff), 2)
        data.append({
            "type": "heatmap", "x": xs, "y": _sig(ys), "name": labels[side],
            "z": np.where(cells, amount, None).tolist(), "showscale": False,
            "hoverongaps": False, "colorscale": [[0, colour], [1, colour]],
            "hovertemplate": _("%{x:,.0f} requests a month, %{y:,.0f} ms") + "<br>"
            + korean.format(_("%(side)s is cheaper by %(saving)s a month."),
                            {"side": labels[side], "saving": "$%{z:,.2f}"})
            + "<extra></extra>",
        })
    data.extend(you_marker(inputs))
    # The duration axis ends at Lambda's limit (the top row's cell would reach past it).
    low = min(ys) if ys else 1.0
    yticks = [t for t in _decades(low, MAX_DURATION_MS) if t < MAX_DURATION_MS / 2]
    yticks.append(float(MAX_DURATION_MS))
    ytext = [formats.number_format(int(t), force_grouping=True) for t in yticks]
    ytext[-1] = _("%(ms)s (limit)") % {"ms": ytext[-1]}
    return {"data": data, "layout": _layout(
        xaxis=_axis(_("Requests a month (log scale)"), **_log_ticks(xs, short_count)),
        yaxis=_axis(_("Duration, ms (log scale)"), range=[math.log10(low),
                                                          math.log10(MAX_DURATION_MS)],
                    tickmode="array", tickvals=yticks, ticktext=ytext),
        showlegend=False, margin={"l": 64, "r": 16, "t": 16, "b": 56})}
