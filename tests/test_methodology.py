"""/methodology/: every rule with its source, and the price book in force row by row."""

from __future__ import annotations

import ast
from html import unescape
from pathlib import Path
from typing import Any

from django.test import Client

from advisor.pricebook.prices import book_in_force
from advisor.pricing import rules
from advisor.pricing.catalogue import SPEC_BY_KEY
from advisor.pricing.rules import RULES


def page(client: Client, q: str = "") -> str:
    response = client.get("/methodology/" + q)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_every_rule_with_its_source(client: Client, price_book: Any) -> None:
    html = page(client)
    assert "<h1>How we price</h1>" in html
    for rule in RULES:
        assert rule.title in html and rule.text in html, rule.key
        if rule.source.startswith("http"):
            assert f'href="{rule.source}"' in html


def test_every_price_row_with_source_date_and_confidence(client: Client, price_book: Any) -> None:
    html = page(client)
    book = book_in_force("us-east-1")
    assert book.name in html and "2026-11-01" in html
    rates = list(book.rates.all())
    assert html.count('<tr id="rate-') == len(rates)  # built from the rows, all of them
    for rate in rates:
        assert f"<code>{rate.key}</code>" in html
        assert SPEC_BY_KEY[rate.key].unit in html
        assert rate.source.replace("https://", "") in html  # shown in full, linked
        url = next((w.rstrip(",;)") for w in rate.source.split() if w.startswith("https://")), None)
        if url:
            assert f'href="{url}"' in html
    assert rates[0].read_on.isoformat() in html
    assert "Estimate: an admin should confirm" in html  # confidence shown in words
    for it in book.instance_types.all():
        assert f"<code>{it.name}</code>" in html
    http = html.index("<code>apigw.http.requests</code>")
    assert html.index("300,000,000", http) < html.index("—", http)  # tiers in order


def test_every_regions_book_with_its_sources(client: Client, price_book: Any) -> None:
    from advisor.pricebook.models import PriceBook

    html = page(client)
    for book in PriceBook.objects.filter(status="published"):
        assert f'id="book-{book.region}"' in html
        for rate in book.rates.all():
            assert rate.source.replace("https://", "") in html
    # Every region's load balancer is sourced now (Singapore's from AWS's Price List offer).
    singapore = html[html.index('id="book-ap-southeast-1"'):]
    assert "No source found for" not in singapore[:3000] and "<code>alb.hourly</code>" in singapore
    # The instance types' sources are listed once, with the reserved-instance feed.
    assert "ec2-reservedinstance" in html and "burstable-credits-baseline-concepts" in html


def test_page_follows_an_edited_price(client: Client, price_book: Any) -> None:
    from advisor.pricebook.models import Rate

    Rate.objects.filter(book=price_book, key="nat.hourly").update(source="https://example.test/nat")
    assert "https://example.test/nat" in page(client)


def test_inputs_table_and_results_link(client: Client, price_book: Any) -> None:
    html = page(client)
    assert "<code>traffic.peak_to_average</code>" in html
    assert 'href="/methodology/?region=us-east-1"' in client.get("/").content.decode()


def test_unknown_region_falls_back(client: Client, price_book: Any) -> None:
    assert "AWS list prices" in page(client, "?region=<script>")


def test_rules_module_is_pure() -> None:
    tree = ast.parse(Path(rules.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
            assert not any(n.startswith("django") for n in names)
