"""The pricing engine: pure Python + numpy + pandas, no Django (the Django side only builds
a :class:`PriceSheet` from its rows and calls :func:`compare`)."""

import os

# numpy's OpenBLAS starts a thread per core for a matrix product of a few thousand rows (the
# fleet's sizing in ec2.py). A web worker serves one comparison per thread and the cores are
# already shared between workers, so those threads only wait for each other: on a busy
# 2-core machine one product of 34,000 rows took 0.7 ms threaded against 0.008 ms on one
# thread, and a results partial 330 ms against 86 ms. One thread, unless the operator says
# otherwise; it must be set before numpy is first imported (config/settings.py does too).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

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
