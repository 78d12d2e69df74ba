"""The measured-hours box in Chromium: filled from the address, said in words, on a phone and
in Korean; a changed box prices again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from advisor.questionnaire.forms import form_data

pytestmark = pytest.mark.browser

DAY = [120, 80, 40, 40, 40, 60, 200, 500, 900, 1000, 1100, 1200,
       1150, 1100, 1050, 1000, 950, 900, 800, 600, 400, 300, 200, 160]
QUERY = urlencode(form_data({
    "requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
    "front_door": "alb", "ec2_scaling": "autoscale", "traffic_profile": "custom",
    "traffic_hourly_weights": ", ".join(map(str, DAY)), "traffic_peak_to_average": ""}),
    doseq=True)


def shot(page: Any, name: str) -> None:
    """Screenshots for a person to look at, when SCREENSHOTS names a folder."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.locator("#field-traffic_hourly_weights").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize(("language", "note"), [
    ("en", "Custom hourly shape: 24 measured hours, busiest hour 2.07 × the mean."),
    ("ko", "측정한 시간별 모양: 24시간, 가장 바쁜 시간대는 평균의 2.07배."),
])
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_measured_hours_fill_the_box_and_fit_the_screen(
        live_server: Any, browser: Any, price_book: Any, language: str, note: str,
        size: tuple[int, int]) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  locale="ko-KR" if language == "ko" else "en-US",
                                  extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/?{QUERY}")
        box = page.locator("#id_traffic_hourly_weights")
        assert box.input_value().startswith("120, 80, 40")
        assert note in page.locator("#id_traffic_hourly_weights_helptext").inner_text()
        assert page.locator("#id_traffic_profile").input_value() == "custom"
        assert page.locator('[data-total="ec2"]').inner_text().startswith("$")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size[0], width
        field = page.locator("#field-traffic_hourly_weights").bounding_box()
        assert field["x"] >= 0 and field["x"] + field["width"] <= size[0]
        shot(page, f"custom-profile-{language}-{size[0]}")
        # Another day in the box prices again (htmx), and a bad one is said beside it.
        before = page.locator('[data-total="ec2"]').inner_text()
        box.fill(", ".join(["1"] * 12 + ["30"] * 12))
        page.wait_for_function(
            "b => document.querySelector('[data-total=\"ec2\"]')?.innerText !== b", arg=before)
        box.fill("1, 2, 3")
        error = page.locator("#err-traffic_hourly_weights")
        error.wait_for(state="visible")
        assert ("(got 3)" in error.inner_text()) if language == "en" else "입력: 3" in error.inner_text()
    finally:
        context.close()
