"""Fixtures for the pure engine tests (no database)."""

from __future__ import annotations

import pytest
from engine_testlib import make_sheet

from advisor.pricing.sheet import PriceSheet


@pytest.fixture(scope="session")
def sheet() -> PriceSheet:
    """The us-east-1 sheet built from the reference's values."""
    return make_sheet()
