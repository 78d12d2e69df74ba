"""Failing dependencies: the database down gives a friendly 503, a dead cache is bypassed,
and the error pages never show a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from advisor.plumbing import cache as app_cache
from advisor.plumbing import ratelimit


def _db_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{User.objects.count()} users")


def _broken_view(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug")


# This module doubles as a URLconf: the real site plus a view that reads the database and one
# that fails, so the handlers are exercised whatever the real pages happen to query.
urlpatterns = [
    path("test-db/", _db_view),
    path("test-bug/", _broken_view),
    path("", include("config.urls")),
]

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def _fresh_cache_state() -> Iterator[None]:
    app_cache.reset()
    yield
    app_cache.reset()


def _database_down() -> Any:
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    )


def _assert_friendly_503(response: Any) -> None:
    assert response.status_code == 503
    body = response.content.decode()
    assert "Temporarily unavailable" in body
    assert "<title>" in body  # rendered from 503.html through base.html, not the plain fallback
    assert "Traceback" not in body and "OperationalError" not in body
    assert response["Retry-After"] == "30"
    assert "Content-Security-Policy" in response


@pytest.mark.urls(__name__)
def test_database_down_gives_the_friendly_503_page(client: Client, db: None, caplog: Any) -> None:
    assert client.get("/test-db/").status_code == 200
    with _database_down(), caplog.at_level(logging.ERROR, logger="advisor.plumbing.middleware"):
        response = client.get("/test-db/")
    _assert_friendly_503(response)
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.urls(__name__)
def test_lost_connection_also_gives_503(client: Client, db: None) -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=InterfaceError("connection already closed")
    ):
        _assert_friendly_503(client.get("/test-db/"))


def test_database_down_gives_json_503_to_api_clients(client: Client, db: None) -> None:
    with _database_down():
        response = client.post(
            "/api/v1/compare", data='{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128}',
            content_type="application/json", headers={"Accept": "application/json"},
        )
    assert response.status_code == 503
    # The API's one error shape (reports/api.py), documented in its OpenAPI document.
    assert list(response.json()) == ["errors"]
    assert "temporarily unavailable" in response.json()["errors"]["__all__"][0]
    assert response["Retry-After"] == "30"


def test_database_down_on_real_pages(client: Client, db: None) -> None:
    with _database_down():
        # The landing page either does not need the database or degrades to the 503 page.
        landing = client.get("/")
        signin = client.post("/admin/login/", {"username": "a", "password": "b"})
        health = client.get("/healthz")
    assert landing.status_code in (200, 503)
    if landing.status_code == 503:
        _assert_friendly_503(landing)
    _assert_friendly_503(signin)
    assert health.status_code == 503
    assert health.json() == {"status": "error", "database": "unreachable"}


@pytest.mark.urls(__name__)
def test_other_errors_get_the_friendly_500_page(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-bug/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body and "a bug" not in body


def test_unknown_address_gets_the_404_page(client: Client, db: None) -> None:
    response = client.get("/r/does-not-exist/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Cache fallback --------------------------------------------------------------------------


def test_cache_helpers_use_the_cache(settings: Any) -> None:
    cache.clear()
    assert app_cache.cache_set("k", {"a": 1}, 60) is True
    assert app_cache.cache_get("k") == {"a": 1}
    calls: list[int] = []
    assert app_cache.cached("k2", lambda: calls.append(1) or 42, 60) == 42
    assert app_cache.cached("k2", lambda: calls.append(1) or 43, 60) == 42
    assert calls == [1]


def test_dead_redis_is_bypassed_and_logged(settings: Any, caplog: Any) -> None:
    settings.CACHES = DEAD_REDIS
    with caplog.at_level(logging.WARNING, logger="advisor.plumbing.cache"):
        assert app_cache.cache_get("k", "fallback") == "fallback"
    assert any("carrying on without the cache" in r.getMessage() for r in caplog.records)
    assert app_cache.cache_set("k", 1, 60) is False
    assert app_cache.cached("k", lambda: 7, 60) == 7


def test_after_a_failure_the_cache_is_skipped_for_a_while(settings: Any) -> None:
    settings.CACHE_RETRY_SECONDS = 60
    broken = mock.Mock()
    broken.get.side_effect = ConnectionError("down")
    with mock.patch.object(app_cache, "cache", broken):
        assert app_cache.cache_get("a") is None
        assert app_cache.cache_get("b") is None
        assert app_cache.cache_set("b", 1) is False
        app_cache.reset()
        assert app_cache.cache_get("c") is None
    assert broken.get.call_count == 2
    assert broken.set.call_count == 0


def test_rate_limiter_counts_in_the_process_when_the_cache_is_down(settings: Any, caplog: Any) -> None:
    settings.CACHES = DEAD_REDIS
    ratelimit.reset()
    with caplog.at_level(logging.WARNING, logger="advisor.plumbing.ratelimit"):
        assert ratelimit.hit("s", "a", 2, 60) is None
        assert ratelimit.hit("s", "a", 2, 60) is None
        for _ in range(3):
            assert ratelimit.hit("s", "a", 2, 60) is not None
        assert ratelimit.hit("s", "b", 2, 60) is None
    said = [r for r in caplog.records if r.name == "advisor.plumbing.ratelimit"]
    assert len(said) == 1 and "counted in each process" in said[0].getMessage()


def test_pages_work_with_redis_down(client: Client, db: None, settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    settings.ADMIN_LOGIN_ATTEMPTS = 1
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
    # The limiter counts in this process instead: the first attempt is answered, the next
    # ones are refused as they would be with the cache.
    assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 200
    for _ in range(2):
        assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 429


def test_comparison_cache_key_is_canonical() -> None:
    key = app_cache.comparison_cache_key({"memory_mb": 1536, "duration_ms": 120.0}, 1, "m")
    assert key == app_cache.comparison_cache_key({"duration_ms": 120.0, "memory_mb": 1536}, 1, "m")
    assert key.startswith("compare:v1:") and len(key) < 250  # memcached's limit, to be safe
    assert key != app_cache.comparison_cache_key({"memory_mb": 1536, "duration_ms": 121.0}, 1, "m")
    assert key != app_cache.comparison_cache_key({"memory_mb": 1536, "duration_ms": 120.0}, 2, "m")
    assert key != app_cache.comparison_cache_key({"memory_mb": 1536, "duration_ms": 120.0}, 1, "n")
    unicode_key = app_cache.comparison_cache_key({"region": "서울\u0000" * 1000}, 1, "m")
    assert unicode_key.isascii() and len(unicode_key) == len(key)


def test_results_and_report_pages_work_with_redis_down(client: Client, price_book: Any,
                                                      settings: Any) -> None:
    """The cached paths (comparison snapshot, API result, kept report HTML, today's totals)
    compute instead when the cache is gone, with the same answer."""
    workload = '{"requests_per_month": 3000000, "duration_ms": 120, "memory_mb": 1536}'
    made = client.post("/api/v1/reports", workload, content_type="application/json")
    assert made.status_code == 201
    report_url = made.json()["url"]
    partial = {"requests_per_month": "3000000", "duration_ms": "120", "memory_mb": "1536"}
    htmx = {"HX-Request": "true", "HX-Target": "results"}
    before = client.post("/api/v1/compare", workload, content_type="application/json").json()
    assert client.get(report_url).status_code == 200

    settings.CACHES = DEAD_REDIS
    assert client.get("/", partial, headers=htmx).status_code == 200
    assert client.get("/", partial).status_code == 200
    page = client.get(report_url)
    assert page.status_code == 200 and 'id="results"' in page.content.decode()
    after = client.post("/api/v1/compare", workload, content_type="application/json")
    assert after.status_code == 200 and after.json() == before


def test_a_results_partial_during_an_outage_is_the_503_page(client: Client, price_book: Any) -> None:
    """The database failing under a comparison is an outage, not bad inputs: the 503 page with
    Retry-After, never a 200 saying "These inputs could not be compared"."""
    partial = {"requests_per_month": "4000000", "duration_ms": "90", "memory_mb": "1024"}
    htmx = {"HX-Request": "true", "HX-Target": "results"}
    for error in (OperationalError("server closed the connection unexpectedly"),
                  InterfaceError("connection already closed")):
        # A keystroke asks for the answer alone, a whole page for the snapshot.
        with mock.patch("advisor.services.snapshot", side_effect=error), \
                mock.patch("advisor.services.answer", side_effect=error):
            fragment = client.get("/", partial, headers=htmx)
            page = client.get("/", partial)
        for response in (fragment, page):
            assert response.status_code == 503
            assert response["Retry-After"] == "30"
            assert "could not be compared" not in response.content.decode()
    with mock.patch("advisor.services.answer", side_effect=ValueError("a bug")):
        # Any other failure is still the inputs' message, logged, not a 500.
        fragment = client.get("/", partial, headers=htmx)
    assert fragment.status_code == 200 and "could not be compared" in fragment.content.decode()
    assert client.get("/", partial, headers=htmx).status_code == 200
