"""AWS's FOCUS 1.2 export ("FOCUS 1.2 with AWS columns"): ``ChargeCategory`` (Usage,
Purchase, Tax, Credit, Adjustment), ``ConsumedQuantity``, ``ConsumedUnit``, ``BilledCost``,
``RegionId``, ``ChargePeriodStart``/``End`` and the AWS columns ``x_ServiceCode`` and
``x_UsageType`` (AWS, https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html)."""

from __future__ import annotations

from advisor.usage.cost import Columns, CostReader


class FocusReader(CostReader):
    name = "focus"
    title = "FOCUS 1.2 export (ChargeCategory, BilledCost, x_UsageType)"
    marker = "ChargeCategory"
    columns = Columns(
        line_type=("ChargeCategory",), product=("x_ServiceCode", "ServiceName"),
        usage_type=("x_UsageType",), amount=("ConsumedQuantity", "PricingQuantity"),
        unit=("ConsumedUnit", "PricingUnit"), cost=("BilledCost",), region=("RegionId",),
        start=("ChargePeriodStart",), end=("ChargePeriodEnd",),
        usage_values=frozenset({"Usage"}),
    )
