"""Cloning, comparing and publishing price books: plain functions the admin and importer call.

A published book never changes, so a saved report that names it can always be explained;
prices change by cloning the book in force as a draft, editing the draft, and publishing it
with an effective date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from advisor.pricebook import audit
from advisor.pricebook.models import (
    InstanceType,
    PriceBook,
    Rate,
    plain,
    published_message,
    same_date_message,
    tier_ladder_errors,
)
from advisor.pricebook.prices import NoPriceBook, book_in_force
from advisor.pricing.catalogue import SPEC_BY_KEY, SPECS
from advisor.questionnaire import texts

INSTANCE_FIELDS = ("vcpu", "memory_gib", "architecture", "hourly", "reserved_1y_hourly",
                   "reserved_3y_hourly", "burstable_baseline")
ROW_FIELDS = ("source", "read_on", "confidence", "edited")
REVISED = re.compile(r" \(revised \d{4}-\d{2}-\d{2}\)$")


class PublishError(Exception):
    """Publishing was refused; ``problems`` says why, in words for the editor."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RowDiff:
    kind: str  # "rate" or "instance type"
    label: str  # "lambda.x86_64.duration up to 6000000000", "t4g.small"
    status: str  # "added", "removed" or "changed"
    field: str  # the changed field ("price", "hourly", ...); "" for added or removed rows
    old: str
    new: str
    unit: str


def in_force_or_none(region: str, on: dt.date) -> PriceBook | None:
    try:
        return book_in_force(region, on)
    except NoPriceBook:
        return None


@transaction.atomic
def clone_as_draft(
    book: PriceBook, *, user: Any, name: str | None = None, via: str = "clone"
) -> PriceBook:
    """An editable copy of ``book``; every row keeps its source, date and confidence."""
    today = timezone.localdate()
    # "X (revised 2026-11-28)": the name still reads right once the draft is published.
    revised = gettext("%(name)s (revised %(date)s)") % {
        "name": REVISED.sub("", book.name), "date": today.isoformat()}
    draft = PriceBook.objects.create(
        region=book.region,
        name=(name or revised)[:120],
        effective_from=max(today, book.effective_from),
        status=PriceBook.Status.DRAFT,
        notes=book.notes,
        cloned_from=book,
    )
    Rate.objects.bulk_create(
        Rate(book=draft, key=r.key, tier_upto=r.tier_upto, price=r.price,
             **{f: getattr(r, f) for f in ROW_FIELDS})
        for r in book.rates.all()
    )
    InstanceType.objects.bulk_create(
        InstanceType(book=draft, name=i.name, **{f: getattr(i, f) for f in INSTANCE_FIELDS + ROW_FIELDS})
        for i in book.instance_types.all()
    )
    audit.record_book_event(
        draft, "cloned_from", "", f"#{book.pk} {book.name}", user=user, via=via
    )
    return draft


def diff_books(old: PriceBook | None, new: PriceBook) -> list[RowDiff]:
    """What ``new`` changes against ``old``, row by row (tiers by their bound, types by name)."""
    diffs: list[RowDiff] = []
    old_rates = {(r.key, r.tier_upto): r.price for r in old.rates.all()} if old else {}
    new_rates = {(r.key, r.tier_upto): r.price for r in new.rates.all()}
    for key, upto in sorted(old_rates.keys() | new_rates.keys(), key=_rate_order):
        unit = texts.rate_unit(SPEC_BY_KEY[key].unit) if key in SPEC_BY_KEY else ""
        label = key if upto is None else gettext("%(key)s up to %(bound)s") % {
            "key": key, "bound": plain(upto)}
        before, after = old_rates.get((key, upto)), new_rates.get((key, upto))
        if before is None:
            diffs.append(RowDiff("rate", label, "added", "", "", plain(after), unit))
        elif after is None:
            diffs.append(RowDiff("rate", label, "removed", "", plain(before), "", unit))
        elif before != after:
            diffs.append(RowDiff("rate", label, "changed", "price", plain(before), plain(after), unit))

    old_types = {i.name: i for i in old.instance_types.all()} if old else {}
    new_types = {i.name: i for i in new.instance_types.all()}
    for name in sorted(old_types.keys() | new_types.keys()):
        a, b = old_types.get(name), new_types.get(name)
        if a is None:
            diffs.append(RowDiff("instance type", name, "added", "", "", str(b), ""))
        elif b is None:
            diffs.append(RowDiff("instance type", name, "removed", "", str(a), "", ""))
        else:
            for field in INSTANCE_FIELDS:
                x, y = getattr(a, field), getattr(b, field)
                if x != y:
                    unit = texts.rate_unit("USD per hour") if field == "hourly" else ""
                    diffs.append(RowDiff("instance type", name, "changed", field, plain(x), plain(y), unit))
    return diffs


