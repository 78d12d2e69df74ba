"""AWS Lambda (on-demand, with optional provisioned concurrency): ``advisor.pricing.lambda_``
as an option, its rules and numbers unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np

from advisor.pricing.lambda_ import (
    LAMBDA_ITEMS,
    billed_ms,
    lambda_items,
    lambda_kinks,
    lambda_total,
    lambda_total_fn,
)
from advisor.pricing.options.base import OptionModel, OptionSpec
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload


def prepare(w: Workload, sheet: PriceSheet) -> OptionModel:
    def arrays(r: np.ndarray) -> dict[str, np.ndarray]:
        items, _ = lambda_items(sheet, w, r)
        return {k: np.broadcast_to(items[k], np.shape(r)) for k in LAMBDA_ITEMS}

    def detail(r: float) -> dict[str, Any]:
        _, cost = lambda_items(sheet, w, r)
        return {"gb_seconds": float(cost.gb_seconds),
                "billed_duration_ms": float(billed_ms(w.duration_ms, w.billing_granularity_ms))}

    return OptionModel(name="lambda", items=LAMBDA_ITEMS, item_arrays=arrays,
                       kinks=lambda_kinks(sheet, w), detail=detail,
                       total_fn=lambda_total_fn(sheet, w),
                       grid_total=lambda r, d: lambda_total(sheet, w, r, d))


OPTION = OptionSpec(name="lambda", items=LAMBDA_ITEMS, prepare=prepare, order=10)
