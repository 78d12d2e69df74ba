"""Django finds an app's models here; they live with the rest of the price book."""

from advisor.pricebook.models import (
    Confidence,
    InstanceType,
    PriceBook,
    PriceChange,
    Rate,
    SourcedRow,
)

__all__ = ["Confidence", "InstanceType", "PriceBook", "PriceChange", "Rate", "SourcedRow"]
