"""A report page is drawn once per (report, language, today's prices, deploy, host) and then
served from the kept HTML, per process and in Redis; the visitor's CSRF token is its own."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from reports import saving, views
from reports.models import Report

WORKLOAD = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
            "front_door": "http_api", "traffic": {"peak_to_average": 3}}
DEAD_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


def save(client: Client) -> str:
    response = client.post("/api/v1/reports", json.dumps(WORKLOAD),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return str(response.json()["code"])


def never(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the kept page should have been served")


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) | set(
        re.findall(r'"X-CSRFToken": "([^"]+)"', html))


def test_second_view_is_the_kept_page_with_the_visitors_own_token(
        client: Client, price_book: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code = save(client)
    first = client.get(f"/r/{code}/").content.decode()
    monkeypatch.setattr(views, "_rendered", never)
    monkeypatch.setattr(views, "_today", never)
    second = client.get(f"/r/{code}/").content.decode()
    assert views.PAGE_PLACEHOLDER not in second
    assert len(tokens(first)) == len(tokens(second)) == 1  # one masked token a response
    assert tokens(first).isdisjoint(tokens(second))
    strip = re.compile(r'(value="|"X-CSRFToken": ")[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)
    # Another visitor gets a token for their own cookie, and it works: the language switch.
    other = Client(enforce_csrf_checks=True)
    html = other.get(f"/r/{code}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = other.post("/i18n/setlang/", {"language": "ko", "next": f"/r/{code}/",
                                             "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    # Korean is another page, drawn once.
    monkeypatch.undo()
    ko = client.get(f"/r/{code}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'lang="ko"' in ko and ko != second


def test_kept_in_the_process_while_redis_is_down(client: Client, price_book: Any,
                                                 settings: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    code = save(client)
    first = client.get(f"/r/{code}/")
    settings.CACHES = DEAD_REDIS
    monkeypatch.setattr(views, "_rendered", never)
    again = client.get(f"/r/{code}/")
    assert again.status_code == 200 and again["ETag"] == first["ETag"]
    assert "report-verdict" in again.content.decode()


def test_a_deleted_report_is_gone_at_once(client: Client, price_book: Any) -> None:
    code = save(client)
    assert client.get(f"/r/{code}/").status_code == 200
    Report.objects.filter(code=code).delete()
    assert client.get(f"/r/{code}/").status_code == 404


def test_a_query_string_is_drawn_afresh_not_kept(client: Client, price_book: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    code = save(client)
    page = client.get(f"/r/{code}/?utm_source=mail").content.decode()
    assert f'name="next" value="/r/{code}/?utm_source=mail"' in page
    plain = client.get(f"/r/{code}/").content.decode()
    assert f'name="next" value="/r/{code}/"' in plain


def test_a_failed_look_at_todays_prices_is_not_kept(client: Client, price_book: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code = save(client)
    real = saving.today
    monkeypatch.setattr(saving, "today", lambda report: {
        "book_changed": False, "totals_changed": False, "result": None, "errors": None})
    assert client.get(f"/r/{code}/").status_code == 200
    monkeypatch.setattr(saving, "today", real)
    calls = []
    monkeypatch.setattr(views, "_rendered", lambda *a: calls.append(a) or real_rendered(*a))
    client.get(f"/r/{code}/")
    assert calls, "the page drawn with a failed look must not have been kept"


real_rendered = views._rendered
