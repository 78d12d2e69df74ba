"""Request volumes in the engine's English sentences, to three significant figures.

"1.04 billion requests a month" reads; "1,044,938,312" claims a precision the inputs do not
have. Only the sentences round: a result's numeric fields (and a reason's ``params``) keep the
full value, and a page re-renders the sentence in its own language from those
(advisor/questionnaire/numbers.py does the same for the page).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# Reason parameters that are request volumes (a month).
VOLUME_PARAMS = frozenset({"requests", "switch_at"})
_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def volume_words(value: float) -> str:
    """A volume to three significant figures: "720", "15,700", "1.04 million", "2.5 billion"."""
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        return "0"
    value = round(value, 2 - math.floor(math.log10(value)))
    for size, word in _WORDS:
        if value >= size:
            return f"{float(f'{value / size:.3g}'):g} {word}"
    return f"{round(value):,}"


class Volume(float):
    """A volume inside a sentence: formatted as a whole number ("{requests:,.0f}") it reads as
    :func:`volume_words`; any other format spec keeps its digits."""

    def __format__(self, spec: str) -> str:
        if spec.endswith(".0f"):
            return volume_words(float(self))
        return format(float(self), spec)


def in_words(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with each request volume wrapped in :class:`Volume`, for a sentence only."""
    return {k: Volume(v) if k in VOLUME_PARAMS and isinstance(v, int | float)
            and not isinstance(v, bool) else v for k, v in params.items()}
