"""Production security: `check --deploy`, response headers, the CSP in a browser, cookies
behind a proxy, and the admin sign-in rate limit."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from advisor.plumbing import ratelimit
from advisor.plumbing.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **env})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def _setting(name: str, env: dict[str, str]) -> str:
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = _run(["-c", code], {"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_check_deploy_prints_no_warnings_with_production_settings() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_production_defaults_are_secure() -> None:
    assert _setting("SESSION_COOKIE_SECURE", PRODUCTION_ENV) == "True"
    assert _setting("CSRF_COOKIE_SECURE", PRODUCTION_ENV) == "True"
    assert _setting("SECURE_SSL_REDIRECT", PRODUCTION_ENV) == "True"
    assert _setting("SECURE_HSTS_SECONDS", PRODUCTION_ENV) == "31536000"


def test_plain_http_serving_can_turn_https_only_features_off() -> None:
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SECURE_COOKIES": "false"}
    assert _setting("SESSION_COOKIE_SECURE", env) == "False"
    assert _setting("CSRF_COOKIE_SECURE", env) == "False"
    assert _setting("SECURE_SSL_REDIRECT", env) == "False"


def test_proxy_header_is_trusted_only_when_configured() -> None:
    assert _setting("SECURE_PROXY_SSL_HEADER", PRODUCTION_ENV) == "None"
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_PROXY_SSL_HEADER": "true"}
    assert _setting("SECURE_PROXY_SSL_HEADER", env) == "('HTTP_X_FORWARDED_PROTO', 'https')"


def _assert_security_headers(response: Any) -> None:
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=600; includeSubDomains; preload"


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page/"])
def test_every_response_carries_the_security_headers(client: Client, db: None, settings: Any, path: str) -> None:
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(path, secure=True)
    assert response.status_code in (200, 404)
    _assert_security_headers(response)


def test_csp_allows_only_own_scripts_and_styles() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_hsts_is_not_sent_over_plain_http(client: Client, db: None, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 600
    assert "Strict-Transport-Security" not in client.get("/")


def test_ssl_redirect_honours_the_forwarded_proto_header(client: Client, db: None, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_secure_cookies_are_marked_secure(client: Client, db: None, settings: Any) -> None:
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/", secure=True)
    assert response.cookies["csrftoken"]["secure"] is True


# Admin sign-in rate limit ----------------------------------------------------------------


def _login(client: Client, address: str = "203.0.113.7", **headers: str) -> Any:
    return client.post(
        "/admin/login/",
        {"username": "nobody", "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_admin_login_is_rate_limited_per_address(client: Client, db: None, settings: Any) -> None:
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    settings.ADMIN_LOGIN_WINDOW_SECONDS = 300
    for _ in range(3):
        assert _login(client).status_code == 200  # the form again, with its error
    blocked = _login(client)
    assert blocked.status_code == 429
    # Sliding window: an attempt counts for one window after it, plus at most one of the
    # window's 60 buckets (advisor/plumbing/ratelimit.py).
    assert 300 - 5 <= int(blocked["Retry-After"]) <= 300 + 300 // 60
    body = blocked.content.decode()
    assert "Too many requests" in body
    assert "Traceback" not in body
    assert blocked["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    # Another address is not affected, nor is simply viewing the sign-in page.
    assert _login(client, address="198.51.100.9").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client: Client, db: None, settings: Any) -> None:
    settings.ADMIN_LOGIN_ATTEMPTS = 1
    assert _login(client, **{"X-Forwarded-For": "192.0.2.1"}).status_code == 200
    # A forged header does not buy a fresh budget: REMOTE_ADDR is what counts.
    assert _login(client, **{"X-Forwarded-For": "192.0.2.2"}).status_code == 429


def test_trusted_proxy_hop_is_the_client_address(rf: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert ratelimit.client_address(request) == "203.0.113.7"  # the forged left entry is ignored
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_address(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_address(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_hit_counts_per_scope_and_identity() -> None:
    assert ratelimit.hit("s", "a", 2, 60) is None
    assert ratelimit.hit("s", "a", 2, 60) is None
    wait = ratelimit.hit("s", "a", 2, 60)
    assert wait is not None and 59 <= wait <= 60 + 1  # sliding window: up to W + one bucket
    assert ratelimit.hit("s", "b", 2, 60) is None
    assert ratelimit.hit("other", "a", 2, 60) is None
    assert ratelimit.hit("s", "a", 0, 60) is None  # 0: no limit


# The CSP in a real browser -----------------------------------------------------------------


@pytest.mark.browser
def test_browser_enforces_the_csp(live_server: Any, page: Any) -> None:
    response = page.goto(live_server.url + "/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # An injected inline script must not run; the page's own files load without violations.
    assert page.errors == []
    ran = page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__inlineRan = true';
                   document.body.appendChild(s);
                   return window.__inlineRan === true; }"""
    )
    assert ran is False
    page.wait_for_timeout(100)
    assert any("Content Security Policy" in e for e in page.errors), page.errors


@pytest.mark.browser
def test_csp_holds_through_htmx_swaps_and_charts(live_server: Any, page: Any, price_book: Any) -> None:
    """The real pages under the real policy: charts drawn, an htmx swap, a saved report; not
    one CSP violation (Chromium reports each as a console error)."""
    page.goto(live_server.url + "/")
    page.wait_for_selector("#results [data-chart] svg.main-svg")
    before = page.text_content('[data-total="lambda"]')
    page.fill("#id_requests_per_month", "90000000")
    page.wait_for_function(
        "b => document.querySelector('[data-total=lambda]').textContent !== b", arg=before)
    page.wait_for_selector("#results [data-chart] svg.main-svg")
    page.click("#save-and-share")
    page.wait_for_url("**/r/*/")
    page.wait_for_selector("#results [data-chart] svg.main-svg")
    assert page.locator("#results [data-chart] svg.main-svg").count() >= 3
    assert page.errors == []


def test_ipv6_clients_are_limited_per_64(rf: Any) -> None:
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::10")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    assert ratelimit.client_address(one) == ratelimit.client_address(other) == "2001:db8:1:2::/64"
    assert ratelimit.client_address(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.5")) == "192.0.2.5"


def test_check_deploy_warns_without_a_shared_cache() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = _run(["manage.py", "check", "--deploy"], env)
    assert "advisor.W001" in result.stderr + result.stdout
