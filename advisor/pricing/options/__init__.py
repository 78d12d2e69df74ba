"""The compute options: one module each, found by name (``lambda_.py`` is ``"lambda"``).

A module defines ``OPTION`` (an :class:`~advisor.pricing.options.base.OptionSpec`); adding a
module here adds an option to the engine. The contract's ``options`` field lists the names
(``workload.OPTION_NAMES``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from advisor.pricing.options.base import OptionModel, OptionSpec
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload, WorkloadError

__all__ = ["OptionModel", "OptionSpec", "missing_rates", "prepare", "registry"]


@cache
def registry() -> dict[str, OptionSpec]:
    """Every option module's ``OPTION``, by name, in contract order."""
    found: list[OptionSpec] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "OPTION", None)
        if isinstance(spec, OptionSpec):
            found.append(spec)
    return {s.name: s for s in sorted(found, key=lambda s: (s.order, s.name))}


def missing_rates(sheet: PriceSheet, name: str, architecture: str = "x86_64") -> list[str]:
    """Rate keys the option needs for the architecture that the sheet lacks ("{arch}" in a
    key stands for the architecture)."""
    keys = [k.format(arch=architecture) for k in registry()[name].rate_keys]
    return [k for k in keys if k not in sheet.rates]


def prepare(workload: Workload, sheet: PriceSheet, name: str) -> OptionModel:
    """The option's model for the workload; refuses (field ``options``) when the price book
    has no prices for it."""
    missing = missing_rates(sheet, name, workload.architecture)
    if missing:
        raise WorkloadError({"options": [
            f'"{name}": the price book for {sheet.book.region} has no {workload.architecture} '
            f"prices for it (missing {', '.join(missing)}); leave it out or choose another "
            "region or architecture"]})
    return registry()[name].prepare(workload, sheet)
