"""Display helpers for stored snapshots: money is rounded to cents only here, at display time."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder

from advisor import presenters, texts

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
