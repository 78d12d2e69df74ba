"""What makes the answer honest on the page, from a snapshot only: the headline that agrees
with the bill, the assumptions that decide it (each with the answer without it), the share of
the range in which each side is cheaper, the tornado of what moves the difference, the band
around the cost chart's lines and the flips as bands.

``context(snapshot, labels)`` adds these to ``presenters.results_context``; a snapshot saved
before these figures existed simply shows none of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from advisor.pricing import verdict
from advisor.pricing.uncertainty import DEFAULT_SPREADS
from advisor.questionnaire import charts
from advisor.questionnaire.labels import BASIS_LABELS, CHOICE_LABELS, LABELS, form_name
from advisor.questionnaire.language import gettext as _
from advisor.questionnaire.numbers import local_marks, rate, usd, volume_words
from advisor.questionnaire.texts import LocaleFormatter

SIDES = ("lambda", "ec2")
TIE_USD = 0.01
_FORMAT = LocaleFormatter()


_usd = usd


def volume(value: float) -> str:
    """A request volume to three significant figures (15,724,702 -> 15,700,000): the inputs
    are guesses, so more digits would claim a precision they lack."""
    value = float(value)
    if value <= 0 or not math.isfinite(value):
        return "0"
    digits = 2 - int(math.floor(math.log10(value)))
    return local_marks(f"{round(round(value, digits)):,}")


def percent(share: float) -> str:
    """A share as a percentage; never "100 %" or "0 %" unless it is exactly that: whole
    from 1 to 99, to a tenth near the ends ("99.7 %"), "over 99.9 %" beyond."""
    pct = 100 * float(share)
    if 0 < pct < 0.1:
        return _("under 0.1 %")
    if 99.9 < pct < 100:
        return _("over 99.9 %")
    if 0 < pct < 1 or 99 < pct < 100:
        return _("%(n)s %%") % {"n": local_marks(f"{pct:.1f}")}
    return _("%(n)s %%") % {"n": round(pct)}


def names_of(result: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, str]:
    """Every compared option's name on the page (Lambda and EC2 with their front doors)."""
    from advisor.questionnaire.option_presenters import option_labels
    return option_labels(result.get("inputs", {}), labels)


def basis_of(result: Mapping[str, Any]) -> str:
    """The basis of a result's comparative figures; a result saved before the basis existed
    counted operations time in its shares, switch point and choice."""
    return str(result.get("basis") or "bill_and_operations")


def field_label(name: str) -> str:
    return str(LABELS.get(form_name(name), name))


# --- Headline ---------------------------------------------------------------------------------

