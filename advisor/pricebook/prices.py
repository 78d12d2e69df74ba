"""Finding the price book in force and turning its rows into the engine's price sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
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
        # Instance types (hundreds) are read by price_sheet() as plain tuples, not prefetched.
        .prefetch_related(Prefetch("rates", queryset=Rate.objects.order_by("key")))
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

    def num(value: Any) -> float | None:
        return None if value is None else float(value)

    # Hundreds of types a book: plain tuples, not model instances.
    columns = ("name", "vcpu", "memory_gib", "architecture", "hourly", "burstable_baseline",
               "reserved_1y_hourly", "reserved_3y_hourly")
    instances = [
        InstanceType(name=name, vcpu=int(vcpu), memory_gib=float(mem), architecture=arch,
                     hourly=float(hourly), burstable_baseline=num(baseline),
                     reserved_1y=num(r1), reserved_3y=num(r3))
        for name, vcpu, mem, arch, hourly, baseline, r1, r3
        in book.instance_types.order_by("name").values_list(*columns)
    ]
    # A key without a row is a price no source gave for the region: the engine names it when
    # a workload needs it.
    return sheet_from_rows(info, rates, instances, estimated_keys=estimated, allow_missing=True)


def prices_snapshot(book: PriceBook, instance_names: Collection[str] | None = None) -> dict[str, Any]:
    """Every row of the book with its source, date and confidence, as plain JSON values: what
    a saved report keeps, so it can always show the prices it used. ``instance_names`` keeps
    only those instance types (the ones the result sized), not the book's hundreds."""
    types = book.instance_types.all()
    if instance_names is not None:
        # In the query: building hundreds of rows to keep a few cost more than the engine.
        types = types.filter(name__in=list(instance_names))
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
                "reserved_1y": None if i.reserved_1y_hourly is None else float(i.reserved_1y_hourly),
                "reserved_3y": None if i.reserved_3y_hourly is None else float(i.reserved_3y_hourly),
                "burstable_baseline": None if i.burstable_baseline is None else float(i.burstable_baseline),
                "source": i.source, "read_on": i.read_on.isoformat(), "confidence": i.confidence,
            }
            for i in types
        ],
    }
