"""In Chromium: tick two regions and see the scenario table and its chart; open two saved
reports side by side. Wide and phone screens, English and Korean (screenshots kept in
SHOTS_DIR, /tmp/shots-scenarios by default)."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-scenarios"))
QUERY = ("rate_basis=month&requests_per_month=50000000&duration_ms=120&memory_mb=1024"
         "&region=ap-northeast-2&architecture=x86_64&ec2_purchase=on_demand")
SCREENS = {"wide": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def books(transactional_db: Any) -> None:
    call_command("seed_prices", stdout=io.StringIO())


def _context(browser: Any, screen: str, lang: str) -> Any:
    width, height = SCREENS[screen]
    return browser.new_context(viewport={"width": width, "height": height},
                               locale="ko-KR" if lang == "ko" else "en-US",
                               extra_http_headers={"Accept-Language": lang},
                               is_mobile=screen == "phone", has_touch=screen == "phone")


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways ({width} px)"


def _save(live_server: Any, page: Any, query: str, vary: dict[str, Any] | None) -> str:
    """Save a report through the page's own form (a POST with the CSRF token)."""
    page.goto(live_server.url + "/?" + query)
    page.wait_for_selector("#save-and-share")
    if vary:
        page.evaluate("""vary => {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = 'scenario_vary'; input.value = vary;
            document.getElementById('save-report').appendChild(input);
        }""", json.dumps(vary))
    page.click("#save-and-share")
    page.wait_for_url(re.compile(r"/r/[0-9a-f-]{36}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("screen", ["wide", "phone"])
def test_tick_two_regions_then_compare_two_reports(live_server: Any, browser: Any, books: None,
                                                   screen: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, screen, lang)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server.url + "/?" + QUERY)
        page.wait_for_selector(f'html[lang="{lang}"]', state="attached")
        page.wait_for_selector("#scenarios-form")
        page.check('#scenarios-form input[name="sc_region"][value="us-east-1"]')
        page.check('#scenarios-form input[name="sc_purchase"][value="spot"]')
        page.click("#scenarios-go")
        page.wait_for_selector('[data-chart="chart-scenarios-data"] svg.main-svg')
        rows = page.locator("#scenarios-table tbody tr")
        assert rows.count() == 4
        assert page.locator("#scenarios-table tr.is-own").count() == 1
        traces = page.eval_on_selector('[data-chart="chart-scenarios-data"]',
                                       "el => el.data.map(t => [t.type, t.y.length])")
        assert traces == [["bar", 4], ["bar", 4]]
        # The first row is the cheapest.
        firsts = page.eval_on_selector_all(
            "#scenarios-table tbody tr", "trs => trs.map(tr => tr.dataset.scenario)")
        assert len(firsts) == 4
        page.locator("#scenarios").scroll_into_view_if_needed()
        _no_sideways_scroll(page)
        page.locator("#scenarios").screenshot(path=str(SHOTS / f"panel-{screen}-{lang}.png"))
        page.screenshot(path=str(SHOTS / f"page-{screen}-{lang}.png"), full_page=False)

        # Sorting by EC2 re-draws the table; a row's link makes it the workload.
        page.locator("#scenarios-table thead button.sort").nth(3).click()
        page.wait_for_selector("#scenarios-table button.sort.is-sorted")
        link = page.locator("#scenarios-table a.use-row").first.get_attribute("href")
        assert link.startswith("/?") and "sc_region" not in link

        vary = {"region": ["ap-northeast-2", "us-east-1"]}
        a = _save(live_server, page, QUERY, vary)
        assert page.locator("#scenarios-table tbody tr").count() == 2
        b = _save(live_server, page, QUERY.replace("ap-northeast-2", "us-east-1")
                  .replace("on_demand", "reserved_1y"), None)
        page.goto(f"{live_server.url}/r/{b}/")
        page.click("#compare-reports")
        page.wait_for_selector("#compare-add-code")
        page.fill("#compare-add-code", f"{live_server.url}/r/{a}/")
        page.click("#compare-add button[type=submit]")
        page.wait_for_selector("#compare-totals")
        assert page.locator(".compare-verdict").count() == 2
        inputs = page.text_content("#compare-inputs")
        assert "ap-northeast-2" in inputs and "ec2.purchase" in inputs
        _no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"reports-{screen}-{lang}.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
