"""The questionnaire in Chromium: live updates without reload, charts, presets, messages."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHART_SVG = "#results [data-chart] .main-svg"


def open_page(page: Any, live_server: Any, path: str = "/") -> None:
    page.goto(live_server.url + path)
    page.wait_for_selector(CHART_SVG)


def total(page: Any, side: str) -> str:
    return page.locator(f'[data-total="{side}"]').inner_text()


def test_load_draws_three_charts_without_console_errors(live_server: Any, page: Any,
                                                         price_book: Any) -> None:
    open_page(page, live_server)
    assert page.locator("h1").inner_text() == "Lambda or EC2?"
    assert page.locator("#results [data-chart] svg.main-svg").count() >= 3
    assert page.locator(".js-plotly-plot .heatmaplayer, .js-plotly-plot .hm").count() >= 1
    assert page.errors == []


def test_changing_a_field_updates_totals_without_reload(live_server: Any, page: Any,
                                                        price_book: Any) -> None:
    open_page(page, live_server)
    page.evaluate("window.__noReload = 42")
    before = total(page, "lambda")
    page.fill("#id_requests_per_month", "90000000")
    page.wait_for_function(
        "b => document.querySelector('[data-total=lambda]').textContent !== b", arg=before)
    assert page.evaluate("window.__noReload") == 42  # same document: no reload
    page.wait_for_selector(CHART_SVG)  # charts drawn again after the swap
    page.wait_for_function("() => location.search.includes('requests_per_month=90000000')")
    assert "90,000,000 requests a month" in page.locator(".verdict-headline").inner_text()
    assert "requests a second on average" in page.locator("#rate-echo").inner_text()
    # The URL holds the inputs: a reload restores them.
    page.reload()
    page.wait_for_selector(CHART_SVG)
    assert page.input_value("#id_requests_per_month") == "90000000"
    assert page.errors == []


def test_preset_fills_the_form(live_server: Any, page: Any, price_book: Any) -> None:
    open_page(page, live_server)
    page.evaluate("window.__noReload = 1")
    page.click("a[data-preset=cpu_batch]")
    page.wait_for_function("() => document.querySelector('#id_memory_mb').value === '3538'")
    assert page.input_value("#id_duration_ms") == "20000"
    assert page.input_value("#id_architecture") == "arm64"
    page.wait_for_selector(CHART_SVG)
    assert "5,000,000 requests a month" in page.locator(".verdict-headline").inner_text()
    assert page.evaluate("window.__noReload") == 1
    page.go_back()
    page.wait_for_selector(CHART_SVG)
    assert page.input_value("#id_memory_mb") == "512"  # back restores the earlier inputs
    assert page.errors == []


def test_bad_value_shows_its_message(live_server: Any, page: Any, price_book: Any) -> None:
    open_page(page, live_server)
    page.fill("#id_memory_mb", "20000")
    page.wait_for_function(
        "() => document.querySelector('#err-memory_mb').textContent.includes('10,240')")
    assert page.locator("#err-memory_mb").inner_text() == "Lambda allows at most 10,240 MB."
    page.wait_for_function(
        "() => document.querySelector('#id_memory_mb').getAttribute('aria-invalid') === 'true'")
    assert "Some inputs need a change" in page.locator("#results").inner_text()
    page.fill("#id_memory_mb", "1024")
    page.wait_for_selector(CHART_SVG)
    # The field's marks are cleared once htmx has settled the swap.
    page.wait_for_function("() => !document.querySelector('#id_memory_mb').hasAttribute('aria-invalid')")
    assert page.locator("#err-memory_mb").inner_text() == ""
    assert page.errors == []


def test_error_in_a_closed_section_opens_it(live_server: Any, page: Any, price_book: Any) -> None:
    page.goto(live_server.url + "/?requests_per_month=1000&duration_ms=100&memory_mb=128"
              "&ec2_target_utilization=5")
    assert page.locator("#section-ec2").get_attribute("open") is not None
    assert "between 0.05 and 1" in page.locator("#err-ec2_target_utilization").inner_text()
    assert page.errors == []


def test_preset_shows_its_verdict_and_reasons(live_server: Any, page: Any, price_book: Any) -> None:
    open_page(page, live_server)
    page.click("a[data-preset=scheduled_job]")
    page.wait_for_function(
        "() => document.querySelector('#id_requests_per_month').value === '720'")
    card = page.locator(".recommendation")
    card.wait_for()
    assert "Recommendation: Lambda" in card.locator("h3").inner_text()
    assert card.locator(".reasons li").count() >= 2
    assert "scheduled" in card.inner_text().lower()
    # What would change the answer, and the cost of ownership with operations time.
    assert card.locator("[data-switch]").inner_text() != ""
    assert card.locator('[data-tco="ec2"]').inner_text().startswith("$")
    page.click("a[data-preset=cpu_batch]")
    page.wait_for_function(
        "() => document.querySelector('.recommendation h3').textContent.includes('EC2')")
    assert page.locator(".recommendation .reasons li").count() >= 1
    assert page.errors == []
