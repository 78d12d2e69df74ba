"""What every compute option gives the comparison: one small protocol.

An option prices one workload into contract line items and a total, tells how that total
grows with the request volume (so break-even stays exact), and states its own limits. Its
``prepare(workload, sheet)`` builds an :class:`OptionModel` once per workload; everything
volume-dependent is then a vectorised call.

The shape every option's total has (what makes break-even exact, ``breakeven.Shape``): linear
between consecutive ``kinks`` (a free allowance or a volume tier ending) and, for fleets,
upward jumps just after ``n × s`` for ``s`` in ``spacing`` and integers ``n >= first_step``
(a fleet growing by one instance or task), keeping the lower value at ``n × s`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload

Arrays = Callable[[np.ndarray], dict[str, np.ndarray]]


@dataclass(frozen=True)
class OptionModel:
    """One option prepared for one workload (all volume-independent work done)."""

    name: str
    items: tuple[str, ...]
    item_arrays: Arrays
    kinks: np.ndarray = field(default_factory=lambda: np.zeros(0))
    spacing: np.ndarray = field(default_factory=lambda: np.zeros(0))
    first_step: int = 1
    # Sizing detail at one volume, as plain JSON values (the contract's ``sizing``).
    detail: Callable[[float], Mapping[str, Any]] = lambda r: {}
    # Hard limits that rule the option out whatever the price: (code, params).
    blockers: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    # A faster or exact total when the option has one (else the sum of the items).
    total_fn: Callable[[np.ndarray], np.ndarray] | None = None
    # The total over volumes × durations (broadcast), everything else the workload's: the
    # "which is cheapest" map.
    grid_total: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def total(self, requests: np.ndarray | float) -> np.ndarray:
        r = np.asarray(requests, dtype=float)
        if self.total_fn is not None:
            return np.asarray(self.total_fn(r), dtype=float)
        items = self.item_arrays(r)
        out = np.zeros(np.shape(r))
        for key in self.items:
            out = out + items[key]
        return out

    @property
    def jumps(self) -> bool:
        return bool(np.size(self.spacing))


class Option(Protocol):
    """A module of ``advisor.pricing.options`` (its ``OPTION``)."""

    name: str
    items: tuple[str, ...]
    # Rate keys the price book must hold for this option (empty: always priced).
    rate_keys: tuple[str, ...]

    def prepare(self, workload: Workload, sheet: PriceSheet) -> OptionModel: ...


@dataclass(frozen=True)
class OptionSpec:
    """The plain implementation of :class:`Option` each module fills in."""

    name: str
    items: tuple[str, ...]
    prepare: Callable[[Workload, PriceSheet], OptionModel]
    rate_keys: tuple[str, ...] = ()
    # Keys of shared services the option always reads (Fargate's Application Load Balancer):
    # a book without them refuses the option on ``options``, naming them.
    shared_keys: tuple[str, ...] = ()
    # Order in the contract and on the page (lower first).
    order: int = 100