def _rate_order(item: tuple[str, Any]) -> tuple[str, bool, Any]:
    key, upto = item
    return (key, upto is None, upto or 0)


def book_problems(book: PriceBook) -> list[str]:
    """Why the book could not price a comparison: missing prices, broken ladders, bad rows."""
    problems: list[str] = []
    rates = list(book.rates.all())
    have = {r.key for r in rates}
    # A regional book may lack a price no source gave (the engine names it when a workload
    # needs it); a draft must not lose one its original had.
    base_keys = ({r.key for r in book.cloned_from.rates.all()} if book.cloned_from_id
                 and book.cloned_from is not None else {s.key for s in SPECS})
    missing = [s.key for s in SPECS if s.key not in have and s.key in base_keys]
    if missing:
        problems.append(gettext("Prices missing: %(keys)s.") % {"keys": ", ".join(missing)})
    problems += tier_ladder_errors((r.key, r.tier_upto) for r in rates)
    problems += [
        gettext("%(key)s: the price cannot be negative.") % {"key": r.key} for r in rates if r.price < 0
    ]
    types = list(book.instance_types.all())
    if not types:
        problems.append(gettext("The book has no EC2 instance types."))
    for i in types:
        if i.vcpu < 1 or i.memory_gib <= 0 or i.hourly < 0:
            problems.append(gettext("%(name)s: vCPUs and memory must be positive and the price "
                                    "not negative.") % {"name": i.name})
        if i.burstable_baseline is not None and not (0 < i.burstable_baseline <= 1):
            problems.append(gettext("%(name)s: the burstable baseline must be above 0 and at "
                                    "most 1.") % {"name": i.name})
    return problems


def publish_problems(book: PriceBook, effective_from: dt.date) -> list[str]:
    if book.is_published:
        return [published_message()]
    problems = book_problems(book)
    if effective_from < timezone.localdate():
        # A past date would change which book was in force for reports already priced.
        problems.append(gettext("The effective date cannot be in the past: prices already "
                                "used for saved reports must stay as they were."))
    clash = PriceBook.objects.filter(
        region=book.region, effective_from=effective_from, status=PriceBook.Status.PUBLISHED
    ).exclude(pk=book.pk)
    if clash.exists():
        problems.append(same_date_message(book.region, effective_from))
    return problems


@transaction.atomic
def publish(book: PriceBook, effective_from: dt.date, *, user: Any) -> PriceBook:
    """Make the draft the book in force from ``effective_from``; raises PublishError."""
    book = PriceBook.objects.select_for_update().get(pk=book.pk)
    problems = publish_problems(book, effective_from)
    if problems:
        raise PublishError(problems)
    old_date = book.effective_from
    book.status = PriceBook.Status.PUBLISHED
    book.effective_from = effective_from
    book.published_at = timezone.now()
    try:
        with transaction.atomic():
            book.save(update_fields=["status", "effective_from", "published_at"])
    except IntegrityError:
        # Another editor published the same region and date a moment ago.
        raise PublishError([same_date_message(book.region, effective_from)]) from None
    audit.record_book_event(book, "status", "draft", "published", user=user, via="publish")
    if old_date != effective_from:
        audit.record_book_event(
            book, "effective_from", old_date.isoformat(), effective_from.isoformat(),
            user=user, via="publish",
        )
    return book
