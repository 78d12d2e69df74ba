"""/methodology/: every rule with its source, and the price book in force row by row."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from advisor.pricebook.prices import book_in_force
from advisor.pricing import rules
from advisor.pricing.catalogue import SPEC_BY_KEY
from advisor.pricing.rules import RULES


def page(client: Client, q: str = "") -> str:
    """The page at /methodology/ followed by ``q`` (a query or a region's path)."""
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
    main = page(client)
    book = book_in_force("us-east-1")
    assert book.name in main and "2026-11-01" in main
    # Every price, with its source, is on the region's own page, linked from this one.
    assert 'href="/methodology/us-east-1/instances/#rates"' in main
    html = page(client, "us-east-1/instances/")
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
    # The instance types are on the region's own page, linked from this one.
    assert 'href="/methodology/us-east-1/instances/"' in main
    types = html
    assert types.count('<tr><th scope="row"><code>') == book.instance_types.count()
    for it in book.instance_types.all():
        assert f"<code>{it.name}</code>" in types
    table = html[html.index('id="rates"'):html.index('id="instance-types"')]
    http = table.index("<code>apigw.http.requests</code>")
    assert table.index("300,000,000", http) < table.index("—", http)  # tiers in order


def test_every_regions_book_with_its_sources(client: Client, price_book: Any) -> None:
    from advisor.pricebook.models import PriceBook

    html = page(client)
    for book in PriceBook.objects.filter(status="published"):
        # Every region is listed here, and its sources are on its own page.
        assert f'id="book-{book.region}"' in html
        assert f'href="/methodology/{book.region}/instances/"' in html
        own = page(client, f"{book.region}/instances/")
        assert f'id="book-{book.region}"' in own
        for rate in book.rates.all():
            assert rate.source.replace("https://", "") in own
    # Every region's load balancer is sourced now (Singapore's from AWS's Price List offer).
    singapore = html[html.index('id="book-ap-southeast-1"'):]
    assert "No source found for" not in singapore[:3000]
    assert "<code>alb.hourly</code>" in page(client, "ap-southeast-1/instances/")
    # The instance types' sources are listed once, with the reserved-instance feed.
    assert "ec2-reservedinstance" in html and "burstable-credits-baseline-concepts" in html


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_is_short_enough_to_read(client: Client, price_book: Any, lang: str) -> None:
    """Under 100 KB: the hundreds of instance types have a page per region."""
    response = client.get("/methodology/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert len(response.content) < 100_000, len(response.content)


def test_a_contents_list_and_the_billing_rules_first(client: Client, price_book: Any) -> None:
    html = page(client)
    contents = html[html.index('<nav class="card contents"'):html.index("</nav>", html.index(
        '<nav class="card contents"'))]
    targets = re.findall(r'href="#([\w-]+)"', contents)
    for target in targets:
        assert f'id="{target}"' in html, target
    sections = {r.section for r in RULES}
    assert {f"section-{s}" for s in sections} <= set(targets)
    assert {"price-book", "regions", "inputs"} <= set(targets)
    # The rules come before the price book and its tables.
    first_rule = html.index(f'id="rule-{RULES[0].key}"')
    assert first_rule < html.index('id="price-book"') < html.index('id="regions"')


def test_an_unknown_regions_instance_page_is_not_found(client: Client, price_book: Any) -> None:
    assert client.get("/methodology/xx-nowhere-1/instances/").status_code == 404


def test_page_follows_an_edited_price(client: Client, price_book: Any) -> None:
    from advisor.pricebook.models import Rate

    Rate.objects.filter(book=price_book, key="nat.hourly").update(source="https://example.test/nat")
    assert "https://example.test/nat" in page(client, "us-east-1/instances/")


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
