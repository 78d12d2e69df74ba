"""Shared fixtures: the seeded price book, and Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_pages import record_errors
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# under one unless told that this single-threaded use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: no rate-limit counters or results carried over."""
    from django.core.cache import cache

    from advisor import services
    from advisor.plumbing import cache as safe_cache
    from advisor.plumbing import dbguard, ratelimit
    from advisor.questionnaire import coverage

    cache.clear()
    safe_cache.reset()
    ratelimit.reset()
    dbguard.reset()  # no database back-off carried over from a test that broke the connection
    services.forget_books()  # the price book a process keeps for a few seconds
    coverage.forget()  # and the grades of its rates
    yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A Korean request leaves Korean active in the test thread; later tests start in English."""
    from django.utils import translation

    yield
    translation.deactivate()


# The rows `manage.py seed_prices` writes into an empty database, each value already in the
# database's form: read once from the first real seeding of the run.
_SEEDED: dict[str, Any] = {}


def seed_prices() -> None:
    """What `manage.py seed_prices` loads, as each test's own (rolled back) transaction needs
    it. Into an empty database the command's rows are inserted again with one statement per
    table (the command spends half a second a test preparing the same 5,600 rows); a database
    that already holds books gets the command itself, whose rules (fill gaps, keep edits)
    then apply."""
    from django.db import connection

    from advisor.pricebook.models import InstanceType, PriceBook, Rate

    if _SEEDED and not PriceBook.objects.exists():
        books = {}
        for row in _SEEDED["books"]:
            book = PriceBook.objects.create(**row)
            books[row["region"], row["name"]] = book.pk
        with connection.cursor() as cursor:
            for model in (Rate, InstanceType):
                table, columns, rows = _SEEDED[model.__name__]
                at = columns.index("book_id")
                values = [(*r[:at], books[r[at]], *r[at + 1:]) for r in rows]
                cursor.executemany(
                    f'INSERT INTO {table} ({", ".join(columns)}) '
                    f'VALUES ({", ".join(["%s"] * len(columns))})', values)
        return
    empty = not PriceBook.objects.exists()
    call_command("seed_prices", stdout=io.StringIO())
    if _SEEDED or not empty:
        return
    _SEEDED["books"] = [
        {f.name: getattr(b, f.name) for f in PriceBook._meta.concrete_fields if f.name != "id"}
        for b in PriceBook.objects.order_by("pk")]
    names = {b.pk: (b.region, b.name) for b in PriceBook.objects.all()}
    for model in (Rate, InstanceType):
        fields = [f for f in model._meta.concrete_fields if f.name != "id"]
        rows = []
        for obj in model.objects.order_by("pk"):
            rows.append(tuple(names[obj.book_id] if f.name == "book" else
                              f.get_db_prep_save(getattr(obj, f.attname), connection)
                              for f in fields))
        _SEEDED[model.__name__] = (model._meta.db_table, [f.column for f in fields], rows)


@pytest.fixture
def seed(db: Any) -> Callable[[], None]:
    """seed_prices above, for a test that seeds again (tests/test_seeding.py)."""
    return seed_prices


@pytest.fixture
def price_book(db: Any) -> Any:
    """The seeded us-east-1 book, as `make run` loads it."""
    from advisor.pricebook.models import PriceBook

    seed_prices()
    return PriceBook.objects.get(region="us-east-1", status="published")


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail("Chromium is required here (install Debian's chromium or set CHROMIUM_PATH)")
        pytest.skip("browser tests skipped: no Chromium (install Debian's chromium or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page that records console errors in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = record_errors(context.new_page())
    yield page
    # A request still running (htmx after the last click) would meet the database being
    # emptied for the next test ("database table is locked" on SQLite): let it end first.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5000)
    context.close()
