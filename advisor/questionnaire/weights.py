"""The questionnaire's box for a measured traffic shape (``traffic.hourly_weights``).

The weights travel in the address like every other input: one text box of numbers separated
by commas (or spaces, semicolons, new lines: a column pasted from a spreadsheet works, and a
saved report's inputs give them space-separated). The engine checks and normalises them
(advisor/pricing/workload.py); the box only turns the text into numbers and says in the
visitor's language what was read ("168 measured hours, busiest hour 3.2 × the mean").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext, ngettext

from advisor.pricing.workload import WEIGHT_COUNTS

SEPARATORS = re.compile(r"[\s,;]+")
# More text than 168 numbers can need (the address stays far below the server's limits).
MAX_CHARS = 8000


def parse(text: str) -> list[float]:
    """The numbers of the box, in order; ValueError naming the first that is not one."""
    out = []
    for token in SEPARATORS.split(text.strip()):
        if not token:
            continue
        try:
            value = float(token)
        except ValueError:
            raise ValueError(token) from None
        if not math.isfinite(value) or abs(value) > 1e300:
            raise ValueError(token)
        out.append(value)
    return out


def note(weights: Sequence[float]) -> str:
    """'Custom hourly shape: 168 measured hours, busiest hour 3.2 × the mean.'"""
    mean = math.fsum(weights) / len(weights)
    peak = round(max(weights) / mean, 2) if mean > 0 else 0.0
    shown = int(peak) if peak.is_integer() else peak
    return ngettext(
        "Custom hourly shape: %(n)s measured hour, busiest hour %(peak)s × the mean.",
        "Custom hourly shape: %(n)s measured hours, busiest hour %(peak)s × the mean.",
        len(weights)) % {"n": len(weights), "peak": formats.number_format(shown)}


class WeightsField(forms.CharField):
    """Numbers separated by commas; empty is "none" (only the profile "custom" needs them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={
            "rows": 2, "class": "weights-input", "spellcheck": "false",
            "placeholder": "120, 80, 40, …"}))
        super().__init__(required=False, strip=True, **kwargs)

    def _refuse(self, got: str) -> forms.ValidationError:
        return forms.ValidationError(
            gettext("Enter %(counts)s numbers of 0 or more, not all zero, separated by commas "
                    "(got %(got)s).") % {"counts": gettext("24 or 168"), "got": got},
            code="invalid")

    def to_python(self, value: Any) -> list[float] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > MAX_CHARS:
            raise self._refuse(gettext("more than %(n)s characters") % {"n": MAX_CHARS})
        try:
            numbers = parse(text)
        except ValueError as exc:
            raise self._refuse(f"“{str(exc)[:20]}”") from None
        if len(numbers) not in WEIGHT_COUNTS:
            raise self._refuse(str(len(numbers)))
        if any(n < 0 for n in numbers) or not any(numbers):
            raise self._refuse(gettext("a negative number or all zero"))
        return numbers

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(f"{v:g}" if float(v).is_integer() else repr(float(v)) for v in value)
        return value
