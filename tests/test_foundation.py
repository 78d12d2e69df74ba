"""The project's foundation: settings from the environment, /healthz, the landing page."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with the given environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off() -> None:
    result = _load_settings({"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_settings_start_with_secret_key_and_debug_off() -> None:
    result = _load_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of true/false"),
        ("DJANGO_HSTS_SECONDS", "soon", "DJANGO_HSTS_SECONDS must be a whole number (got 'soon')"),
        ("REPORTS_PER_HOUR", "-3", "REPORTS_PER_HOUR must be at least 0 (got -3)"),
    ],
)
def test_malformed_environment_value_names_the_variable(name: str, value: str, message: str) -> None:
    result = _load_settings({name: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_healthz_ok(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(client: Client, db: None) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_landing_page_names_the_product(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Lambda or EC2?" in response.content.decode()


def test_seed_prices_is_safe_to_run_twice_and_keeps_edits(price_book) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from django.core.management import call_command

    from advisor.pricebook.models import Rate

    rate = price_book.rates.get(key="lambda.x86_64.requests")
    rate.price = Decimal("0.25")
    rate.edited = True
    rate.save()
    count = Rate.objects.count()
    call_command("seed_prices", stdout=io.StringIO())
    assert Rate.objects.count() == count
    rate.refresh_from_db()
    assert rate.price == Decimal("0.25")


@pytest.mark.browser
def test_browser_sees_product_name(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Lambda or EC2?"
    assert page.errors == []
