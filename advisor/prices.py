"""Finding the price book in force and turning its rows into the engine's price sheet."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from advisor.models import Confidence, PriceBook, Rate
from advisor.pricing.sheet import BookInfo, InstanceType, PriceSheet, sheet_from_rows


class NoPriceBook(Exception):
    """No published price book is in force for the region on the date."""

    def __init__(self, region: str, on: dt.date) -> None:
        super().__init__(f"no published price book for {region} in force on {on:%Y-%m-%d}")
        self.region = region
        self.on = on


def book_in_force(region: str, on: dt.date | None = None) -> PriceBook:
    """The newest published book for the region whose effective date is on or before ``on``."""
    on = on or dt.date.today()
    book = (
        PriceBook.objects.filter(region=region, status=PriceBook.Status.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .prefetch_related(Prefetch("rates", queryset=Rate.objects.order_by("key")), "instance_types")
        .first()
    )
    if book is None:
        raise NoPriceBook(region, on)
    return book


def regions_with_books(on: dt.date | None = None) -> list[str]:
    on = on or dt.date.today()
    return sorted(
        PriceBook.objects.filter(status=PriceBook.Status.PUBLISHED, effective_from__lte=on)
        .values_list("region", flat=True)
        .distinct()
    )


def price_sheet(book: PriceBook) -> PriceSheet:
    """The one place ORM rows become engine input: Decimals become floats here."""
    info = BookInfo(
        id=book.pk, name=book.name, region=book.region, effective_from=book.effective_from.isoformat()
    )
    rows = list(book.rates.all())
    rates = [(r.key, None if r.tier_upto is None else float(r.tier_upto), float(r.price)) for r in rows]
    estimated = {r.key for r in rows if r.confidence == Confidence.ESTIMATE}
    instances = [
        InstanceType(
            name=i.name,
            vcpu=int(i.vcpu),
            memory_gib=float(i.memory_gib),
            architecture=i.architecture,
            hourly=float(i.hourly),
            burstable_baseline=None if i.burstable_baseline is None else float(i.burstable_baseline),
        )
        for i in book.instance_types.all()
    ]
    return sheet_from_rows(info, rates, instances, estimated_keys=estimated)
