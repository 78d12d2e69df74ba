"""EC2 behind a load balancer: ``advisor.pricing.ec2`` as an option, its rules and numbers
unchanged ("auto" re-picks the cheapest type at each volume)."""

from __future__ import annotations

from typing import Any

import numpy as np

from advisor.pricing.ec2 import EC2_ITEMS, Ec2Model, build_ec2_model, ec2_item_arrays, size_fleet
from advisor.pricing.options.base import OptionModel, OptionSpec
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload


def prepare(w: Workload, sheet: PriceSheet) -> OptionModel:
    return from_model(build_ec2_model(w, sheet))


def from_model(model: Ec2Model) -> OptionModel:
    """The option over a fleet model compare() has already built for the same workload."""
    w = model.workload

    def arrays(r: np.ndarray) -> dict[str, np.ndarray]:
        items, _ = ec2_item_arrays(model, r)
        return items

    def detail(r: float) -> dict[str, Any]:
        s = size_fleet(model, r)[0]
        return {"instance_type": s.instance_type, "peak_instances": s.peak_instances,
                "instance_hours": s.instance_hours}

    return OptionModel(name="ec2", items=EC2_ITEMS, item_arrays=arrays, kinks=model.kinks,
                       spacing=model.step_spacing(), first_step=int(w.ec2.min_instances),
                       detail=detail, total_fn=model.total, grid_total=model.total)


OPTION = OptionSpec(name="ec2", items=EC2_ITEMS, prepare=prepare, order=20)
