"""'Start from measured usage' on /: the htmx view, and the page in Chromium."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.test import Client

from advisor.questionnaire.usage_page import workload_query
from tests import usage_gen as g

INVS = g.invocations(25_664, days=7, seed=11)
SHOTS = Path("/tmp/shots-usage")


def upload(client: Client, name: str, data: bytes, **fields: str) -> Any:
    f = io.BytesIO(data)
    f.name = name
    return client.post("/usage/", {"file": f, **fields}, HTTP_HX_REQUEST="true")


def test_upload_gives_summary_chart_and_the_address(client: Client, price_book: Any) -> None:
    response = upload(client, "tail.txt", g.tail_text(INVS).encode())
    assert response.status_code == 200
    html = response.content.decode()
    assert "25,664 invocations over 7.0 days, mean 83." in html and "at 512 MB" in html
    assert "% cold starts" in html
    assert html.count("<rect") == 168  # one bar an hour of the week
    query = parse_qs(response["HX-Push-Url"].split("?", 1)[1])
    assert query["memory_mb"] == ["512"]
    assert float(query["requests_per_month"][0]) == pytest.approx(
        25_664 * 730 / ((INVS[-1].ts - INVS[0].ts) / 3600), rel=1e-6)
    assert "requests_per_month_low" in query and "traffic_peak_to_average" in query
    # The address is one the questionnaire compares.
    page = client.get(response["HX-Push-Url"])
    assert page.status_code == 200 and b"Some inputs need a change" not in page.content


def test_paste_and_cost_file_bill(client: Client, price_book: Any) -> None:
    response = client.post("/usage/", {"text": g.tail_text(INVS[:500])}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "500 invocations" in response.content.decode()
    lines = g.lambda_cost_lines(INVS) + g.NOISE_LINES
    response = upload(client, "cur.csv.gz", g.gz(g.cur2_csv(lines)), usage_memory_mb="512")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your bill, line by line" in html and "AWSLambda Lambda-GB-Second" in html
    assert "123456789012" not in html and "arn:aws" not in html


@pytest.mark.parametrize("fields, status", [({}, 400), ({"text": "hello"}, 400),
                                            ({"text": "x", "usage_memory_mb": "64"}, 400)])
def test_errors_are_messages_not_500(client: Client, fields: dict[str, str], status: int) -> None:
    response = client.post("/usage/", fields, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert 'role="alert"' in response.content.decode()


def test_csrf_is_checked(price_book: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/usage/", {"text": g.tail_text(INVS[:5])}).status_code == 403


def test_without_htmx_it_redirects_to_the_filled_questionnaire(client: Client) -> None:
    response = client.post("/usage/", {"text": g.tail_text(INVS[:500])})
    assert response.status_code == 302 and "requests_per_month=" in response["Location"]


def test_workload_query_spells_the_form_fields() -> None:
    query = parse_qs(workload_query({"requests_per_month": 10, "duration_ms": 5, "memory_mb": 256,
                                     "traffic": {"peak_to_average": 2.5},
                                     "ranges": {"requests_per_month": [5, 10, 20]}}))
    assert query["traffic_peak_to_average"] == ["2.5"]
    assert query["requests_per_month_low"] == ["5"] and query["requests_per_month_high"] == ["20"]


# --- Chromium --------------------------------------------------------------------------------

@pytest.mark.browser
def test_choosing_a_file_fills_the_form_and_shows_the_summary(live_server: Any, browser: Any,
                                                             price_book: Any,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "tail.txt"
    path.write_text(g.tail_text(INVS))
    cur = tmp_path / "cur.csv"
    cur.write_text(g.cur2_csv(g.lambda_cost_lines(INVS) + g.NOISE_LINES))
    SHOTS.mkdir(exist_ok=True)
    for lang in ("en", "ko"):
        for width, height in ((1366, 900), (390, 844)):
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale="ko-KR" if lang == "ko" else "en-US",
                                          extra_http_headers={"Accept-Language": lang})
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.goto(live_server.url + "/")
            page.click("#usage-start summary")
            page.set_input_files("#usage-file", str(path))
            page.click("#usage-submit")
            page.wait_for_selector("#usage-summary")
            # The questionnaire is swapped in with the measured workload (the start example
            # has 10,000,000 requests a month), and the address holds it.
            page.wait_for_function(
                "() => !['', '10000000'].includes(document.querySelector('#id_requests_per_month').value)")
            page.wait_for_function("() => location.search.includes('requests_per_month_low=')")
            assert page.input_value("#id_memory_mb") == "512"
            assert page.locator("#usage-summary .usage-bars rect").count() == 168
            sentence = page.locator(".usage-sentence").inner_text()
            assert "25,664" in sentence
            if lang == "en":
                assert "invocations over 7.0 days" in sentence and "at 512 MB" in sentence
            rpm = float(page.input_value("#id_requests_per_month"))
            assert rpm == pytest.approx(25_664 * 730 / ((INVS[-1].ts - INVS[0].ts) / 3600),
                                        rel=1e-6)
            page.screenshot(path=str(SHOTS / f"logs-{lang}-{width}.png"), full_page=False)
            page.locator("#usage-start").scroll_into_view_if_needed()
            page.set_input_files("#usage-file", str(cur))
            page.fill("input[name=usage_memory_mb]", "512")
            page.click("#usage-submit")
            page.wait_for_selector(".usage-bill")
            page.locator(".usage-bill").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"bill-{lang}-{width}.png"), full_page=False)
            assert errors == []
            context.close()
    assert len(os.listdir(SHOTS)) >= 8
