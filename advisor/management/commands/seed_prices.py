"""Load the seeded price books from fixtures/price_books.json (scripts/build_price_books.py
builds it from AWS's pricing-page feeds and fixtures/sourced_rows.json).

Safe to run again: a book is matched by region, name and effective date. A draft gets only
the rows it lacks. A published book gets only the keys and instance types it lacks (a price
no source gave when it was seeded, so nothing it priced before changes; every saved report
keeps the rows it used): a database seeded before a region's gaps were sourced prices that
region after the next `make run`. Rows already present, whether seeded earlier or edited by an
admin, are never overwritten: a changed price reaches a published book only through a new
book (the importer's draft, published by an editor).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from advisor.pricebook.models import InstanceType, PriceBook, Rate
from advisor.pricing.catalogue import architecture_of

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "price_books.json"
# Rates of the further compute options, by region (kept apart from the books' own file).
OPTIONS_PATH = Path(settings.BASE_DIR) / "fixtures" / "price_books.options.json"


def add_option_rates(data: dict[str, Any], path: Path = OPTIONS_PATH) -> None:
    """Give every seeded book its region's option rates (rows of keys it does not have)."""
    if not path.exists():
        return
    by_region = json.loads(path.read_text(encoding="utf-8"))["rates_by_region"]
    for book in data["price_books"]:
        have = {row["key"] for row in book["rates"]}
        book["rates"] = book["rates"] + [
            row for row in by_region.get(book["region"], []) if row["key"] not in have]


class Command(BaseCommand):
    help = "Load the seeded price books (fixtures/price_books.json) without overwriting edits."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=str(DEFAULT_PATH), help="Seed file to load.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        add_option_rates(data)
        with transaction.atomic():
            for book_data in data["price_books"]:
                self._seed_book(book_data)

    def _seed_book(self, data: dict[str, Any]) -> None:
        book, created = PriceBook.objects.get_or_create(
            region=data["region"],
            name=data["name"],
            effective_from=data["effective_from"],
            defaults={"status": PriceBook.Status.DRAFT, "notes": data["notes"]},
        )
        label = f"{book.region} '{book.name}' from {book.effective_from}"
        # Keys are added whole (every tier) or not at all, so an edited tier ladder stays as
        # the editor left it.
        have_keys = set(book.rates.values_list("key", flat=True))
        new_rates = [Rate(book=book, **row) for row in data["rates"] if row["key"] not in have_keys]
        Rate.objects.bulk_create(new_rates)
        have_types = set(book.instance_types.values_list("name", flat=True))
        new_types = [InstanceType(book=book, **row) for row in instance_rows(data["instance_types"])
                     if row["name"] not in have_types]
        InstanceType.objects.bulk_create(new_types, batch_size=500)
        if created and data["status"] == PriceBook.Status.PUBLISHED:
            book.status, book.published_at = PriceBook.Status.PUBLISHED, timezone.now()
            book.save(update_fields=["status", "published_at"])
        verb = "created" if created else "published, gaps filled" if book.is_published \
            else "kept"
        self.stdout.write(
            f"{label}: {verb}; {len(new_rates)} rates and {len(new_types)} instance types added"
        )


def instance_rows(table: list[dict[str, Any]] | dict[str, Any]) -> list[dict[str, Any]]:
    """Instance-type rows of a seeded book: a list of rows, or the build script's table (one
    source for all rows; the architecture follows from the name, the burstable types' baseline
    cites its own source)."""
    if isinstance(table, list):
        return table
    rows = []
    for values in table["rows"]:
        row = dict(zip(table["columns"], values, strict=True))
        source = table["source"]
        if row.get("burstable_baseline") is not None:  # as feeds.instance_source
            source += "; burstable baseline: " + table["burstable_source"]
        rows.append({**row, "architecture": architecture_of(row["name"]), "source": source[:500],
                     "read_on": table["read_on"], "confidence": table["confidence"]})
    return rows
