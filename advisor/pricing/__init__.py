"""The pricing engine: pure Python + numpy + pandas, no Django (the Django side only builds
a :class:`PriceSheet` from its rows and calls :func:`compare`)."""

from advisor.pricing.compare import Comparison, compare
from advisor.pricing.grid import cheaper_grid, cost_grid
from advisor.pricing.sheet import (
    BookInfo,
    InstanceType,
    PriceSheet,
    PriceSheetError,
    Tier,
    rates_used,
    sheet_from_rows,
)
from advisor.pricing.workload import FIELDS, Workload, WorkloadError, parse_workload

__all__ = [
    "FIELDS", "BookInfo", "Comparison", "InstanceType", "PriceSheet", "PriceSheetError", "Tier",
    "Workload", "WorkloadError", "cheaper_grid", "compare", "cost_grid", "parse_workload",
    "rates_used", "sheet_from_rows",
]