def headline(result: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The verdict sentence in the visitor's language (verdict.py), or "" for an old result."""
    v = result.get("verdict")
    if not v:
        return ""
    try:
        return verdict.render(v, names_of(result, labels), _, _FORMAT.format)
    except (KeyError, ValueError, TypeError):
        return str(v.get("text", ""))


def headline_main(result: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The headline's statement on the result's basis alone: what the pinned summary and a
    saved report's heading say, so all three name the same winner; "" for an old result."""
    v = result.get("verdict")
    if not v or "basis" not in v:
        return ""
    try:
        return verdict.render_main(v, names_of(result, labels), _, _FORMAT.format)
    except (KeyError, ValueError, TypeError):
        return ""


def _answer(lam: float, ec2: float, labels: Mapping[str, str]) -> str:
    """'EC2 + ALB by $27.43 a month', or 'the same'."""
    diff = lam - ec2
    if abs(diff) <= TIE_USD:
        return _("the same")
    side = "lambda" if diff < 0 else "ec2"
    return _("%(side)s by %(usd)s a month") % {"side": labels[side], "usd": _usd(abs(diff))}


# --- The assumptions that decide --------------------------------------------------------------

def assumption_strip(snapshot: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The few inputs that most move the answer, with their values and the answer without
    them (snapshot["what_if"]), in a fixed order."""
    cases = {c["assumption"]: c for c in snapshot.get("what_if") or []}
    if not cases:
        return []
    result = snapshot["result"]
    inputs = result["inputs"]
    needs, traffic, ec2 = inputs["needs"], inputs["traffic"], inputs["ec2"]
    # A result saved before the basis existed answered with operations time counted.
    with_ops = basis_of(result) == "bill_and_operations"
    rate_usd = float(needs.get("ops_hourly_usd", 0))
    plain = {"lambda": float(result["lambda"]["monthly_usd"])
             + (rate_usd * float(needs.get("lambda_ops_hours_per_month", 0)) if with_ops else 0),
             "ec2": float(result["ec2"]["monthly_usd"])
             + (rate_usd * float(needs.get("ops_hours_per_month", 0)) if with_ops else 0)}

    def answer(key: str) -> str:
        """The answer on the result's basis with the assumption changed, and what it changes
        ("Lambda + HTTP API +$637.05"); the operations case shows the other basis."""
        c = cases[key]
        ops = with_ops if key != "operations" else True
        moved = {"lambda": c["lambda_usd"] + (c["lambda_ops_usd"] if ops else 0),
                 "ec2": c["ec2_usd"] + (c["ec2_ops_usd"] if ops else 0)}
        if key == "operations" and not with_ops:
            # On the bill, no operations time changes nothing; say what counting it would.
            n = needs
            moved = {"lambda": plain["lambda"] + rate_usd * float(n.get("lambda_ops_hours_per_month", 0)),
                     "ec2": plain["ec2"] + rate_usd * float(n.get("ops_hours_per_month", 0))}
        changes = [_("%(side)s %(sign)s%(usd)s") % {
            "side": labels[side], "sign": "+" if moved[side] > plain[side] else "−",
            "usd": _usd(abs(moved[side] - plain[side]))}
            for side in SIDES if abs(moved[side] - plain[side]) > TIE_USD]
        text = _answer(moved["lambda"], moved["ec2"], labels)
        if changes:
            text = _("%(answer)s (%(changes)s)") % {"answer": text,
                                                    "changes": ", ".join(changes)}
        return text

    door = inputs["front_door"]
    items = [
        {"key": "basis", "title": _("Compare on"),
         "fields": [{"name": "basis", "label": "", "value": basis_of(result)
                     if "basis" in result else "bill", "kind": "choice",
                     "choices": [(k, str(v)) for k, v in BASIS_LABELS.items()]}],
         "without": _("Every figure of the answer (cheaper, shares, break-even, the "
                      "recommendation) is on this basis."), "note": ""},
        {"key": "operations", "title": _("Operations time"),
         "fields": [
             {"name": "needs_ops_hours_per_month", "label": _("EC2 hours a month"),
              "value": needs["ops_hours_per_month"], "kind": "number"},
             {"name": "needs_lambda_ops_hours_per_month", "label": _("Lambda hours a month"),
              "value": needs["lambda_ops_hours_per_month"], "kind": "number"},
             {"name": "needs_ops_hourly_usd", "label": _("USD an hour"),
              "value": needs["ops_hourly_usd"], "kind": "number"}],
         "without": (_("With no operations time: %(answer)s.") if with_ops
                     else _("Counting this operations time: %(answer)s."))
         % {"answer": answer("operations")},
         "note": _("Lambda's default is 0 hours: the field counts only work Lambda needs beyond "
                   "what both sides share, and no published figure supports another default.")},
        {"key": "free_tier", "title": _("Lambda free tier"),
         "fields": [{"name": "free_tier", "label": _("applied"), "value": inputs["free_tier"],
                     "kind": "checkbox"}],
         "without": (_("Without the free tier: %(answer)s.") if inputs["free_tier"]
                     else _("With the free tier: %(answer)s.")) % {"answer": answer("free_tier")},
         "note": _("The free tier is shared by the whole account: other functions in the same "
                   "account use up the same 1M requests and 400,000 GB-seconds.")},
        {"key": "front_door", "title": _("Front door"),
         "fields": [{"name": "front_door", "label": _("in front of Lambda"), "value": door,
                     "kind": "choice"}],
         "without": (_("With no front door: %(answer)s.") if door != "none"
                     else _("With an HTTP API in front: %(answer)s."))
         % {"answer": answer("front_door")}, "note": ""},
        {"key": "peak_to_average", "title": _("Peak to average"),
         "fields": [{"name": "traffic_peak_to_average", "label": _("busiest hour ÷ average"),
                     "value": traffic["peak_to_average"], "kind": "number"}],
         "without": (_("With flat traffic (1): %(answer)s.") if traffic["peak_to_average"] > 1
                     else _("At 3: %(answer)s.")) % {"answer": answer("peak_to_average")},
         "note": ""},
        {"key": "cpu_share", "title": _("CPU share"),
         "fields": [{"name": "ec2_cpu_share", "label": _("of each call's duration"),
                     "value": ec2["cpu_share"], "kind": "number"}],
         "without": (_("If all of each call were CPU work (1): %(answer)s.")
                     if ec2["cpu_share"] < 1
                     else _("If a quarter were CPU work (0.25): %(answer)s."))
         % {"answer": answer("cpu_share")},
         "note": _("1 counts the whole duration as CPU work; an API that mostly waits on a "
                   "database or another service uses far less.")},
    ]
    return items


# --- Ranges, shares and sensitivity -----------------------------------------------------------

def _spreads_text() -> str:
    parts = []
    words = {
        "requests_per_month": _("requests"), "duration_ms": _("duration"),
        "traffic.peak_to_average": _("peak to average"), "ec2.cpu_share": _("CPU share"),
        "needs.ops_hours_per_month": _("operations hours"),
    }
    for name, label in words.items():
        down, up = DEFAULT_SPREADS[name]
        # ÷ 1.5 .. × 1.5 reads better than × 0.667 .. × 1.5.
        symmetric = abs(down * up - 1) < 1e-9 and up < 2
        low = _("÷%(n)s") % {"n": _num(up)} if symmetric else _("×%(n)s") % {"n": _num(down)}
        parts.append(_("%(what)s %(low)s to ×%(high)s") % {"what": label, "low": low,
                                                           "high": _num(up)})
    return ", ".join(parts)


def _num(value: float) -> str:
    """A figure to three significant digits, without a trailing ".0"."""
    value = float(f"{float(value):.3g}")
    if value.is_integer():
        return local_marks(f"{int(value):,}")
    return local_marks(f"{value:,}")


def ranges_context(result: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    u = result.get("uncertainty")
    if not u:
        return {}
    share = u["share_cheaper"]
    lead = max(SIDES, key=lambda s: share[s])
    given = u["basis"] == "ranges"
    # A result saved before the basis existed counted operations time in its share.
    with_ops = u.get("cost_basis", "bill_and_operations") == "bill_and_operations"
    params = {"side": labels[lead], "pct": percent(share[lead])}
    if with_ops:
        share_text = (_("Counting operations time, %(side)s is cheaper in %(pct)s of the range "
                        "you gave.") if given
                      else _("Counting operations time, %(side)s is cheaper in %(pct)s of the "
                             "default spreads.")) % params
    else:
        share_text = (_("On the AWS bill, %(side)s is cheaper in %(pct)s of the range you "
                        "gave.") if given
                      else _("On the AWS bill, %(side)s is cheaper in %(pct)s of the default "
                             "spreads.")) % params
    flips = [_("Above %(n)s requests a month, %(side)s is cheaper.") % {
        "n": volume_words(f["requests_per_month"]), "side": labels[f["above"]]}
        for f in u.get("flips") or []]
    if flips:
        share_text = " ".join([share_text, *flips])
    method = u.get("method")
    bill_text = _("The share weighs %(n)s points of the range, each for its own slice of it "
                  "(the ends included), with the volumes where the answer flips as slice "
                  "edges, so it is exact along requests.") % {"n": method["grid_points"]} \
        if method else ""
    spans = []
    for side in SIDES:
        bill, ops = u[side], u["with_operations"][side]
        spans.append({"side": side, "label": labels[side],
                      "bill": [_usd(bill["low"]), _usd(bill["expected"]), _usd(bill["high"])],
                      "all": [_usd(ops["low"]), _usd(ops["expected"]), _usd(ops["high"])]})
    rows = []
    for s in u["sensitivity"]:
        lo_v, hi_v = s.get("values", [None, None])
        rows.append({"field": s["field"], "label": field_label(s["field"]),
                     "low_value": _value(s["field"], lo_v), "high_value": _value(s["field"], hi_v),
                     "low": _signed(s["low"], labels), "high": _signed(s["high"], labels)})
    ranges = [{"field": k, "label": field_label(k), "values": [_value(k, v) for v in r]}
              for k, r in u["ranges"].items() if r[0] < r[2]]
    return {
        "share_text": share_text, "share_method_text": bill_text, "ranges_given": given,
        "spreads_text": "" if given else _spreads_text(), "uncertainty_spans": spans,
        "sensitivity_rows": rows, "ranges_list": ranges,
        "share_pct": {side: percent(share[side]) for side in SIDES},
    }


def _value(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field == "requests_per_month":
        return volume(value)
    return _num(float(value))


def _signed(diff: float, labels: Mapping[str, str]) -> str:
    """A difference EC2 minus Lambda as 'Lambda by $x' / 'EC2 by $x'."""
    return _answer(0.0, float(diff), labels)


def confidence_text(result: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    rec, u = result.get("recommendation") or {}, result.get("uncertainty")
    if not u or rec.get("blockers") or rec.get("choice") not in SIDES:
        return ""
    share = u["share_cheaper"]
    agree = share[rec["choice"]] + share["tie"] / 2
    params = {"side": labels[rec["choice"]], "pct": percent(agree)}
    if u.get("cost_basis", "bill_and_operations") == "bill":
        return _("Confidence comes from these figures: %(side)s costs less on the AWS bill in "
                 "%(pct)s of the range. High needs at least 90 %% and the nearest flip at least "
                 "twice or half the traffic away; medium needs 70 %%.") % params
    return _("Confidence comes from these figures: %(side)s costs less in %(pct)s of the "
             "range (operations included). High needs at least 90 %% and the nearest flip at "
             "least twice or half the traffic away; medium needs 70 %%.") % params


def tornado(result: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """A tornado chart of the sensitivity: each input's low and high end as a bar from the
    expected difference (EC2 minus Lambda, operations included); largest swing on top."""
    u = result.get("uncertainty")
    rows = list((u or {}).get("sensitivity") or [])
    if not rows:
        return {}
    tco = (result.get("recommendation") or {}).get("tco") or {}
    base = float(tco.get("ec2", result["ec2"]["monthly_usd"])) - float(
        tco.get("lambda", result["lambda"]["monthly_usd"]))
    rows = rows[::-1]  # plotly draws the first category at the bottom
    names = [field_label(r["field"]) for r in rows]
    hover = _("%{y}: EC2 minus Lambda %{customdata}") + "<extra></extra>"

    def trace(end: str, name: str, colour: str) -> dict[str, Any]:
        return {"type": "bar", "orientation": "h", "name": name, "y": names,
                "x": [float(r[end]) - base for r in rows], "base": [base] * len(rows),
                "customdata": [_usd(float(r[end])) for r in rows],
                "marker": {"color": colour}, "hovertemplate": hover}

    xaxis = charts._axis(_("EC2 minus Lambda, USD a month") + "<br>"
                         + _("above 0: Lambda costs less"), log=False, tickprefix="$",
                         zeroline=True, rangemode="tozero", zerolinecolor=charts.MARK_COLOUR,
                         zerolinewidth=2)
    xaxis["title"]["font"] = {"size": 11}
    fig = {"data": [trace("low", _("input at its low end"), "#9aa5b1"),
                    trace("high", _("input at its high end"), charts.MARK_COLOUR)],
           "layout": charts._layout(
               barmode="overlay", height=max(220, 60 + 44 * len(rows)),
               margin={"l": 16, "r": 16, "t": 36, "b": 72},
               xaxis=xaxis,
               yaxis=charts._axis("", log=False, type="category", automargin=True))}
    return fig


def add_band(fig: Mapping[str, Any], snapshot: Mapping[str, Any],
             labels: Mapping[str, str]) -> dict[str, Any]:
    """The cost chart with each side's low..high band (snapshot["band"]: the other ranged
    inputs moving) drawn under its line, and the range of requests shaded across the chart."""
    band = snapshot.get("band") or {}
    out = dict(fig)
    if band and "lambda_low" in band:
        x = charts._sig(snapshot["curve"]["requests_per_month"])
        colours = {"lambda": "rgba(194,84,10,0.16)", "ec2": "rgba(29,95,168,0.16)"}
        traces: list[dict[str, Any]] = []
        for side in SIDES:
            traces.append({"type": "scatter", "mode": "lines", "x": x,
                           "y": charts._floor(band[f"{side}_low"]), "line": {"width": 0},
                           "hoverinfo": "skip", "showlegend": False, "name": labels[side]})
            traces.append({"type": "scatter", "mode": "lines", "x": x,
                           "y": charts._floor(band[f"{side}_high"]), "line": {"width": 0},
                           "fill": "tonexty", "fillcolor": colours[side], "hoverinfo": "skip",
                           "name": _("%(side)s: range") % {"side": labels[side]},
                           "legendgroup": f"band-{side}"})
        out["data"] = traces + list(fig["data"])
    u = snapshot["result"].get("uncertainty") or {}
    traffic = (u.get("ranges") or {}).get("requests_per_month")
    if traffic and traffic[0] < traffic[2] and traffic[0] > 0:
        layout = dict(fig["layout"])
        layout["shapes"] = [*layout.get("shapes", []), {
            "type": "rect", "xref": "x", "yref": "paper", "x0": traffic[0], "x1": traffic[2],
            "y0": 0, "y1": 1, "fillcolor": "rgba(31,41,51,0.07)", "line": {"width": 0},
            "layer": "below"}]
        layout["annotations"] = [*layout.get("annotations", []), {
            "xref": "x", "yref": "paper", "x": math.log10(traffic[0]), "y": 0, "yanchor": "bottom",
            "xanchor": "left", "xshift": 4, "showarrow": False, "font": {"size": 12},
            "text": _("range of your traffic")}]
        out["layout"] = layout
    return out


# --- Flips as bands ---------------------------------------------------------------------------

def band_sentences(result: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """One sentence per band of crossings (result["break_even_bands"]), volumes to three
    significant figures; None for an older result without bands."""
    bands: Sequence[Mapping[str, Any]] | None = result.get("break_even_bands")
    if bands is None:
        return []
    inputs = result["inputs"]
    hours = float(inputs.get("hours_per_month", 730))
    ec2_name = (_("EC2 with its load balancer")
                if inputs.get("ec2", {}).get("load_balancer", "alb") != "none" else _("EC2"))
    names = {"lambda": labels["lambda"], "ec2": ec2_name}
    out = []
    for b in bands:
        side = b["above"]
        if b["crossings"] == 1:
            text = _("%(side)s becomes cheaper above about %(n)s requests a month (%(rps)s a "
                     "second).") % {"side": names[side], "n": volume_words(b["to"]),
                                    "rps": rate(b["to"] / (hours * 3600))}
        else:
            text = _("Between about %(a)s and %(b)s requests a month the cheaper side "
                     "alternates %(k)s times as EC2 adds instances; above %(b)s, %(side)s.") % {
                "a": volume_words(b["from"]), "b": volume_words(b["to"]), "k": b["crossings"],
                "side": names[side]}
        out.append({"requests_per_month": b["to"], "side": side, "text": text,
                    "crossings": b["crossings"]})
    return out


def context(snapshot: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    result = snapshot["result"]
    with_ops = (result.get("uncertainty") or {}).get("cost_basis",
                                                      "bill_and_operations") != "bill"
    full, main = headline(result, labels), headline_main(result, labels)
    out: dict[str, Any] = {
        "headline": full,
        # The statement on the basis, and the labelled sentence of the other basis on its own
        # line (the page sets them apart; the headline keeps both).
        "headline_main": main,
        "headline_other": full[len(main):].strip() if main and full.startswith(main) else "",
        "tornado_caption": _("The difference EC2 minus Lambda (operations included) with one "
                             "input at its low or high end and the others as entered; largest "
                             "swing on top. Bars crossing 0 flip the answer.") if with_ops
        else _("The difference EC2 minus Lambda on the AWS bill with one input at its low or "
               "high end and the others as entered; largest swing on top. Bars crossing 0 flip "
               "the answer."),
        "assumption_strip": assumption_strip(snapshot, labels),
        "confidence_text": confidence_text(result, labels),
        "tornado": tornado(result, labels),
        "front_door_choices": [(k, str(v)) for k, v in CHOICE_LABELS["front_door"].items()],
        **ranges_context(result, labels),
    }
    bands = band_sentences(result, labels)
    if "break_even_bands" in result:
        out["break_even"] = bands
        out["has_alternating_band"] = any(b["crossings"] > 1 for b in bands)
    return out
