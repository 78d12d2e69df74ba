"""A saved report its reader can take further: the calculator link, one name per side, the
inputs as entered apart from derived ones, and caching that never hides today's banner."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.utils import timezone

from advisor.pricebook import publishing
from advisor.pricebook.models import InstanceType, Rate

WORKLOAD = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
            "front_door": "http_api", "traffic": {"peak_to_average": 3},
            "ec2": {"min_instances": 3}, "needs": {"use_case": "pilot"}}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def save(client: Client, body: dict[str, Any] | None = None) -> str:
    response = client.post("/api/v1/reports", json.dumps(body or WORKLOAD),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["code"]


def totals(html: str) -> tuple[str, str]:
    return tuple(re.search(rf'<dd data-total="{side}">(.*?)</dd>', html, re.S).group(1).strip()
                 for side in ("lambda", "ec2"))  # type: ignore[return-value]


def test_open_in_the_calculator_restores_the_inputs(client: Client, price_book: Any) -> None:
    code = save(client)
    page = client.get(f"/r/{code}/").content.decode()
    link = unescape(re.search(r'<a[^>]*id="open-calculator"[^>]*href="([^"]+)"', page).group(1))
    assert link.startswith("/?")
    # Derived inputs are left for the questionnaire to work out again.
    assert "needs_task_vcpus" not in link and "needs_task_memory_mb" not in link
    calculator = client.get(link)
    assert calculator.status_code == 200
    html = calculator.content.decode()
    assert totals(html) == totals(page)
    for name, value in (("requests_per_month", "10000000"), ("duration_ms", "120"),
                        ("memory_mb", "512"), ("ec2_min_instances", "3")):
        assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    assert re.search(r'<option value="http_api" selected>', html)
    assert re.search(r'<option value="pilot" selected>', html)


def test_header_names_each_side_as_the_body_does(client: Client, price_book: Any) -> None:
    code = save(client)
    page = client.get(f"/r/{code}/").content.decode()
    header = re.search(r'<p class="report-verdict"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "Lambda + HTTP API" in header and "EC2 + ALB" in header
    og = re.search(r'<meta property="og:description" content="([^"]*)"', page).group(1)
    assert "Lambda + HTTP API" in unescape(og)
    ko = client.get(f"/r/{code}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    header = re.search(r'<p class="report-verdict"[^>]*>(.*?)</p>', ko, re.S).group(1)
    # The headline's own statement on the result's basis (the AWS bill by default).
    assert ("Lambda + HTTP API 쪽이 EC2 + ALB 쪽보다" in header
            or "EC2 + ALB 쪽이 Lambda + HTTP API 쪽보다" in header)
    assert header.startswith("AWS 청구액 기준으로")


def test_inputs_as_entered_apart_from_derived(client: Client, price_book: Any) -> None:
    code = save(client)
    page = client.get(f"/r/{code}/").content.decode()
    entered = re.search(r'<dl class="inputs-list" aria-labelledby="inputs-entered">(.*?)</dl>',
                        page, re.S).group(1)
    derived = re.search(r'<dl class="inputs-list inputs-derived"[^>]*>(.*?)</dl>', page,
                        re.S).group(1)
    assert "vCPUs one task needs" in derived and "vCPUs one task needs" not in entered
    assert "Memory one task really needs" in derived
    assert "0.289" in derived and "0.289429" not in derived  # 512 / 1,769 MB, 3 figures
    assert "Requests a month" in entered and "Requests a month" not in derived
    # A value the person typed stays "as entered", even for a field with a derived default.
    code = save(client, {**WORKLOAD, "needs": {"task_vcpus": 4}})
    page = client.get(f"/r/{code}/").content.decode()
    entered = re.search(r'<dl class="inputs-list" aria-labelledby="inputs-entered">(.*?)</dl>',
                        page, re.S).group(1)
    assert "vCPUs one task needs" in entered


def test_exports_are_cached_forever(client: Client, price_book: Any) -> None:
    code = save(client)
    for suffix in (".csv", ".json"):
        response = client.get(f"/r/{code}{suffix}")
        assert response.status_code == 200
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "immutable", "max-age=31536000"} <= control, response["Cache-Control"]
    assert "Accept-Language" in client.get(f"/r/{code}.csv")["Vary"]
    # An unknown report is not kept.
    missing = client.get("/r/00000000-0000-4000-8000-000000000000.csv")
    assert missing.status_code == 404 and "immutable" not in missing.get("Cache-Control", "")


def test_report_page_answers_304_until_something_it_shows_changes(client: Client,
                                                                  price_book: Any) -> None:
    code = save(client)
    first = client.get(f"/r/{code}/")
    assert first.status_code == 200
    etag = first["ETag"]
    control = {part.strip() for part in first["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= control
    again = client.get(f"/r/{code}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    # Another language is another page.
    ko = client.get(f"/r/{code}/", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="ko")
    assert ko.status_code == 200 and ko["ETag"] != etag


def test_banner_still_appears_after_a_price_change(client: Client, price_book: Any) -> None:
    code = save(client)
    first = client.get(f"/r/{code}/")
    assert "today-banner" not in first.content.decode()
    etag = first["ETag"]
    assert client.get(f"/r/{code}/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    draft = publishing.clone_as_draft(price_book, user=None, name="Dearer prices")
    Rate.objects.filter(book=draft).update(price=F("price") * 5 + Decimal("0.0000001"))
    InstanceType.objects.filter(book=draft).update(hourly=F("hourly") * 5)
    publishing.publish(draft, timezone.localdate(), user=None)
    from advisor import services
    services.forget_books()

    # The browser's copy is stale: the page comes again, with the banner.
    after = client.get(f"/r/{code}/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert 'id="today-banner"' in after.content.decode()
    assert "Dearer prices" in after.content.decode()
    assert totals(after.content.decode()) == totals(first.content.decode())  # the report's own
