"""Display helpers for stored snapshots: money is rounded to cents only here, at display time."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder

from advisor.questionnaire import presenters, texts
from advisor.questionnaire.forms import (
    CHOICE_LABELS,
    UNIT_IN_LABEL,
    QuestionnaireForm,
    form_name,
    unit_text,
)

register = template.Library()


@register.filter
def usd(value: Any) -> str:
    """$1,234.56, as the live results show money."""
    try:
        return presenters.usd(float(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def as_json(value: Any) -> str:
    """Compact JSON for a form field's value (autoescaping makes it safe in an attribute)."""
    return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"), allow_nan=False)


@register.filter
def unit_words(unit: Any) -> str:
    """A price row's unit ("USD per GB-second") in the visitor's language."""
    return texts.rate_unit(str(unit or ""))


@register.filter
def derived_only(rows: Any) -> list[Any]:
    """The input rows the engine worked out from the others (reports/views.py input_rows)."""
    return [row for row in rows or [] if row.get("derived")]


@register.filter
def input_value(row: Any) -> str:
    """A stored input as the questionnaire words it: a choice's label ("API Gateway HTTP API",
    not "http_api") and a number with its unit ("2,500 ms"); anything else as stored."""
    name = form_name(str(row.get("name", "")))
    value = str(row.get("value", ""))
    labels = {str(k): v for k, v in CHOICE_LABELS.get(name, {}).items()}
    if value in labels:
        return str(labels[value])
    spec = QuestionnaireForm.specs.get(name)
    numeric = spec is not None and spec.kind in ("number", "integer") and not spec.choices
    # A share (0 to 1) reads clearly as it is; "0.6 share, 0 to 1" would not. Labels that name
    # their unit ("Minimum instances") are left alone, as on the questionnaire.
    if (numeric and spec.unit and spec.unit != "share" and name not in UNIT_IN_LABEL
            and value[:1].isdigit()):
        return f"{value} {unit_text(spec.unit)}"
    return value
