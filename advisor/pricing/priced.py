"""What the recommendation and the options read from a priced comparison.

compare.py builds the :class:`~advisor.pricing.compare.Comparison` and then asks
recommend.py and choose.py about it; they only read a few of its fields. These protocols
name those fields, so the two modules below compare.py need not import it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from advisor.pricing.ec2 import Ec2Sizing
from advisor.pricing.workload import Workload


class PricedLambda(Protocol):
    """The Lambda side of a comparison (compare.LambdaResult)."""

    @property
    def monthly_usd(self) -> float: ...

    @property
    def items(self) -> Mapping[str, float]: ...


class PricedEc2(Protocol):
    """The EC2 side of a comparison (compare.Ec2Result)."""

    @property
    def monthly_usd(self) -> float: ...

    @property
    def instance_type(self) -> str: ...

    @property
    def sizing(self) -> Ec2Sizing: ...


class PricedPair(Protocol):
    """Lambda against EC2 for one workload (compare.Comparison)."""

    @property
    def workload(self) -> Workload: ...

    @property
    def lambda_(self) -> PricedLambda: ...

    @property
    def ec2(self) -> PricedEc2: ...

    @property
    def break_even(self) -> tuple[float, ...]: ...

    @property
    def uncertainty(self) -> Mapping[str, Any] | None: ...
