"""The price-book admin as an editor reads it: the book in force marked, tiers "from … to …",
cloning styled as the safe action it is, a draft's rows on a 1366 px screen with a filter."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from advisor.pricebook.admin import tier_text
from advisor.pricebook.models import PriceBook, Rate
from advisor.pricebook.publishing import clone_as_draft

PASSWORD = "a-long-admin-password-1"


@pytest.fixture
def admin_client(db: Any) -> Client:
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client = Client()
    client.login(username="root", password=PASSWORD)
    return client


def test_book_list_marks_the_book_in_force(admin_client: Client, price_book: PriceBook) -> None:
    draft = clone_as_draft(price_book, user=None, name="Next month")
    html = admin_client.get(reverse("admin:advisor_pricebook_changelist")).content.decode()
    # One book in force per seeded region; the new draft is not one of them.
    in_force = PriceBook.objects.filter(status="published").values("region").distinct().count()
    assert html.count('class="in-force"') == in_force
    row = html[html.index(price_book.name):]
    assert row.index('class="in-force"') < row.index("</tr>")
    assert draft.name in html and "Draft" in html
    assert "admin-pricebook/pricebook.css" in html


def test_tiers_read_from_and_to_in_order(price_book: PriceBook) -> None:
    rows = list(Rate.objects.filter(book=price_book, key="lambda.x86_64.duration"))
    assert [r.tier_upto for r in rows][-1] is None  # the open tier last
    texts = [tier_text(r) for r in rows]
    assert texts == ["from 0 to 6,000,000,000 GB-seconds a month",
                     "from 6,000,000,000 to 15,000,000,000 GB-seconds a month",
                     "above 15,000,000,000 GB-seconds a month (no upper bound)"]
    untiered = Rate.objects.get(book=price_book, key="alb.hourly")
    assert tier_text(untiered) == "-"
    # Bounds passed in (no query) give the same words.
    assert tier_text(rows[1], [Decimal(6e9), Decimal(15e9), None]) == texts[1]


def test_clone_is_not_styled_as_a_delete(admin_client: Client, price_book: PriceBook) -> None:
    html = admin_client.get(reverse("admin:advisor_pricebook_clone",
                                    args=[price_book.pk])).content.decode()
    assert "delete-confirmation" not in html and "clone-confirmation" in html


@pytest.mark.browser
def test_draft_rows_fit_a_1366_screen_and_filter(live_server: Any, browser: Any,
                                                price_book: PriceBook) -> None:
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    draft = clone_as_draft(price_book, user=None, name="Draft for review")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(live_server.url + reverse("admin:advisor_pricebook_change", args=[draft.pk]))
        for group in ("#rates-group",):
            edges = page.evaluate(f"""() => Object.fromEntries([...document.querySelectorAll(
                '{group} thead th')].map(t => [t.textContent.trim(), t.getBoundingClientRect().right]))""")
            for column in ("Source", "Read on", "Confidence", "Delete?"):
                assert edges[column] <= 1366, (group, column, edges)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        rows = "#rates-group tbody tr.form-row:not(.empty-form)"
        total = page.locator(rows).count()
        page.fill("#rates-group .row-filter input", "x86_64.duration")
        assert page.locator(rows + ":not(.filtered-out)").count() == 3 < total
        # Hundreds of instance types have their own list, filtered by book and architecture.
        page.goto(live_server.url + reverse("admin:advisor_instancetype_changelist")
                  + f"?book__id__exact={draft.pk}&architecture__exact=arm64")
        assert page.locator("#result_list tbody tr").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()


def test_a_published_books_prices_read_as_their_source_gave_them(
        admin_client: Client, price_book: PriceBook) -> None:
    html = admin_client.get(reverse("admin:advisor_pricebook_change",
                                    args=[price_book.pk])).content.decode()
    html = re.sub(r">\s+<", "><", html)
    rate = Rate.objects.get(book=price_book, key="alb.hourly")
    assert rate.price == Decimal("0.0225")
    assert '<td class="field-price_shown"><p>0.0225</p></td>' in html
    assert "0.022500000000" not in html  # not padded to the column's decimal places
    tiered = Rate.objects.filter(book=price_book, key="apigw.http.requests",
                                 tier_upto__isnull=False).first()
    assert tiered is not None
    assert f'<td class="field-tier_upto_shown"><p>{int(tiered.tier_upto)}</p></td>' in html


@pytest.mark.browser
def test_a_published_book_fits_a_1366_screen(live_server: Any, browser: Any,
                                             price_book: PriceBook) -> None:
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(live_server.url + reverse("admin:advisor_pricebook_change",
                                            args=[price_book.pk]))
        page.wait_for_selector("#rates-group")
        # Long feed addresses wrap inside the source column.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()
