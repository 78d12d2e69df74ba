"""Numbers as the pages show them: money to the cent, counts with grouped digits, rates to
about three significant figures. Shared by the presenters of every option and by reports."""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.utils import formats

from advisor.questionnaire.language import current as get_language
from advisor.questionnaire.language import gettext as _

CENTS_CONTEXT = Context(prec=400)


def cents(value: Any) -> Decimal:
    """Money rounded half up to the cent (as AWS bills do), from the float's shortest decimal
    form (2.005 gives 2.01), for every place that shows or exports an amount.

    The context's precision holds any float (up to 309 digits): the default 28 raised on 1e30.
    A non-finite value raises ValueError.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"not an amount of money: {value!r}")
    return Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP, CENTS_CONTEXT)


def usd(value: float) -> str:
    """Dollars to the cent; amounts below half a cent show as '< $0.01', not '$0.00'."""
    value = float(value)
    if 0 < abs(value) < 0.005:
        return "< $0.01"
    if not math.isfinite(value):
        return "—"
    sign = "−" if value < 0 else ""
    if abs(value) >= 1e100:  # Django writes such a number in scientific notation
        return f"{sign}${formats.number_format(abs(cents(value)), decimal_pos=2, force_grouping=True)}"
    # Python's grouping, then the locale's marks: what formats.number_format gives with
    # force_grouping, for a fraction of its cost (a results page shows about seventy amounts).
    return f"{sign}${local_marks(f'{abs(cents(value)):,.2f}')}"


def count(value: float) -> str:
    """A request count with grouped digits (no decimals)."""
    return local_marks(f"{round(float(value)):,}")


def rate(value: float) -> str:
    """A rate to about three significant figures (0.0123, 1.23, 123, 12,345)."""
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return count(value)
    digits = max(0, 2 - int(f"{abs(value):e}".split("e")[1]))
    return local_marks(f"{round(value, digits):,.{digits}f}")


def local_marks(text: str) -> str:
    """Python's grouped number ("1,234.5") in the active locale's marks (groups of three, as
    every language of the site groups)."""
    thousand, decimal = _separators(get_language())  # kept per language: no format lookups
    if (thousand, decimal) == (",", "."):
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousand)


@functools.cache
def _separators(language: str | None) -> tuple[str, str]:
    return (str(formats.get_format("THOUSAND_SEPARATOR", language)),
            str(formats.get_format("DECIMAL_SEPARATOR", language)))


def volume_words(value: float) -> str:
    """A volume in a sentence, to three significant figures: "15,700", "1.04 million",
    "2.5 billion" (Korean: 만, 억, 조)."""
    value = float(value)
    if value <= 0 or not math.isfinite(value):
        return "0"
    digits = 2 - int(math.floor(math.log10(value)))
    value = round(value, digits)
    if get_language() == "ko":
        for size, unit in ((1e12, "조"), (1e8, "억"), (1e4, "만")):
            if value >= size:
                return local_marks(f"{float(f'{value / size:.3g}'):,g}") + unit
        return local_marks(f"{round(value):,}")
    for size, word in ((1e12, _("%(n)s trillion")), (1e9, _("%(n)s billion")),
                       (1e6, _("%(n)s million"))):
        if value >= size:
            return word % {"n": local_marks(f"{float(f'{value / size:.3g}'):g}")}
    return local_marks(f"{round(value):,}")


class Volume(float):
    """A request volume inside a sentence: formatted as a whole number ("{requests:,.0f}") it
    reads as :func:`volume_words` (three significant figures), so a stored reason's figures
    say "1.04 billion requests a month", not "1,044,938,312"."""

    def __format__(self, spec: str) -> str:
        if spec.endswith(".0f"):
            return volume_words(float(self))
        return format(float(self), spec)
