"""The charts' extra lines, bars and colours for the options beyond Lambda and EC2.

Each function takes a figure built by ``charts.py`` (plotly.js JSON) and the snapshot, and
returns the figure with one line, bar or colour per compared option, so that two options
draw exactly as before and every further option is added, not redrawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from advisor.questionnaire.charts import (
    EC2_COLOUR,
    ITEM_COLOURS,
    LAMBDA_COLOUR,
    MARK_COLOUR,
    _axis,
    _floor,
    _layout,
    _sig,
    you_marker,
)
from advisor.questionnaire.language import gettext as _

OPTION_COLOURS = {"lambda": LAMBDA_COLOUR, "ec2": EC2_COLOUR,
                  "lambda_managed_instances": "#7b3fa0", "fargate": "#1f8a5b"}
# Line items only the further options have.
ITEM_COLOURS_EXTRA = {"management_fee": "#b58bd1", "tasks": "#1f8a5b"}


def cost_lines(fig: dict[str, Any], snapshot: Mapping[str, Any],
               labels: Mapping[str, str]) -> dict[str, Any]:
    """The cost curve with a line per further option (after Lambda's and EC2's)."""
    lines = snapshot["options"]["curve"]
    x = _sig(snapshot["curve"]["requests_per_month"])
    hover = _("%{x:,.0f} requests a month<br>$%{y:,.2f} a month")
    extra = [{"type": "scatter", "mode": "lines", "name": labels[name], "x": x,
              "y": _floor(values), "line": {"color": OPTION_COLOURS.get(name, MARK_COLOUR),
                                            "width": 3, "shape": "hv", "dash": "dash"},
              "hovertemplate": hover + "<extra>" + labels[name] + "</extra>",
              "meta": name}
             for name, values in lines.items()]
    return {**fig, "data": fig["data"][:2] + extra + fig["data"][2:]}


def breakdown_bars(fig: dict[str, Any], result: Mapping[str, Any], names: list[str],
                   labels: Mapping[str, str], item_labels: Mapping[str, str]) -> dict[str, Any]:
    """The stacked bars with one bar per compared option."""
    items = {name: result[name]["items"] for name in names}
    keys: list[str] = []
    for name in names:
        keys += [k for k in items[name] if k not in keys]
    keys = [k for k in keys if any(items[n].get(k, 0) > 0 for n in names)]
    xs = [labels[n] for n in names]
    data = [
        {"type": "bar", "name": item_labels.get(k, k), "x": xs,
         "y": _sig([items[n].get(k, 0.0) for n in names]),
         "marker": {"color": {**ITEM_COLOURS, **ITEM_COLOURS_EXTRA}.get(k, "#9aa5b1")},
         "hovertemplate": "%{x}: $%{y:,.2f}<extra>" + item_labels.get(k, k) + "</extra>"}
        for k in keys
    ]
    return {**fig, "data": data}


def cheapest_map(snapshot: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """Which compared option is cheapest over requests a month × duration: one colour each."""
    grid = snapshot["grid"]
    omap = snapshot["options"]["map"]
    names = omap["options"]
    z = np.asarray(omap["cheapest"], dtype=int)
    n = max(len(names), 2)
    # A stepped colour scale: option i fills [i / n, (i + 1) / n] of the range.
    scale: list[list[Any]] = []
    for i in range(n):
        colour = OPTION_COLOURS.get(names[min(i, len(names) - 1)], MARK_COLOUR)
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    text = [[labels[names[k]] for k in row] for row in z.tolist()]
    data: list[dict[str, Any]] = [{
        "type": "heatmap", "x": _sig(grid["requests_per_month"]), "y": _sig(grid["duration_ms"]),
        "z": ((z + 0.5) / n).tolist(), "zmin": 0, "zmax": 1, "showscale": False,
        "colorscale": scale, "text": text,
        "customdata": [[round(v, 2) for v in row] for row in omap["lowest"]],
        "hovertemplate": _("%{x:,.0f} requests a month, %{y:,.0f} ms<br>cheapest: %{text}, "
                           "$%{customdata:,.2f} a month") + "<extra></extra>",
    }]
    data.extend(you_marker(snapshot["result"]["inputs"]))
    return {"data": data, "layout": _layout(
        xaxis=_axis(_("Requests a month (log scale)")),
        yaxis=_axis(_("Duration, ms (log scale)")), showlegend=False,
        margin={"l": 64, "r": 16, "t": 16, "b": 56})}
