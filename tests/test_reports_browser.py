"""Save and share in Chromium: save from the live results, open the link in a fresh browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHARTS = ("chart-cost-data", "chart-breakdown-data", "chart-heatmap-data")


def shown(page: Any) -> dict[str, Any]:
    """The totals and the drawn charts (an SVG per chart, with its traces' names)."""
    for chart in CHARTS:
        page.wait_for_selector(f'[data-chart="{chart}"] svg.main-svg', state="attached")
    return {
        "lambda": page.text_content('[data-total="lambda"]').strip(),
        "ec2": page.text_content('[data-total="ec2"]').strip(),
        "charts": {chart: page.eval_on_selector(
            f'[data-chart="{chart}"]',
            "el => ({svgs: el.querySelectorAll('svg.main-svg').length,"
            " traces: el.data.map(t => [t.type || 'scatter', t.name || '', (t.x || []).length])})")
            for chart in CHARTS},
    }


def test_save_from_results_and_open_the_link_elsewhere(live_server: Any, page: Any, browser: Any,
                                                       price_book: Any) -> None:
    page.goto(live_server.url + "/")
    page.click("a.preset >> nth=1")
    # The start page's address already holds its preset's inputs: wait for this preset's.
    page.wait_for_url(re.compile(r"needs_use_case=event_processing"))
    page.wait_for_selector("#save-and-share")
    live = shown(page)

    page.click("#save-report summary")
    page.fill("#save-report-title", "Review <b>Q3</b>")
    page.click("#save-and-share")
    page.wait_for_url(re.compile(r"/r/[0-9a-f-]{36}/$"))
    url = page.url
    assert shown(page) == live
    assert page.text_content("h1.report-title") == "Review <b>Q3</b>"

    # The link, opened by someone else: a fresh context (no cookies, no session).
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = context.new_page()
        errors: list[str] = []
        other.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        other.on("pageerror", lambda exc: errors.append(str(exc)))
        other.goto(url)
        assert shown(other) == live
        assert other.text_content("#report-verdict").strip()
        assert other.input_value("#share-url") == url
        other.click("#copy-link")
        expect(other.locator("#copy-status")).to_have_text(re.compile(r"\S"))
        # Print view: the charts stay, the buttons go.
        other.emulate_media(media="print")
        assert other.is_visible('[data-chart="chart-cost-data"] svg.main-svg')
        assert not other.is_visible("#copy-link")
        assert errors == []
    finally:
        context.close()
    assert page.errors == []
