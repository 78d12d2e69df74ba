"""The legacy AWS Cost and Usage Report: ``<category>/<Name>`` columns such as
``lineItem/LineItemType``, ``lineItem/UsageType``, ``lineItem/UsageAmount``,
``lineItem/UnblendedCost``, ``pricing/unit`` and ``product/regionCode`` (AWS, "Data
dictionary: line item details",
https://docs.aws.amazon.com/cur/latest/userguide/Lineitem-columns.html)."""

from __future__ import annotations

from advisor.usage.cost import Columns, CostReader
from advisor.usage.cur2 import USAGE


class CurLegacyReader(CostReader):
    name = "cur_legacy"
    title = "legacy AWS Cost and Usage Report (lineItem/UsageType columns)"
    marker = "lineItem/UsageType"
    columns = Columns(
        line_type=("lineItem/LineItemType",), product=("lineItem/ProductCode",),
        usage_type=("lineItem/UsageType",), amount=("lineItem/UsageAmount",),
        unit=("pricing/unit",), cost=("lineItem/UnblendedCost",),
        region=("product/regionCode", "product/region"),
        start=("lineItem/UsageStartDate",), end=("lineItem/UsageEndDate",),
        usage_values=USAGE,
    )
