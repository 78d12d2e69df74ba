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
from advisor.pricing.sheet import MissingPrice, PriceSheet
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
    key stands for the architecture), its own and the shared ones it always reads (Fargate's
    load balancer)."""
    spec = registry()[name]
    keys = [k.format(arch=architecture) for k in spec.rate_keys]
    own = [k for k in keys if k not in sheet.rates]
    return own + [k for k in spec.shared_keys if not sheet.has(k) and k not in own]


def missing_message(sheet: PriceSheet, name: str, architecture: str, missing: list[str]) -> str:
    return (f'"{name}": the price book for {sheet.book.region} has no {architecture} '
            f"prices for it (missing {', '.join(missing)}); leave it out or choose another "
            "region or architecture")


def prepare(workload: Workload, sheet: PriceSheet, name: str) -> OptionModel:
    """The option's model for the workload; refuses on ``options`` (the field the user set)
    naming every key the price book lacks for it."""
    missing = missing_rates(sheet, name, workload.architecture)
    if missing:
        raise WorkloadError({"options": [missing_message(sheet, name, workload.architecture,
                                                         missing)]})
    try:
        return registry()[name].prepare(workload, sheet)
    except MissingPrice as exc:
        # A shared price this workload needs for this option (its NAT gateway, egress): on
        # the option the user ticked, not on a field they never set.
        raise WorkloadError({"options": [missing_message(
            sheet, name, workload.architecture, [exc.key])]}) from None
