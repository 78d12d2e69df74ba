"""The options in Chromium: toggling ECS on Fargate on adds its line to the cost chart and its
column to the bill, without a reload."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHART_SVG = "#results [data-chart] .main-svg"


def test_toggling_fargate_adds_its_line_and_its_bill(live_server: Any, page: Any,
                                                      price_book: Any) -> None:
    page.goto(live_server.url + "/")
    page.wait_for_selector(CHART_SVG)
    page.evaluate("window.__noReload = 7")
    assert page.locator("table.items-fargate").count() == 0
    page.check("#field-options input[value=fargate]")
    page.wait_for_selector("table.items-fargate")
    # The cost chart follows the answer once it comes into view.
    page.locator("#cost-chart").scroll_into_view_if_needed()
    page.wait_for_selector('[data-chart="chart-cost-data"] .main-svg')
    assert page.evaluate("window.__noReload") == 7  # same document: no reload
    # The cost chart has one line per option: Fargate's is drawn, with its legend entry.
    traces = page.evaluate(
        "() => document.querySelector('[data-chart=chart-cost-data]').data"
        ".map(t => t.meta || t.name)")
    assert "fargate" in traces
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "ECS on Fargate + ALB" in legend
    # Its column in the bill, with a total, and its total beside the others.
    bill = page.locator("table.items-fargate")
    assert bill.locator("caption").inner_text() == "ECS on Fargate + ALB"
    assert bill.locator("tfoot td").inner_text().startswith("$")
    assert page.locator('[data-total="fargate"]').inner_text().startswith("$")
    page.wait_for_function("() => location.search.includes('options=fargate')")
    assert page.errors == []
