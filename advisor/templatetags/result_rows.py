"""The results' longest loops, written out in Python: the rows of the bills, the ranges and
the sensitivity tables, and the assumptions strip.

A keystroke's results partial renders about 400 template nodes, and these loops held more
than half of them: at a few microseconds a node, rendering was a quarter of the request. The
HTML is the same the template wrote; every value is escaped as ``{{ value }}`` escapes it
(``esc`` below: safe strings pass, the rest is escaped).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from advisor.questionnaire.language import gettext as _

register = template.Library()


def esc(value: Any) -> str:
    """As ``conditional_escape``: safe strings as they are, anything else escaped (the
    standard library's ``html.escape``, which Django's ``escape`` wraps)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _safe(parts: Iterable[str]) -> SafeString:
    # Every part below is built from escaped values and literal markup only.
    return mark_safe("".join(parts))  # noqa: S308


_ZERO = ' class="zero"'


@register.filter
def bill_rows(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<tr>`` per line of a bill: its label and amount, greyed when the amount is zero."""
    return _safe(
        f'<tr{_ZERO if row["zero"] else ""}><th scope="row">{esc(row["label"])}</th>'
        f'<td class="num">{esc(row["amount"])}</td></tr>'
        for row in rows)


@register.filter
def span_rows(spans: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<tr>`` per side of the ranges table: low, expected and high bill, and the span with
    operations time."""
    return _safe(
        f'<tr data-span="{esc(s["side"])}"><th scope="row">{esc(s["label"])}</th>'
        f'<td class="num">{esc(s["bill"][0])}</td><td class="num">{esc(s["bill"][1])}</td>'
        f'<td class="num">{esc(s["bill"][2])}</td>'
        f'<td class="num">{esc(s["all"][0])} – {esc(s["all"][2])}</td></tr>'
        for s in spans)


@register.filter
def sensitivity_rows(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<tr>`` per input of the sensitivity table: the answer at its low and high end."""
    return _safe(
        f'<tr data-sensitivity="{esc(r["field"])}"><th scope="row">{esc(r["label"])}</th>'
        f'<td>{esc(r["low_value"])}: {esc(r["low"])}</td>'
        f'<td>{esc(r["high_value"])}: {esc(r["high"])}</td></tr>'
        for r in rows)


@register.filter
def reason_items(reasons: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<li>`` per reason of the recommendation, tagged with the side it favours."""
    return _safe(
        f'<li class="favours-{esc(r["favours"])}"><span class="tag tag-{esc(r["favours"])}">'
        f'{esc(_favours(r["favours"]))}</span> {esc(r["text"])}</li>'
        for r in reasons)


def _favours(side: str) -> str:
    words = {"lambda": _("Lambda"), "ec2": _("EC2"), "either": _("Either")}
    return words.get(side, side)


@register.filter
def ownership_rows(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<tr>`` per side of the cost of ownership: bill, operations time and their total."""
    return _safe(
        f'<tr><th scope="row">{esc(o["label"])}</th><td class="num">{esc(o["bill"])}</td>'
        f'<td class="num">{esc(o["ops"])}</td>'
        f'<td class="num" data-tco="{esc(o["side"])}">{esc(o["total"])}</td></tr>'
        for o in rows)


@register.filter
def flip_items(flips: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<li>`` per flip of the answer, marked with the side cheaper above it."""
    return _safe(f'<li class="flip-{esc(b["side"])}">{esc(b["text"])}</li>' for b in flips)


@register.filter
def list_items(texts: Iterable[Any]) -> SafeString:
    """``<li>`` per sentence."""
    return _safe(f"<li>{esc(text)}</li>" for text in texts)


@register.filter
def strip_items(items: Iterable[Mapping[str, Any]],
                front_door_choices: Sequence[tuple[str, str]]) -> SafeString:
    """``<li>`` per assumption of the strip: its title, its inputs (mirrored into the form's
    fields by app.js through ``data-mirror``), the answer without it and a note."""
    parts: list[str] = []
    for a in items:
        title = esc(a["title"])
        parts.append(f'\n    <li class="strip-item" data-assumption="{esc(a["key"])}">\n'
                     f'      <span class="strip-title">{title}</span>\n')
        for fld in a["fields"]:
            parts.append(f'      <label class="strip-field">{_strip_field(fld, title, front_door_choices)}</label>\n')
        parts.append(f'      <span class="strip-without" data-without>{esc(a["without"])}</span>\n')
        if a["note"]:
            parts.append(f'      <span class="strip-note">{esc(a["note"])}</span>\n')
        parts.append("    </li>\n")
    return _safe(parts)


def _strip_field(fld: Mapping[str, Any], title: str,
                 front_door_choices: Sequence[tuple[str, str]]) -> str:
    name, label = esc(fld["name"]), esc(fld["label"])
    if fld["kind"] == "checkbox":
        checked = " checked" if fld["value"] else ""
        return f'<input type="checkbox" data-mirror="{name}"{checked}> {label}'
    if fld["kind"] == "choice":
        options = "".join(
            f'<option value="{esc(value)}"{" selected" if value == fld["value"] else ""}>'
            f'{esc(text)}</option>'
            for value, text in (fld.get("choices") or front_door_choices))
        return f'<select data-mirror="{name}" aria-label="{title}">{options}</select>'
    # As the template's stringformat:"g": 3.0 -> "3", 0.25 -> "0.25".
    return (f'<input type="text" inputmode="decimal" size="5" data-mirror="{name}" '
            f'value="{esc(_g(fld["value"]))}" aria-label="{title}: {label}"> {label}')


def _g(value: Any) -> str:
    try:
        return "%g" % value  # the filter's own formatting  # noqa: UP031
    except (TypeError, ValueError):
        return ""
