"""Numbers as the pages show them: money to the cent, counts with grouped digits, rates to
about three significant figures. Shared by the presenters of every option and by reports."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.utils import formats

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
    # number_format truncates floats: round first.
    amount = abs(cents(value))
    return f"{sign}${formats.number_format(amount, decimal_pos=2, force_grouping=True)}"


def count(value: float) -> str:
    """A request count with grouped digits (no decimals)."""
    return formats.number_format(round(float(value)), force_grouping=True)


def rate(value: float) -> str:
    """A rate to about three significant figures (0.0123, 1.23, 123, 12,345)."""
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return count(value)
    digits = max(0, 2 - int(f"{abs(value):e}".split("e")[1]))
    return formats.number_format(round(value, digits), decimal_pos=digits, force_grouping=True)
