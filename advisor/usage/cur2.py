"""AWS Cost and Usage Report 2.0 (Data Exports; CSV, gzip CSV or Parquet): snake_case columns
such as ``line_item_line_item_type``, ``line_item_usage_type``, ``line_item_usage_amount``,
``line_item_unblended_cost``, ``pricing_unit`` and ``product_region_code`` (AWS, "CUR 2.0
table dictionary", https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html).
Line item types other than usage (Tax, Credit, Refund, Fee, ...) are listed apart."""

from __future__ import annotations

from advisor.usage.cost import Columns, CostReader

# Usage, and usage covered by a reservation or a Savings Plan (still usage of the service).
USAGE = frozenset({"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"})


class Cur2Reader(CostReader):
    name = "cur2"
    title = "AWS Cost and Usage Report 2.0 (CSV, gzip or Parquet)"
    marker = "line_item_usage_type"
    columns = Columns(
        line_type=("line_item_line_item_type",), product=("line_item_product_code",),
        usage_type=("line_item_usage_type",), amount=("line_item_usage_amount",),
        unit=("pricing_unit",), cost=("line_item_unblended_cost",),
        region=("product_region_code", "product_region"),
        start=("line_item_usage_start_date",), end=("line_item_usage_end_date",),
        usage_values=USAGE,
    )
