"""The audit trail of price books: who changed which row, when, from what to what.

Every write to a price row outside seeding goes through ``save_row`` or ``delete_row`` (the
admin, the importer), and book-level events (clone, publish) through ``record_book_event``.
Values are stored as text the way an editor would type them, so the history reads plainly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from advisor.pricebook.models import InstanceType, PriceBook, PriceChange, Rate, plain

TRACKED: dict[type[models.Model], tuple[str, ...]] = {
    Rate: ("key", "tier_upto", "price", "source", "read_on", "confidence"),
    InstanceType: (
        "name", "vcpu", "memory_gib", "architecture", "hourly", "reserved_1y_hourly",
        "reserved_3y_hourly", "burstable_baseline", "source", "read_on", "confidence",
    ),
    PriceBook: ("name", "region", "effective_from", "status", "notes"),
}
KIND: dict[type[models.Model], str] = {Rate: "rate", InstanceType: "instance type", PriceBook: "price book"}

Snapshot = dict[str, str]


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def snapshot(obj: models.Model) -> Snapshot:
    """The tracked fields of ``obj`` as it is in memory."""
    return {name: as_text(getattr(obj, name)) for name in TRACKED[type(obj)]}


def stored_snapshot(obj: models.Model) -> Snapshot | None:
    """The tracked fields of ``obj`` as the database holds them (None for a new row).

    Admin forms copy the submitted values onto the instance before saving, so the old values
    must be read back from the database.
    """
    if obj.pk is None:
        return None
    fields = TRACKED[type(obj)]
    row = type(obj)._default_manager.filter(pk=obj.pk).values(*fields).first()
    return None if row is None else {name: as_text(row[name]) for name in fields}


def row_label(obj: models.Model) -> str:
    if isinstance(obj, Rate):
        return obj.key if obj.tier_upto is None else f"{obj.key} up to {plain(obj.tier_upto)}"
    if isinstance(obj, InstanceType):
        return obj.name
    if isinstance(obj, PriceBook):
        return obj.name
    return str(obj)


def _book_of(obj: models.Model) -> PriceBook:
    return obj if isinstance(obj, PriceBook) else obj.book  # type: ignore[attr-defined]


def record(
    obj: models.Model, before: Snapshot | None, after: Snapshot | None, *, user: Any, via: str
) -> list[PriceChange]:
    """Write audit rows: one per changed field, or one for a created or deleted row."""
    base = {
        "book": _book_of(obj),
        "row_kind": KIND[type(obj)],
        "row_id": obj.pk,
        "row_label": row_label(obj)[:200],
        "user": user if getattr(user, "is_authenticated", False) else None,
        "via": via,
    }
    entries: list[PriceChange] = []
    if before is None and after is not None:
        summary = "; ".join(f"{k}={v}" for k, v in after.items() if v)
        entries.append(PriceChange(action=PriceChange.Action.CREATED, new_value=summary, **base))
    elif after is None and before is not None:
        summary = "; ".join(f"{k}={v}" for k, v in before.items() if v)
        entries.append(PriceChange(action=PriceChange.Action.DELETED, old_value=summary, **base))
    elif before is not None and after is not None:
        for name, old in before.items():
            if after[name] != old:
                entries.append(PriceChange(
                    action=PriceChange.Action.CHANGED, field=name, old_value=old,
                    new_value=after[name], **base,
                ))
    return PriceChange.objects.bulk_create(entries)


def save_row(obj: Rate | InstanceType, *, user: Any, via: str, mark_edited: bool = True) -> list[PriceChange]:
    """Save a price row and record what changed; unchanged rows are not written at all.

    ``mark_edited`` flags the row as an editor's work, which seeding never overwrites.
    """
    with transaction.atomic():
        before = stored_snapshot(obj)
        after = snapshot(obj)
        if before == after:
            return []
        if mark_edited:
            obj.edited = True
        obj.save()
        return record(obj, before, after, user=user, via=via)


def delete_row(obj: Rate | InstanceType, *, user: Any, via: str) -> list[PriceChange]:
    with transaction.atomic():
        before = stored_snapshot(obj) or snapshot(obj)
        entries = record(obj, before, None, user=user, via=via)
        obj.delete()
        return entries


def record_book_event(book: PriceBook, field: str, old: str, new: str, *, user: Any, via: str) -> PriceChange:
    """A book-level event (cloned, published) in the same trail as row changes."""
    return PriceChange.objects.create(
        book=book, action=PriceChange.Action.CHANGED, row_kind=KIND[PriceBook], row_id=book.pk,
        row_label=book.name[:200], field=field, old_value=old, new_value=new,
        user=user if getattr(user, "is_authenticated", False) else None, via=via,
    )
