"""CloudWatch Logs as AWS bills them: Lambda's vended-log tiers, EC2's flat custom logs and
the always-free 5 GB (network.logs_monthly), checked as properties."""

from __future__ import annotations

import numpy as np
import pytest
from engine_testlib import make_sheet
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.pricing.network import logs_kinks, logs_monthly

# us-east-1's cloudwatch feed: vended logs $0.50 / $0.25 / $0.10 / $0.05 per GB at 10, 30
# and 50 TB (1 TB = 1,024 GB), custom logs $0.50 flat, 5 GB free.
VENDED = [(10_240.0, 0.50), (30_720.0, 0.25), (51_200.0, 0.10), (None, 0.05)]
SHEET = make_sheet({"logs.vended_per_gb": VENDED, "logs.free_gb": 5.0})


def test_fifty_thousand_gb() -> None:
    cost = logs_monthly(SHEET, 50_000, 1e9, vended=True)
    assert round(float(cost), 2) == 12_168.00  # 10,240 × 0.50 + 20,480 × 0.25 + 19,280 × 0.10
    assert float(logs_monthly(SHEET, 50_000, 1e9)) == pytest.approx(25_000.0)  # custom: flat
    assert float(logs_monthly(SHEET, 1_000_000, 300, vended=True, free_gb=5.0)) == 0.0


def test_a_book_without_the_tiers_bills_lambda_logs_flat() -> None:
    assert float(logs_monthly(make_sheet(), 1e6, 1e4, vended=True)) == pytest.approx(10 * 0.50)


@settings(max_examples=60, deadline=None)
@given(bytes_per_request=st.floats(50, 1e6), vended=st.booleans(), free=st.sampled_from([0.0, 5.0]),
       a=st.floats(0, 1e10), b=st.floats(0, 1e10))
def test_logs_are_monotone_cheaper_than_flat_and_linear_between_kinks(
        bytes_per_request: float, vended: bool, free: float, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    cost = lambda r: float(logs_monthly(SHEET, r, bytes_per_request, vended=vended,  # noqa: E731
                                        free_gb=free))
    assert cost(lo) <= cost(hi) + 1e-9
    assert cost(hi) <= float(logs_monthly(SHEET, hi, bytes_per_request)) + 1e-6
    # Between consecutive kinks the charge is linear: the midpoint is the mean of the ends.
    kinks = [k for k in logs_kinks(SHEET, bytes_per_request, vended=vended, free_gb=free)
             if lo < k < hi]
    points = [lo, *sorted(kinks), hi]
    for x, y in zip(points, points[1:], strict=False):
        mid = cost((x + y) / 2)
        assert mid == pytest.approx((cost(x) + cost(y)) / 2, rel=1e-9, abs=1e-6)
    assert np.isfinite(cost(hi))
