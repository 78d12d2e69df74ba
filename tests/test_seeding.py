"""The tests' quick seeding (conftest.seed_prices) writes exactly the rows of
`manage.py seed_prices`, so that every test prices with the books `make run` loads."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.management import call_command

from advisor.pricebook.models import InstanceType, PriceBook, Rate


def rows() -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in (PriceBook, Rate, InstanceType):
        # Ids and the times of writing differ from one seeding to the next.
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.name not in ("id", "book", "published_at")
                  and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)]
        key = [] if model is PriceBook else ["book__region", "book__name"]
        out[model.__name__] = sorted(model.objects.values_list(*key, *fields), key=repr)
    return out


def test_quick_seeding_writes_the_commands_rows(price_book: Any,
                                                seed: Callable[[], None]) -> None:
    PriceBook.objects.all().delete()
    seed()  # the quick path (the fixture above ran the command once this session)
    quick = rows()
    PriceBook.objects.all().delete()
    call_command("seed_prices", stdout=io.StringIO())
    assert rows() == quick
    assert len(quick["InstanceType"]) > 5_000 and len(quick["PriceBook"]) == 7
