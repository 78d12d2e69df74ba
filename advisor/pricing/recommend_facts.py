"""The recommendation's vocabulary (recommend.py): its limits and thresholds, the reasons and
blockers it gives, its result, and the facts every rule reads, computed once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np

from advisor.pricing.ec2 import Ec2Model
from advisor.pricing.priced import PricedPair
from advisor.pricing.recommend_texts import render
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload

# Lambda's hard limits (AWS Lambda quotas and memory docs).
MAX_MEMORY_MB = 10240
MAX_VCPUS = 6.0
TIMEOUT_MS = 900_000
CONCURRENCY_QUOTA = 1000  # default per region; a quota increase can be requested
# Thresholds of this project (documented in the rules that use them: recommend_rules.py,
# recommend_cost.py).
NEAR_TIMEOUT_MS = 600_000
IDLE_UTILISATION = 0.10
SPIKY_PEAK = 4.0
STEADY_PEAK = 2.0
CPU_HEAVY_SHARE = 0.7
CPU_HEAVY_VCPUS = 4.0
NAT_SHARE = 0.25
OPS_SHARE = 0.25
COST_SAME = 0.05  # totals within 5 % (or a cent) cost "about the same"
MIN_RATIO_USD = 20.0  # a ratio of two totals is stated only when both are at least this
P99_RATE = 0.01  # cold starts on at least 1 % of calls reach the p99


class _Message:
    """What a reason and a blocker share: a message code with its numbers, rendered as text."""

    code: str
    params: Mapping[str, Any]

    @property
    def text(self) -> str:
        return render(self.code, self.params)

    def to_dict(self) -> dict[str, Any]:
        # The own fields first, then the English text, then what re-renders it elsewhere.
        own = {f.name: getattr(self, f.name) for f in fields(self)  # type: ignore[arg-type]
               if f.name not in ("code", "params")}
        return {**own, "text": self.text, "code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Reason(_Message):
    factor: str
    favours: str  # "lambda", "ec2" or "either"
    weight: int  # 0..3
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocker(_Message):
    factor: str
    rules_out: str  # the side that cannot serve the workload
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    choice: str  # "lambda", "ec2" or "either"
    confidence: str  # "low", "medium" or "high"
    reasons: tuple[Reason, ...]
    blockers: tuple[Blocker, ...]
    switch_at: float | None
    switch_to: str | None  # the side that becomes cheaper beyond switch_at
    switch_points: tuple[float, ...]  # every crossing with operations included
    tco: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "choice": self.choice, "confidence": self.confidence,
            "reasons": [r.to_dict() for r in self.reasons],
            "blockers": [b.to_dict() for b in self.blockers],
            "switch_at": self.switch_at, "switch_to": self.switch_to,
            "switch_points": list(self.switch_points), "tco": dict(self.tco),
        }


@dataclass(frozen=True)
class Facts:
    """What the rules look at, computed once."""

    w: Workload
    c: PricedPair
    sheet: PriceSheet
    model: Ec2Model
    lambda_ops_usd: float  # the operations cost, whatever the basis
    ec2_ops_usd: float
    tco_lambda: float  # the totals on the result's basis (basis.py)
    tco_ec2: float
    avg_rps: float
    steady: bool
    switch_points: tuple[float, ...]
    with_ops: bool = False  # the basis counts operations time

    @property
    def requests(self) -> float:
        return float(self.w.requests_per_month)

    def code(self, code: str) -> str:
        """A cost-line code on the basis: the bill-only wording ends in "_bill"."""
        return code if self.with_ops else f"{code}_bill"


def message_params(**params: Any) -> Mapping[str, Any]:
    # Plain floats/ints/strings only, so the dict goes straight into JSON.
    return MappingProxyType({k: (float(v) if isinstance(v, np.floating) else v)
                             for k, v in params.items()})
