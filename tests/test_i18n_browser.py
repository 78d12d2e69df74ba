"""Switching to Korean in Chromium: Korean labels, results, reasons and charts, same totals."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHART_SVG = "#results [data-chart] .main-svg"
QUERY = ("?requests_per_month=10000000&duration_ms=120&memory_mb=512&front_door=http_api"
         "&traffic_peak_to_average=3&rate_basis=month&free_tier=on&needs_use_case=pilot"
         "&needs_latency_budget_ms=300&cold_start_rate=0.02&init_duration_ms=400")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def totals(page: Any) -> tuple[str, str]:
    return (page.locator('[data-total="lambda"]').inner_text(),
            page.locator('[data-total="ec2"]').inner_text())


def axis_titles(page: Any) -> list[str]:
    """The axis titles Plotly drew into the SVG of the cost chart."""
    chart = page.locator('#results [data-chart="chart-cost-data"]')
    return [chart.locator(f".g-{axis}title text").first.text_content() for axis in ("x", "y")]


def test_switch_to_korean_and_back(live_server: Any, page: Any, price_book: Any) -> None:
    page.goto(live_server.url + "/" + QUERY)
    page.wait_for_selector(CHART_SVG)
    assert page.locator("html").get_attribute("lang") == "en"
    english_totals = totals(page)
    english_reasons = page.locator(".reasons").inner_text()
    assert axis_titles(page) == ["Requests a month (log scale)", "USD a month (log scale)"]

    page.click('#lang-switch button[value="ko"]')
    page.wait_for_selector('html[lang="ko"]')
    page.wait_for_selector(CHART_SVG)
    # The same inputs, now in Korean.
    assert page.input_value("#id_requests_per_month") == "10000000"
    assert page.locator('label[for="id_requests_per_month"]').inner_text().startswith("월 요청 수")
    assert page.locator("#questionnaire button[type=submit]").inner_text() == "비교"
    assert page.locator(".verdict-headline").inner_text().count("더 저렴합니다") == 1
    assert totals(page) == english_totals
    reasons = page.locator(".reasons").inner_text()
    assert HANGUL.search(reasons) and "콜드 스타트" in reasons
    money = re.compile(r"\$[\d,]+\.\d\d")
    assert sorted(money.findall(reasons)) == sorted(money.findall(english_reasons))
    assert page.locator(".recommendation h3").inner_text().startswith("추천")
    # Chart titles: the captions and the axis titles inside Plotly's SVG.
    assert page.locator("figure.chart-card h3").first.inner_text() == "트래픽에 따른 월 비용"
    assert axis_titles(page) == ["월 요청 수 (로그 스케일)", "월 비용 USD (로그 스케일)"]
    heatmap = page.locator('#results [data-chart="chart-heatmap-data"]')
    assert heatmap.locator(".g-ytitle text").first.text_content() == "실행 시간, ms (로그 스케일)"

    # Typing keeps the language; the switcher returns to the inputs as they are now.
    before = totals(page)[0]
    page.fill("#id_requests_per_month", "90000000")
    page.wait_for_function(
        "b => document.querySelector('[data-total=lambda]').textContent !== b", arg=before)
    assert "월 요청 90,000,000건" in page.locator(".verdict-headline").inner_text()
    page.wait_for_function("() => location.search.includes('requests_per_month=90000000')")
    page.click('#lang-switch button[value="en"]')
    page.wait_for_selector('html[lang="en"]')
    page.wait_for_selector(CHART_SVG)
    assert page.input_value("#id_requests_per_month") == "90000000"
    assert "90,000,000 requests a month" in page.locator(".verdict-headline").inner_text()
    assert page.errors == []
