"""Finding the price book in force and turning its rows into the engine's price sheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch

from advisor.pricebook.models import Confidence, PriceBook, Rate
from advisor.pricing.catalogue import SPEC_BY_KEY
from advisor.pricing.sheet import BookInfo, InstanceType, PriceSheet, sheet_from_rows


class NoPriceBook(Exception):
    """No published price book is in force for the region on the date."""

    def __init__(self, region: str, on: dt.date) -> None:
        super().__init__(f"no published price book for {region} in force on {on.isoformat()}")
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


def prices_snapshot(book: PriceBook) -> dict[str, Any]:
    """Every row of the book with its source, date and confidence, as plain JSON values: what
    a saved report keeps, so it can always show the prices it used."""
    return {
        "book": {
            "id": book.pk, "name": book.name, "region": book.region,
            "effective_from": book.effective_from.isoformat(), "status": book.status,
            "notes": book.notes,
        },
        "rates": [
            {
                "key": r.key,
                "tier_upto": None if r.tier_upto is None else float(r.tier_upto),
                "price": float(r.price),
                "unit": SPEC_BY_KEY[r.key].unit if r.key in SPEC_BY_KEY else "",
                "source": r.source, "read_on": r.read_on.isoformat(), "confidence": r.confidence,
            }
            for r in book.rates.all()
        ],
        "instance_types": [
            {
                "name": i.name, "vcpu": i.vcpu, "memory_gib": float(i.memory_gib),
                "architecture": i.architecture, "hourly": float(i.hourly),
                "burstable_baseline": None if i.burstable_baseline is None else float(i.burstable_baseline),
                "source": i.source, "read_on": i.read_on.isoformat(), "confidence": i.confidence,
            }
            for i in book.instance_types.all()
        ],
    }
