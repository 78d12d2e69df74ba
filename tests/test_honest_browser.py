"""The honest answer in Chromium: a range typed into the form gives the band on the cost chart
and the share of the range; the assumptions strip edits the form."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHART_SVG = "#results [data-chart] .main-svg"
START = "/?requests_per_month=5000000&duration_ms=120&memory_mb=512"


def test_typing_a_range_shows_the_band_and_the_share(live_server: Any, page: Any,
                                                     price_book: Any) -> None:
    page.goto(live_server.url + START)
    page.wait_for_selector(CHART_SVG)
    assert "of the default spreads" in page.locator("[data-share]").inner_text()
    # The range boxes are folded under their field until opened.
    page.evaluate("document.querySelectorAll('.range-fold').forEach(d => d.open = true)")
    page.fill("#id_requests_per_month_low", "2000000")
    page.fill("#id_requests_per_month_high", "200000000")
    page.fill("#id_duration_ms_high", "400")
    page.wait_for_function(
        "() => (document.querySelector('[data-share]') || {}).textContent?.includes("
        "'of the range you gave')")
    share = page.locator("[data-share]").inner_text()
    assert re.search(r"(Lambda|EC2 \+ ALB) is cheaper in (\d+ %|over 99 %|under 1 %) of the "
                     r"range you gave\.", share), share
    # The cost chart follows the answer once it comes into view.
    page.locator("#cost-chart").scroll_into_view_if_needed()
    page.wait_for_selector('[data-chart="chart-cost-data"] .main-svg')
    # The band: a filled area under each line of the cost chart, drawn by Plotly.
    page.wait_for_function(
        "() => { const el = document.querySelector('[data-chart=\"chart-cost-data\"]');"
        " return el && el.data && el.data.filter(t => t.fill === 'tonexty').length === 2; }")
    assert page.locator("#results .js-plotly-plot .scatterlayer path.js-fill").count() >= 2
    # The range of traffic, shaded across the chart.
    assert page.evaluate("() => document.querySelector('[data-chart=\"chart-cost-data\"]')"
                         ".layout.shapes.some(s => s.type === 'rect' && s.x0 === 2000000)")
    # The tornado chart and its table alternative.
    assert page.locator("#ranges .js-plotly-plot").count() == 1
    assert page.locator('[data-sensitivity="requests_per_month"]').count() == 1
    page.wait_for_function("() => location.search.includes('requests_per_month_low=2000000')")
    assert "Requests a month 2,000,000 – 200,000,000" in page.locator("#ranges").inner_text()
    assert page.errors == []


def test_the_assumptions_strip_edits_the_form(live_server: Any, page: Any,
                                              price_book: Any) -> None:
    page.goto(live_server.url + START)
    page.wait_for_selector(CHART_SVG)
    assert "engineer hours" in page.locator("[data-headline]").inner_text()
    page.fill('[data-mirror="needs_ops_hours_per_month"]', "0")
    page.press('[data-mirror="needs_ops_hours_per_month"]', "Enter")
    page.wait_for_function(
        "() => !document.querySelector('[data-headline]').textContent.includes('engineer')")
    assert page.input_value("#id_needs_ops_hours_per_month") == "0"
    assert page.errors == []


def test_the_start_page_shows_its_presets_inputs_in_the_address(live_server: Any, page: Any,
                                                                 price_book: Any) -> None:
    page.goto(live_server.url + "/")
    page.wait_for_selector(CHART_SVG)
    page.wait_for_function("() => location.search.includes('front_door=http_api')"
                           " && location.search.includes('traffic_peak_to_average=3')")
    lambda_total = page.locator('[data-total="lambda"]').inner_text()
    page.reload()  # the address alone gives the same answer
    page.wait_for_selector(CHART_SVG)
    assert page.locator('[data-total="lambda"]').inner_text() == lambda_total
    assert page.errors == []
