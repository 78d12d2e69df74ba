"""The charts' figures as JSON in the page, made quickly: a results partial carries about
60 KB of them with every keystroke."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# What json_script escapes so that the JSON cannot close the script element or start a
# comment or entity; str.replace is several times faster than json_script's str.translate
# on tens of KB that hold one non-ASCII character.
_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


@register.filter(is_safe=True)
def chart_json(value: Any, element_id: str) -> SafeString:
    """As Django's ``json_script``: ``<script id=... type="application/json">``, the same
    escapes, without the spaces after separators."""
    text = json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"))
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id,
                       mark_safe(text))  # noqa: S308 - escaped just above, as json_script does
