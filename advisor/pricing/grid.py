"""Both totals over a grid of request volumes × durations, for the "which is cheaper" heatmap.

Every other input stays the workload's. The grid is one numpy broadcast: Lambda over
(volume, duration), EC2 over (volume, duration, type, load level); no loop over cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from advisor.pricing.compare import check_region
from advisor.pricing.ec2 import build_ec2_model
from advisor.pricing.lambda_ import lambda_total
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Workload


@dataclass(frozen=True)
class CostGrid:
    """Monthly totals, shape (len(requests), len(durations_ms))."""

    requests: np.ndarray
    durations_ms: np.ndarray
    lambda_usd: np.ndarray
    ec2_usd: np.ndarray

    @property
    def difference(self) -> np.ndarray:
        """Lambda minus EC2: negative where Lambda is cheaper."""
        return self.lambda_usd - self.ec2_usd

    def frame(self) -> pd.DataFrame:
        """The difference as a DataFrame: index requests_per_month, columns duration_ms."""
        return pd.DataFrame(
            self.difference,
            index=pd.Index(self.requests, name="requests_per_month"),
            columns=pd.Index(self.durations_ms, name="duration_ms"),
        )


def cost_grid(workload: Workload, sheet: PriceSheet, requests: np.ndarray,
              durations_ms: np.ndarray) -> CostGrid:
    check_region(workload, sheet)
    r = np.asarray(requests, dtype=float)
    d = np.asarray(durations_ms, dtype=float)
    # Sizing coefficients are per (request/s × ms), so one model serves every duration.
    model = build_ec2_model(workload, sheet)
    lam = np.broadcast_to(lambda_total(sheet, workload, r[:, None], d[None, :]), (r.size, d.size))
    # Shape (volumes, durations, types, load levels) inside, min over types: no cell loop.
    ec2 = model.total(r[:, None], d[None, :])
    return CostGrid(r, d, np.asarray(lam), ec2)


def cheaper_grid(workload: Workload, sheet: PriceSheet, requests: np.ndarray,
                 durations_ms: np.ndarray) -> pd.DataFrame:
    """Lambda − EC2 monthly total per cell (sign gives the cheaper side), as a DataFrame."""
    return cost_grid(workload, sheet, requests, durations_ms).frame()
